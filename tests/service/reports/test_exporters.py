"""The report files: CSV, XLSX and HTML with inline SVG charts (no database needed)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from openpyxl import load_workbook

from rules.adjustment import RULE_IDS, AdjustmentThresholds
from service.reports import charts, exporters
from service.reports.schemas import HistoryYear, MismatchReport, MismatchRow, ReasonPublic

SVG = "{http://www.w3.org/2000/svg}"
NATIONAL = AdjustmentThresholds(
    key="national", name="全国默认", sources=dict.fromkeys(RULE_IDS, "依据")
)


def row(code: str, name: str, action: str, label: str, **figures: object) -> MismatchRow:
    values: dict[str, object] = {
        "major_code": code,
        "major_name": name,
        "level": "高职专科",
        "sites": 2,
        "graduates": 100,
        "placed": 50,
        "in_field": 40,
        "destination_rate": 0.5,
        "in_field_rate": 0.4,
        "demand": 30.5,
        "internship_places": 4.0,
        "ratio": 0.305,
        "gap": -69.5,
        "history": [
            HistoryYear(
                year=2024,
                graduates=90,
                placed=54,
                demand=40.0,
                ratio=0.4444,
                destination_rate=0.6,
            )
        ],
        "action": action,
        "action_label": label,
        "reasons": [],
    }
    values.update(figures)
    return MismatchRow.model_validate(values)


def sample(*rows: MismatchRow) -> MismatchReport:
    summary = dict.fromkeys(("merge_or_close", "reduce", "upgrade", "expand", "keep"), 0)
    for r in rows:
        summary[r.action] += 1
    return MismatchReport(
        region="500106",
        region_name="沙坪坝区",
        year=2025,
        level=None,
        profile="national",
        profile_name="全国默认",
        profile_source="default",
        generated_at=datetime(2025, 9, 1, 8, 30, tzinfo=UTC),
        summary=summary,
        rows=list(rows),
    )


REASON = ReasonPublic(
    rule_id="oversupply",
    action="reduce",
    action_label="调减",
    message="供求比低于0.50（2025年0.31：需求30.5人，毕业生100人）",
    thresholds={"oversupply_ratio": 0.5},
    source="国办发〔2017〕95号",
)
REDUCE = row("410201", "林业技术", "reduce", "调减", reasons=[REASON])
KEEP = row(
    "410202",
    "园林技术",
    "keep",
    "保持",
    graduates=0,
    placed=0,
    in_field=0,
    destination_rate=None,
    in_field_rate=None,
    ratio=None,
    gap=12.0,
    demand=12.0,
    history=[],
)


def test_csv_has_a_bom_crlf_lines_and_empty_cells_for_missing_rates() -> None:
    content = exporters.to_csv(sample(REDUCE, KEEP))

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.count(b"\r\n") == 3
    header, first, second = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    assert header[-5:] == ["历年数据", "预警说明", "政策依据", "月薪中位数（元）", "薪资依据人数"]
    assert first == [
        "410201",
        "林业技术",
        "高职专科",
        "调减",
        "2",
        "100",
        "50",
        "0.5",
        "40",
        "0.4",
        "30.5",
        "4.0",
        "0.305",
        "-69.5",
        "2024年 毕业90 需求40 供求比0.44 落实率60.0%",
        "【调减】供求比低于0.50（2025年0.31：需求30.5人，毕业生100人）",
        "国办发〔2017〕95号",
        "",
        "0",
    ]
    assert (second[7], second[9], second[12], second[14]) == ("", "", "", "")


def test_xlsx_formats_rates_as_percentages_and_describes_the_report() -> None:
    book = load_workbook(io.BytesIO(exporters.to_xlsx(sample(REDUCE, KEEP))))

    main = book["专业供需预警"]
    assert main["H1"].value == "毕业去向落实率"
    assert (main["H2"].value, main["H2"].number_format) == (0.5, "0.0%")
    assert (main["M2"].value, main["M2"].number_format) == (0.305, "0.00")
    assert main["H3"].value is None
    assert main.freeze_panes == "C2"
    about = dict(book["报告信息"].iter_rows(values_only=True))
    assert about["地区"] == "沙坪坝区（500106，含下辖地区）"
    assert about["政策配置"] == "全国默认（national）"
    assert about["生成时间"] == "2025-09-01 16:30（北京时间）"
    assert (about["调减（专业数）"], about["保持（专业数）"]) == (1, 1)
    assert [list(r) for r in book["预警依据"].iter_rows(min_row=2, values_only=True)] == [
        [
            "410201",
            "林业技术",
            "供给过剩",
            "调减",
            REASON.message,
            "供求比低于 0.5",
            "国办发〔2017〕95号",
        ]
    ]


def test_file_names_are_chinese_with_an_ascii_fallback() -> None:
    report = sample(REDUCE).model_copy(update={"level": "中职"})
    file = exporters.export(report, "csv", NATIONAL)
    assert (file.filename, file.ascii_filename) == (
        "专业供需预警_500106沙坪坝区_2025_中职.csv",
        "mismatch_500106_2025_secondary.csv",
    )
    assert file.content_disposition.startswith('attachment; filename="mismatch_500106_2025_')


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", html, re.S)]


def test_html_has_two_well_formed_charts_and_print_rules() -> None:
    html = exporters.to_html(sample(REDUCE, KEEP), NATIONAL).decode()

    supply, trend = svgs(html)
    assert supply.find(f"{SVG}title").text == "各专业毕业生人数与需求人数"  # type: ignore[union-attr]
    assert trend.find(f"{SVG}title").text == "毕业去向落实率趋势"  # type: ignore[union-attr]
    assert "@page { size: A4 landscape" in html
    assert "break-before: page" in html
    assert "<script" not in html
    assert "【调减】供求比低于0.50" in html
    assert "生成时间：2025-09-01 16:30（北京时间）" in html


def test_html_escapes_text_from_the_data() -> None:
    hostile = row("999999", "<script>alert(1)</script>", "keep", "保持")
    html = exporters.to_html(sample(hostile), NATIONAL).decode()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert len(svgs(html)) == 2


def test_an_empty_report_says_so_without_charts() -> None:
    html = exporters.to_html(sample(), NATIONAL).decode()
    assert "该地区该年份没有专业数据" in html
    assert svgs(html) == []


def test_bars_are_proportional_to_the_figures() -> None:
    chart = ET.fromstring(charts.supply_demand_chart([REDUCE, KEEP]))
    bars = [
        (r.get("fill"), float(r.get("width", "0")))
        for r in chart.iter(f"{SVG}rect")
        if r.get("height") == "10"
    ]
    # Axis 0–100 over 520 px: 100 graduates, 30.5 demand; then 0 graduates, 12 demand.
    assert bars == [
        (charts.SUPPLY_COLOUR, 520.0),
        (charts.DEMAND_COLOUR, 158.6),
        (charts.SUPPLY_COLOUR, 0.0),
        (charts.DEMAND_COLOUR, 62.4),
    ]
    ticks = [t.text for t in chart.iter(f"{SVG}text") if t.get("fill") == "#555"]
    assert ticks == ["0", "25", "50", "75", "100"]


def test_the_trend_chart_draws_the_floor_and_one_line_per_major_with_rates() -> None:
    chart = ET.fromstring(charts.destination_trend_chart([REDUCE, KEEP], 2025, 0.6))
    floor = [line for line in chart.iter(f"{SVG}line") if line.get("stroke") == charts.FLOOR_COLOUR]
    assert [(line.get("y1"), line.get("y2")) for line in floor] == [("116.0", "116.0")]
    paths = [p.get("d") for p in chart.iter(f"{SVG}path") if p.get("fill") == "none"]
    # 2024 at 60 %, 2025 at 50 %: x from the left edge to the right, y from the top (20) down.
    assert paths == ["M48.0 116.0 L478.0 140.0"]


def test_axis_maximum_and_steps_are_round() -> None:
    assert charts._axis(300) == (300.0, 100.0)
    assert charts._axis(301) == (400.0, 100.0)
    assert charts._axis(7) == (8.0, 2.0)
    assert charts._axis(0) == (1.0, 0.25)


def test_the_files_say_where_the_figures_come_from() -> None:
    direct = sample(REDUCE, KEEP)
    fresh = direct.model_copy(
        update={
            "figures_source": "aggregates",
            "aggregates_refreshed_at": datetime(2025, 9, 1, 8, 0, tzinfo=UTC),
            "pending_changes": 3,
        }
    )

    assert exporters.figures_source(direct) == "按明细数据直接计算"
    assert exporters.figures_source(fresh) == (
        "汇总表（2025-09-01 16:00刷新，其后有变更的3个地区年份或岗位按明细实时计算）"
    )
    html = exporters.export(fresh, "html", NATIONAL).content.decode("utf-8")
    assert (
        "数据来源：汇总表（2025-09-01 16:00刷新，其后有变更的3个地区年份或岗位按明细实时计算）"
        in html
    )
