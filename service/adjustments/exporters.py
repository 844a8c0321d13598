"""The region's adjustments as files: the 备案表 as CSV (UTF-8 with a BOM), XLSX with a summary
sheet, and a printable HTML page."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from service.adjustments.schemas import RegionAdjustments
from service.export_cells import append_row, csv_cell, html_table, html_text
from service.reports.exporters import MEDIA_TYPES, ReportFile, _sheet_header

FILING_HEADERS = [
    "序号", "学校标识码", "学校名称", "调整类型", "专业代码", "专业名称", "层次",
    "调整后专业代码", "调整后专业名称", "原招生计划", "调整后招生计划", "是否与预警相反",
    "审核结果", "审核意见", "审核日期",
]  # fmt: skip


def filing_rows(result: RegionAdjustments) -> list[list[Any]]:
    return [
        [r.number, r.school_code, r.school_name, r.kind_label, r.major_code, r.major_name,
         r.level, r.target_major_code, r.target_major_name,
         "" if r.plan_before is None else r.plan_before,
         "" if r.plan_after is None else r.plan_after,
         r.against_warning, r.decision_label, r.comment, r.decided_on]
        for r in result.filing
    ]  # fmt: skip


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def summary_rows(result: RegionAdjustments) -> list[list[Any]]:
    rows: list[list[Any]] = [["申请类型", "待审核", "退回修改", "已批准", "不予批准", "合计"]]
    for k in result.by_kind:
        rows.append(
            [k.kind_label, k.counts["submitted"], k.counts["returned"], k.counts["approved"],
             k.counts["refused"], k.total]
        )  # fmt: skip
    rows.append([])
    rows.append(["新开设专业点数", result.new_majors])
    rows.append(["其中服务重点产业", result.new_majors_priority])
    rows.append(["专业与产业匹配（监测指标4.1）", _percent(result.priority_share)])
    rows.append(["预警专业已响应", result.warnings_acted])
    rows.append(["预警专业未响应", result.warnings_not_acted])
    return rows


def _title(result: RegionAdjustments) -> str:
    return f"{result.region_name}{result.year}年专业动态调整备案表"


def to_csv(result: RegionAdjustments) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FILING_HEADERS)
    writer.writerows([csv_cell(value) for value in row] for row in filing_rows(result))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(result: RegionAdjustments) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "备案表"
    _sheet_header(
        sheet, FILING_HEADERS, [8, 14, 24, 10, 10, 20, 10, 14, 20, 12, 14, 14, 10, 30, 12]
    )
    for row in filing_rows(result):
        append_row(sheet, row)
    summary = book.create_sheet("汇总")
    for row in summary_rows(result):
        append_row(summary, row)
    follow = book.create_sheet("预警响应")
    _sheet_header(follow, ["学校", "专业代码", "专业名称", "预警建议", "是否响应", "申请类型",
                           "申请状态"], [24, 10, 20, 10, 10, 10, 10])  # fmt: skip
    for f in result.follow_up:
        append_row(
            follow,
            [f.school_name, f.major_code, f.major_name, f.action_label, "是" if f.acted else "否",
             f.proposal_kind_label or "", f.proposal_status_label or ""]
        )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_html(result: RegionAdjustments) -> bytes:
    title = html_text(_title(result))
    summary = summary_rows(result)
    industries = html_table(
        ["重点产业", "新开设专业", "停招或撤销专业"],
        [[i.industry, "、".join(i.opened) or "—", "、".join(i.closed) or "—"]
         for i in result.by_industry],
    )  # fmt: skip
    page = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>table{border-collapse:collapse;margin-bottom:1em}"
        "td,th{border:1px solid #999;padding:2px 6px}</style></head><body>"
        f"<h1>{title}</h1><p>行政区划代码 {result.region}</p>"
        f"<h2>申请与审核</h2>{html_table(summary[0], summary[1:6])}"
        f"<p>新开设专业点数 {result.new_majors}，其中服务重点产业 {result.new_majors_priority}，"
        f"专业与产业匹配（监测指标4.1）{_percent(result.priority_share)}；"
        f"预警专业已响应 {result.warnings_acted}，未响应 {result.warnings_not_acted}。</p>"
        f"<h2>按重点产业的专业开设与停撤</h2>{industries}"
        f"<h2>备案表</h2>{html_table(FILING_HEADERS, filing_rows(result))}</body></html>"
    )
    return page.encode("utf-8")


def export(result: RegionAdjustments, fmt: str) -> ReportFile:
    render = {"csv": to_csv, "xlsx": to_xlsx, "html": to_html}[fmt]
    name = f"专业动态调整备案表_{result.region}{result.region_name}_{result.year}.{fmt}"
    ascii_name = f"adjustments_{result.region}_{result.year}.{fmt}"
    return ReportFile(render(result), MEDIA_TYPES[fmt], name, ascii_name)
