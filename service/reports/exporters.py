"""The mismatch report as files: CSV (UTF-8 with a BOM, for Excel), XLSX and printable HTML."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from models import MajorLevel
from rules.adjustment import ACTION_LABELS, ACTION_ORDER, AdjustmentThresholds
from service import clock
from service.export_cells import append_row, clean_text, csv_cell
from service.reports import charts
from service.reports.schemas import MismatchReport, MismatchRow, ReportFormat

if TYPE_CHECKING:
    from jinja2 import Environment

# openpyxl and jinja2 (~0.4 s of imports) load with the first XLSX or HTML file, not with the
# module: `chanjiao report mismatch --format csv` and the JSON answer need neither.

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def file_formats_documented() -> dict[int | str, dict[str, Any]]:
    """The 200 response's other content types (``?format=csv|xlsx|html``), for the OpenAPI."""
    content = {
        media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
        for media in MEDIA_TYPES.values()
    }
    return {
        200: {"description": "JSON，或按 format 参数为 CSV / XLSX / HTML 文件", "content": content}
    }


@dataclass(frozen=True)
class ReportFile:
    """A rendered report and how to name it for download."""

    content: bytes
    media_type: str
    filename: str  # Chinese, for browsers that read RFC 5987
    ascii_filename: str  # the fallback for those that do not

    @property
    def content_disposition(self) -> str:
        return (
            f'attachment; filename="{self.ascii_filename}"; '
            f"filename*=UTF-8''{quote(self.filename)}"
        )


def filenames(report: MismatchReport, fmt: str) -> tuple[str, str]:
    """(Chinese name, ASCII fallback) of a report file."""
    level = f"_{report.level}" if report.level else ""
    ascii_level = f"_{MajorLevel(report.level).name}" if report.level else ""
    return (
        f"专业供需预警_{report.region}{report.region_name}_{report.year}{level}.{fmt}",
        f"mismatch_{report.region}_{report.year}{ascii_level}.{fmt}",
    )


def export(
    report: MismatchReport, fmt: ReportFormat, thresholds: AdjustmentThresholds
) -> ReportFile:
    render: dict[str, Callable[[], bytes]] = {
        "csv": lambda: to_csv(report),
        "xlsx": lambda: to_xlsx(report),
        "html": lambda: to_html(report, thresholds),
    }
    return ReportFile(render[fmt](), MEDIA_TYPES[fmt], *filenames(report, fmt))


# ---------------------------------------------------------------- tabular formats


def _history_text(row: MismatchRow) -> str:
    return "；".join(
        f"{h.year}年 毕业{h.graduates} 需求{_number(h.demand)} "
        f"供求比{_fixed(h.ratio)} 落实率{_percent(h.destination_rate)}"
        for h in row.history
    )


def _number(value: float | str | None) -> str:
    """A figure as text; a count hidden by the small-number rule stays “<5”, a hidden gap “—”."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _fixed(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def figures_source(report: MismatchReport) -> str:
    """Where the figures came from and how fresh the aggregates are, in words."""
    if report.figures_source == "direct" or report.aggregates_refreshed_at is None:
        return "按明细数据直接计算"
    text = f"汇总表（{_beijing_time(report.aggregates_refreshed_at)}刷新"
    if report.pending_changes:
        text += f"，其后有变更的{report.pending_changes}个地区年份或岗位按明细实时计算"
    return text + "）"


def _beijing_time(value: datetime) -> str:
    return clock.local(value).strftime("%Y-%m-%d %H:%M")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# (Chinese header, value, number format for XLSX)
Column = tuple[str, Callable[[MismatchRow], Any], str | None]
COLUMNS: tuple[Column, ...] = (
    ("专业代码", lambda r: r.major_code, None),
    ("专业名称", lambda r: r.major_name, None),
    ("层次", lambda r: r.level, None),
    ("调整建议", lambda r: r.action_label, None),
    ("布点数", lambda r: r.sites, "0"),
    ("毕业生人数", lambda r: r.graduates, "0"),
    ("去向落实人数", lambda r: r.placed, "0"),
    ("毕业去向落实率", lambda r: r.destination_rate, "0.0%"),
    ("对口就业人数", lambda r: r.in_field, "0"),
    ("对口率", lambda r: r.in_field_rate, "0.0%"),
    ("需求人数", lambda r: r.demand, "0.##"),
    ("实习岗位人数", lambda r: r.internship_places, "0.##"),
    ("供求比", lambda r: r.ratio, "0.00"),
    ("缺口（需求−毕业生）", lambda r: r.gap, "0.##"),
    ("历年数据", _history_text, None),
    ("预警说明", lambda r: "；".join(f"【{x.action_label}】{x.message}" for x in r.reasons), None),
    ("政策依据", lambda r: "；".join(dict.fromkeys(x.source for x in r.reasons)), None),
    ("月薪中位数（元）", lambda r: r.median_salary, "0"),
    ("薪资依据人数", lambda r: r.salary_employed, "0"),
)


def to_csv(report: MismatchReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(header) for header, _, _ in COLUMNS])
    for row in report.rows:
        writer.writerow(["" if (v := get(row)) is None else csv_cell(v) for _, get, _ in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_header(sheet: Any, headers: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="4E79A7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "C2"


def to_xlsx(report: MismatchReport) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    main = book.active
    main.title = "专业供需预警"
    widths = [10, 22, 10, 10, 8, 10, 12, 14, 12, 9, 10, 12, 8, 14, 50, 70, 50, 12, 10]
    _sheet_header(main, [header for header, _, _ in COLUMNS], widths)
    for row in report.rows:
        append_row(main, [get(row) for _, get, _ in COLUMNS])
        for cell, (_, _, number_format) in zip(main[main.max_row], COLUMNS, strict=True):
            if number_format is not None:
                cell.number_format = number_format
    main.auto_filter.ref = main.dimensions

    history = book.create_sheet("历年数据")
    _sheet_header(
        history,
        [
            "专业代码",
            "专业名称",
            "年份",
            "毕业生人数",
            "去向落实人数",
            "需求人数",
            "供求比",
            "毕业去向落实率",
        ],
        [10, 22, 8, 10, 12, 10, 8, 14],
    )
    for row in report.rows:
        years = [*row.history]
        for h in years:
            append_row(
                history,
                [
                    row.major_code,
                    row.major_name,
                    h.year,
                    h.graduates,
                    h.placed,
                    h.demand,
                    h.ratio,
                    h.destination_rate,
                ],
            )
        append_row(
            history,
            [
                row.major_code,
                row.major_name,
                report.year,
                row.graduates,
                row.placed,
                row.demand,
                row.ratio,
                row.destination_rate,
            ],
        )
    for cells in history.iter_rows(min_row=2):
        cells[6].number_format = "0.00"
        cells[7].number_format = "0.0%"

    reasons = book.create_sheet("预警依据")
    _sheet_header(
        reasons,
        ["专业代码", "专业名称", "规则", "规则建议", "说明", "阈值", "政策依据"],
        [10, 22, 24, 10, 70, 40, 80],
    )
    for row in report.rows:
        for reason in row.reasons:
            append_row(
                reasons,
                [
                    row.major_code,
                    row.major_name,
                    reason.rule_label,
                    reason.action_label,
                    reason.message,
                    reason.thresholds_text,
                    reason.source,
                ],
            )

    about = book.create_sheet("报告信息")
    for label, value in (
        ("地区", f"{report.region_name}（{report.region}，含下辖地区）"),
        ("年份", report.year),
        ("层次", report.level or "全部"),
        ("政策配置", f"{report.profile_name}（{report.profile}）"),
        ("生成时间", f"{_beijing_time(report.generated_at)}（北京时间）"),
        ("数据来源", figures_source(report)),
        ("小数保护", report.small_number_rule or "—"),
        *((f"{ACTION_LABELS[a]}（专业数）", report.summary.get(a, 0)) for a in ACTION_ORDER),
    ):
        append_row(about, [label, value])
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 40

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- HTML


def _clean_printed(value: Any) -> Any:
    from markupsafe import Markup

    if isinstance(value, Markup):  # the charts' SVG: already escaped, stays markup
        return Markup(clean_text(str(value)))
    return clean_text(value) if isinstance(value, str) else value


@cache
def _templates() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    templates = Environment(
        # Every printed value passes the exports' cell rule (control characters removed) first.
        finalize=_clean_printed,
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates.filters["percent"] = _percent
    templates.filters["fixed"] = _fixed
    templates.filters["number"] = _number
    templates.filters["beijing_time"] = _beijing_time
    templates.filters["figures_source"] = figures_source
    return templates


def to_html(report: MismatchReport, thresholds: AdjustmentThresholds) -> bytes:
    template = _templates().get_template("mismatch.html")
    html = template.render(
        report=report,
        actions=[(a, ACTION_LABELS[a], report.summary.get(a, 0)) for a in ACTION_ORDER],
        flagged=[row for row in report.rows if row.reasons],
        supply_chart=charts.supply_demand_chart(report.rows),
        trend_chart=charts.destination_trend_chart(
            report.rows, report.year, thresholds.destination_floor
        ),
        chart_limit=30,
        trend_limit=10,
        floor=thresholds.destination_floor,
    )
    return html.encode("utf-8")
