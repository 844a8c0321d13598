"""Warning snapshots: the nightly job, idempotent storage, and year-on-year changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from models import AuditLog, RegionPolicy, Role, WarningSnapshot
from service.errors import Invalid, NotFound
from service.jobs import JOBS
from service.reports import operations
from service.reports.operations import MismatchQuery
from tests.factories import make_cohort, make_school, make_user, make_warning_snapshot
from tests.service.reports.helpers import (
    CITY,
    COUNTY,
    PLAIN,
    PLAIN_B,
    PRIORITY,
    PROVINCE,
    SECONDARY,
    UPGRADE,
    YEAR,
    region_with,
)


def stored(session: Session) -> list[tuple[str, int, str, str, str]]:
    rows = session.execute(
        select(
            col(WarningSnapshot.region_code),
            col(WarningSnapshot.year),
            col(WarningSnapshot.profile_key),
            col(WarningSnapshot.major_code),
            col(WarningSnapshot.action),
        ).order_by(col(WarningSnapshot.region_code), col(WarningSnapshot.major_code))
    )
    return [tuple(row) for row in rows]


def test_the_nightly_job_is_registered() -> None:
    (job,) = [job for job in JOBS if job.id == "warning_snapshots"]
    assert (job.compute, job.run, job.trigger, job.trigger_args) == (
        operations.compute_snapshots,
        operations.snapshot_job,
        "cron",
        {"hour": 2, "minute": 30},
    )


def test_the_job_stores_every_city_and_province_with_schools_for_its_latest_year(
    session: Session,
) -> None:
    region_with(session, PLAIN, {YEAR - 1: (100, 55), YEAR: (100, 50)}, {YEAR: 100})
    make_cohort(session, make_school(session, region_code="340102"), PRIORITY, YEAR - 1, 10, 9)
    session.add(RegionPolicy(region_code="340000", profile_key="anhui-2023"))
    session.flush()

    results = operations.snapshot_job(session, operations.compute_snapshots(session))

    assert [(r.region, r.year, r.profile, r.rows) for r in results] == [
        ("340000", YEAR - 1, "anhui-2023", 1),
        ("340100", YEAR - 1, "anhui-2023", 1),
        (PROVINCE, YEAR, "national", 1),
        (CITY, YEAR, "national", 1),
    ]
    assert stored(session) == [
        ("340000", YEAR - 1, "anhui-2023", PRIORITY, "reduce"),
        ("340100", YEAR - 1, "anhui-2023", PRIORITY, "reduce"),
        (PROVINCE, YEAR, "national", PLAIN, "merge_or_close"),
        (CITY, YEAR, "national", PLAIN, "merge_or_close"),
    ]
    audit = session.execute(
        select(col(AuditLog.actor), col(AuditLog.entity_id)).where(
            col(AuditLog.entity) == "warning_snapshot"
        )
    ).all()
    assert sorted(tuple(a) for a in audit) == [
        ("scheduler", f"340000:{YEAR - 1}:anhui-2023"),
        ("scheduler", f"340100:{YEAR - 1}:anhui-2023"),
        ("scheduler", f"{PROVINCE}:{YEAR}:national"),
        ("scheduler", f"{CITY}:{YEAR}:national"),
    ]


def test_a_snapshot_keeps_the_figures_and_reasons(session: Session) -> None:
    region_with(session, PLAIN, {YEAR - 1: (100, 55), YEAR: (100, 50)}, {YEAR: 100})
    operations.store_snapshots(session, region_code=COUNTY, year=YEAR)
    snapshot = session.execute(select(WarningSnapshot)).scalar_one()
    assert snapshot.figures["graduates"] == 100
    assert snapshot.figures["destination_rate"] == 0.5
    assert snapshot.figures["history"][0]["year"] == YEAR - 1
    assert [r["rule_id"] for r in snapshot.reasons] == ["destination_persistent", "destination_low"]


def test_rerunning_replaces_the_rows_of_the_same_region_year_and_profile(
    session: Session,
) -> None:
    (school,) = region_with(session, PLAIN, {YEAR: (100, 50)}, {YEAR: 100})
    second = make_cohort(session, school, PLAIN_B, YEAR, 10, 9)
    first = operations.store_snapshots(session, region_code=CITY)
    assert (first[0].year, first[0].rows) == (YEAR, 2)

    session.delete(second)
    session.flush()
    operations.store_snapshots(session, region_code=CITY)
    operations.store_snapshots(session, region_code=CITY)

    assert stored(session) == [(CITY, YEAR, "national", PLAIN, "reduce")]
    count = session.execute(select(func.count()).select_from(WarningSnapshot)).scalar_one()
    assert count == 1


def test_nothing_to_store_without_cohorts(session: Session) -> None:
    assert operations.store_snapshots(session) == []
    assert operations.store_snapshots(session, region_code=COUNTY) == []


def test_changes_list_new_worsened_and_improved_majors(session: Session) -> None:
    before = {PLAIN: "keep", PLAIN_B: "reduce", PRIORITY: "merge_or_close", UPGRADE: "reduce"}
    now = {
        PLAIN: "reduce",
        PLAIN_B: "merge_or_close",
        PRIORITY: "upgrade",
        UPGRADE: "reduce",
        SECONDARY: "expand",
        "410203": "keep",
    }
    for major, action in before.items():
        make_warning_snapshot(session, CITY, YEAR - 1, major, action)
    for major, action in now.items():
        make_warning_snapshot(session, CITY, YEAR, major, action)
    make_warning_snapshot(session, CITY, YEAR - 1, "410203", "merge_or_close", "anhui-2023")

    changes = operations.mismatch_changes(session, MismatchQuery(CITY, YEAR), viewer=None)

    def listed(kind: str) -> list[tuple[str, str | None, str]]:
        return [(c.major_code, c.previous_action, c.action) for c in getattr(changes, kind)]

    assert listed("new") == [(PLAIN, "keep", "reduce"), (SECONDARY, None, "expand")]
    assert listed("worsened") == [(PLAIN_B, "reduce", "merge_or_close")]
    assert listed("improved") == [(PRIORITY, "merge_or_close", "upgrade")]
    assert changes.new[0].previous_action_label == "保持"
    assert (changes.profile, changes.previous_year, changes.previous_available) == (
        "national",
        YEAR - 1,
        True,
    )


def test_changes_compare_snapshots_made_by_the_job(session: Session) -> None:
    region_with(
        session,
        PLAIN,
        {YEAR - 2: (100, 90), YEAR - 1: (100, 90), YEAR: (100, 50)},
        {YEAR - 2: 100, YEAR - 1: 100, YEAR: 100},
    )
    operations.store_snapshots(session, region_code=CITY, year=YEAR - 1)
    operations.store_snapshots(session, region_code=CITY, year=YEAR)

    changes = operations.mismatch_changes(session, MismatchQuery(CITY, YEAR), viewer=None)

    assert [(c.major_code, c.previous_action, c.action) for c in changes.new] == [
        (PLAIN, "keep", "reduce")
    ]
    assert changes.new[0].major_name == "林业技术"
    assert [r.rule_id for r in changes.new[0].reasons] == ["destination_low"]


def test_a_school_sees_the_changes_of_its_own_majors(session: Session) -> None:
    school = make_school(session)
    make_cohort(session, school, PLAIN, YEAR, 10, 5)
    make_warning_snapshot(session, CITY, YEAR, PLAIN, "reduce")
    make_warning_snapshot(session, CITY, YEAR, PLAIN_B, "reduce")
    user = make_user(session, Role.school, school)

    changes = operations.mismatch_changes(session, MismatchQuery(CITY, YEAR), viewer=user)

    assert [c.major_code for c in changes.new] == [PLAIN]
    assert changes.previous_available is False


def test_a_schools_changes_keep_the_small_number_rule(session: Session) -> None:
    school = make_school(session)
    make_cohort(session, school, PLAIN, YEAR, 3, 1)  # its own small cohort: exact for it
    other = make_school(session)
    make_cohort(session, school, PLAIN_B, YEAR - 1, 10, 5)  # the school runs PLAIN_B too
    make_cohort(session, other, PLAIN_B, YEAR, 3, 1)
    reason = {
        "rule_id": "destination_low",
        "action": "reduce",
        "action_label": "调减",
        "message": "毕业去向落实率33.3%（毕业生3人）",
        "thresholds": {},
        "source": "教职成〔2021〕2号",
    }
    for major in (PLAIN, PLAIN_B):
        make_warning_snapshot(
            session,
            CITY,
            YEAR,
            major,
            "reduce",
            figures={"major_name": "x", "graduates": 3, "placed": 1, "in_field": 1},
            reasons=[reason],
        )
    user = make_user(session, Role.school, school)

    changes = operations.mismatch_changes(session, MismatchQuery(CITY, YEAR), viewer=user)

    messages = {c.major_code: [r.message for r in c.reasons] for c in changes.new}
    assert messages == {
        PLAIN: ["毕业去向落实率33.3%（毕业生3人）"],
        PLAIN_B: ["该专业的数字不足5人，按小数保护规则不显示具体数字"],
    }


def test_changes_need_a_snapshot_of_the_year(session: Session) -> None:
    make_warning_snapshot(session, CITY, YEAR - 1, PLAIN, "reduce")
    with pytest.raises(NotFound):
        operations.mismatch_changes(session, MismatchQuery(CITY, YEAR), viewer=None)


def test_the_nation_has_no_snapshots(session: Session) -> None:
    with pytest.raises(Invalid) as refused:
        operations.compute_snapshots(session, region_code=operations.NATIONAL_CODE)
    with pytest.raises(Invalid) as changes:
        operations.mismatch_changes(
            session, MismatchQuery(region=operations.NATIONAL_CODE, year=2025), viewer=None
        )

    for error in (refused.value, changes.value):
        assert error.message == "全国范围不保存预警快照"
        assert error.details == [{"field": "region", "message": "请填写省、市或县的行政区划代码"}]
