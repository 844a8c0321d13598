"""``chanjiao proposals``: the 专业动态调整 proposals and a region's 备案表, as the API gives them.

The operations are imported inside the commands, so that ``chanjiao --help`` stays fast.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from service.cli.db import session_scope
from service.cli.output import fail
from service.errors import AppError

app = typer.Typer(
    help="专业动态调整申请（新增、停招、撤销、调整计划、改造升级）与备案表。", no_args_is_help=True
)

CLI_ACTOR = "cli"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class FileFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"


@app.command("list")
def list_proposals(
    year: Annotated[int | None, typer.Option("--year", help="调整年度")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="窗口所在地区（含下辖地区）")
    ] = None,
    status: Annotated[str | None, typer.Option("--status", help="状态，如 submitted")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="类型，如 open")] = None,
    school: Annotated[str | None, typer.Option("--school", help="学校标识码")] = None,
    page: Annotated[int, typer.Option("--page", min=1, help="页码")] = 1,
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=200, help="每页条数")] = 50,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table / json")] = (
        OutputFormat.table
    ),
) -> None:
    """列出专业调整申请（可按年度、地区、状态、类型、学校筛选）。"""
    from service.adjustments import operations
    from service.adjustments.schemas import ProposalsPublic
    from service.pagination import PageParams

    try:
        with session_scope(write=False) as session:
            rows, count = operations.list_proposals(
                session,
                CLI_ACTOR,
                year=year,
                status=status,
                kind=kind,
                school_code=school,
                region=region,
                page=PageParams(page=page, page_size=page_size),
            )
            result = ProposalsPublic(data=operations.proposals_public(session, rows), count=count)
    except AppError as error:
        fail(error)
    if fmt is OutputFormat.json:
        typer.echo(result.model_dump_json(indent=2))
        return
    typer.echo(f"共{result.count}条")
    for item in result.data:
        target = (
            f" → {item.target_major_name}（{item.target_major_code}）"
            if item.target_major_code
            else ""
        )
        plan = "" if item.planned_enrolment is None else f"  计划{item.planned_enrolment}人"
        against = "  【与预警相反】" if item.against_warning else ""
        typer.echo(
            f"{item.id}  {item.year}年  {item.school_name}  {item.kind_label}  "
            f"{item.major_name}（{item.major_code}）{target}{plan}  {item.status_label}{against}"
        )


@app.command("show")
def show(
    proposal_id: Annotated[uuid.UUID, typer.Argument(help="申请编号")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table / json")] = (
        OutputFormat.table
    ),
) -> None:
    """查看一项申请：学校的理由、平台依据、与预警相反的检查和审核结果。"""
    from service.adjustments import operations

    try:
        with session_scope(write=False) as session:
            item = operations.proposal_public(
                session, operations.read_proposal(session, CLI_ACTOR, proposal_id)
            )
    except AppError as error:
        fail(error)
    if fmt is OutputFormat.json:
        typer.echo(item.model_dump_json(indent=2))
        return
    major = item.evidence.get("major") or {}
    lines = [
        f"申请编号：{item.id}",
        f"学校：{item.school_name}（{item.school_code}）",
        f"类型：{item.kind_label}    状态：{item.status_label}",
        f"专业：{item.major_name}（{item.major_code}，{item.major_level}）",
    ]
    if item.target_major_code:
        lines.append(f"升级后专业：{item.target_major_name}（{item.target_major_code}）")
    if item.planned_enrolment is not None:
        lines.append(f"{item.plan_year}年招生计划：{item.planned_enrolment}人")
    lines.append(f"理由：{item.reason or '—'}")
    lines.append(
        f"依据：{item.evidence.get('region_name', '')}{item.evidence.get('report_year', '')}年"
        f"预警建议{major.get('action_label', '无数据')}，布点数{major.get('sites', '—')}→"
        f"{major.get('sites_after', '—')}"
    )
    for reason in major.get("reasons", []):
        lines.append(f"  【{reason['action_label']}】{reason['message']}")
    if item.against_warning:
        lines.append("与预警相反：" + "；".join(w.label for w in item.warnings))
        lines.append(f"书面说明：{item.justification or '—'}")
    if item.decided_at is not None:
        lines.append(f"审核意见：{item.decision_comment or '—'}")
    for change in item.applied:
        lines.append(
            f"  专业开设变更：{change['major_code']} {change['year']}年计划 "
            f"{change['plan_before'] if change['plan_before'] is not None else '—'} → "
            f"{change['plan_after']}"
        )
    typer.echo("\n".join(lines))


@app.command("export")
def export(
    region: Annotated[str, typer.Option("--region", help="行政区划代码")],
    year: Annotated[int, typer.Option("--year", help="调整年度")],
    fmt: Annotated[FileFormat, typer.Option("--format", help="json / csv / xlsx / html")] = (
        FileFormat.xlsx
    ),
    out: Annotated[
        Path | None, typer.Option("--out", help="输出文件（xlsx 必填；其余默认输出到屏幕）")
    ] = None,
) -> None:
    """导出地区的专业动态调整情况与备案表（监测指标4.1、预警响应）。"""
    if fmt is FileFormat.xlsx and out is None:
        typer.echo("错误：xlsx 格式须用 --out 指定输出文件", err=True)
        raise typer.Exit(2)
    from service.adjustments import exporters, operations

    try:
        with session_scope(write=False) as session:
            result = operations.region_adjustments(session, None, region, year)
    except AppError as error:
        fail(error)
    content = (
        result.model_dump_json(indent=2).encode()
        if fmt is FileFormat.json
        else exporters.export(result, fmt.value).content
    )
    if out is None:
        typer.echo(content.decode("utf-8-sig"))
        return
    out.write_bytes(content)
    typer.echo(f"已导出：{out}（备案 {len(result.filing)} 条）")
