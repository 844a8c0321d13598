"""``chanjiao catalog``: look-ups in the reference catalogues."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from service.cli.seed import NOT_READY

app = typer.Typer(help="参考目录查询。", no_args_is_help=True)


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


@app.command("resolve")
def resolve(
    name: Annotated[str, typer.Argument(help="专业名称或代码，如“软件技术（移动应用开发方向）”")],
    level: Annotated[
        str | None, typer.Option("--level", help="层次：中职 / 高职专科 / 职教本科")
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="输出格式：json 或 table")
    ] = OutputFormat.table,
) -> None:
    """把不规范的专业名称对应到专业目录；无法确定时列出候选。"""
    # Imported here so that `chanjiao --help` stays quick (no scikit-learn, no database layer).
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from service.catalog import operations as catalog
    from service.db import session_scope
    from service.errors import AppError

    try:
        with session_scope(write=False) as session:
            resolution = catalog.resolve_major(session, name, level)
    except AppError as error:
        hints = "；".join(detail["message"] for detail in error.details)
        typer.echo(f"错误：{error.message}" + (f"（{hints}）" if hints else ""), err=True)
        raise typer.Exit(2) from None
    except (OperationalError, ProgrammingError) as error:
        typer.echo(f"错误：{NOT_READY}（{type(error.orig).__name__}）", err=True)
        raise typer.Exit(2) from None
    result = resolution.to_dict()
    if output is OutputFormat.json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if resolution.resolved:
        typer.echo(
            f"{result['input']} → {result['code']} {result['name']}（{result['level']}）"
            f"  方式：{result['method']}  得分：{result['score']:g}"
        )
    else:
        typer.echo(f"{result['input']} → 未能确定")
    if result["candidates"]:
        typer.echo("候选：")
        for candidate in result["candidates"]:
            typer.echo(
                f"  {candidate['code']}  {candidate['name']}（{candidate['level']}）"
                f"  {candidate['score']:g}"
            )
