from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import Application, AuditLog, Position, PositionStatus, Role
from tests.factories import (
    auth_headers,
    make_enterprise_user,
    make_position,
    make_school,
    make_user,
)
from tests.personal_data import PLANTED_NAME, PLANTED_PHONE, leaks

from .conftest import World, make_student_account

URL = "/api/v1/applications"


def apply(client: TestClient, headers: dict[str, str], position_id: Any) -> Any:
    return client.post(URL, json={"position_id": str(position_id)}, headers=headers)


def act(client: TestClient, headers: dict[str, str], application_id: str, action: str) -> Any:
    return client.post(f"{URL}/{application_id}/{action}", headers=headers)


def test_apply_records_consent_and_shows_the_student_its_own_data(
    client: TestClient, world: World, session: Session
) -> None:
    response = apply(client, world.headers(world.student_user), world.position.id)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "submitted"
    assert body["status_label"] == "已投递"
    assert body["consent_recipient"] == world.enterprise.name
    assert (body["student"]["name"], body["student"]["phone"]) == (PLANTED_NAME, PLANTED_PHONE)
    stored = session.get(Application, uuid.UUID(body["id"]))
    assert stored is not None
    assert stored.consent_at is not None
    entry = session.exec(select(AuditLog).where(col(AuditLog.action) == "apply")).one()
    assert entry.after is not None
    assert entry.after["consent_recipient"] == str(world.enterprise.id)
    assert not leaks(str(entry.after), [PLANTED_NAME, PLANTED_PHONE])


def test_second_application_to_the_same_position_is_409(client: TestClient, world: World) -> None:
    headers = world.headers(world.student_user)
    assert apply(client, headers, world.position.id).status_code == 201
    again = apply(client, headers, world.position.id)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "已投递过该岗位，不能重复投递"


@pytest.mark.parametrize(
    ("status", "closing", "code", "message"),
    [
        (PositionStatus.closed, None, 409, "岗位已关闭，不能投递"),
        (PositionStatus.filled, None, 409, "岗位已招满，不能投递"),
        (PositionStatus.draft, None, 404, "岗位不存在"),
        (PositionStatus.open, date.today() - timedelta(days=2), 409, "岗位报名已截止，不能投递"),
    ],
)
def test_only_open_positions_take_applications(
    client: TestClient,
    world: World,
    session: Session,
    status: PositionStatus,
    closing: date | None,
    code: int,
    message: str,
) -> None:
    position = make_position(session, world.enterprise, status=status, closing_date=closing)
    response = apply(client, world.headers(world.student_user), position.id)
    assert (response.status_code, response.json()["error"]["message"]) == (code, message)


def test_other_roles_cannot_apply(client: TestClient, world: World) -> None:
    for user in (world.enterprise_user, world.school_user):
        assert apply(client, world.headers(user), world.position.id).status_code == 403


# (actions that lead there from submitted, by whom)
PATHS: dict[str, list[tuple[str, str]]] = {
    "submitted": [],
    "reviewing": [("review", "enterprise")],
    "offered": [("offer", "enterprise")],
    "rejected": [("reject", "enterprise")],
    "accepted": [("offer", "enterprise"), ("accept", "student")],
    "declined": [("offer", "enterprise"), ("decline", "student")],
    "withdrawn": [("withdraw", "student")],
}
ACTIONS = {
    "review": ("enterprise", "reviewing"),
    "offer": ("enterprise", "offered"),
    "reject": ("enterprise", "rejected"),
    "accept": ("student", "accepted"),
    "decline": ("student", "declined"),
    "withdraw": ("student", "withdrawn"),
}
ALLOWED = {
    ("submitted", "review"),
    ("submitted", "offer"),
    ("submitted", "reject"),
    ("submitted", "withdraw"),
    ("reviewing", "offer"),
    ("reviewing", "reject"),
    ("reviewing", "withdraw"),
    ("offered", "accept"),
    ("offered", "decline"),
    ("offered", "withdraw"),
}
LABELS = {
    "submitted": "已投递",
    "reviewing": "审核中",
    "offered": "已发录用通知",
    "rejected": "未通过",
    "accepted": "已接受录用",
    "declined": "已婉拒录用",
    "withdrawn": "已撤回",
}
ACTION_LABELS = {
    "review": "开始审核",
    "offer": "发录用通知",
    "reject": "不予录用",
    "accept": "接受录用",
    "decline": "婉拒录用",
    "withdraw": "撤回申请",
}


@pytest.mark.parametrize("state", list(PATHS))
def test_every_transition(client: TestClient, world: World, session: Session, state: str) -> None:
    """From each state, every action: allowed ones move the state (and are audited), the others
    are a 409 naming the current state. Each action runs in a savepoint rolled back afterwards."""
    headers = {
        "student": world.headers(world.student_user),
        "enterprise": world.headers(world.enterprise_user),
    }
    application_id = apply(client, headers["student"], world.position.id).json()["id"]
    for step, who in PATHS[state]:
        assert act(client, headers[who], application_id, step).status_code == 200
    ids = {"student_id": str(world.student.id), "position_id": str(world.position.id)}
    outcomes = {}
    for action, (who, target) in ACTIONS.items():
        savepoint = session.begin_nested()
        response = act(client, headers[who], application_id, action)
        outcomes[action] = response.status_code
        if (state, action) in ALLOWED:
            assert response.json()["status"] == target
            entry = session.exec(
                select(AuditLog).where(
                    col(AuditLog.action) == action, col(AuditLog.entity_id) == application_id
                )
            ).one()
            assert (entry.before, entry.after) == (
                {"status": state, **ids},
                {"status": target, **ids},
            )
        else:
            error = response.json()["error"]
            assert error["message"] == (
                f"申请当前状态为“{LABELS[state]}”，不能{ACTION_LABELS[action]}"
            )
            assert error["details"] == [
                {"field": "status", "message": f"当前状态：{LABELS[state]}", "status": state}
            ]
        savepoint.rollback()
    assert outcomes == {action: 200 if (state, action) in ALLOWED else 409 for action in ACTIONS}


def test_each_side_acts_only_on_its_own(client: TestClient, world: World, session: Session) -> None:
    application_id = apply(client, world.headers(world.student_user), world.position.id).json()[
        "id"
    ]
    _, other_enterprise_user = make_enterprise_user(session)
    _, other_student = make_student_account(session, world.school)
    cases = [
        (world.enterprise_user, "accept", 403),  # the enterprise cannot accept for the student
        (world.student_user, "offer", 403),  # nor the student offer itself a place
        (world.school_user, "withdraw", 403),
        (other_enterprise_user, "review", 404),
        (other_student, "withdraw", 404),
    ]
    for user, action, code in cases:
        assert act(client, auth_headers(user), application_id, action).status_code == code
    unknown = act(client, world.headers(world.student_user), str(uuid.uuid4()), "withdraw")
    assert unknown.status_code == 404


def test_the_last_place_fills_the_position_and_closes_the_rest(
    client: TestClient, world: World, session: Session
) -> None:
    enterprise = world.headers(world.enterprise_user)
    students = [world.student_user] + [
        make_student_account(session, world.school)[1] for _ in range(3)
    ]
    ids = [apply(client, auth_headers(u), world.position.id).json()["id"] for u in students]
    for application_id in ids[:3]:
        assert act(client, enterprise, application_id, "offer").status_code == 200
    assert (
        act(client, auth_headers(students[0]), ids[0], "accept").json()["position"]["status"]
        == "open"
    )
    second = act(client, auth_headers(students[1]), ids[1], "accept")
    assert second.status_code == 200
    assert second.json()["position"]["status"] == "filled"
    statuses = [session.get(Application, uuid.UUID(i)).status for i in ids]  # type: ignore[union-attr]
    assert statuses == ["accepted", "accepted", "closed", "closed"]
    third = act(client, auth_headers(students[2]), ids[2], "accept")
    assert third.status_code == 409
    assert third.json()["error"]["message"] == "申请当前状态为“岗位已招满或关闭”，不能接受录用"
    newcomer = make_student_account(session, world.school)[1]
    refused = apply(client, auth_headers(newcomer), world.position.id)
    assert (refused.status_code, refused.json()["error"]["message"]) == (
        409,
        "岗位已招满，不能投递",
    )
    position = session.get(Position, world.position.id)
    assert position is not None
    assert position.status == "filled"
    closed = session.exec(select(AuditLog).where(col(AuditLog.action) == "close_filled")).all()
    assert sorted(entry.entity_id for entry in closed) == sorted(ids[2:])
    assert session.exec(
        select(AuditLog).where(col(AuditLog.action) == "fill")
    ).one().entity_id == str(world.position.id)


def test_each_party_lists_its_own_side(client: TestClient, world: World, session: Session) -> None:
    other_school = make_school(session)
    _, classmate = make_student_account(session, world.school, "韩梅梅", "13700001111")
    _, stranger = make_student_account(session, other_school, "王五", "13600002222")
    second_position = make_position(session, world.enterprise)
    other_enterprise, other_enterprise_user = make_enterprise_user(session)
    other_position = make_position(session, other_enterprise)
    apply(client, world.headers(world.student_user), world.position.id)
    apply(client, world.headers(world.student_user), other_position.id)
    apply(client, auth_headers(classmate), second_position.id)
    mine = apply(client, auth_headers(stranger), world.position.id).json()["id"]
    act(client, world.headers(world.enterprise_user), mine, "review")

    def count(user: Any, **params: Any) -> int:
        response = client.get(URL, params=params, headers=auth_headers(user))
        assert response.status_code == 200
        body = response.json()
        assert len(body["data"]) == body["count"]
        return int(body["count"])

    assert count(world.student_user) == 2
    assert count(world.enterprise_user) == 3
    assert count(world.enterprise_user, position_id=str(world.position.id)) == 2
    assert count(world.enterprise_user, status="reviewing") == 1
    assert count(other_enterprise_user) == 1
    assert count(world.school_user) == 3
    assert count(make_user(session, Role.school, other_school)) == 1
    assert count(make_user(session, Role.regulator)) == 4


def test_the_enterprise_sees_name_and_phone_inside_the_application_only(
    client: TestClient, world: World, session: Session
) -> None:
    application_id = apply(client, world.headers(world.student_user), world.position.id).json()[
        "id"
    ]
    enterprise = world.headers(world.enterprise_user)
    inside = client.get(f"{URL}/{application_id}", headers=enterprise).json()["student"]
    assert (inside["name"], inside["phone"], inside["masked"]) == (
        PLANTED_NAME,
        PLANTED_PHONE,
        False,
    )
    regulator = auth_headers(make_user(session, Role.regulator))
    outside = client.get(f"{URL}/{application_id}", headers=regulator).json()["student"]
    assert (outside["name"], outside["phone"], outside["masked"]) == ("欧***", "139****5678", True)
    # Outside the application the enterprise has no way to the student record.
    direct = client.get(f"/api/v1/students/{world.student.id}", headers=enterprise)
    assert direct.status_code == 403
    assert not leaks(direct.text, [PLANTED_NAME, PLANTED_PHONE])


def test_logs_carry_no_personal_data(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = world.headers(world.student_user)
    application_id = apply(client, headers, world.position.id).json()["id"]
    apply(client, headers, world.position.id)  # 409
    act(client, world.headers(world.enterprise_user), application_id, "offer")
    act(client, headers, application_id, "accept")
    client.patch("/api/v1/students/me", json={"phone": "x" + PLANTED_PHONE}, headers=headers)
    client.patch(
        f"/api/v1/students/{world.student.id}",
        json={"name": PLANTED_NAME * 20},
        headers=world.headers(world.school_user),
    )
    assert not leaks(caplog.text, [PLANTED_NAME, PLANTED_PHONE])


def test_closing_the_position_closes_its_pending_applications(
    client: TestClient, world: World, session: Session
) -> None:
    enterprise = world.headers(world.enterprise_user)
    students = [world.student_user] + [
        make_student_account(session, world.school)[1] for _ in range(4)
    ]
    ids = [apply(client, auth_headers(u), world.position.id).json()["id"] for u in students]
    assert act(client, enterprise, ids[0], "offer").status_code == 200
    assert act(client, auth_headers(students[0]), ids[0], "accept").status_code == 200
    assert act(client, enterprise, ids[1], "review").status_code == 200
    assert act(client, enterprise, ids[2], "offer").status_code == 200
    assert act(client, auth_headers(students[4]), ids[4], "withdraw").status_code == 200
    closed = client.post(f"/api/v1/positions/{world.position.id}/close", headers=enterprise)
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    session.expire_all()
    statuses = [session.get(Application, uuid.UUID(i)).status for i in ids]  # type: ignore[union-attr]
    assert statuses == ["accepted", "closed", "closed", "closed", "withdrawn"]
    # The student sees why, and can no longer accept the offer it had.
    seen = client.get(f"/api/v1/applications/{ids[2]}", headers=auth_headers(students[2])).json()
    assert (seen["status"], seen["status_label"]) == ("closed", "岗位已招满或关闭")
    late = act(client, auth_headers(students[2]), ids[2], "accept")
    assert late.json()["error"]["message"] == "申请当前状态为“岗位已招满或关闭”，不能接受录用"
    audited = session.exec(select(AuditLog).where(col(AuditLog.action) == "close_closed")).all()
    assert sorted(entry.entity_id for entry in audited) == sorted(ids[1:4])
    assert {entry.actor_id for entry in audited} == {world.enterprise_user.id}
    assert [entry.before for entry in sorted(audited, key=lambda e: ids.index(e.entity_id))] == [
        {"status": "reviewing"},
        {"status": "offered"},
        {"status": "submitted"},
    ]
    assert [entry.after for entry in audited] == [{"status": "closed", "reason": "岗位已关闭"}] * 3
