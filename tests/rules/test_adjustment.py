from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rules.adjustment import (
    ACTION_LABELS,
    ACTION_ORDER,
    RULE_IDS,
    AdjustmentThresholds,
    Assessment,
    DestinationTier,
    MajorSeries,
    WarningClassifier,
    YearFigures,
    project_ratio,
)

PROFILES_JSON = Path(__file__).resolve().parents[2] / "seed" / "data" / "policy_profiles.json"
YEAR = 2025


def load_profiles() -> dict[str, AdjustmentThresholds]:
    data = json.loads(PROFILES_JSON.read_text(encoding="utf-8"))
    return {item["key"]: AdjustmentThresholds.from_dict(item) for item in data["profiles"]}


PROFILES = load_profiles()


def figures(
    year: int,
    *,
    graduates: int = 100,
    placed: int = 90,
    demand: float = 100.0,
    sites: int = 1,
    in_field: int = 50,
) -> YearFigures:
    return YearFigures(
        year=year,
        sites=sites,
        graduates=graduates,
        placed=placed,
        in_field=min(in_field, graduates),
        demand=demand,
        internship_places=0.0,
    )


def series(
    code: str = "510203",
    years: dict[int, dict[str, Any] | None] | None = None,
    *,
    serves_priority: bool = False,
    serves_upgrade: bool = False,
) -> MajorSeries:
    """Healthy figures for 2021–2025 unless overridden per year; ``None`` drops a year."""
    overrides = years or {}
    by_year = {}
    for year in range(YEAR - 4, YEAR + 1):
        values = overrides.get(year, {})
        if values is None:
            continue
        by_year[year] = figures(year, **values)
    return MajorSeries(code, by_year, serves_priority, serves_upgrade)


def assess_one(major: MajorSeries, profile: str = "national") -> Assessment:
    [assessment] = WarningClassifier(PROFILES[profile]).assess([major], YEAR)
    return assessment


def rule_ids(assessment: Assessment) -> list[str]:
    return [reason.rule_id for reason in assessment.reasons]


# ---------------------------------------------------------------------------- figures


def test_year_figures_indicators() -> None:
    year = figures(YEAR, graduates=200, placed=150, demand=300.0)
    assert year.destination_rate == 0.75
    assert year.in_field_rate == 0.25
    assert year.ratio == 1.5
    assert year.gap == 100.0


def test_year_figures_without_graduates_have_no_rates() -> None:
    year = figures(YEAR, graduates=0, placed=0, demand=10.0, in_field=0)
    assert (year.destination_rate, year.in_field_rate, year.ratio, year.gap) == (
        None,
        None,
        None,
        10.0,
    )


@pytest.mark.parametrize(
    "values", [{"graduates": 10, "placed": 11}, {"graduates": -1, "placed": 0}, {"demand": -1.0}]
)
def test_year_figures_reject_impossible_values(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="2025年"):
        figures(YEAR, **values)


def test_series_keys_must_match_years() -> None:
    with pytest.raises(ValueError, match="不符"):
        MajorSeries("510203", {2024: figures(2025)})


# ---------------------------------------------------------------------------- profiles


def test_profiles_json_holds_the_three_profiles() -> None:
    data = json.loads(PROFILES_JSON.read_text(encoding="utf-8"))
    assert data["default"] == "national"
    assert [item["key"] for item in data["profiles"]] == ["national", "anhui-2023", "tianjin-2009"]


def test_national_profile_values() -> None:
    national = PROFILES["national"]
    assert national.to_dict() | {"sources": None, "description": None} == {
        "key": "national",
        "name": "全国默认",
        "description": None,
        "sources": None,
        "destination_floor": 0.6,
        "destination_consecutive_years": 2,
        "destination_cap_plan_at_placed": False,
        "destination_tiers": [],
        "oversupply_ratio": 0.5,
        "oversupply_consecutive_years": 2,
        "oversupply_min_sites": 3,
        "vanishing_share": 0.2,
        "vanishing_lookback_years": 3,
        "vanishing_max_ratio": 0.5,
        "upgrade_demand_share": 0.8,
        "upgrade_lookback_years": 3,
        "expand_ratio": 1.5,
        "expand_categories": ["新兴", "紧缺", "生活服务"],
        "upgrade_categories": ["改造升级"],
        "class_demand_discount": 0.5,
    }
    assert sorted(national.sources) == sorted(RULE_IDS)
    assert (
        "2012年全国普通高等学校毕业生就业工作的通知" in national.sources["destination_persistent"]
    )
    assert "国办发〔2017〕95号" in national.sources["oversupply_persistent"]
    assert "职业岗位消失" in national.sources["vanishing"]
    assert "冶金、医药、建材、轻纺" in national.sources["upgrade"]


def test_anhui_profile_differs_only_in_its_destination_rules() -> None:
    anhui, national = PROFILES["anhui-2023"].to_dict(), PROFILES["national"].to_dict()
    assert anhui["destination_consecutive_years"] == 3
    different = {k for k in anhui if anhui[k] != national[k]}
    assert different == {"key", "name", "description", "sources", "destination_consecutive_years"}
    assert "连续3年就业去向落实率低于60%" in anhui["sources"]["destination_persistent"]


def test_tianjin_profile_tiers() -> None:
    tianjin = PROFILES["tianjin-2009"]
    assert tianjin.destination_consecutive_years is None
    assert tianjin.destination_cap_plan_at_placed is True
    assert [
        (tier.rule_id, tier.below, tier.consecutive_years, tier.action, tier.measure)
        for tier in tianjin.destination_tiers
    ] == [
        ("destination_below_40", 0.4, 1, "reduce", "采取隔年招生方式压缩招生规模"),
        ("destination_below_30", 0.3, 1, "merge_or_close", "停止招生"),
        ("destination_below_40_persistent", 0.4, 2, "merge_or_close", "停止招生"),
    ]
    assert "destination_persistent" not in tianjin.enabled_rules


@pytest.mark.parametrize("key", ["national", "anhui-2023", "tianjin-2009"])
def test_profile_round_trips(key: str) -> None:
    profile = PROFILES[key]
    assert AdjustmentThresholds.from_dict(profile.to_dict()) == profile
    assert AdjustmentThresholds.from_dict(json.loads(json.dumps(profile.to_dict()))) == profile


def test_profile_rejects_unknown_fields() -> None:
    data = PROFILES["national"].to_dict() | {"destination_flor": 0.5}
    with pytest.raises(ValueError, match="destination_flor"):
        AdjustmentThresholds.from_dict(data)


def test_profile_needs_a_source_for_every_enabled_rule() -> None:
    data = PROFILES["national"].to_dict()
    del data["sources"]["vanishing"]
    with pytest.raises(ValueError, match="vanishing"):
        AdjustmentThresholds.from_dict(data)


def test_tier_rejects_keep() -> None:
    with pytest.raises(ValueError, match="动作"):
        DestinationTier("x", 0.5, 1, "keep", "", "来源")


def test_actions() -> None:
    assert ACTION_ORDER == ("merge_or_close", "reduce", "upgrade", "expand", "keep")
    assert ACTION_LABELS == {
        "merge_or_close": "撤并",
        "reduce": "调减",
        "upgrade": "改造升级",
        "expand": "扩招",
        "keep": "保持",
    }


# ---------------------------------------------------------------------------- destination rate


def test_healthy_major_is_kept() -> None:
    assessment = assess_one(series())
    assert (assessment.action, assessment.action_label, assessment.reasons) == ("keep", "保持", ())


def test_destination_below_floor_in_report_year_reduces() -> None:
    assessment = assess_one(series(years={2025: {"placed": 55}}))
    assert assessment.action == "reduce"
    [reason] = assessment.reasons
    assert reason.rule_id == "destination_low"
    assert reason.message == "毕业去向落实率低于60%（2025年55.0%）"
    assert reason.thresholds == {"destination_floor": 0.6}
    assert reason.source == PROFILES["national"].sources["destination_low"]


def test_destination_below_floor_two_years_merges() -> None:
    assessment = assess_one(series(years={2024: {"placed": 55}, 2025: {"placed": 52}}))
    assert assessment.action == "merge_or_close"
    assert rule_ids(assessment) == ["destination_persistent", "destination_low"]
    assert (
        assessment.reasons[0].message == "毕业去向落实率连续2年低于60%（2024年55.0%，2025年52.0%）"
    )
    assert assessment.reasons[0].thresholds == {"destination_floor": 0.6, "consecutive_years": 2}


def test_destination_exactly_at_floor_is_not_below() -> None:
    assessment = assess_one(series(years={2024: {"placed": 60}, 2025: {"placed": 60}}))
    assert assessment.action == "keep"


def test_destination_run_is_broken_by_a_missing_year() -> None:
    major = series(years={2023: {"placed": 50}, 2024: None, 2025: {"placed": 50}})
    assessment = assess_one(major)
    assert (assessment.action, rule_ids(assessment)) == ("reduce", ["destination_low"])


def test_destination_run_is_broken_by_a_year_without_graduates() -> None:
    major = series(years={2024: {"graduates": 0, "placed": 0}, 2025: {"placed": 50}})
    assert rule_ids(assess_one(major)) == ["destination_low"]


def test_anhui_needs_three_years() -> None:
    two = series(years={2024: {"placed": 50}, 2025: {"placed": 50}})
    assert (assess_one(two, "anhui-2023").action, rule_ids(assess_one(two, "anhui-2023"))) == (
        "reduce",
        ["destination_low"],
    )
    three = series(years={2023: {"placed": 59}, 2024: {"placed": 50}, 2025: {"placed": 50}})
    assessment = assess_one(three, "anhui-2023")
    assert assessment.action == "merge_or_close"
    assert assessment.reasons[0].message == (
        "毕业去向落实率连续3年低于60%（2023年59.0%，2024年50.0%，2025年50.0%）"
    )
    assert "暂停招生" in assessment.reasons[0].source


# ---------------------------------------------------------------------------- tianjin tiers


def test_tianjin_below_60_caps_next_plan() -> None:
    assessment = assess_one(series(years={2025: {"placed": 55}}), "tianjin-2009")
    assert assessment.action == "reduce"
    [reason] = assessment.reasons
    assert reason.message == (
        "毕业去向落实率低于60%（2025年55.0%），次年招生计划不超过当年毕业去向落实人数55人"
    )


def test_tianjin_below_60_two_years_is_still_reduce() -> None:
    major = series(years={2024: {"placed": 55}, 2025: {"placed": 55}})
    assessment = assess_one(major, "tianjin-2009")
    assert (assessment.action, rule_ids(assessment)) == ("reduce", ["destination_low"])


def test_tianjin_below_40_enrols_every_other_year() -> None:
    assessment = assess_one(series(years={2025: {"placed": 35}}), "tianjin-2009")
    assert assessment.action == "reduce"
    assert rule_ids(assessment) == ["destination_low", "destination_below_40"]
    assert assessment.reasons[1].message == (
        "毕业去向落实率低于40%（2025年35.0%），采取隔年招生方式压缩招生规模"
    )


def test_tianjin_exactly_40_is_only_below_60() -> None:
    assessment = assess_one(series(years={2025: {"placed": 40}}), "tianjin-2009")
    assert rule_ids(assessment) == ["destination_low"]


def test_tianjin_below_30_stops_enrolment() -> None:
    assessment = assess_one(series(years={2025: {"placed": 25}}), "tianjin-2009")
    assert assessment.action == "merge_or_close"
    assert rule_ids(assessment) == [
        "destination_below_30",
        "destination_low",
        "destination_below_40",
    ]
    assert assessment.reasons[0].message == "毕业去向落实率低于30%（2025年25.0%），停止招生"


def test_tianjin_below_40_two_years_stops_enrolment() -> None:
    major = series(years={2024: {"placed": 39}, 2025: {"placed": 38}})
    assessment = assess_one(major, "tianjin-2009")
    assert assessment.action == "merge_or_close"
    assert rule_ids(assessment) == [
        "destination_below_40_persistent",
        "destination_low",
        "destination_below_40",
    ]
    assert assessment.reasons[0].message == (
        "毕业去向落实率连续2年低于40%（2024年39.0%，2025年38.0%），停止招生"
    )
    assert assessment.reasons[0].thresholds == {"below": 0.4, "consecutive_years": 2}


# ---------------------------------------------------------------------------- supply and demand


def test_oversupply_reduces() -> None:
    assessment = assess_one(series(years={2025: {"demand": 40.0}}))
    assert assessment.action == "reduce"
    [reason] = assessment.reasons
    assert reason.rule_id == "oversupply"
    assert reason.message == "供求比低于0.50（2025年0.40：需求40人，毕业生100人）"


def test_ratio_exactly_half_is_not_oversupply() -> None:
    assert assess_one(series(years={2025: {"demand": 50.0}})).action == "keep"


def test_oversupply_two_years_at_three_sites_merges() -> None:
    major = series(years={2024: {"demand": 45.0, "sites": 5}, 2025: {"demand": 32.5, "sites": 3}})
    assessment = assess_one(major)
    assert assessment.action == "merge_or_close"
    assert rule_ids(assessment) == ["oversupply_persistent", "oversupply"]
    assert assessment.reasons[0].message == (
        "供求比连续2年低于0.50（2024年0.45，2025年0.33），且布点数3个（不少于3个），"
        "设置雷同、供给过剩"
    )
    assert assessment.reasons[1].message == "供求比低于0.50（2025年0.33：需求32.5人，毕业生100人）"


def test_oversupply_two_years_at_two_sites_only_reduces() -> None:
    major = series(years={2024: {"demand": 45.0, "sites": 5}, 2025: {"demand": 40.0, "sites": 2}})
    assert rule_ids(assess_one(major)) == ["oversupply"]


def test_oversupply_without_graduates_does_not_fire() -> None:
    major = series(years={2025: {"graduates": 0, "placed": 0, "demand": 0.0}})
    assert assess_one(major).action == "keep"


def test_vanishing_jobs_merge() -> None:
    major = series(years={2022: {"demand": 100.0}, 2025: {"demand": 20.0}})
    assessment = assess_one(major)
    assert assessment.action == "merge_or_close"
    assert rule_ids(assessment) == ["vanishing", "oversupply"]
    assert assessment.reasons[0].message == (
        "岗位需求3年间降至20%及以下（2022年100人，2025年20人，为20.0%），"
        "且供求比0.20低于0.50，职业岗位消失"
    )


def test_vanishing_needs_demand_at_most_a_fifth() -> None:
    major = series(years={2022: {"demand": 100.0}, 2025: {"demand": 21.0}})
    assert rule_ids(assess_one(major)) == ["oversupply"]


@pytest.mark.parametrize("past", [{"demand": 0.0}, None])
def test_vanishing_needs_past_demand(past: dict[str, Any] | None) -> None:
    major = series(years={2022: past, 2025: {"demand": 10.0}})
    assert rule_ids(assess_one(major)) == ["oversupply"]


def test_upgrade_for_traditional_industry_with_falling_demand() -> None:
    major = series(years={2022: {"demand": 100.0}, 2025: {"demand": 79.0}}, serves_upgrade=True)
    assessment = assess_one(major)
    assert assessment.action == "upgrade"
    [reason] = assessment.reasons
    assert reason.message == (
        "服务传统产业改造升级，岗位需求降至3年前的80%以下（2022年100人，2025年79人，为79.0%）"
    )


def test_upgrade_boundary_and_flag() -> None:
    at_share = series(years={2022: {"demand": 100.0}, 2025: {"demand": 80.0}}, serves_upgrade=True)
    assert assess_one(at_share).action == "keep"
    not_traditional = series(years={2022: {"demand": 100.0}, 2025: {"demand": 60.0}})
    assert assess_one(not_traditional).action == "keep"


def test_expand_for_priority_industry_with_shortage() -> None:
    major = series(years={2025: {"demand": 151.0}}, serves_priority=True)
    assessment = assess_one(major)
    assert assessment.action == "expand"
    [reason] = assessment.reasons
    assert reason.message == (
        "服务重点或紧缺产业，供求比1.51高于1.50（2025年需求151人，毕业生100人），人才供不应求"
    )


def test_expand_boundary_and_flag() -> None:
    at_ratio = series(years={2025: {"demand": 150.0}}, serves_priority=True)
    assert assess_one(at_ratio).action == "keep"
    not_priority = series(years={2025: {"demand": 300.0}})
    assert assess_one(not_priority).action == "keep"


# ---------------------------------------------------------------------------- precedence, order


def test_reduce_beats_expand_and_all_reasons_are_kept() -> None:
    major = series(years={2025: {"placed": 50, "demand": 200.0}}, serves_priority=True)
    assessment = assess_one(major)
    assert assessment.action == "reduce"
    assert rule_ids(assessment) == ["destination_low", "expand"]


def test_upgrade_beats_expand() -> None:
    major = series(
        years={2022: {"demand": 400.0}, 2025: {"demand": 200.0}},
        serves_upgrade=True,
        serves_priority=True,
    )
    assessment = assess_one(major)
    assert (assessment.action, rule_ids(assessment)) == ("upgrade", ["upgrade", "expand"])


def test_merge_beats_everything() -> None:
    major = series(
        years={
            2022: {"demand": 400.0},
            2024: {"placed": 50},
            2025: {"placed": 50, "demand": 300.0},
        },
        serves_upgrade=True,
        serves_priority=True,
    )
    assessment = assess_one(major)
    assert assessment.action == "merge_or_close"
    assert rule_ids(assessment) == [
        "destination_persistent",
        "destination_low",
        "upgrade",
        "expand",
    ]


def test_assess_sorts_most_urgent_first() -> None:
    majors = [
        series("000001"),
        series("000002", {2025: {"demand": 200.0}}, serves_priority=True),
        series("000003", {2025: {"demand": 300.0}}, serves_priority=True),
        series("000004", {2025: {"demand": 45.0}}),
        series("000005", {2025: {"demand": 25.0}}),
        series("000006", {2024: {"placed": 10}, 2025: {"placed": 10}}),
        series("000007", {2022: {"demand": 100.0}, 2025: {"demand": 60.0}}, serves_upgrade=True),
    ]
    assessments = WarningClassifier(PROFILES["national"]).assess(majors, YEAR)
    assert [(a.major_code, a.action) for a in assessments] == [
        ("000006", "merge_or_close"),
        ("000005", "reduce"),  # ratio 0.25 before 0.45: the larger oversupply first
        ("000004", "reduce"),
        ("000007", "upgrade"),
        ("000003", "expand"),  # ratio 3.00 before 2.00: the larger shortage first
        ("000002", "expand"),
        ("000001", "keep"),
    ]


def test_majors_without_report_year_are_left_out() -> None:
    majors = [series("000001"), series("000002", {2025: None})]
    assessments = WarningClassifier(PROFILES["national"]).assess(majors, YEAR)
    assert [a.major_code for a in assessments] == ["000001"]
    assert WarningClassifier(PROFILES["national"]).assess([], YEAR) == []


def test_assessment_fields_and_to_dict() -> None:
    major = series(years={2023: None, 2025: {"placed": 55}})
    assessment = assess_one(major)
    assert assessment.current == major.figures[2025]
    assert [f.year for f in assessment.history] == [2024, 2022, 2021]
    data = assessment.to_dict()
    assert data["action"] == "reduce"
    assert data["action_label"] == "调减"
    assert data["current"]["destination_rate"] == 0.55
    assert [h["year"] for h in data["history"]] == [2024, 2022, 2021]
    assert data["reasons"] == [
        {
            "rule_id": "destination_low",
            "action": "reduce",
            "action_label": "调减",
            "message": "毕业去向落实率低于60%（2025年55.0%）",
            "thresholds": {"destination_floor": 0.6},
            "source": PROFILES["national"].sources["destination_low"],
        }
    ]
    json.dumps(data, ensure_ascii=False)


def test_a_province_sized_input_gets_one_assessment_per_major() -> None:
    # ~1 500 majors x 5 years, as in one province; measured ~0.05 s, bound loose for CI.
    majors = [
        series(
            f"{i:06d}",
            {
                2024: {"placed": 40 + i % 60, "demand": float(i % 300), "sites": i % 7},
                2025: {"placed": 30 + i % 70, "demand": float(i % 250), "sites": i % 5},
            },
            serves_priority=i % 3 == 0,
            serves_upgrade=i % 5 == 0,
        )
        for i in range(1500)
    ]
    assessments = WarningClassifier(PROFILES["national"]).assess(majors, YEAR)
    assert len(assessments) == 1500


# ---------------------------------------------------------------------------- what-if


def test_project_ratio() -> None:
    assert project_ratio({2024: 100, 2025: 80}, 60.0, -0.25, 3) == [
        {
            "enrolment_year": 2024,
            "graduation_year": 2027,
            "planned": 100,
            "adjusted_plan": 75,
            "graduates": 75,
            "expected_demand": 60.0,
            "ratio": 0.8,
        },
        {
            "enrolment_year": 2025,
            "graduation_year": 2028,
            "planned": 80,
            "adjusted_plan": 60,
            "graduates": 60,
            "expected_demand": 60.0,
            "ratio": 1.0,
        },
    ]


def test_project_ratio_rounds_half_up_and_handles_closing() -> None:
    assert project_ratio({2025: 5}, 10.0, 0.1, 3)[0]["adjusted_plan"] == 6  # 5.5 → 6
    assert project_ratio({2025: 50}, 10.0, -1.0, 3)[0]["ratio"] is None


@pytest.mark.parametrize(
    ("change", "lag", "demand"), [(-1.5, 3, 10.0), (0.1, -1, 10.0), (0.1, 3, -1.0)]
)
def test_project_ratio_rejects_bad_arguments(change: float, lag: int, demand: float) -> None:
    with pytest.raises(ValueError, match="enrolment_change"):
        project_ratio({2025: 10}, demand, change, lag)
