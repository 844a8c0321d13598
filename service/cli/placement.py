"""``chanjiao placement run``: deferred acceptance on an instance file, without a database.

The solver (and numpy under it) is imported inside the command so ``chanjiao --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from matching.placement import PlacementResult

app = typer.Typer(help="实习与学徒岗位的稳定分配（学生提议的延迟接受算法）。", no_args_is_help=True)


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


def _fail(message: str) -> NoReturn:
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(2)


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
    from matching.placement import PlacementError, PlacementInstance, solve_placement

    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"文件不存在：{file}")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"无法读取文件 {file}（应为UTF-8编码的JSON）：{error}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"{file} 不是有效的JSON（第{error.lineno}行第{error.colno}列）：{error.msg}")
    file_seed = data.get("seed", 0) if isinstance(data, dict) else 0
    if isinstance(file_seed, bool) or not isinstance(file_seed, int):
        _fail("seed：应为整数")
    try:
        result = solve_placement(
            PlacementInstance.from_dict(data), seed if seed is not None else file_seed
        )
    except PlacementError as error:
        _fail(str(error))
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_table(result))
    sys.stdout.flush()


def _table(result: PlacementResult) -> str:
    lines = ["学生\t岗位"]
    lines += [f"{student}\t{position}" for student, position in result.assignments.items()]
    lines.append("")
    lines.append(f"已分配 {len(result.assignments)} 人，未分配 {len(result.unassigned)} 人")
    if result.unassigned:
        lines.append("未分配：" + "、".join(result.unassigned))
    if result.unfilled:
        lines.append("空余名额：" + "、".join(f"{p} {n}个" for p, n in result.unfilled.items()))
    if result.blocking_pairs:
        pairs = "、".join(f"{s}→{p}" for s, p in result.blocking_pairs)
        lines.append(f"阻塞对 {len(result.blocking_pairs)} 个（分配不稳定）：{pairs}")
    else:
        lines.append("阻塞对：无（分配稳定）")
    if result.lottery:
        lines.append(
            f"抽签（种子 {result.random_state}）："
            + "、".join(f"{s} {n}号" for s, n in result.lottery.items())
        )
    return "\n".join(lines) + "\n"
