"""``chanjiao match``: alignment of a major, recommendations for a student, partner programmes.

The matcher's operations pull in numpy and scikit-learn, so they are imported inside each
command: ``chanjiao --help`` stays fast.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from service.cli.db import session_scope
from service.cli.output import fail
from service.errors import AppError

if TYPE_CHECKING:
    from sqlmodel import Session

app = typer.Typer(help="专业与产业对接、岗位推荐、合作专业推荐。", no_args_is_help=True)


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


def _show(
    query: Callable[[Session], dict[str, Any]],
    output: OutputFormat,
    table: Callable[[dict[str, Any]], Iterator[str]],
) -> None:
    """Run ``query`` in a read-only session; print its result as JSON or as ``table``'s lines."""
    try:
        with session_scope(write=False) as session:
            result = query(session)
    except AppError as error:
        fail(error)
    if output is OutputFormat.json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for line in table(result):
        typer.echo(line)


@app.command("align")
def align(
    major: Annotated[str, typer.Option("--major", help="专业代码，如 520201")],
    region: Annotated[
        str | None, typer.Option("--region", help="行政区划代码（计入本地区重点产业与岗位需求）")
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="json 或 table")
    ] = OutputFormat.table,
) -> None:
    """专业对接哪些重点产业：得分及三项证据（清单对应、文本相似度、需求）。"""
    from service.recommendations import operations

    _show(lambda session: operations.major_alignment(session, major, region), output, _alignment)


def _alignment(result: dict[str, Any]) -> Iterator[str]:
    yield (
        f"{result['major_code']} {result['major_name']}（{result['level']}）"
        f"  对接阈值 {result['aligned_threshold']:g}"
    )
    yield f"{'重点产业':<14}{'得分':>8}{'清单':>8}{'文本':>8}{'需求':>8}  清单"
    for item in result["industries"]:
        c = item["components"]
        yield (
            f"{item['industry']:<14}{item['score']:>8.4f}{c['crosswalk']:>8.2f}"
            f"{c['text']:>8.4f}{c['demand']:>8.4f}  {'、'.join(item['lists'])}"
        )


@app.command("recommend")
def recommend(
    student: Annotated[str, typer.Option("--student", help="学生ID，或“学校标识码/学号”")],
    k: Annotated[int, typer.Option("--k", help="推荐条数")] = 20,
    output: Annotated[OutputFormat, typer.Option("--format", help="json 或 table")] = (
        OutputFormat.json
    ),
) -> None:
    """为学生推荐在招岗位，并说明理由。"""
    from service.recommendations import operations

    _show(
        lambda session: operations.recommend(session, operations.find_student(session, student), k),
        output,
        _recommendations,
    )


def _recommendations(result: dict[str, Any]) -> Iterator[str]:
    for item in result["data"]:
        reasons = item["reasons"]
        yield (
            f"{item['score']:.4f}  {item['title']}（{item['enterprise']}）"
            f"  {reasons['major_label']}  技能：{'、'.join(reasons['matched_skills']) or '—'}"
        )


@app.command("partners")
def partners(
    position: Annotated[str, typer.Option("--position", help="岗位ID")],
    k: Annotated[int, typer.Option("--k", help="返回条数")] = 20,
    output: Annotated[OutputFormat, typer.Option("--format", help="json 或 table")] = (
        OutputFormat.json
    ),
) -> None:
    """为岗位推荐可合作的学校专业（订单培养、学徒制）。"""
    from service.recommendations import operations

    try:
        position_id = uuid.UUID(position.strip())
    except ValueError:
        typer.echo("错误：岗位ID格式无效", err=True)
        raise typer.Exit(2) from None
    _show(
        lambda session: operations.candidate_programmes(session, None, position_id, k),
        output,
        _partners,
    )


def _partners(result: dict[str, Any]) -> Iterator[str]:
    for item in result["data"]:
        reasons = item["reasons"]
        yield (
            f"{item['score']:.4f}  {item['school_name']} {item['major_name']}（{item['level']}）"
            f"  {reasons['major_label']}  即将毕业{reasons['coming_cohort']}人"
            f"  {reasons['distance_label']}"
        )
