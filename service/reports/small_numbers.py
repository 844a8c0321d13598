"""The small-number rule (rules/small_numbers.py) applied where the report's figures leave the
service for a viewer who is not every counted school's own: a school reading its region.

A regulator reads only reports of regions it supervises, and so every school in them is its own;
admins and the command line are national. A school reads its province's reports: a row (or a
year of its history) is the school's own when the school's cohort figures are the whole row.
"""

from __future__ import annotations

from collections.abc import Mapping

from rules import small_numbers as rule
from service.reports.schemas import HistoryYear, MismatchReport, MismatchRow, ReasonPublic

Figures = tuple[int, int, int]
HIDDEN_REASON = "该专业的数字不足5人，按小数保护规则不显示具体数字"


def _int(value: int | str) -> int:
    # Before protection every count is a number; a second pass leaves a masked one masked.
    return value if isinstance(value, int) else rule.SMALL_NUMBER_LIMIT - 1


def protect_history(history: HistoryYear, own: Figures | None) -> HistoryYear:
    graduates, placed = _int(history.graduates), _int(history.placed)
    exact = own is not None and own[:2] == (graduates, placed)
    return history.model_copy(
        update={
            "graduates": rule.shown(graduates, exact),
            "placed": rule.shown(placed, exact),
            "ratio": None if rule.any_small([graduates], exact) else history.ratio,
            "destination_rate": (
                None if rule.any_small([graduates, placed], exact) else history.destination_rate
            ),
        }
    )


def protect_row(row: MismatchRow, year: int, own: Mapping[tuple[str, int], Figures]) -> MismatchRow:
    """The row as a viewer whose own cohorts are ``own`` may read it."""
    graduates, placed, in_field = _int(row.graduates), _int(row.placed), _int(row.in_field)
    exact = own.get((row.major_code, year)) == (graduates, placed, in_field)
    employed = _int(row.salary_employed)
    hidden = [
        name
        for name, counts in (
            ("graduates", [graduates]),
            ("placed", [placed]),
            ("in_field", [in_field]),
            ("destination_rate", [graduates, placed]),
            ("in_field_rate", [graduates, in_field]),
            ("ratio", [graduates]),
            ("gap", [graduates]),
            ("median_salary", [employed]),
        )
        if rule.any_small(counts, exact)
    ]
    reasons = row.reasons
    if any(name in hidden for name in ("graduates", "placed", "in_field")):
        reasons = [
            ReasonPublic.model_validate({**reason.model_dump(), "message": HIDDEN_REASON})
            for reason in row.reasons
        ]
    return row.model_copy(
        update={
            "graduates": rule.shown(graduates, exact),
            "placed": rule.shown(placed, exact),
            "in_field": rule.shown(in_field, exact),
            "destination_rate": None if "destination_rate" in hidden else row.destination_rate,
            "in_field_rate": None if "in_field_rate" in hidden else row.in_field_rate,
            "ratio": None if "ratio" in hidden else row.ratio,
            "gap": None if "gap" in hidden else row.gap,
            "median_salary": None if "median_salary" in hidden else row.median_salary,
            "salary_employed": rule.shown(employed, exact),
            "suppressed": sorted(set(row.suppressed) | set(hidden)),
            "reasons": reasons,
            "history": [protect_history(h, own.get((row.major_code, h.year))) for h in row.history],
        }
    )


def protect_report(
    report: MismatchReport, own: Mapping[tuple[str, int], Figures]
) -> MismatchReport:
    """Every row as a school whose own cohorts are ``own`` may read it."""
    return report.model_copy(
        update={"rows": [protect_row(row, report.year, own) for row in report.rows]}
    )
