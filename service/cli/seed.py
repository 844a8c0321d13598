"""``chanjiao seed``: reference catalogues (and, from other modules, demo data)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli import demo

app = typer.Typer(help="导入参考目录与演示数据。", no_args_is_help=True)

NOT_READY = "数据库不可用或尚未建表，请先运行 chanjiao db upgrade"
_HEADER = ("表", "文件", "总数", "新增", "更新", "未变", "删除")


@app.command("catalog")
def seed_catalog(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="参考数据文件夹（默认 seed/data）",
            exists=True,
            file_okay=False,
            dir_okay=True,
        ),
    ] = None,
) -> None:
    """导入参考目录（专业、行业、职业、行政区划、重点产业、预警规则）；重复运行不会重复写入。"""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from service.catalog import operations as catalog
    from service.db import session_scope
    from service.errors import AppError

    try:
        with session_scope() as session:
            report = catalog.load_reference(session, data)
    except AppError as error:
        typer.echo(f"错误：{error.message}（未写入任何数据）", err=True)
        raise typer.Exit(2) from None
    except (OperationalError, ProgrammingError) as error:
        typer.echo(f"错误：{NOT_READY}（{type(error.orig).__name__}）", err=True)
        raise typer.Exit(2) from None
    rows = [
        (
            load.table,
            load.file_name + ("（缺失，已跳过）" if load.missing else ""),
            *(
                str(n)
                for n in (load.total, load.inserted, load.updated, load.unchanged, load.deleted)
            ),
        )
        for load in report.values()
    ]
    widths = [max(_width(row[i]) for row in [_HEADER, *rows]) for i in range(len(_HEADER))]
    for row in [_HEADER, *rows]:
        typer.echo(
            "  ".join(
                _pad(cell, width, i >= 2)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
    if any(load.changed for load in report.values()):
        written = sum(load.inserted + load.updated + load.deleted for load in report.values())
        typer.echo(f"参考目录已更新：写入 {written} 行。")
    else:
        typer.echo("参考目录无变化。")


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


# The demo city lives in its own module (service/cli/demo.py); registered here as `seed demo`.
app.command("demo")(demo.seed_demo)
