"""The structure planted in the demo city: which majors run where, what their figures should say.

Each major of the city's portfolio has a role. A role fixes, year by year (graduation years
2022–2026 and the 2027 outlook), the 供求比 the city's demand should reach against its graduates and
the 毕业去向落实率 its cohorts report. The generator sizes positions and forecasts to those targets;
the mismatch report then has to find the action the role was planted for. Margins are wide on
purpose (0.34 against a 0.5 floor, 2.3 against 1.5, 52 % against 60 %), so rounding and the mix of
positions and forecasts cannot move a major across a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

YEARS: tuple[int, ...] = (2022, 2023, 2024, 2025, 2026)
"""Graduation years with cohorts; 2026 is the report year."""
OUTLOOK_YEAR = 2027
"""The year ahead: forecasts and open positions that start after New Year."""


class PlantedRole(StrEnum):
    """What a major is planted to show; the value is the action the report should give it."""

    keep = "keep"
    expand = "expand"
    oversupply_merge = "oversupply_merge"
    destination_merge = "destination_merge"
    vanishing = "vanishing"
    destination_reduce = "destination_reduce"
    oversupply_reduce = "oversupply_reduce"
    upgrade = "upgrade"

    @property
    def action(self) -> str:
        """The mismatch report's action for this role (rules.adjustment.ACTION_ORDER)."""
        return _ACTIONS[self]


_ACTIONS = {
    PlantedRole.keep: "keep",
    PlantedRole.expand: "expand",
    PlantedRole.oversupply_merge: "merge_or_close",
    PlantedRole.destination_merge: "merge_or_close",
    PlantedRole.vanishing: "merge_or_close",
    PlantedRole.destination_reduce: "reduce",
    PlantedRole.oversupply_reduce: "reduce",
    PlantedRole.upgrade: "upgrade",
}

# 供求比 targets for 2022–2026 and the 2027 outlook. Keep majors draw their own (see generator).
RATIO_TARGETS: dict[PlantedRole, tuple[float, ...]] = {
    PlantedRole.expand: (1.6, 1.75, 1.9, 2.1, 2.3, 2.4),
    PlantedRole.oversupply_merge: (0.68, 0.6, 0.52, 0.42, 0.34, 0.32),
    PlantedRole.destination_merge: (0.9, 0.85, 0.8, 0.78, 0.75, 0.75),
    PlantedRole.vanishing: (1.05, 1.1, 0.8, 0.58, 0.12, 0.08),
    PlantedRole.destination_reduce: (1.0, 0.95, 0.92, 0.9, 0.85, 0.85),
    PlantedRole.oversupply_reduce: (0.95, 0.85, 0.75, 0.64, 0.42, 0.4),
    PlantedRole.upgrade: (1.2, 1.25, 1.1, 0.95, 0.8, 0.75),
}
# 毕业去向落实率 targets for 2022–2026 (each school's cohort within ±DESTINATION_JITTER).
DESTINATION_TARGETS: dict[PlantedRole, tuple[float, ...]] = {
    PlantedRole.expand: (0.96, 0.97, 0.97, 0.98, 0.98),
    PlantedRole.oversupply_merge: (0.86, 0.84, 0.82, 0.8, 0.78),
    PlantedRole.destination_merge: (0.7, 0.66, 0.63, 0.55, 0.52),
    PlantedRole.vanishing: (0.88, 0.86, 0.8, 0.74, 0.7),
    PlantedRole.destination_reduce: (0.84, 0.82, 0.8, 0.75, 0.54),
    PlantedRole.oversupply_reduce: (0.9, 0.88, 0.86, 0.84, 0.8),
    PlantedRole.upgrade: (0.9, 0.9, 0.88, 0.87, 0.86),
}
DESTINATION_JITTER = 0.015
KEEP_RATIO_RANGE = (0.8, 1.2)
KEEP_DESTINATION_RANGE = (0.84, 0.96)
# Every role's enrolment drifts a little each year; schools answer shortages by growing.
ENROLMENT_GROWTH: dict[PlantedRole, float] = {
    PlantedRole.keep: 1.01,
    PlantedRole.expand: 1.06,
    PlantedRole.oversupply_merge: 1.0,
    PlantedRole.destination_merge: 0.99,
    PlantedRole.vanishing: 0.97,
    PlantedRole.destination_reduce: 1.0,
    PlantedRole.oversupply_reduce: 1.01,
    PlantedRole.upgrade: 0.99,
}
# At any --scale a 撤并 for 设置雷同 needs at least 3 sites (national profile).
MIN_SITES: dict[PlantedRole, int] = {PlantedRole.oversupply_merge: 3}


@dataclass(frozen=True)
class MajorPlan:
    """One major of the city's portfolio: how many schools run it (at scale 1) and its role."""

    code: str
    sites: int
    role: PlantedRole
    why: str = ""


# The city's majors by level (高职专科, 中职, 职教本科), planted roles first.
PORTFOLIO: tuple[MajorPlan, ...] = (
    # 高职专科
    MajorPlan("530302", 8, PlantedRole.oversupply_merge, "大数据与会计：8所学校开设，需求不足"),
    MajorPlan("580401", 3, PlantedRole.destination_merge, "法律事务：去向落实率连续两年低于60%"),
    MajorPlan("480302", 2, PlantedRole.vanishing, "印刷媒体技术：岗位需求三年降至约一成"),
    MajorPlan("530605", 4, PlantedRole.destination_reduce, "市场营销：仅2026届去向落实率低于60%"),
    MajorPlan("430701", 2, PlantedRole.upgrade, "建筑材料工程技术：服务建材，需求下降"),
    MajorPlan("480401", 2, PlantedRole.upgrade, "现代纺织技术：服务轻纺，需求下降"),
    MajorPlan("520201", 4, PlantedRole.expand, "护理：紧缺"),
    MajorPlan("520802", 2, PlantedRole.expand, "婴幼儿托育服务与管理：托育紧缺"),
    MajorPlan("590302", 2, PlantedRole.expand, "智慧健康养老服务与管理：养老紧缺"),
    MajorPlan("510401", 2, PlantedRole.expand, "集成电路技术：集成电路新兴产业"),
    MajorPlan("460702", 5, PlantedRole.keep),
    MajorPlan("460701", 3, PlantedRole.keep),
    MajorPlan("460703", 2, PlantedRole.keep),
    MajorPlan("460704", 3, PlantedRole.keep),
    MajorPlan("460103", 4, PlantedRole.keep),
    MajorPlan("460301", 6, PlantedRole.keep),
    MajorPlan("460305", 4, PlantedRole.keep),
    MajorPlan("460306", 4, PlantedRole.keep),
    MajorPlan("510101", 3, PlantedRole.keep),
    MajorPlan("510103", 2, PlantedRole.keep),
    MajorPlan("510201", 6, PlantedRole.keep),
    MajorPlan("510203", 5, PlantedRole.keep),
    MajorPlan("510205", 4, PlantedRole.keep),
    MajorPlan("510211", 2, PlantedRole.keep),
    MajorPlan("490201", 2, PlantedRole.keep, "药品生产技术：服务医药，需求稳定，保持"),
    MajorPlan("470102", 2, PlantedRole.keep),
    MajorPlan("490101", 2, PlantedRole.keep),
    MajorPlan("430401", 1, PlantedRole.keep, "钢铁智能冶金技术：服务冶金，需求稳定，保持"),
    MajorPlan("480402", 2, PlantedRole.keep),
    MajorPlan("520301", 2, PlantedRole.keep),
    MajorPlan("530701", 5, PlantedRole.keep),
    MajorPlan("530802", 5, PlantedRole.keep),
    MajorPlan("540106", 3, PlantedRole.keep),
    MajorPlan("440301", 4, PlantedRole.keep),
    MajorPlan("440703", 2, PlantedRole.keep),
    MajorPlan("500211", 3, PlantedRole.keep),
    # 中职
    MajorPlan("730301", 6, PlantedRole.oversupply_merge, "会计事务：6所学校开设，需求不足"),
    MajorPlan("770201", 3, PlantedRole.destination_merge, "商务英语：去向落实率连续两年低于60%"),
    MajorPlan("730602", 3, PlantedRole.oversupply_reduce, "市场营销：仅2026年供求比低于0.5"),
    MajorPlan("720201", 3, PlantedRole.expand, "护理：紧缺"),
    MajorPlan("790303", 2, PlantedRole.expand, "老年人服务与管理：养老紧缺"),
    MajorPlan("660103", 4, PlantedRole.keep),
    MajorPlan("660301", 5, PlantedRole.keep),
    MajorPlan("660303", 3, PlantedRole.keep),
    MajorPlan("660702", 4, PlantedRole.keep),
    MajorPlan("700206", 5, PlantedRole.keep),
    MajorPlan("710103", 3, PlantedRole.keep),
    MajorPlan("710201", 6, PlantedRole.keep),
    MajorPlan("730701", 4, PlantedRole.keep),
    MajorPlan("730801", 3, PlantedRole.keep),
    MajorPlan("740104", 2, PlantedRole.keep),
    MajorPlan("680402", 2, PlantedRole.keep),
    MajorPlan("720301", 2, PlantedRole.keep),
    MajorPlan("770101", 3, PlantedRole.keep),
    MajorPlan("640301", 3, PlantedRole.keep),
    MajorPlan("640702", 2, PlantedRole.keep),
    # 职教本科
    MajorPlan("260702", 2, PlantedRole.keep),
    MajorPlan("260101", 2, PlantedRole.keep),
    MajorPlan("260103", 1, PlantedRole.keep),
    MajorPlan("310101", 2, PlantedRole.keep),
    MajorPlan("310401", 1, PlantedRole.keep),
    MajorPlan("310201", 2, PlantedRole.keep),
    MajorPlan("320201", 1, PlantedRole.keep),
    MajorPlan("330302", 2, PlantedRole.keep),
    MajorPlan("330802", 1, PlantedRole.keep),
    MajorPlan("240502", 1, PlantedRole.keep),
)


def role_of(code: str) -> PlantedRole:
    """The planted role of a major of the portfolio."""
    for plan in PORTFOLIO:
        if plan.code == code:
            return plan.role
    raise KeyError(code)
