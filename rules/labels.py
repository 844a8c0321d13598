"""Chinese names of the rules' codes and thresholds: what a person reads instead of
``vanishing`` or ``vanishing_share=0.2`` (pages, the printable report, the Excel and CSV files)."""

from __future__ import annotations

import re
from collections.abc import Mapping

RULE_LABELS: dict[str, str] = {
    # Adjustment rules (seed/data/policy_profiles.json, rules/adjustment.py)
    "destination_low": "毕业去向落实率偏低",
    "destination_persistent": "毕业去向落实率连续偏低",
    "oversupply": "供给过剩",
    "oversupply_persistent": "供给持续过剩且布点过多",
    "vanishing": "职业岗位消失",
    "upgrade": "岗位需求萎缩，需改造升级",
    "expand": "人才紧缺，可扩大招生",
    "merge_or_close": "撤并",
    "reduce": "调减",
    # Posting rules (seed/data/compliance_rules.json, rules/screen.py)
    "discriminatory_terms": "就业歧视用语",
    "banned_venue_terms": "禁止安排实习的场所",
    "fee_terms": "向学生收取费用",
    "working_time_terms": "违规的工作时间安排",
    "internship_pay_min_share": "实习报酬不低于同岗位工资的比例",
    "intern_share_of_staff_max": "实习生占在岗职工总数的上限",
    "intern_share_of_post_max": "实习生占同类岗位职工人数的上限",
    "max_hours_per_day": "每日工作时长上限",
    "max_hours_per_week": "每周工作时长上限",
    "min_age": "岗位实习最低年龄",
}

# name → (label, how its value reads)
_THRESHOLDS: dict[str, tuple[str, str]] = {
    "destination_floor": ("毕业去向落实率下限", "percent"),
    "below": ("毕业去向落实率低于", "percent"),
    "consecutive_years": ("连续年数", "years"),
    "oversupply_ratio": ("供求比低于", "number"),
    "min_sites": ("布点数不少于", "sites"),
    "vanishing_share": ("岗位需求降至", "percent"),
    "vanishing_max_ratio": ("且供求比低于", "number"),
    "lookback_years": ("与几年前相比", "years"),
    "upgrade_demand_share": ("岗位需求降至", "percent"),
    "expand_ratio": ("供求比高于", "number"),
}


# A region's destination tiers (policy_profiles.json): destination_below_40[_persistent].
_TIER = re.compile(r"destination_below_(\d+)(_persistent)?")


def rule_label(rule: str) -> str:
    """The rule's Chinese name (a region's destination tier named from its figure); an unknown
    code is shown as it is."""
    tier = _TIER.fullmatch(rule)
    if tier is not None:
        return f"毕业去向落实率{'连续' if tier.group(2) else ''}低于{tier.group(1)}%"
    return RULE_LABELS.get(rule, rule)


def threshold_text(name: str, value: float) -> str:
    label, unit = _THRESHOLDS.get(name, (name, "number"))
    if unit == "percent":
        shown = f"{value * 100:g}%"
    elif unit == "years":
        shown = f"{value:g} 年"
    elif unit == "sites":
        shown = f"{value:g} 个"
    else:
        shown = f"{value:g}"
    return f"{label} {shown}"


def thresholds_text(thresholds: Mapping[str, float]) -> str:
    """``{"vanishing_share": 0.2, "lookback_years": 3}`` →
    ``岗位需求降至 20%，与几年前相比 3 年``."""
    return "，".join(threshold_text(name, value) for name, value in thresholds.items())


# A policy profile's own fields (seed/data/policy_profiles.json), in the order a page lists them.
_PROFILE_FIELDS: dict[str, tuple[str, str]] = {
    "destination_floor": ("毕业去向落实率警戒线", "percent"),
    "destination_consecutive_years": ("连续低于警戒线的年数（撤并）", "years"),
    "oversupply_ratio": ("供给过剩：供求比低于", "number"),
    "oversupply_consecutive_years": ("供给持续过剩的年数", "years"),
    "oversupply_min_sites": ("供给持续过剩且布点数不少于", "sites"),
    "vanishing_share": ("职业岗位消失：岗位需求降至", "percent"),
    "vanishing_lookback_years": ("职业岗位消失：与几年前相比", "years"),
    "vanishing_max_ratio": ("职业岗位消失：且供求比低于", "number"),
    "upgrade_demand_share": ("改造升级：岗位需求降至", "percent"),
    "upgrade_lookback_years": ("改造升级：与几年前相比", "years"),
    "expand_ratio": ("扩大招生：供求比高于", "number"),
    "class_demand_discount": ("按专业类计需求时的折算系数", "number"),
}


def known_thresholds(params: Mapping[str, object]) -> list[str]:
    """A policy profile's numeric thresholds in Chinese (``毕业去向落实率警戒线 60%``), the fields
    without a Chinese name left out; the tiers of a region read with their rule names."""
    shown: list[str] = []
    for name, (label, unit) in _PROFILE_FIELDS.items():
        value = params.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        shown.append(f"{label} {_shown(value, unit)}")
    tiers = params.get("destination_tiers")
    if isinstance(tiers, list):
        for tier in tiers:
            if isinstance(tier, Mapping) and "rule_id" in tier:
                measure = tier.get("measure") or ""
                shown.append(f"{rule_label(str(tier['rule_id']))}：{measure}")
    return shown


def _shown(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value * 100:g}%"
    if unit == "years":
        return f"{value:g} 年"
    if unit == "sites":
        return f"{value:g} 个"
    return f"{value:g}"
