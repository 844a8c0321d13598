"""``chanjiao report``: the mismatch report, the warning snapshots and the three lists."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from service.cli.output import fail

if TYPE_CHECKING:
    pass

app = typer.Typer(help="专业供需报告与预警快照。", no_args_is_help=True)


class ReportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"


@app.command("mismatch")
def mismatch(
    region: Annotated[
        str,
        typer.Option("--region", help="行政区划代码（省、市、县；含下辖地区）；000000 为全国"),
    ],
    year: Annotated[int, typer.Option("--year", help="报告年份（毕业年份）")],
    level: Annotated[
        str | None, typer.Option("--level", help="层次：中职 / 高职专科 / 职教本科")
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="政策配置编号（默认按地区设置）")
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="json / csv / xlsx / html")
    ] = ReportFormat.json,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出文件（xlsx 必填；其余默认输出到屏幕）")
    ] = None,
) -> None:
    """专业供需错配报告：各专业指标、调整建议（撤并/调减/改造升级/扩招/保持）及依据。"""
    if fmt is ReportFormat.xlsx and out is None:
        typer.echo("错误：xlsx 格式须用 --out 指定输出文件", err=True)
        raise typer.Exit(2)
    # Imported here so that `chanjiao --help` stays quick (no numpy, no database layer).
    from service.db import session_scope
    from service.errors import AppError
    from service.reports import operations
    from service.reports.exporters import ReportFile
    from service.reports.operations import MismatchQuery

    query = MismatchQuery(region=region, year=year, level=level, profile=profile)
    try:
        with session_scope(write=False) as session:
            result = operations.mismatch_export(session, query, fmt.value, viewer=None)
    except AppError as error:
        fail(error)
    if isinstance(result, ReportFile):
        content = result.content
    else:
        content = (result.model_dump_json(indent=2) + "\n").encode("utf-8")
    if out is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    out.write_bytes(content)
    typer.echo(f"已写入 {out}", err=True)


class ListKind(StrEnum):
    talent_demand = "talent-demand"
    industry = "industry"
    policy_support = "policy-support"


@app.command("lists")
def lists(
    region: Annotated[str, typer.Option("--region", help="行政区划代码")],
    year: Annotated[int, typer.Option("--year", help="年份")],
    kind: Annotated[
        ListKind | None,
        typer.Option("--list", help="talent-demand / industry / policy-support（默认三张）"),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="json / csv / xlsx / html")
    ] = ReportFormat.json,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="输出文件；不指定 --list 的文件格式为输出目录（xlsx 必填）"),
    ] = None,
) -> None:
    """三张清单：人才需求清单、产业发展清单、政策支持清单。"""
    kinds = [kind] if kind is not None else list(ListKind)
    if out is None and (
        fmt is ReportFormat.xlsx or (kind is None and fmt is not ReportFormat.json)
    ):
        typer.echo("错误：该格式须用 --out 指定输出文件或目录", err=True)
        raise typer.Exit(2)
    from service.db import session_scope
    from service.errors import AppError
    from service.lists import exporters, operations

    try:
        with session_scope(write=False) as session:
            results = [operations.region_list(session, region, k.value, year) for k in kinds]
    except AppError as error:
        fail(error)
    if fmt is ReportFormat.json:
        payload = [r.model_dump(mode="json") for r in results]
        text = json.dumps(payload[0] if kind else payload, ensure_ascii=False, indent=2) + "\n"
        if out is None:
            sys.stdout.write(text)
            return
        out.write_text(text, encoding="utf-8")
        typer.echo(f"已写入 {out}", err=True)
        return
    assert out is not None
    files = [exporters.export(r, fmt.value) for r in results]
    if kind is None:
        out.mkdir(parents=True, exist_ok=True)
        targets = [out / f.ascii_filename for f in files]
    else:
        targets = [out]
    for target, file in zip(targets, files, strict=True):
        target.write_bytes(file.content)
        typer.echo(f"已写入 {target}", err=True)


@app.command("snapshot")
def snapshot(
    region: str | None = typer.Option(
        None, "--region", help="行政区划代码（默认：所有有学校的市级和省级地区）"
    ),
    year: int | None = typer.Option(None, "--year", help="年份（默认：各地区最近有毕业生的年份）"),
) -> None:
    """重新计算并保存预警快照，供逐年比较（与每晚的定时任务相同）。"""
    from rules.adjustment import ACTION_LABELS
    from service.db import session_scope
    from service.errors import AppError
    from service.reports import operations

    try:
        # Compute in a read-only session, then write in a short one (SQLite's single writer).
        with session_scope(write=False) as session:
            prepared = operations.compute_snapshots(session, region_code=region, year=year)
        with session_scope() as session:
            results = operations.write_snapshots(session, prepared)
    except AppError as error:
        fail(error)
    if not results:
        typer.echo("没有可计算的地区（无毕业生数据）")
        return
    for result in results:
        counts = "，".join(
            f"{ACTION_LABELS[action]}{count}" for action, count in result.summary.items() if count
        )
        typer.echo(
            f"{result.region} {result.year}年（{result.profile}）：{result.rows}个专业"
            + (f"，{counts}" if counts else "")
        )


@app.command("alignment")
def alignment(
    school: Annotated[str, typer.Option("--school", help="学校标识码")],
    fmt: Annotated[str, typer.Option("--format", help="json 或 table")] = "table",
) -> None:
    """学校各专业对接的重点产业及对接比例（联合体指标4.1）。"""
    from service.db import session_scope
    from service.errors import AppError
    from service.recommendations import operations as recommendations

    try:
        with session_scope(write=False) as session:
            result = recommendations.school_alignment(session, None, school)
    except AppError as error:
        fail(error)
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    share = result["aligned_share"]
    typer.echo(
        f"{result['school_name']}（{result['school_code']}）：{result['programmes']}个专业，"
        f"对接重点产业{result['aligned_programmes']}个"
        + (f"，占{share:.1%}" if share is not None else "")
    )
    typer.echo(result["threshold_note"])
    for row in result["rows"]:
        top = "、".join(f"{i['industry']} {i['score']:.2f}" for i in row["top_industries"])
        mark = "对接" if row["aligned"] else "未对接"
        typer.echo(f"  {row['major_code']} {row['major_name']}（{row['level']}）{mark}：{top}")


@app.command("refresh")
def refresh(
    full: bool = typer.Option(
        False, "--full", help="全量重建（默认只折算上次刷新后有变更的地区年份与岗位）"
    ),
) -> None:
    """刷新专业供需报告的汇总表（与每分钟的定时任务相同；--full 同每晚的全量重建）。"""
    from service.db import session_scope
    from service.reports import operations

    with session_scope() as session:
        result = operations.refresh_aggregates(session, full=full)
    mode = (
        "全量重建"
        if result.mode == "full"
        else f"增量刷新，重算{result.pairs}个地区年份、{result.positions}个岗位"
    )
    typer.echo(f"汇总表已刷新（{mode}），时间 {result.refreshed_at:%Y-%m-%d %H:%M:%S} UTC")
