"""The three lists as files: CSV (UTF-8 with a BOM, for Excel), XLSX and printable HTML."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from service.export_cells import append_row, clean_text, csv_cell, html_table, html_text
from service.lists.schemas import RegionList
from service.reports.exporters import MEDIA_TYPES, ReportFile, _beijing_time, _sheet_header

ASCII_NAMES = {"talent-demand": "talent_demand", "industry": "industry", "policy-support": "policy"}


def _percent_free(value: float | None) -> Any:
    return "" if value is None else value


def table(result: RegionList) -> tuple[list[str], list[list[Any]]]:
    """The list's header and rows, in the order it is published."""
    if result.talent_demand is not None:
        return (
            ["紧缺排名", "专业代码", "专业名称", "层次", "需求人数", "毕业生人数", "供求比",
             "缺口"],
            [
                [r.rank, r.major_code, r.major_name, r.level, r.demand, r.graduates,
                 _percent_free(r.ratio), _percent_free(r.gap)]
                for r in result.talent_demand
            ],
        )  # fmt: skip
    if result.industries is not None:
        return (
            ["产业", "类别", "本地增列", "行业代码（GB/T 4754）", "已核验企业数", "在招岗位数",
             "在招人数", "服务专业", "专业点数", "依据"],
            [
                [r.name, r.category, "是" if r.own else "否", "、".join(r.industry_codes),
                 r.enterprises, r.open_positions, r.open_headcount, "、".join(r.major_codes),
                 r.programmes, r.source]
                for r in result.industries
            ],
        )  # fmt: skip
    return (
        ["措施", "支持方式", "发文机关", "文号", "条款", "支持对象", "上限（万元）", "说明",
         "增列地区"],
        [
            [m.title, m.kind, m.issuer, m.document_no, m.clause, m.eligible,
             _percent_free(m.amount_cap_wan_yuan), m.amount_note, m.region_code or ""]
            for m in result.measures or []
        ],
    )  # fmt: skip


def occupation_table(result: RegionList) -> tuple[list[str], list[list[Any]]] | None:
    """人才需求清单 by occupation, when the list has any (CSV keeps to the table by major)."""
    if not result.talent_demand_by_occupation:
        return None
    return (
        ["排名", "职业代码", "职业名称", "岗位需求人数", "预测需求人数", "需求人数",
         "实习岗位人数"],
        [
            [r.rank, r.occupation_code, r.occupation_name, r.position_demand, r.forecast_demand,
             r.demand, r.internship_places]
            for r in result.talent_demand_by_occupation
        ],
    )  # fmt: skip


def _status_line(result: RegionList) -> str:
    if result.status == "published" and result.published_at is not None:
        return (
            f"第 {result.version} 版，{_beijing_time(result.published_at)} 由{result.publisher}发布"
        )
    if result.status == "draft":
        return f"草稿{'' if result.version is None else f'第 {result.version} 版'}（未发布）"
    return "按平台当前数据实时计算（尚未发布）"


def to_csv(result: RegionList) -> bytes:
    headers, rows = table(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in headers])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(result: RegionList) -> bytes:
    headers, rows = table(result)
    book = Workbook()
    sheet = book.active
    sheet.title = clean_text(result.title)
    _sheet_header(sheet, headers, [16] * len(headers))
    for row in rows:
        append_row(sheet, row)
    by_occupation = occupation_table(result)
    if by_occupation is not None:
        extra = book.create_sheet("按职业")
        _sheet_header(extra, by_occupation[0], [16] * len(by_occupation[0]))
        for row in by_occupation[1]:
            append_row(extra, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_html(result: RegionList) -> bytes:
    title = html_text(f"{result.region_name}{result.year}年{result.title}")
    tables = html_table(*table(result))
    by_occupation = occupation_table(result)
    if by_occupation is not None:
        tables += "<h2>按职业（职业分类大典2022）</h2>" + html_table(*by_occupation)
    page = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}"
        f"</style></head><body><h1>{title}</h1><p>行政区划代码 {result.region}；"
        f"{html_text(_status_line(result))}；生成时间 {_beijing_time(result.generated_at)}</p>"
        f"{tables}</body></html>"
    )
    return page.encode("utf-8")


def export(result: RegionList, fmt: str) -> ReportFile:
    render = {"csv": to_csv, "xlsx": to_xlsx, "html": to_html}[fmt]
    name = f"{result.title}_{result.region}{result.region_name}_{result.year}.{fmt}"
    ascii_name = f"{ASCII_NAMES[result.kind]}_{result.region}_{result.year}.{fmt}"
    return ReportFile(render(result), MEDIA_TYPES[fmt], name, ascii_name)
