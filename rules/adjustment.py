"""Supply-demand indicators of majors and the five adjustment actions (docs/design/policy.md §2).

For each major of a region the platform recommends one action — 撤并 (merge or close), 调减
(reduce enrolment), 改造升级 (upgrade), 扩招 (expand) or 保持 (keep) — from its yearly figures and
the `AdjustmentThresholds` of a policy profile, which hold every threshold. Each rule that fires
adds a `Reason` naming the rule, the figures that tripped it and its policy source, so that a
school or a regulator can check the flag by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

__all__ = [
    "ACTION_LABELS",
    "ACTION_ORDER",
    "RULE_IDS",
    "AdjustmentThresholds",
    "Assessment",
    "DestinationTier",
    "MajorSeries",
    "ProjectedYear",
    "Reason",
    "WarningClassifier",
    "YearFigures",
    "project_ratio",
]

ACTION_ORDER: tuple[str, ...] = ("merge_or_close", "reduce", "upgrade", "expand", "keep")
"""Actions from the most to the least urgent; when several rules fire, the first one wins."""

ACTION_LABELS: Mapping[str, str] = {
    "merge_or_close": "撤并",
    "reduce": "调减",
    "upgrade": "改造升级",
    "expand": "扩招",
    "keep": "保持",
}

RULE_IDS: tuple[str, ...] = (
    "destination_low",
    "destination_persistent",
    "oversupply",
    "oversupply_persistent",
    "vanishing",
    "upgrade",
    "expand",
)
"""The standard rules; a profile's ``sources`` cites each one it enables."""

_RULE_ACTIONS: Mapping[str, str] = {
    "destination_low": "reduce",
    "destination_persistent": "merge_or_close",
    "oversupply": "reduce",
    "oversupply_persistent": "merge_or_close",
    "vanishing": "merge_or_close",
    "upgrade": "upgrade",
    "expand": "expand",
}

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


# ---------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class YearFigures:
    """The figures of one major in one region and year.

    Attributes
    ----------
    year : int
        Graduation year.
    sites : int
        布点数: schools in the region offering the major.
    graduates : int
        Graduates of the year (Σ cohorts) — the supply.
    placed : int
        Graduates with a destination (毕业去向落实).
    in_field : int
        Graduates working in their field (对口).
    demand : float
        Demand headcount: positions asking for the major plus published forecasts.
    internship_places : float
        Open internship and apprenticeship places asking for the major.
    class_demand : float, default=0.0
        The part of ``demand`` that asked for the major's 专业类 rather than the major, already
        discounted (docs/design/policy.md §2); ``demand - class_demand`` is the exact-major demand.
    """

    year: int
    sites: int
    graduates: int
    placed: int
    in_field: int
    demand: float
    internship_places: float
    class_demand: float = 0.0

    def __post_init__(self) -> None:
        counts = (self.sites, self.graduates, self.placed, self.in_field)
        if min(counts) < 0 or self.demand < 0 or self.internship_places < 0:
            raise ValueError(f"{self.year}年数据不能为负数")
        if self.placed > self.graduates or self.in_field > self.graduates:
            raise ValueError(f"{self.year}年落实人数或对口人数超过毕业生人数")
        if not 0 <= self.class_demand <= self.demand + 1e-9:
            raise ValueError(f"{self.year}年专业类需求应在0与需求总数之间")

    @property
    def exact_demand(self) -> float:
        """Demand that named the major itself."""
        return self.demand - self.class_demand

    @property
    def destination_rate(self) -> float | None:
        """毕业去向落实率 placed / graduates; None without graduates."""
        return self.placed / self.graduates if self.graduates else None

    @property
    def in_field_rate(self) -> float | None:
        """对口率 in_field / graduates; None without graduates."""
        return self.in_field / self.graduates if self.graduates else None

    @property
    def ratio(self) -> float | None:
        """供求比 demand / graduates (> 1: more jobs than graduates); None without graduates."""
        return self.demand / self.graduates if self.graduates else None

    @property
    def gap(self) -> float:
        """Demand minus graduates (positive: shortage)."""
        return self.demand - self.graduates

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON, with the derived indicators."""
        return {
            "year": self.year,
            "sites": self.sites,
            "graduates": self.graduates,
            "placed": self.placed,
            "in_field": self.in_field,
            "demand": self.demand,
            "internship_places": self.internship_places,
            "class_demand": self.class_demand,
            "destination_rate": self.destination_rate,
            "in_field_rate": self.in_field_rate,
            "ratio": self.ratio,
            "gap": self.gap,
        }


@dataclass(frozen=True)
class MajorSeries:
    """The yearly figures of one major in one region.

    Attributes
    ----------
    major_code : str
        Catalogue code.
    figures : mapping of int to YearFigures
        By year; a missing year means no data (it breaks any run of consecutive years).
    serves_priority : bool
        The major serves a priority (emerging) or shortage industry — needed for 扩招.
    serves_upgrade : bool
        The major serves a traditional industry listed for 改造升级 (冶金、医药、建材、轻纺 …).
    """

    major_code: str
    figures: Mapping[int, YearFigures]
    serves_priority: bool = False
    serves_upgrade: bool = False

    def __post_init__(self) -> None:
        for year, figures in self.figures.items():
            if figures.year != year:
                raise ValueError(
                    f"专业 {self.major_code}：键 {year} 与数据年份 {figures.year} 不符"
                )


# ---------------------------------------------------------------------------- profile


@dataclass(frozen=True)
class DestinationTier:
    """An extra destination-rate rule: rate below ``below`` for ``consecutive_years`` years.

    Attributes
    ----------
    rule_id : str
        Identifier reported in the `Reason`.
    below : float
        The rate must be strictly below this (0–1).
    consecutive_years : int
        In each of the report year and the years just before it, no year missing.
    action : str
        One of `ACTION_ORDER` except ``keep``.
    measure : str
        The measure the policy attaches, stated in the reason (e.g. 隔年招生, 停止招生).
    source : str
        Policy source.
    """

    rule_id: str
    below: float
    consecutive_years: int
    action: str
    measure: str
    source: str

    def __post_init__(self) -> None:
        if self.action not in ACTION_ORDER or self.action == "keep":
            raise ValueError(f"规则 {self.rule_id} 的动作“{self.action}”无效")
        if self.consecutive_years < 1 or not 0 < self.below <= 1:
            raise ValueError(f"规则 {self.rule_id} 的阈值无效")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DestinationTier:
        """Build from plain data (as in ``policy_profiles.json``)."""
        return cls(
            rule_id=str(data["rule_id"]),
            below=float(data["below"]),
            consecutive_years=int(data["consecutive_years"]),
            action=str(data["action"]),
            measure=str(data.get("measure", "")),
            source=str(data["source"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON."""
        return {
            "rule_id": self.rule_id,
            "below": self.below,
            "consecutive_years": self.consecutive_years,
            "action": self.action,
            "measure": self.measure,
            "source": self.source,
        }


@dataclass(frozen=True)
class AdjustmentThresholds:
    """Thresholds of the warning rules, with the policy source of each rule.

    A profile is data: the three shipped ones (national, anhui-2023, tianjin-2009) live in
    ``seed/data/policy_profiles.json`` and differ only in their field values.

    Attributes
    ----------
    key, name : str
        Identifier and Chinese name.
    sources : mapping of str to str
        Policy source per rule id of `RULE_IDS`; every enabled rule needs one.
    destination_floor : float, default=0.60
        ``destination_low`` (调减): 毕业去向落实率 strictly below this in the report year.
    destination_consecutive_years : int or None, default=2
        ``destination_persistent`` (撤并): below the floor in each of this many years ending
        with the report year; None disables the rule.
    destination_cap_plan_at_placed : bool, default=False
        ``destination_low`` also states that next year's plan may not exceed this year's number
        placed (tianjin-2009).
    destination_tiers : tuple of DestinationTier, default=()
        Further destination-rate rules, each with its own threshold, run length and action.
    oversupply_ratio : float, default=0.5
        ``oversupply`` (调减): 供求比 strictly below this in the report year.
    oversupply_consecutive_years : int, default=2
        ``oversupply_persistent`` (撤并): below ``oversupply_ratio`` in each of this many years …
    oversupply_min_sites : int, default=3
        … and at least this many schools offering the major in the report year (设置雷同).
    vanishing_share : float, default=0.2
        ``vanishing`` (撤并): demand at most this share of the demand …
    vanishing_lookback_years : int, default=3
        … this many years before (which must be positive) …
    vanishing_max_ratio : float, default=0.5
        … and 供求比 strictly below this.
    upgrade_demand_share : float, default=0.8
        ``upgrade`` (改造升级): a major serving a 改造升级 industry whose demand is strictly below
        this share of the demand …
    upgrade_lookback_years : int, default=3
        … this many years before.
    expand_ratio : float, default=1.5
        ``expand`` (扩招): a major serving a priority or shortage industry with 供求比 strictly
        above this.
    expand_categories : tuple of str, default=("新兴", "紧缺", "生活服务")
        Priority-industry categories whose majors count as "priority or shortage" for ``expand``.
    upgrade_categories : tuple of str, default=("改造升级",)
        Priority-industry categories whose majors are traditional ones for ``upgrade``.
    class_demand_discount : float, default=0.5
        Demand that names a 专业类 (any major of the class will do) counts for each major of the
        class at this share of its headcount: weaker evidence than demand naming the major.
    description : str, default=""
        What the profile is for, in Chinese.
    """

    key: str
    name: str
    sources: Mapping[str, str]
    destination_floor: float = 0.60
    destination_consecutive_years: int | None = 2
    destination_cap_plan_at_placed: bool = False
    destination_tiers: tuple[DestinationTier, ...] = ()
    oversupply_ratio: float = 0.5
    oversupply_consecutive_years: int = 2
    oversupply_min_sites: int = 3
    vanishing_share: float = 0.2
    vanishing_lookback_years: int = 3
    vanishing_max_ratio: float = 0.5
    upgrade_demand_share: float = 0.8
    upgrade_lookback_years: int = 3
    expand_ratio: float = 1.5
    expand_categories: tuple[str, ...] = ("新兴", "紧缺", "生活服务")
    upgrade_categories: tuple[str, ...] = ("改造升级",)
    class_demand_discount: float = 0.5
    description: str = ""

    def __post_init__(self) -> None:
        missing = [rule for rule in self.enabled_rules if not self.sources.get(rule)]
        if missing:
            raise ValueError(f"政策配置 {self.key} 缺少规则依据：{', '.join(missing)}")
        years = (
            self.destination_consecutive_years or 1,
            self.oversupply_consecutive_years,
            self.vanishing_lookback_years,
            self.upgrade_lookback_years,
        )
        if min(years) < 1:
            raise ValueError(f"政策配置 {self.key} 的年数须至少为 1")
        if not 0 <= self.class_demand_discount <= 1:
            raise ValueError(f"政策配置 {self.key} 的专业类需求折算系数应在0与1之间")
        ids = [tier.rule_id for tier in self.destination_tiers]
        if len(set(ids)) != len(ids) or set(ids) & set(RULE_IDS):
            raise ValueError(f"政策配置 {self.key} 的分档规则编号重复")

    @property
    def enabled_rules(self) -> tuple[str, ...]:
        """The standard rule ids this profile runs."""
        if self.destination_consecutive_years is None:
            return tuple(rule for rule in RULE_IDS if rule != "destination_persistent")
        return RULE_IDS

    @property
    def lookback_years(self) -> int:
        """How many years, report year included, the rules look at."""
        return max(
            self.destination_consecutive_years or 1,
            self.oversupply_consecutive_years,
            self.vanishing_lookback_years + 1,
            self.upgrade_lookback_years + 1,
            *(tier.consecutive_years for tier in self.destination_tiers),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AdjustmentThresholds:
        """Build from plain data; unknown keys are an error (they are usually typos).

        Parameters
        ----------
        data : mapping
            One profile as in ``seed/data/policy_profiles.json``.

        Returns
        -------
        AdjustmentThresholds
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"政策配置含未知字段：{', '.join(unknown)}")
        values = dict(data)
        values["sources"] = {str(k): str(v) for k, v in data["sources"].items()}
        values["destination_tiers"] = tuple(
            DestinationTier.from_dict(tier) for tier in data.get("destination_tiers", ())
        )
        for name in ("expand_categories", "upgrade_categories"):
            if name in data:
                values[name] = tuple(str(category) for category in data[name])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form; ``from_dict(to_dict())`` gives an equal profile."""
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out["sources"] = dict(self.sources)
        out["destination_tiers"] = [tier.to_dict() for tier in self.destination_tiers]
        out["expand_categories"] = list(self.expand_categories)
        out["upgrade_categories"] = list(self.upgrade_categories)
        return out


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Reason:
    """One rule that fired for a major.

    Attributes
    ----------
    rule_id : str
        The rule, e.g. ``destination_persistent``.
    action : str
        The action the rule calls for.
    message : str
        Chinese, with the figures, e.g. 毕业去向落实率连续2年低于60%（2024年55.0%，2025年52.0%）.
    thresholds : mapping of str to float
        The profile values the rule applied.
    source : str
        Policy source.
    """

    rule_id: str
    action: str
    message: str
    thresholds: Mapping[str, float]
    source: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON."""
        return {
            "rule_id": self.rule_id,
            "action": self.action,
            "action_label": ACTION_LABELS[self.action],
            "message": self.message,
            "thresholds": dict(self.thresholds),
            "source": self.source,
        }


@dataclass(frozen=True)
class Assessment:
    """The recommended action for one major in the report year, with its reasons.

    Attributes
    ----------
    major_code : str
    year : int
        Report year.
    current : YearFigures
        Figures of the report year.
    history : tuple of YearFigures
        Figures of the earlier years present in the series, newest first.
    action : str
        The highest-precedence action among the reasons (`ACTION_ORDER`); ``keep`` without any.
    action_label : str
        Chinese label of ``action``.
    reasons : tuple of Reason
        Every rule that fired, most urgent action first.
    urgency : tuple
        Sort key, smaller is more urgent: action precedence; then, for ``expand``, the 供求比
        descending (largest shortage first) and otherwise the 供求比 ascending (largest
        oversupply first); then the destination rate ascending; missing values last; then code.
    """

    major_code: str
    year: int
    current: YearFigures
    history: tuple[YearFigures, ...]
    action: str
    action_label: str
    reasons: tuple[Reason, ...]
    urgency: tuple[int, float, float, str]

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON (urgency left out: it is only a sort key)."""
        return {
            "major_code": self.major_code,
            "year": self.year,
            "action": self.action,
            "action_label": self.action_label,
            "current": self.current.to_dict(),
            "history": [figures.to_dict() for figures in self.history],
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


# ---------------------------------------------------------------------------- classifier


class _Window:
    """The series as (majors × years) arrays, oldest year first, NaN where there is no data."""

    def __init__(self, series: Sequence[MajorSeries], year: int, width: int) -> None:
        self.years = list(range(year - width + 1, year + 1))
        shape = (len(series), width)
        self.sites = np.full(shape, np.nan)
        self.graduates = np.full(shape, np.nan)
        self.placed = np.full(shape, np.nan)
        self.demand = np.full(shape, np.nan)
        for i, major in enumerate(series):
            for j, y in enumerate(self.years):
                figures = major.figures.get(y)
                if figures is not None:
                    self.sites[i, j] = figures.sites
                    self.graduates[i, j] = figures.graduates
                    self.placed[i, j] = figures.placed
                    self.demand[i, j] = figures.demand
        with np.errstate(divide="ignore", invalid="ignore"):
            has_graduates = self.graduates > 0
            self.rate = np.where(has_graduates, self.placed / self.graduates, np.nan)
            self.ratio = np.where(has_graduates, self.demand / self.graduates, np.nan)

    def run(self, condition: BoolArray, years: int) -> BoolArray:
        """True where ``condition`` holds in each of the last ``years`` years."""
        return np.asarray(condition[:, -years:].all(axis=1))

    def share_of_past(self, lookback: int) -> FloatArray:
        """Demand now over demand ``lookback`` years earlier; NaN if that is missing or 0."""
        past = self.demand[:, -1 - lookback]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(past > 0, self.demand[:, -1] / past, np.nan)


@dataclass(frozen=True)
class _Rule:
    rule_id: str
    action: str
    fired: BoolArray
    message: Callable[[int], str]
    thresholds: Mapping[str, float]
    source: str


class WarningClassifier:
    """Recommend an adjustment action for each major from its supply-demand figures.

    Rules (thresholds from the profile; "below" is strict, so exactly 60 % is not below 60 %;
    a missing year, or a year without graduates, breaks a run of consecutive years):

    - ``destination_low`` → 调减: 毕业去向落实率 below ``destination_floor`` in the report year.
    - ``destination_persistent`` → 撤并: below the floor in each of the last
      ``destination_consecutive_years`` years (the report year and the ones just before).
    - each of ``destination_tiers`` → its action: below its threshold in each of its years.
    - ``oversupply`` → 调减: 供求比 below ``oversupply_ratio`` in the report year.
    - ``oversupply_persistent`` → 撤并: below it in each of the last
      ``oversupply_consecutive_years`` years and ``sites >= oversupply_min_sites`` (设置雷同).
    - ``vanishing`` → 撤并: demand ≤ ``vanishing_share`` × demand ``vanishing_lookback_years``
      earlier (that demand > 0) and 供求比 below ``vanishing_max_ratio`` (职业岗位消失).
    - ``upgrade`` → 改造升级: the major serves a 改造升级 industry and demand is below
      ``upgrade_demand_share`` × demand ``upgrade_lookback_years`` earlier (that demand > 0).
    - ``expand`` → 扩招: the major serves a priority or shortage industry and 供求比 is above
      ``expand_ratio``.

    Every rule that fires adds its `Reason`; the action is the first of `ACTION_ORDER` among
    them. Without graduates in a year there is no rate and no 供求比 for it, so no rule on
    them fires for that year.

    Parameters
    ----------
    profile : AdjustmentThresholds
        The thresholds and their sources.
    """

    def __init__(self, profile: AdjustmentThresholds) -> None:
        self.profile = profile

    def assess(self, series: Sequence[MajorSeries], year: int) -> list[Assessment]:
        """Assess every major that has figures for ``year``.

        Parameters
        ----------
        series : sequence of MajorSeries
            One per major; a major without figures for ``year`` is left out of the result
            (no data is not the same as 保持).
        year : int
            Report year.

        Returns
        -------
        list of Assessment
            Most urgent first (see `Assessment.urgency`).
        """
        majors = [major for major in series if year in major.figures]
        if not majors:
            return []
        window = _Window(majors, year, self.profile.lookback_years)
        reasons: list[list[Reason]] = [[] for _ in majors]
        for rule in self._rules(window, majors):
            for i in np.flatnonzero(rule.fired).tolist():
                reasons[i].append(
                    Reason(
                        rule_id=rule.rule_id,
                        action=rule.action,
                        message=rule.message(i),
                        thresholds=rule.thresholds,
                        source=rule.source,
                    )
                )
        assessments = [
            self._assessment(major, year, reasons[i], window.ratio[i, -1], window.rate[i, -1])
            for i, major in enumerate(majors)
        ]
        assessments.sort(key=lambda assessment: assessment.urgency)
        return assessments

    def _assessment(
        self,
        major: MajorSeries,
        year: int,
        reasons: list[Reason],
        ratio: float,
        rate: float,
    ) -> Assessment:
        reasons.sort(key=lambda reason: ACTION_ORDER.index(reason.action))
        action = reasons[0].action if reasons else "keep"
        precedence = ACTION_ORDER.index(action)
        ratio_key = math.inf if math.isnan(ratio) else (-ratio if action == "expand" else ratio)
        rate_key = math.inf if math.isnan(rate) else rate
        history = tuple(major.figures[y] for y in sorted(major.figures, reverse=True) if y < year)
        return Assessment(
            major_code=major.major_code,
            year=year,
            current=major.figures[year],
            history=history,
            action=action,
            action_label=ACTION_LABELS[action],
            reasons=tuple(reasons),
            urgency=(precedence, float(ratio_key), float(rate_key), major.major_code),
        )

    def _rules(self, w: _Window, majors: Sequence[MajorSeries]) -> list[_Rule]:
        p = self.profile
        year = w.years[-1]
        rules: list[_Rule] = []

        def rate_run(below: float, years: int) -> tuple[BoolArray, Callable[[int], str]]:
            fired = w.run(w.rate < below, years)

            def message(i: int) -> str:
                values = "，".join(
                    f"{y}年{_percent(w.rate[i, j])}" for j, y in _last(w.years, years)
                )
                if years == 1:
                    return f"毕业去向落实率低于{_threshold_percent(below)}（{values}）"
                return f"毕业去向落实率连续{years}年低于{_threshold_percent(below)}（{values}）"

            return fired, message

        fired, base_message = rate_run(p.destination_floor, 1)
        low_message = base_message
        if p.destination_cap_plan_at_placed:

            def low_message(i: int) -> str:
                return (
                    f"{base_message(i)}，次年招生计划不超过当年毕业去向落实人数"
                    f"{_count(w.placed[i, -1])}人"
                )

        rules.append(
            _Rule(
                "destination_low",
                "reduce",
                fired,
                low_message,
                {"destination_floor": p.destination_floor},
                p.sources["destination_low"],
            )
        )
        if p.destination_consecutive_years is not None:
            n = p.destination_consecutive_years
            fired, message = rate_run(p.destination_floor, n)
            rules.append(
                _Rule(
                    "destination_persistent",
                    "merge_or_close",
                    fired,
                    message,
                    {"destination_floor": p.destination_floor, "consecutive_years": n},
                    p.sources["destination_persistent"],
                )
            )
        for tier in p.destination_tiers:
            fired, message = rate_run(tier.below, tier.consecutive_years)
            rules.append(
                _Rule(
                    tier.rule_id,
                    tier.action,
                    fired,
                    _with_measure(message, tier.measure),
                    {"below": tier.below, "consecutive_years": tier.consecutive_years},
                    tier.source,
                )
            )

        ratio_now = w.ratio[:, -1]
        graduates_now = w.graduates[:, -1]
        demand_now = w.demand[:, -1]

        def supply_figures(i: int) -> str:
            return f"需求{_count(demand_now[i])}人，毕业生{_count(graduates_now[i])}人"

        rules.append(
            _Rule(
                "oversupply",
                "reduce",
                ratio_now < p.oversupply_ratio,
                lambda i: (
                    f"供求比低于{p.oversupply_ratio:.2f}"
                    f"（{year}年{ratio_now[i]:.2f}：{supply_figures(i)}）"
                ),
                {"oversupply_ratio": p.oversupply_ratio},
                p.sources["oversupply"],
            )
        )
        n_over = p.oversupply_consecutive_years
        sites_now = w.sites[:, -1]
        rules.append(
            _Rule(
                "oversupply_persistent",
                "merge_or_close",
                w.run(w.ratio < p.oversupply_ratio, n_over) & (sites_now >= p.oversupply_min_sites),
                lambda i: (
                    f"供求比连续{n_over}年低于{p.oversupply_ratio:.2f}（"
                    + "，".join(f"{y}年{w.ratio[i, j]:.2f}" for j, y in _last(w.years, n_over))
                    + f"），且布点数{_count(sites_now[i])}个（不少于{p.oversupply_min_sites}个），"
                    "设置雷同、供给过剩"
                ),
                {
                    "oversupply_ratio": p.oversupply_ratio,
                    "consecutive_years": n_over,
                    "min_sites": p.oversupply_min_sites,
                },
                p.sources["oversupply_persistent"],
            )
        )

        lb_v = p.vanishing_lookback_years
        share_v = w.share_of_past(lb_v)
        rules.append(
            _Rule(
                "vanishing",
                "merge_or_close",
                (share_v <= p.vanishing_share) & (ratio_now < p.vanishing_max_ratio),
                lambda i: (
                    f"岗位需求{lb_v}年间降至{_threshold_percent(p.vanishing_share)}及以下"
                    f"（{year - lb_v}年{_count(w.demand[i, -1 - lb_v])}人，"
                    f"{year}年{_count(demand_now[i])}人，为{_percent(share_v[i])}），"
                    f"且供求比{ratio_now[i]:.2f}低于{p.vanishing_max_ratio:.2f}，职业岗位消失"
                ),
                {
                    "vanishing_share": p.vanishing_share,
                    "lookback_years": lb_v,
                    "vanishing_max_ratio": p.vanishing_max_ratio,
                },
                p.sources["vanishing"],
            )
        )

        lb_u = p.upgrade_lookback_years
        share_u = w.share_of_past(lb_u)
        serves_upgrade = np.array([major.serves_upgrade for major in majors], dtype=bool)
        rules.append(
            _Rule(
                "upgrade",
                "upgrade",
                serves_upgrade & (share_u < p.upgrade_demand_share),
                lambda i: (
                    f"服务传统产业改造升级，岗位需求降至{lb_u}年前的"
                    f"{_threshold_percent(p.upgrade_demand_share)}以下"
                    f"（{year - lb_u}年{_count(w.demand[i, -1 - lb_u])}人，"
                    f"{year}年{_count(demand_now[i])}人，为{_percent(share_u[i])}）"
                ),
                {"upgrade_demand_share": p.upgrade_demand_share, "lookback_years": lb_u},
                p.sources["upgrade"],
            )
        )

        serves_priority = np.array([major.serves_priority for major in majors], dtype=bool)
        rules.append(
            _Rule(
                "expand",
                "expand",
                serves_priority & (ratio_now > p.expand_ratio),
                lambda i: (
                    f"服务重点或紧缺产业，供求比{ratio_now[i]:.2f}高于{p.expand_ratio:.2f}"
                    f"（{year}年{supply_figures(i)}），人才供不应求"
                ),
                {"expand_ratio": p.expand_ratio},
                p.sources["expand"],
            )
        )
        return rules


def _last(years: list[int], n: int) -> list[tuple[int, int]]:
    """(column, year) of the last ``n`` years of the window."""
    return [(j, y) for j, y in enumerate(years) if j >= len(years) - n]


def _with_measure(message: Callable[[int], str], measure: str) -> Callable[[int], str]:
    if not measure:
        return message
    return lambda i: f"{message(i)}，{measure}"


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _threshold_percent(value: float) -> str:
    # :g drops the float noise of 0.6 * 100 = 60.00000000000001 and any trailing zeros.
    return f"{value * 100:g}%"


def _count(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


# ---------------------------------------------------------------------------- what-if


class ProjectedYear(TypedDict):
    """One projected graduation year of `project_ratio`."""

    enrolment_year: int
    graduation_year: int
    planned: int
    adjusted_plan: int
    graduates: int
    expected_demand: float
    ratio: float | None


def project_ratio(
    plans: Mapping[int, int],
    expected_demand: float,
    enrolment_change: float,
    graduation_lag: int,
) -> list[ProjectedYear]:
    """What-if: the 供求比 that changed enrolment plans would give when their students graduate.

    Deliberately simple: every enrolled student graduates ``graduation_lag`` years after
    enrolment (3 for 中职 and 高职专科, 4 for 职教本科), demand stays at ``expected_demand``, and
    each plan changes by the same fraction (rounded half up to whole students).

    Parameters
    ----------
    plans : mapping of int to int
        Enrolment plan (students) by enrolment year.
    expected_demand : float
        Demand expected in each graduation year.
    enrolment_change : float
        Fractional change applied to every plan, e.g. -0.2 for a 20 % cut; at least -1.
    graduation_lag : int
        Years from enrolment to graduation, at least 0.

    Returns
    -------
    list of ProjectedYear
        By graduation year; ``ratio`` is None when no one graduates.

    Raises
    ------
    ValueError
        On a negative plan or demand, ``enrolment_change < -1`` or ``graduation_lag < 0``.
    """
    if enrolment_change < -1 or graduation_lag < 0 or expected_demand < 0:
        raise ValueError("需要 enrolment_change >= -1、graduation_lag >= 0、expected_demand >= 0")
    if any(plan < 0 for plan in plans.values()):
        raise ValueError("招生计划不能为负数")
    projection: list[ProjectedYear] = []
    for enrolment_year in sorted(plans):
        planned = plans[enrolment_year]
        adjusted = math.floor(planned * (1 + enrolment_change) + 0.5)
        projection.append(
            ProjectedYear(
                enrolment_year=enrolment_year,
                graduation_year=enrolment_year + graduation_lag,
                planned=planned,
                adjusted_plan=adjusted,
                graduates=adjusted,
                expected_demand=expected_demand,
                ratio=expected_demand / adjusted if adjusted else None,
            )
        )
    return projection
