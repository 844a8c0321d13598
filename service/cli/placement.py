"""``chanjiao placement run``: deferred acceptance on an instance file, without a database.

The work is in :mod:`service.cli.placement_run`, which `service.cli.main` also calls directly for
the plain form of the command (no typer); the solver and numpy load inside it.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from service.cli import placement_run

app = typer.Typer(help="实习与学徒岗位的稳定分配（学生提议的延迟接受算法）。", no_args_is_help=True)


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


@app.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="实例文件（JSON）：students、positions 等")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="json / table")] = OutputFormat.json,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="同序抽签的随机种子（默认取文件中的 seed，否则为0）"),
    ] = None,
) -> None:
    """求学生最优的稳定分配；输出分配、未分配学生、空余名额和阻塞对（稳定时为空）。"""
    code = placement_run.run(str(file), fmt.value, seed)
    if code:
        raise typer.Exit(code)
