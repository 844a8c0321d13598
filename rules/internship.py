"""The working-time and pay rules of an internship, as pure functions over plain figures.

职业学校学生实习管理规定（教职成〔2021〕4号）: 岗位实习 pay no lower than 80 % of the same post's
wage (第十八条); no overtime and no night shifts (第十六条); working time as the State's standard,
8 hours a day and 40 a week (国务院关于职工工作时间的规定 第三条). Limits and sources come from
``seed/data/compliance_rules.json`` through :class:`rules.screen.ComplianceRules`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.screen import ComplianceRules, Finding

INTERNSHIP_KIND = "internship"  # 岗位实习: the night-shift, overtime and pay rules apply

NIGHT_AND_OVERTIME_SOURCE = (
    "《职业学校学生实习管理规定》（教职成〔2021〕4号）第十六条：不得安排学生加班和上夜班"
)

FINDING_LABELS = {
    "daily_hours_exceeded": "日工作时长超标",
    "weekly_hours_exceeded": "周工作时长超标",
    "night_shift": "安排夜班",
    "overtime": "安排加班",
    "logs_stopped": "实习周志中断两周",
    "evaluation_due": "实习评价待完成",
}


@dataclass(frozen=True)
class WeekFacts:
    """What a weekly log says: the hours of each day worked (or the total and the days), and
    whether there was a night shift or overtime."""

    kind: str
    days_worked: int
    total_hours: float
    max_daily_hours: float
    night_shift: bool
    overtime: bool


def _number(value: float) -> str:
    return f"{value:g}"


def week_findings(facts: WeekFacts, rules: ComplianceRules) -> list[Finding]:
    """The breaches a weekly log shows (empty when it keeps every rule)."""
    findings: list[Finding] = []
    hours_source = rules.sources["hours"]
    if facts.max_daily_hours > rules.max_hours_per_day:
        findings.append(
            Finding(
                code="daily_hours_exceeded",
                severity="blocking",
                field="daily_hours",
                message=(
                    f"单日工作{_number(facts.max_daily_hours)}小时，超过每日"
                    f"{_number(rules.max_hours_per_day)}小时的上限"
                ),
                rule="max_hours_per_day",
                source=hours_source,
            )
        )
    if facts.total_hours > rules.max_hours_per_week:
        findings.append(
            Finding(
                code="weekly_hours_exceeded",
                severity="blocking",
                field="total_hours",
                message=(
                    f"本周工作{_number(facts.total_hours)}小时，超过每周"
                    f"{_number(rules.max_hours_per_week)}小时的上限"
                ),
                rule="max_hours_per_week",
                source=hours_source,
            )
        )
    if facts.kind == INTERNSHIP_KIND and facts.night_shift:
        findings.append(
            Finding(
                code="night_shift",
                severity="blocking",
                field="night_shift",
                message="岗位实习期间安排了夜班",
                rule="no_night_shift",
                source=NIGHT_AND_OVERTIME_SOURCE,
            )
        )
    if facts.kind == INTERNSHIP_KIND and facts.overtime:
        findings.append(
            Finding(
                code="overtime",
                severity="blocking",
                field="overtime",
                message="岗位实习期间安排了加班",
                rule="no_overtime",
                source=NIGHT_AND_OVERTIME_SOURCE,
            )
        )
    return findings


def pay_floor(same_post_wage: float | None, rules: ComplianceRules) -> float | None:
    """The lowest monthly pay of a 岗位实习 on a post paid ``same_post_wage`` (None: unknown)."""
    if same_post_wage is None or same_post_wage <= 0:
        return None
    return same_post_wage * rules.internship_pay_min_share


def terms_findings(
    kind: str,
    monthly_pay: float | None,
    same_post_wage: float | None,
    hours_per_day: float | None,
    hours_per_week: float | None,
    rules: ComplianceRules,
) -> list[Finding]:
    """What an agreement's terms break: pay under the floor (岗位实习), hours over the limits."""
    findings: list[Finding] = []
    if (
        kind == INTERNSHIP_KIND
        and monthly_pay is not None
        and same_post_wage is not None
        and same_post_wage > 0
        and monthly_pay / same_post_wage < rules.internship_pay_min_share
    ):
        findings.append(
            Finding(
                code="internship_pay_below_share",
                severity="blocking",
                field="monthly_pay",
                message=(
                    f"实习报酬每月{_number(monthly_pay)}元，低于同岗位工资"
                    f"{_number(same_post_wage)}元的{rules.internship_pay_min_share:.0%}"
                ),
                rule="internship_pay_min_share",
                source=rules.sources["internship_pay"],
            )
        )
    for field, hours, limit, period in (
        ("hours_per_day", hours_per_day, rules.max_hours_per_day, "每日"),
        ("hours_per_week", hours_per_week, rules.max_hours_per_week, "每周"),
    ):
        if hours is not None and hours > limit:
            findings.append(
                Finding(
                    code=f"{field}_exceeded",
                    severity="blocking",
                    field=field,
                    message=f"{period}工作{_number(hours)}小时，超过{_number(limit)}小时的上限",
                    rule=f"max_{field}",
                    source=rules.sources["hours"],
                )
            )
    return findings
