"""The mismatch report: figures to the unit, the roll-up, every rule, precedence, profiles."""

from __future__ import annotations

import random
from datetime import date
from fractions import Fraction

import pytest
from sqlmodel import Session

from models import (
    DemandForecast,
    OrganizationKind,
    OrganizationStatus,
    PolicyProfile,
    PositionKind,
    PositionStatus,
    RegionPolicy,
    Role,
)
from service.catalog import operations as catalog
from service.errors import AppError, Forbidden, Invalid
from service.reports import operations
from service.reports.operations import MismatchQuery
from service.reports.schemas import MismatchReport, MismatchRow
from tests.factories import (
    make_cohort,
    make_enterprise,
    make_forecast,
    make_organization,
    make_position,
    make_programme,
    make_school,
    make_user,
)
from tests.service.reports.helpers import (
    BACHELOR,
    CITY,
    COUNTY,
    PHARMA,
    PLAIN,
    PLAIN_B,
    PRIORITY,
    PROVINCE,
    SECONDARY,
    SIBLING,
    UPGRADE,
    YEAR,
    cohorts,
    region_with,
)


def report(
    session: Session,
    region: str = COUNTY,
    *,
    year: int = YEAR,
    level: str | None = None,
    profile: str | None = None,
) -> MismatchReport:
    query = MismatchQuery(region=region, year=year, level=level, profile=profile)
    return operations.mismatch_report(session, query, viewer=None)


def row_of(result: MismatchReport, major: str) -> MismatchRow:
    (row,) = [row for row in result.rows if row.major_code == major]
    return row


def rules(row: MismatchRow) -> list[str]:
    return [reason.rule_id for reason in row.reasons]


def test_the_test_majors_serve_the_categories_the_rules_need(session: Session) -> None:
    serving = catalog.majors_serving_categories(session, COUNTY)
    assert PLAIN not in serving
    assert PLAIN_B not in serving
    assert "新兴" in serving[PRIORITY]
    assert serving[UPGRADE] == {"改造升级"}
    assert serving[PHARMA] == {"改造升级", "新兴"}


# ---------------------------------------------------------------- figures


def test_supply_figures_sum_the_cohorts_of_the_region(session: Session) -> None:
    first, second = make_school(session), make_school(session)
    make_cohort(session, first, PLAIN, YEAR, 100, 70, 50)
    make_cohort(session, second, PLAIN, YEAR, 80, 40, 30)
    make_cohort(session, second, PLAIN, YEAR - 1, 90, 81, 60)
    make_cohort(session, make_school(session, region_code=SIBLING), PLAIN, YEAR, 60, 50, 45)

    row = row_of(report(session), PLAIN)

    assert (row.sites, row.graduates, row.placed, row.in_field) == (2, 180, 110, 80)
    assert row.destination_rate == 0.6111
    assert row.in_field_rate == 0.4444
    assert [(h.year, h.graduates, h.placed, h.destination_rate) for h in row.history] == [
        (YEAR - 1, 90, 81, 0.9)
    ]
    assert (row.major_name, row.level) == ("林业技术", "高职专科")


def test_demand_counts_published_jobs_and_apprenticeships_split_over_their_majors(
    session: Session,
) -> None:
    enterprise = make_enterprise(session)
    make_position(session, enterprise, [PLAIN, PLAIN_B], headcount=10, start_date=date(YEAR, 3, 1))
    make_position(
        session,
        enterprise,
        [PLAIN],
        kind=PositionKind.apprenticeship,
        status=PositionStatus.closed,
        headcount=3,
        start_date=date(YEAR, 12, 31),
    )
    make_position(
        session,
        enterprise,
        [PLAIN, PLAIN_B, PRIORITY],
        status=PositionStatus.filled,
        headcount=4,
        start_date=date(YEAR, 1, 1),
    )
    # Not demand: a draft, another year on either side, another province, an internship.
    make_position(
        session,
        enterprise,
        [PLAIN],
        status=PositionStatus.draft,
        headcount=100,
        start_date=date(YEAR, 5, 1),
    )
    make_position(session, enterprise, [PLAIN], headcount=50, start_date=date(YEAR - 1, 12, 31))
    make_position(session, enterprise, [PLAIN], headcount=70, start_date=date(YEAR + 1, 1, 1))
    make_position(
        session,
        make_enterprise(session, region_code="120101"),
        [PLAIN],
        headcount=200,
        start_date=date(YEAR, 5, 1),
    )
    make_position(
        session,
        enterprise,
        [PLAIN, PLAIN_B],
        kind=PositionKind.internship,
        headcount=6,
        start_date=date(YEAR, 6, 1),
    )
    make_position(
        session,
        enterprise,
        [PLAIN],
        kind=PositionKind.internship,
        headcount=5,
        status=PositionStatus.draft,
        start_date=date(YEAR, 6, 1),
    )

    result = report(session)

    # 10/2 + 3 + 4/3 = 9.333…; PLAIN_B 10/2 + 4/3; PRIORITY 4/3.
    assert row_of(result, PLAIN).demand == 9.33
    assert row_of(result, PLAIN_B).demand == 6.33
    assert row_of(result, PRIORITY).demand == 1.33
    assert row_of(result, PLAIN).internship_places == 3.0
    assert row_of(result, PLAIN_B).internship_places == 3.0
    assert row_of(result, PRIORITY).internship_places == 0.0
    assert [(h.year, h.demand) for h in row_of(result, PLAIN).history] == [(YEAR - 1, 50.0)]


def test_forecasts_add_to_demand_for_their_major_region_and_year(session: Session) -> None:
    publisher = make_organization(session, OrganizationKind.government, region_code=COUNTY)
    make_forecast(session, publisher, PLAIN, YEAR, 7)
    make_forecast(session, make_enterprise(session), PLAIN, YEAR, 5)
    make_forecast(session, publisher, PLAIN, YEAR - 1, 11)
    make_forecast(session, publisher, PLAIN_B, YEAR, 2, region_code=SIBLING)
    session.add(
        DemandForecast(
            publisher_id=publisher.id,
            occupation_code="1-01",
            target_code="1-01",
            region_code=COUNTY,
            year=YEAR,
            headcount=99,
        )
    )
    make_position(session, make_enterprise(session), [PLAIN], headcount=4)
    session.flush()

    result = report(session)

    row = row_of(result, PLAIN)
    assert (row.demand, row.graduates, row.ratio, row.gap) == (16.0, 0, None, 16.0)
    assert [(h.year, h.demand) for h in row.history] == [(YEAR - 1, 11.0)]
    assert [r.major_code for r in result.rows] == [PLAIN]
    assert row_of(report(session, CITY), PLAIN_B).demand == 2.0


def test_ratio_and_gap_compare_demand_with_graduates(session: Session) -> None:
    region_with(session, PLAIN, {YEAR: (40, 36)}, {YEAR: 30})
    row = row_of(report(session), PLAIN)
    assert (row.demand, row.graduates, row.ratio, row.gap) == (30.0, 40, 0.75, -10.0)


def test_sites_count_schools_with_a_programme_or_a_cohort_that_year(session: Session) -> None:
    with_both, with_programme, with_cohort, last_year_only = (
        make_school(session) for _ in range(4)
    )
    make_programme(session, with_both, PLAIN, YEAR)
    make_cohort(session, with_both, PLAIN, YEAR, 10, 9)
    make_programme(session, with_programme, PLAIN, YEAR)
    make_cohort(session, with_cohort, PLAIN, YEAR, 20, 18)
    make_programme(session, last_year_only, PLAIN, YEAR - 1)

    row = row_of(report(session), PLAIN)

    assert (row.sites, row.graduates) == (3, 30)
    assert [(h.year, h.graduates) for h in row.history] == [(YEAR - 1, 0)]


def test_regions_roll_up_to_city_and_province_but_not_to_a_sibling_county(
    session: Session,
) -> None:
    make_cohort(session, make_school(session, region_code=COUNTY), PLAIN, YEAR, 100, 90)
    make_cohort(session, make_school(session, region_code=SIBLING), PLAIN, YEAR, 30, 27)
    make_cohort(session, make_school(session, region_code="510104"), PLAIN, YEAR, 500, 450)
    make_position(session, make_enterprise(session, region_code=COUNTY), [PLAIN], headcount=8)
    make_position(session, make_enterprise(session, region_code=SIBLING), [PLAIN], headcount=2)
    make_forecast(session, make_enterprise(session), PLAIN, YEAR, 5, region_code=CITY)

    figures = {
        code: (row.sites, row.graduates, row.demand)
        for code in (COUNTY, SIBLING, CITY, PROVINCE, "510000")
        for row in [row_of(report(session, code), PLAIN)]
    }

    assert figures == {
        COUNTY: (1, 100, 8.0),
        SIBLING: (1, 30, 2.0),
        CITY: (2, 130, 15.0),
        PROVINCE: (2, 130, 15.0),
        "510000": (1, 500, 0.0),
    }


def test_the_level_filter_keeps_majors_of_that_level(session: Session) -> None:
    school = make_school(session)
    make_cohort(session, school, PLAIN, YEAR, 10, 9)
    make_cohort(session, school, SECONDARY, YEAR, 20, 19)
    make_position(session, make_enterprise(session), [PLAIN, SECONDARY], headcount=10)

    secondary = report(session, level="中职")

    assert [(r.major_code, r.graduates, r.demand) for r in secondary.rows] == [(SECONDARY, 20, 5.0)]
    assert secondary.level == "中职"
    assert [r.major_code for r in report(session, level="高职专科").rows] == [PLAIN]


def test_a_major_without_figures_in_the_report_year_is_left_out(session: Session) -> None:
    cohorts(session, make_school(session), PLAIN, {YEAR - 1: (10, 2)})
    assert report(session).rows == []


# ---------------------------------------------------------------- rules (national profile)


def test_destination_rate_below_60_percent_two_years_running_merges(session: Session) -> None:
    region_with(session, PLAIN, {YEAR - 1: (100, 55), YEAR: (100, 50)}, {YEAR - 1: 100, YEAR: 100})
    row = row_of(report(session), PLAIN)
    assert (row.action, row.action_label) == ("merge_or_close", "撤并")
    assert rules(row) == ["destination_persistent", "destination_low"]
    assert row.reasons[0].message == "毕业去向落实率连续2年低于60%（2024年55.0%，2025年50.0%）"
    assert row.reasons[0].thresholds == {"destination_floor": 0.6, "consecutive_years": 2}
    assert row.reasons[0].source.startswith("教育部《关于做好2012年全国普通高等学校毕业生就业工作")


def test_destination_rate_below_60_percent_in_the_report_year_only_reduces(
    session: Session,
) -> None:
    region_with(session, PLAIN, {YEAR - 1: (100, 60), YEAR: (100, 59)}, {YEAR - 1: 100, YEAR: 100})
    row = row_of(report(session), PLAIN)
    assert (row.action, row.action_label) == ("reduce", "调减")
    assert rules(row) == ["destination_low"]
    assert row.reasons[0].message == "毕业去向落实率低于60%（2025年59.0%）"


def test_exactly_60_percent_is_not_below_the_floor(session: Session) -> None:
    region_with(session, PLAIN, {YEAR - 1: (100, 60), YEAR: (100, 60)}, {YEAR - 1: 100, YEAR: 100})
    row = row_of(report(session), PLAIN)
    assert (row.action, row.reasons) == ("keep", [])


def test_ratio_below_half_reduces(session: Session) -> None:
    region_with(session, PLAIN, {YEAR - 1: (100, 90), YEAR: (100, 90)}, {YEAR - 1: 100, YEAR: 49})
    row = row_of(report(session), PLAIN)
    assert (row.action, rules(row)) == ("reduce", ["oversupply"])
    assert row.reasons[0].message == "供求比低于0.50（2025年0.49：需求49人，毕业生100人）"


def test_ratio_below_half_two_years_with_three_sites_merges(session: Session) -> None:
    region_with(
        session, PLAIN, {YEAR - 1: (90, 81), YEAR: (90, 81)}, {YEAR - 1: 40, YEAR: 30}, sites=3
    )
    row = row_of(report(session), PLAIN)
    assert row.sites == 3
    assert (row.action, rules(row)) == ("merge_or_close", ["oversupply_persistent", "oversupply"])
    assert row.reasons[0].thresholds == {
        "oversupply_ratio": 0.5,
        "consecutive_years": 2,
        "min_sites": 3,
    }


def test_ratio_below_half_two_years_with_two_sites_only_reduces(session: Session) -> None:
    region_with(
        session, PLAIN, {YEAR - 1: (90, 81), YEAR: (90, 81)}, {YEAR - 1: 40, YEAR: 30}, sites=2
    )
    row = row_of(report(session), PLAIN)
    assert (row.sites, row.action, rules(row)) == (2, "reduce", ["oversupply"])


def test_vanishing_jobs_merge(session: Session) -> None:
    region_with(
        session,
        PLAIN,
        {YEAR - 3: (50, 45), YEAR - 1: (50, 45), YEAR: (50, 45)},
        {YEAR - 3: 100, YEAR - 1: 60, YEAR: 20},
    )
    row = row_of(report(session), PLAIN)
    assert row.ratio == 0.4
    assert (row.action, rules(row)) == ("merge_or_close", ["vanishing", "oversupply"])
    assert row.reasons[0].message == (
        "岗位需求3年间降至20%及以下（2022年100人，2025年20人，为20.0%），"
        "且供求比0.40低于0.50，职业岗位消失"
    )


def test_demand_just_above_a_fifth_is_not_vanishing(session: Session) -> None:
    region_with(
        session,
        PLAIN,
        {YEAR - 3: (50, 45), YEAR - 1: (50, 45), YEAR: (50, 45)},
        {YEAR - 3: 100, YEAR - 1: 60, YEAR: 21},
    )
    assert rules(row_of(report(session), PLAIN)) == ["oversupply"]


def test_upgrade_when_a_traditional_industry_major_loses_demand(session: Session) -> None:
    region_with(session, UPGRADE, {YEAR - 3: (60, 55), YEAR: (60, 55)}, {YEAR - 3: 100, YEAR: 79})
    row = row_of(report(session), UPGRADE)
    assert (row.action, row.action_label, rules(row)) == ("upgrade", "改造升级", ["upgrade"])
    assert row.reasons[0].thresholds == {"upgrade_demand_share": 0.8, "lookback_years": 3}


def test_no_upgrade_at_exactly_80_percent_or_for_other_majors(session: Session) -> None:
    region_with(session, UPGRADE, {YEAR - 3: (60, 55), YEAR: (60, 55)}, {YEAR - 3: 100, YEAR: 80})
    region_with(session, PLAIN, {YEAR - 3: (60, 55), YEAR: (60, 55)}, {YEAR - 3: 100, YEAR: 70})
    result = report(session)
    assert [(r.major_code, r.action) for r in result.rows] == [(PLAIN, "keep"), (UPGRADE, "keep")]


def test_expand_a_priority_major_in_short_supply(session: Session) -> None:
    region_with(session, PRIORITY, {YEAR: (100, 98)}, {YEAR: 151})
    region_with(session, PLAIN, {YEAR: (100, 98)}, {YEAR: 300})
    result = report(session)
    assert [(r.major_code, r.action, rules(r)) for r in result.rows] == [
        (PRIORITY, "expand", ["expand"]),
        (PLAIN, "keep", []),
    ]
    assert row_of(result, PRIORITY).reasons[0].message == (
        "服务重点或紧缺产业，供求比1.51高于1.50（2025年需求151人，毕业生100人），人才供不应求"
    )


def test_no_expansion_at_a_ratio_of_exactly_one_and_a_half(session: Session) -> None:
    region_with(session, PRIORITY, {YEAR: (100, 98)}, {YEAR: 150})
    assert row_of(report(session), PRIORITY).action == "keep"


# ---------------------------------------------------------------- precedence and order


def test_reduce_outranks_expand_and_both_reasons_are_kept(session: Session) -> None:
    region_with(session, PRIORITY, {YEAR: (100, 50)}, {YEAR: 300})
    row = row_of(report(session), PRIORITY)
    assert (row.action, rules(row)) == ("reduce", ["destination_low", "expand"])
    assert [r.action_label for r in row.reasons] == ["调减", "扩招"]


def test_reduce_outranks_upgrade(session: Session) -> None:
    region_with(session, UPGRADE, {YEAR - 3: (60, 55), YEAR: (60, 30)}, {YEAR - 3: 100, YEAR: 70})
    row = row_of(report(session), UPGRADE)
    assert (row.action, rules(row)) == ("reduce", ["destination_low", "upgrade"])


def test_upgrade_outranks_expand(session: Session) -> None:
    region_with(session, PHARMA, {YEAR - 3: (100, 95), YEAR: (100, 95)}, {YEAR - 3: 400, YEAR: 300})
    row = row_of(report(session), PHARMA)
    assert (row.ratio, row.action, rules(row)) == (3.0, "upgrade", ["upgrade", "expand"])


def test_rows_come_most_urgent_first_with_a_count_per_action(session: Session) -> None:
    region_with(session, PLAIN, {YEAR - 1: (100, 50), YEAR: (100, 50)}, {YEAR - 1: 100, YEAR: 100})
    region_with(session, PLAIN_B, {YEAR: (100, 50)}, {YEAR: 100})
    region_with(session, UPGRADE, {YEAR - 3: (60, 55), YEAR: (60, 55)}, {YEAR - 3: 100, YEAR: 70})
    region_with(session, PRIORITY, {YEAR: (100, 98)}, {YEAR: 200})
    region_with(session, SECONDARY, {YEAR: (10, 9)}, {YEAR: 10})

    result = report(session)

    assert [(r.major_code, r.action) for r in result.rows] == [
        (PLAIN, "merge_or_close"),
        (PLAIN_B, "reduce"),
        (UPGRADE, "upgrade"),
        (PRIORITY, "expand"),
        (SECONDARY, "keep"),
    ]
    assert result.summary == {
        "merge_or_close": 1,
        "reduce": 1,
        "upgrade": 1,
        "expand": 1,
        "keep": 1,
    }


# ---------------------------------------------------------------- profiles


def test_anhui_needs_three_years_below_the_floor_to_merge(session: Session) -> None:
    two_years = {YEAR - 2: (100, 70), YEAR - 1: (100, 55), YEAR: (100, 50)}
    region_with(session, PLAIN, two_years, dict.fromkeys(two_years, 100), region_code="340102")
    three_years = {YEAR - 2: (100, 59), YEAR - 1: (100, 55), YEAR: (100, 50)}
    region_with(session, PLAIN, three_years, dict.fromkeys(three_years, 100), region_code="340103")

    national = report(session, "340102")
    anhui = report(session, "340102", profile="anhui-2023")

    assert (national.profile, row_of(national, PLAIN).action) == ("national", "merge_or_close")
    assert (anhui.profile, anhui.profile_name) == ("anhui-2023", "安徽省")
    assert row_of(anhui, PLAIN).action == "reduce"
    persistent = row_of(report(session, "340103", profile="anhui-2023"), PLAIN)
    assert (persistent.action, rules(persistent)[0]) == ("merge_or_close", "destination_persistent")
    assert persistent.reasons[0].message.startswith("毕业去向落实率连续3年低于60%")


def test_a_region_uses_its_province_assignment_and_the_override_wins(session: Session) -> None:
    three_years = {YEAR - 2: (100, 70), YEAR - 1: (100, 55), YEAR: (100, 50)}
    region_with(session, PLAIN, three_years, dict.fromkeys(three_years, 100), region_code="340102")
    session.add(RegionPolicy(region_code="340000", profile_key="anhui-2023"))
    session.flush()

    inherited = report(session, "340102")
    overridden = report(session, "340102", profile="national")

    assert (inherited.profile, inherited.profile_source) == ("anhui-2023", "inherited")
    assert row_of(inherited, PLAIN).action == "reduce"
    assert (overridden.profile, overridden.profile_source) == ("national", "override")
    assert row_of(overridden, PLAIN).action == "merge_or_close"
    assert report(session, COUNTY, year=YEAR).profile_source == "default"


@pytest.mark.parametrize(
    ("rates", "action", "rule_ids"),
    [
        ({YEAR - 1: (100, 90), YEAR: (100, 50)}, "reduce", ["destination_low"]),
        (
            {YEAR - 1: (100, 90), YEAR: (100, 35)},
            "reduce",
            ["destination_low", "destination_below_40"],
        ),
        (
            {YEAR - 1: (100, 90), YEAR: (100, 25)},
            "merge_or_close",
            ["destination_below_30", "destination_low", "destination_below_40"],
        ),
        (
            {YEAR - 1: (100, 39), YEAR: (100, 38)},
            "merge_or_close",
            ["destination_below_40_persistent", "destination_low", "destination_below_40"],
        ),
    ],
)
def test_tianjin_tiers(
    session: Session, rates: dict[int, tuple[int, int]], action: str, rule_ids: list[str]
) -> None:
    region_with(session, PLAIN, rates, dict.fromkeys(rates, 100), region_code="120101")
    row = row_of(report(session, "120101", profile="tianjin-2009"), PLAIN)
    assert (row.action, rules(row)) == (action, rule_ids)
    low = next(r for r in row.reasons if r.rule_id == "destination_low")
    assert low.message.endswith(f"次年招生计划不超过当年毕业去向落实人数{rates[YEAR][1]}人")


# ---------------------------------------------------------------- who sees what, bad input


def test_a_school_sees_only_the_majors_it_runs(session: Session) -> None:
    schools = region_with(session, PLAIN, {YEAR: (100, 50)}, {YEAR: 10})
    region_with(session, PRIORITY, {YEAR: (100, 98)}, {YEAR: 300})
    make_programme(session, schools[0], PLAIN_B, YEAR - 1)
    region_with(session, PLAIN_B, {YEAR: (10, 9)}, {YEAR: 10})
    user = make_user(session, Role.school, schools[0])

    result = operations.mismatch_report(session, MismatchQuery(COUNTY, YEAR), viewer=user)

    assert [r.major_code for r in result.rows] == [PLAIN, PLAIN_B]
    assert result.summary == {
        "merge_or_close": 0,
        "reduce": 1,
        "upgrade": 0,
        "expand": 0,
        "keep": 1,
    }


def test_other_roles_are_refused(session: Session) -> None:
    user = make_user(session, Role.enterprise, make_enterprise(session))
    with pytest.raises(Forbidden):
        operations.mismatch_report(session, MismatchQuery(COUNTY, YEAR), viewer=user)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (MismatchQuery("999999", YEAR), "region", "地区代码“999999”不存在"),
        (MismatchQuery(COUNTY, YEAR, profile="mars"), "profile", "政策配置“mars”不存在"),
        (
            MismatchQuery(COUNTY, YEAR, level="本科"),
            "level",
            "层次应为中职、高职专科、职教本科之一",
        ),
        (MismatchQuery(COUNTY, 1999), "year", "年份应在2000至2100之间"),
    ],
)
def test_bad_parameters_name_the_field(
    session: Session, query: MismatchQuery, field: str, message: str
) -> None:
    with pytest.raises(Invalid) as caught:
        operations.mismatch_report(session, query, viewer=None)
    assert caught.value.details == [{"field": field, "message": message}]


# ---------------------------------------------------------------- what-if


def test_what_if_projects_the_ratio_of_the_coming_graduating_years(session: Session) -> None:
    school, other = make_school(session), make_school(session, region_code=SIBLING)
    make_cohort(session, school, PLAIN, YEAR, 50, 45)
    make_position(session, make_enterprise(session), [PLAIN], headcount=40)
    make_programme(session, school, PLAIN, YEAR - 4, 999)  # graduated already
    make_programme(session, school, PLAIN, YEAR - 2, 40, enrolled=38)
    make_programme(session, school, PLAIN, YEAR - 1, 50)
    make_programme(session, school, PLAIN, YEAR, 60, enrolled=55)
    make_programme(session, school, PLAIN, YEAR + 1, 100)
    make_programme(session, other, PLAIN, YEAR + 2, 80)
    make_programme(session, make_school(session, region_code="510104"), PLAIN, YEAR + 1, 500)

    result = operations.what_if(session, MismatchQuery(CITY, YEAR), PLAIN, -0.2, viewer=None)

    assert (result.graduation_lag, result.graduates, result.demand, result.ratio) == (
        3,
        50,
        40.0,
        0.8,
    )
    # 2027: the other school's stored 80, and this school's 2026 plan of 100 carried forward.
    assert [
        (
            p.enrolment_year,
            p.graduation_year,
            p.planned,
            p.adjusted_plan,
            p.ratio,
            p.adjustable,
            p.estimated,
            p.estimated_plan,
            p.estimated_programmes,
        )
        for p in result.projection
    ] == [
        (2023, 2026, 38, 38, 1.0526, False, False, 0, 0),
        (2024, 2027, 50, 50, 0.8, False, False, 0, 0),
        (2025, 2028, 55, 55, 0.7273, False, False, 0, 0),
        (2026, 2029, 100, 80, 0.5, True, False, 0, 0),
        (2027, 2030, 180, 144, 0.2778, True, True, 100, 1),
    ]


def test_what_if_carries_each_programmes_last_plan_into_coming_years(session: Session) -> None:
    """The issue's case: one school had stored its next plan, the region looked almost empty."""
    early, late, stopped = make_school(session), make_school(session), make_school(session)
    make_cohort(session, early, PLAIN, YEAR, 300, 270)
    make_position(session, make_enterprise(session), [PLAIN], headcount=237)
    for school, plan in ((early, 100), (late, 120), (stopped, 80)):
        make_programme(session, school, PLAIN, YEAR, plan)
    make_programme(session, early, PLAIN, YEAR + 1, 25)  # the only stored plan of next year
    make_programme(session, stopped, PLAIN, YEAR + 1, 0)  # stops enrolling: 0, carried as 0
    make_programme(session, late, PLAIN, YEAR - 1, 110)

    result = operations.what_if(session, MismatchQuery(COUNTY, YEAR), PLAIN, 0.0, viewer=None)

    # Counting only stored plans, next year had 25 students and a ratio of 237 / 25 = 9.48.
    assert [
        (
            p.enrolment_year,
            p.planned,
            p.ratio,
            p.estimated,
            p.estimated_plan,
            p.estimated_programmes,
        )
        for p in result.projection
        if p.adjustable
    ] == [(YEAR + 1, 145, 1.6345, True, 120, 1)]


def test_what_if_uses_four_years_for_vocational_bachelor_majors(session: Session) -> None:
    school = make_school(session, level="职教本科")
    make_programme(session, school, BACHELOR, YEAR + 1, 30)
    result = operations.what_if(session, MismatchQuery(COUNTY, YEAR), BACHELOR, 0.1, viewer=None)
    assert result.graduation_lag == 4
    assert [(p.graduation_year, p.graduates, p.ratio) for p in result.projection] == [
        (2030, 33, 0.0)
    ]
    assert (result.graduates, result.ratio) == (0, None)


@pytest.mark.parametrize(
    ("major", "change", "field"),
    [(PLAIN, -1.5, "enrolment_change"), (PLAIN, 6.0, "enrolment_change"), ("999999", 0.1, "major")],
)
def test_what_if_refuses_bad_input(session: Session, major: str, change: float, field: str) -> None:
    with pytest.raises(Invalid) as caught:
        operations.what_if(session, MismatchQuery(COUNTY, YEAR), major, change, viewer=None)
    assert [d["field"] for d in caught.value.details] == [field]


def test_a_school_may_only_simulate_its_own_majors(session: Session) -> None:
    school = make_school(session)
    make_cohort(session, school, PLAIN, YEAR, 10, 9)
    user = make_user(session, Role.school, school)
    assert operations.what_if(session, MismatchQuery(COUNTY, YEAR), PLAIN, 0, viewer=user)
    with pytest.raises(Forbidden):
        operations.what_if(session, MismatchQuery(COUNTY, YEAR), PRIORITY, 0, viewer=user)


def test_inconsistent_cohorts_are_reported_not_crashed_on(session: Session) -> None:
    make_cohort(session, make_school(session), PLAIN, YEAR, 10, 12)
    with pytest.raises(AppError) as caught:
        report(session)
    assert caught.value.status_code == 409
    assert caught.value.message == (
        f"专业 {PLAIN} 的毕业生数据有误：{YEAR}年落实人数或对口人数超过毕业生人数"
    )


@pytest.mark.parametrize("status", [OrganizationStatus.pending, OrganizationStatus.suspended])
def test_unverified_organisations_count_neither_as_supply_nor_as_demand(
    session: Session, status: OrganizationStatus
) -> None:
    school = make_school(session, region_code=COUNTY)
    make_cohort(session, school, PLAIN, YEAR, graduates=100, placed=80)
    make_programme(session, school, PLAIN, YEAR)
    verified = make_enterprise(session, region_code=COUNTY)
    make_position(session, verified, [PLAIN], start_date=date(YEAR, 3, 1), headcount=30)
    # The same kinds of data from an organisation that is not verified must change nothing.
    other_school = make_school(session, region_code=COUNTY, status=status)
    make_cohort(session, other_school, PLAIN, YEAR, graduates=500, placed=10)
    make_programme(session, other_school, PLAIN, YEAR)
    other = make_enterprise(session, region_code=COUNTY, status=status)
    make_position(
        session,
        other,
        [PLAIN],
        status=PositionStatus.closed,
        start_date=date(YEAR, 3, 1),
        headcount=900,
    )
    make_forecast(session, other, PLAIN, YEAR, 400, region_code=COUNTY)

    row = row_of(report(session), PLAIN)

    assert (row.sites, row.graduates, row.placed, row.demand) == (1, 100, 80, 30.0)


def test_which_categories_allow_growth_is_part_of_the_profile(session: Session) -> None:
    # A profile that grows only 紧缺 majors: PRIORITY serves 新兴 only, so it is kept, not grown.
    region_with(session, PRIORITY, {YEAR: (100, 90)}, {YEAR: 200})
    params = dict(session.get(PolicyProfile, "national").params)  # type: ignore[union-attr]
    session.add(
        PolicyProfile(
            key="shortage-only",
            name="仅紧缺专业扩招",
            params={**params, "key": "shortage-only", "expand_categories": ["紧缺"]},
        )
    )
    session.flush()
    assert row_of(report(session), PRIORITY).action == "expand"
    assert row_of(report(session, profile="shortage-only"), PRIORITY).action == "keep"


def test_rounded_shares_round_as_fractions_do() -> None:
    rng = random.Random(3)
    values = [Fraction(n, d) for d in (1, 2, 3, 7, 8, 40, 200, 400, 3000) for n in range(0, 900, 7)]
    values += [Fraction(rng.randint(0, 10**7), rng.randint(1, 10**4)) for _ in range(5000)]
    values += [Fraction(2 * n + 1, 200) for n in range(200)]  # exact ties at the third decimal
    for value in values:
        assert operations.rounded_share(value) == float(round(value, 2)), value
