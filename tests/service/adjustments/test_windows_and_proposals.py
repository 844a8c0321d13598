"""Points 1–2: the region's window, and a school's proposals of the five kinds."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.service.adjustments.helpers import (
    PLAN_YEAR,
    PROPOSALS,
    WINDOWS,
    build,
    open_window,
    propose,
    window_body,
    yesterday,
)
from tests.service.reports.helpers import CITY, PLAIN, PRIORITY, UPGRADE, YEAR


def test_only_the_regions_regulator_opens_one_window_a_year(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    assert client.post(WINDOWS, json=window_body(), headers=world.school_user).status_code == 403
    assert client.post(WINDOWS, json=window_body(), headers=world.admin).status_code == 403
    elsewhere = client.post(WINDOWS, json=window_body(), headers=world.other_regulator)
    assert elsewhere.status_code == 403
    assert elsewhere.json()["error"]["message"] == "只能办理本部门管辖地区的专业调整"

    window = open_window(client, world, kinds=["open", "stop", "plan"])
    assert (window["region_code"], window["year"], window["plan_year"]) == (CITY, YEAR, PLAN_YEAR)
    assert (window["state"], window["state_label"]) == ("open", "受理中")
    assert window["kind_labels"] == ["新增", "停招", "调整计划"]
    again = client.post(WINDOWS, json=window_body(), headers=world.regulator)
    assert again.status_code == 409
    backwards = client.post(
        WINDOWS,
        json=window_body(year=YEAR + 1, closes_on="2000-01-01"),
        headers=world.regulator,
    )
    assert backwards.status_code == 422
    assert backwards.json()["error"]["details"][0]["field"] == "closes_on"

    seen = {
        who: client.get(WINDOWS, headers=headers).json()["count"]
        for who, headers in (
            ("regulator", world.regulator),
            ("school", world.school_user),
            ("other", world.other_regulator),
        )
    }
    assert seen == {"regulator": 1, "school": 1, "other": 0}


def test_outside_the_window_a_proposal_cannot_be_submitted(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    no_window = propose(client, world.school_user, kind="open", major=PLAIN, planned_enrolment=40)
    assert no_window.status_code == 422
    assert "尚未开放" in no_window.json()["error"]["message"]

    open_window(client, world, closes_on=yesterday().isoformat(), opens_on="2020-01-01")
    draft = propose(client, world.school_user, kind="plan", major=PRIORITY, planned_enrolment=30)
    assert draft.status_code == 201  # drafting is allowed at any time
    submitted = client.post(f"{PROPOSALS}/{draft.json()['id']}/submit", headers=world.school_user)
    assert submitted.status_code == 409
    assert submitted.json()["error"]["message"] == "专业调整窗口已截止，不能提交"


def test_a_kind_the_window_does_not_take_cannot_be_submitted(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world, kinds=["open"])
    draft = propose(client, world.school_user, kind="plan", major=PRIORITY, planned_enrolment=30)
    submitted = client.post(f"{PROPOSALS}/{draft.json()['id']}/submit", headers=world.school_user)
    assert submitted.status_code == 409
    assert submitted.json()["error"]["message"] == "本年度调整窗口不受理“调整计划”申请"


def test_a_school_drafts_by_major_name_edits_and_sees_only_its_own(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world)
    created = propose(
        client,
        world.school_user,
        kind="upgrade",
        major="数控技术",
        target_major=UPGRADE,
        planned_enrolment=35,
        teachers=12,
        dual_qualified_teachers=8,
        facilities="数控实训中心 1200 平方米",
        partners=["重庆某机床有限公司"],
        reason="对接智能制造",
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["kind_label"], body["major_code"], body["target_major_code"]) == (
        "改造升级",
        PRIORITY,
        UPGRADE,
    )
    assert (body["status"], body["status_label"]) == ("draft", "草稿")
    assert (body["teachers"], body["partners"]) == (12, ["重庆某机床有限公司"])

    patched = client.patch(
        f"{PROPOSALS}/{body['id']}", json={"planned_enrolment": 45}, headers=world.school_user
    )
    assert (patched.status_code, patched.json()["planned_enrolment"]) == (200, 45)

    assert client.get(PROPOSALS, headers=world.school_user).json()["count"] == 1
    assert client.get(PROPOSALS, headers=world.runner_user).json()["count"] == 0
    # A draft stays with the school.
    assert client.get(PROPOSALS, headers=world.regulator).json()["count"] == 0
    hidden = client.get(f"{PROPOSALS}/{body['id']}", headers=world.regulator)
    assert hidden.status_code == 404


def test_each_kind_needs_its_figures(client: TestClient, session: Session) -> None:
    world = build(session)
    open_window(client, world)
    no_plan = propose(client, world.school_user, kind="open", major=PLAIN)
    assert no_plan.status_code == 422
    assert no_plan.json()["error"]["details"][0] == {
        "field": "planned_enrolment",
        "message": "新增须填写招生计划",
    }
    not_running = propose(client, world.school_user, kind="stop", major=PLAIN)
    assert (
        not_running.json()["error"]["details"][0]["message"]
        == f"本校{PLAN_YEAR}年未开设该专业（无招生计划）"
    )
    already = propose(client, world.school_user, kind="open", major=PRIORITY, planned_enrolment=5)
    assert already.status_code == 422
    no_target = propose(client, world.school_user, kind="upgrade", major=PRIORITY)
    assert no_target.json()["error"]["details"][0]["field"] == "target_major"
    unknown = propose(
        client, world.school_user, kind="open", major="不存在的专业xyz", planned_enrolment=5
    )
    assert (unknown.status_code, unknown.json()["error"]["details"][0]["field"]) == (422, "major")
    twice = propose(client, world.school_user, kind="plan", major=PRIORITY, planned_enrolment=30)
    assert twice.status_code == 201
    again = propose(client, world.school_user, kind="stop", major=PRIORITY)
    assert again.status_code == 409
    regulator = propose(client, world.regulator, kind="stop", major=PRIORITY)
    assert regulator.status_code == 403
