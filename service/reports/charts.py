"""Charts of the HTML report, drawn server-side as inline SVG (no JavaScript, prints as vectors)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from service.reports.schemas import MismatchRow

SUPPLY_COLOUR = "#4e79a7"
DEMAND_COLOUR = "#f28e2b"
FLOOR_COLOUR = "#c0392b"
# Colour-blind friendly (Tableau 10), distinguishable in greyscale print by the point markers.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
MARKERS = ("circle", "square", "diamond", "triangle")
FONT = "font-family=\"'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif\""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _nice_step(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``value``."""
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def _axis(largest: float, ticks: int = 4) -> tuple[float, float]:
    """(axis maximum, tick step): round steps, the maximum a whole number of them."""
    if largest <= 0:
        return 1.0, 0.25
    step = _nice_step(largest / ticks)
    return step * math.ceil(largest / step - 1e-9), step


# Short level tags, so that 市场营销 (中职) and 市场营销 (高职专科) read apart in a chart.
LEVEL_TAGS = {"中职": "中职", "高职专科": "专科", "职教本科": "本科"}


def _label(row: MismatchRow, width: int = 10) -> str:
    name = row.major_name or row.major_code
    if len(name) > width:
        name = name[: width - 1] + "…"
    tag = LEVEL_TAGS.get(row.level or "")
    return f"{name}（{tag}）" if tag else name


def _bar(value: float | str) -> float:
    """A bar's length: a count shown as “<5” (small-number rule) draws no bar."""
    return 0.0 if isinstance(value, str) else float(value)


def supply_demand_chart(rows: Sequence[MismatchRow], limit: int = 30) -> Markup:
    """Horizontal bars: graduates against demand for the ``limit`` most urgent majors."""
    shown = list(rows[:limit])
    if not shown:
        return Markup("")
    label_w, bar_w, right_pad, row_h, top = 190, 520, 60, 30, 46
    width = label_w + bar_w + right_pad
    height = top + row_h * len(shown) + 30
    axis_max, step = _axis(max(max(_bar(r.graduates), r.demand) for r in shown))
    scale = bar_w / axis_max
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="sd-title" {FONT} font-size="12">',
        '<title id="sd-title">各专业毕业生人数与需求人数</title>',
        f'<rect x="{label_w}" y="8" width="12" height="12" fill="{SUPPLY_COLOUR}"/>',
        f'<text x="{label_w + 18}" y="19">毕业生（供给）</text>',
        f'<rect x="{label_w + 130}" y="8" width="12" height="12" fill="{DEMAND_COLOUR}"/>',
        f'<text x="{label_w + 148}" y="19">需求（岗位＋预测）</text>',
    ]
    for tick in range(round(axis_max / step) + 1):
        value = tick * step
        x = label_w + value * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 24}" '
            'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#555">'
            f"{_number(value)}</text>"
        )
    for i, row in enumerate(shown):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end">'
            f"{escape(_label(row))}<title>{escape(row.major_code)} {escape(row.major_name)}"
            f"（{escape(row.action_label)}）</title></text>"
        )
        for offset, shown_value, colour in (
            (2, row.graduates, SUPPLY_COLOUR),
            (15, row.demand, DEMAND_COLOUR),
        ):
            w = max(_bar(shown_value) * scale, 0.0)
            text = shown_value if isinstance(shown_value, str) else _number(shown_value)
            parts.append(
                f'<rect x="{label_w}" y="{y + offset}" width="{w:.1f}" height="10" '
                f'fill="{colour}"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{y + offset + 10}" font-size="12" fill="#333">'
                f"{escape(text)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if kind == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y:.1f}L{x:.1f} {y + 4:.1f}'
            f'L{x - 4:.1f} {y:.1f}Z" fill="{colour}"/>'
        )
    if kind == "triangle":
        return (
            f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 3:.1f}L{x - 4:.1f} {y + 3:.1f}Z" '
            f'fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="{colour}"/>'


def destination_trend_chart(
    rows: Sequence[MismatchRow], year: int, floor: float, limit: int = 10
) -> Markup:
    """Lines: 毕业去向落实率 by year for the ``limit`` most urgent majors, with the policy floor."""
    series: list[tuple[MismatchRow, list[tuple[int, float]]]] = []
    for row in rows:
        rates = [(h.year, h.destination_rate) for h in row.history]
        rates.append((year, row.destination_rate))
        present = [(y, rate) for y, rate in rates if rate is not None]
        if present:
            series.append((row, present))
        if len(series) == limit:
            break
    if not series:
        return Markup("")
    years = sorted({y for _, points in series for y, _ in points})
    left, top, plot_w, plot_h, legend_w = 48, 20, 430, 240, 250
    width, height = left + plot_w + 20 + legend_w, top + plot_h + 40

    def x_of(y: int) -> float:
        if len(years) == 1:
            return left + plot_w / 2
        return left + plot_w * (y - years[0]) / (years[-1] - years[0])

    def y_of(rate: float) -> float:
        return top + plot_h * (1 - min(max(rate, 0.0), 1.0))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="dr-title" {FONT} font-size="12">',
        '<title id="dr-title">毕业去向落实率趋势</title>',
    ]
    for tick in range(0, 101, 20):
        y = y_of(tick / 100)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e5e5e5"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}%</text>'
        )
    for y in years:
        parts.append(
            f'<text x="{x_of(y):.1f}" y="{top + plot_h + 18}" text-anchor="middle" fill="#555">'
            f"{y}</text>"
        )
    floor_y = y_of(floor)
    parts.append(
        f'<line x1="{left}" y1="{floor_y:.1f}" x2="{left + plot_w}" y2="{floor_y:.1f}" '
        f'stroke="{FLOOR_COLOUR}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        f'<text x="{left + plot_w}" y="{floor_y - 5:.1f}" text-anchor="end" fill="{FLOOR_COLOUR}">'
        f"警戒线 {floor * 100:g}%</text>"
    )
    for i, (row, points) in enumerate(series):
        colour, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
        path = " ".join(
            f"{'M' if j == 0 else 'L'}{x_of(y):.1f} {y_of(rate):.1f}"
            for j, (y, rate) in enumerate(points)
        )
        parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.extend(_marker(marker, x_of(y), y_of(rate), colour) for y, rate in points)
        legend_y = top + 6 + i * 22
        legend_x = left + plot_w + 30
        parts.append(
            f'<line x1="{legend_x}" y1="{legend_y}" x2="{legend_x + 22}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2"/>'
            + _marker(marker, legend_x + 11, legend_y, colour)
            + f'<text x="{legend_x + 28}" y="{legend_y + 4}">{escape(_label(row, 9))}'
            f"（{escape(row.action_label)}）</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
