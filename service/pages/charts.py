"""The apprentice-share chart of the regulator's page, drawn like the report's charts (inline SVG,
no JavaScript, readable in print)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from service.positions.schemas import ShareGroup
from service.reports.charts import FONT, SUPPLY_COLOUR

MAX_LABEL = 12


def share_chart(groups: Sequence[ShareGroup], title: str, chart_id: str, limit: int = 15) -> Markup:
    """Horizontal bars: 学徒岗位 / 在岗职工 for each group (region or industry), largest first."""
    shown = sorted(
        (g for g in groups if g.share is not None), key=lambda g: (-(g.share or 0), g.code)
    )[:limit]
    if not shown:
        return Markup("")
    label_w, bar_w, right_pad, row_h, top = 200, 440, 150, 28, 16
    width, height = label_w + bar_w + right_pad, top + row_h * len(shown) + 8
    largest = max(g.share or 0 for g in shown) or 1.0
    title_id = f"{chart_id}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{title_id}" {FONT} font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]
    for i, group in enumerate(shown):
        y = top + i * row_h
        share = group.share or 0.0
        bar = bar_w * share / largest
        name = group.name if len(group.name) <= MAX_LABEL else group.name[: MAX_LABEL - 1] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar:.1f}" height="16" '
            f'fill="{SUPPLY_COLOUR}"/>'
            f'<text x="{label_w + bar + 6:.1f}" y="{y + 15}" fill="#333">{share * 100:.2f}%'
            f"（{group.apprentices}/{group.staff_count}）</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
