"""Points 3–4: the platform's evidence, frozen at submit; the checks against the warnings."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_cohort
from tests.service.adjustments.helpers import (
    PLAN_YEAR,
    PROPOSALS,
    WINDOWS,
    build,
    open_window,
    propose,
    yesterday,
)
from tests.service.reports.helpers import PLAIN, PRIORITY, YEAR


def test_the_evidence_comes_from_the_report_and_is_frozen_at_submit(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world)
    draft = propose(
        client, world.runner_user, kind="plan", major=PLAIN, planned_enrolment=20
    ).json()
    evidence = draft["evidence"]
    major = evidence["major"]
    assert (evidence["report_year"], evidence["plan_year"]) == (YEAR, PLAN_YEAR)
    assert (major["action"], major["action_label"]) == ("merge_or_close", "撤并")
    assert [r["rule_id"] for r in major["reasons"]] == ["oversupply_persistent", "oversupply"]
    assert (major["sites"], major["sites_after"]) == (3, 3)
    assert [
        (y["year"], y["graduates"], y["ratio"], y["in_field_rate"]) for y in major["years"]
    ] == [
        (YEAR - 1, 90, 0.4444, 0.9),
        (YEAR, 90, 0.3333, 0.9),
    ]
    assert major["demand_trend"]["label"] == "下降"
    assert (major["serves_priority"], major["priority_industries"]) == (False, [])
    assert [(y["year"], y["graduates"], y["destination_rate"]) for y in major["school_years"]] == [
        (YEAR - 1, 30, 0.9),
        (YEAR, 30, 0.9),
    ]
    assert (major["school_plan"], major["school_plan_after"]) == (30, 20)
    what_if = major["what_if"]
    assert (what_if["enrolment_year"], what_if["region_plan"], what_if["region_plan_after"]) == (
        PLAN_YEAR,
        90,
        80,
    )
    assert (what_if["ratio"], what_if["ratio_after"]) == (round(30 / 90, 4), round(30 / 80, 4))
    assert draft["against_warning"] is False  # cutting a flagged major follows the warning

    submitted = client.post(f"{PROPOSALS}/{draft['id']}/submit", headers=world.runner_user)
    assert submitted.status_code == 200, submitted.text
    frozen = submitted.json()
    assert frozen["evidence_frozen_at"] is not None
    # A later report (new graduates with full placement) does not rewrite the submitted evidence.
    make_cohort(session, world.flagged_schools[1], PLAIN, YEAR + 1, 30, 30)
    session.commit()
    again = client.get(f"{PROPOSALS}/{draft['id']}", headers=world.runner_user).json()
    assert again["evidence"] == frozen["evidence"]


def test_opening_a_flagged_major_is_against_the_warning_and_needs_a_justification(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world)
    draft = propose(
        client, world.school_user, kind="open", major="林业技术", planned_enrolment=40
    ).json()
    assert draft["against_warning"] is True
    assert [(w["rule"], w["label"]) for w in draft["warnings"]] == [
        ("open_flagged", "新增被预警的专业"),
        ("site_duplicated", "在设置雷同的专业上增加布点"),
    ]
    assert draft["warnings"][1]["message"] == "该专业已预警设置雷同，布点数将由3个增至4个"
    assert draft["evidence"]["major"]["sites_after"] == 4

    refused = client.post(f"{PROPOSALS}/{draft['id']}/submit", headers=world.school_user)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["message"] == "申请与供需预警相反，须填写书面说明"
    assert {d["field"] for d in error["details"]} == {"justification"}

    client.patch(
        f"{PROPOSALS}/{draft['id']}",
        json={"justification": "本校与龙头企业共建订单班，毕业生已全部签约"},
        headers=world.school_user,
    )
    submitted = client.post(f"{PROPOSALS}/{draft['id']}/submit", headers=world.school_user)
    assert (submitted.status_code, submitted.json()["status_label"]) == (200, "待审核")


def test_raising_the_plan_of_a_flagged_major_is_against_the_warning(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world)
    raised = propose(client, world.runner_user, kind="plan", major=PLAIN, planned_enrolment=45)
    assert [w["rule"] for w in raised.json()["warnings"]] == ["raise_flagged"]
    assert raised.json()["warnings"][0]["message"] == (
        "地区供需预警建议撤并，本校招生计划却由30人调增至45人"
    )
    kept = propose(client, world.school_user, kind="plan", major=PRIORITY, planned_enrolment=80)
    assert kept.json()["against_warning"] is False


def test_flagged_majors_without_a_proposal_by_the_close_are_listed_for_the_regulator(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    window = open_window(client, world)
    url = f"{WINDOWS}/{window['id']}/unacted"
    listed = client.get(url, headers=world.regulator).json()
    assert listed["closed"] is False
    assert sorted(r["school_code"] for r in listed["rows"]) == sorted(
        s.code for s in world.flagged_schools
    )
    assert {r["action_label"] for r in listed["rows"]} == {"撤并"}

    draft = propose(client, world.runner_user, kind="stop", major=PLAIN).json()
    still = client.get(url, headers=world.regulator).json()["rows"]
    assert len(still) == 3  # a draft is no proposal yet
    client.post(f"{PROPOSALS}/{draft['id']}/submit", headers=world.runner_user)
    acted = client.get(url, headers=world.regulator).json()["rows"]
    assert world.flagged_schools[0].code not in {r["school_code"] for r in acted}
    assert len(acted) == 2
    assert client.get(url, headers=world.school_user).status_code == 403
    assert client.get(url, headers=world.other_regulator).status_code == 404


def test_after_the_close_the_list_is_final(client: TestClient, session: Session) -> None:
    world = build(session)
    window = open_window(client, world, opens_on="2020-01-01", closes_on=yesterday().isoformat())
    listed = client.get(f"{WINDOWS}/{window['id']}/unacted", headers=world.regulator).json()
    assert (listed["closed"], len(listed["rows"])) == (True, 3)
