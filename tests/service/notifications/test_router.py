"""Notifications: sent in the transaction of each change, read by their own user only, with no
personal data of anyone but the reader; preferences; the outbox filled only when mail is on."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import MailOutbox, Notification, OrganizationStatus, Role
from service.settings import settings
from tests.factories import auth_headers, make_enterprise, make_school, make_user
from tests.personal_data import PLANTED_NAME, PLANTED_PHONE, leaks
from tests.service.applications.conftest import World, make_student_account

URL = "/api/v1/notifications"


def inbox(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(URL, headers=headers, params=params)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def titles(body: dict[str, Any]) -> list[str]:
    return [row["title"] for row in body["data"]]


def test_an_application_s_journey_notifies_the_other_party_each_time(
    client: TestClient, world: World
) -> None:
    student, enterprise = auth_headers(world.student_user), auth_headers(world.enterprise_user)
    title = world.position.title
    created = client.post(
        "/api/v1/applications", json={"position_id": str(world.position.id)}, headers=student
    )
    assert created.status_code == 201
    application = created.json()["id"]
    got = inbox(client, enterprise)
    assert titles(got) == [f"收到一份新的申请：{title}"]
    assert got["data"][0]["kind"] == "application_received"
    assert got["data"][0]["kind_label"] == "收到新的申请"
    assert (got["count"], got["unread"]) == (1, 1)
    # The student acted: it is told nothing of its own action.
    assert inbox(client, student)["count"] == 0
    assert (
        client.post(f"/api/v1/applications/{application}/offer", headers=enterprise).status_code
        == 200
    )
    offered = inbox(client, student)
    assert titles(offered) == [f"{title}（{world.enterprise.name}）：已发录用通知"]
    assert offered["data"][0]["link"] == "/me#applications"
    assert (
        client.post(f"/api/v1/applications/{application}/accept", headers=student).status_code
        == 200
    )
    assert titles(inbox(client, enterprise)) == [
        f"一位学生接受了录用：{title}",
        f"收到一份新的申请：{title}",
    ]
    # Nobody but the student reads the student's name or phone in a notification.
    for user in (world.enterprise_user, world.school_user):
        assert leaks(str(inbox(client, auth_headers(user))), [PLANTED_NAME, PLANTED_PHONE]) == []


@pytest.mark.parametrize(
    ("enterprise_action", "student_action", "kind", "to_student", "title"),
    [
        ("reject", None, "application_rejected", True, "{t}（{e}）：未通过"),
        ("offer", "decline", "application_declined", False, "一位学生婉拒了录用：{t}"),
        (None, "withdraw", "application_withdrawn", False, "一份申请已撤回：{t}"),
    ],
)
def test_each_outcome_reaches_the_right_party(
    client: TestClient,
    world: World,
    enterprise_action: str | None,
    student_action: str | None,
    kind: str,
    to_student: bool,
    title: str,
) -> None:
    student, enterprise = auth_headers(world.student_user), auth_headers(world.enterprise_user)
    application = client.post(
        "/api/v1/applications", json={"position_id": str(world.position.id)}, headers=student
    ).json()["id"]
    for headers, action in ((enterprise, enterprise_action), (student, student_action)):
        if action is not None:
            url = f"/api/v1/applications/{application}/{action}"
            assert client.post(url, headers=headers).status_code == 200
    reader = student if to_student else enterprise
    newest = inbox(client, reader)["data"][0]
    assert newest["kind"] == kind
    assert newest["title"] == title.format(t=world.position.title, e=world.enterprise.name)


def test_closing_a_position_tells_each_pending_applicant(
    client: TestClient, world: World, session: Session
) -> None:
    other, other_user = make_student_account(session, world.school, "韩梅梅")
    for user in (world.student_user, other_user):
        client.post(
            "/api/v1/applications",
            json={"position_id": str(world.position.id)},
            headers=auth_headers(user),
        )
    closed = client.post(
        f"/api/v1/positions/{world.position.id}/close", headers=auth_headers(world.enterprise_user)
    )
    assert closed.status_code == 200
    for user in (world.student_user, other_user):
        newest = inbox(client, auth_headers(user))["data"][0]
        assert newest["kind"] == "application_closed"
        assert newest["title"].startswith(f"{world.position.title}（{world.enterprise.name}）：")


def test_newest_first_unread_filter_paging_and_marking_read(
    client: TestClient, session: Session
) -> None:
    school = make_school(session)
    user = make_user(session, Role.school, school)
    stranger = make_user(session, Role.school, school)
    from service import notifications

    for number in range(3):
        notifications.notify(
            session,
            user_ids=[user.id, user.id, None],  # repeats and None are skipped
            kind=notifications.NotificationKind.list_published,
            title=f"第{number}条",
        )
        session.flush()
    headers = auth_headers(user)
    first = inbox(client, headers, page_size=2)
    assert (first["count"], first["unread"]) == (3, 3)
    assert len(first["data"]) == 2
    everything = inbox(client, headers)
    assert sorted(titles(everything)) == ["第0条", "第1条", "第2条"]
    created = [row["created_at"] for row in everything["data"]]
    assert created == sorted(created, reverse=True)
    one = everything["data"][0]["id"]
    # Another user's notification is not found; marking twice changes nothing.
    assert client.post(f"{URL}/{one}/read", headers=auth_headers(stranger)).status_code == 404
    marked = client.post(f"{URL}/{one}/read", headers=headers)
    assert marked.status_code == 200
    assert marked.json()["read"] is True
    assert (
        client.post(f"{URL}/{one}/read", headers=headers).json()["read_at"]
        == marked.json()["read_at"]
    )
    unread = inbox(client, headers, unread="true")
    assert (unread["count"], unread["unread"]) == (2, 2)
    assert one not in [row["id"] for row in unread["data"]]
    assert client.post(f"{URL}/read-all", headers=headers).json() == {"marked": 2, "unread": 0}
    assert inbox(client, headers)["unread"] == 0
    assert client.post(f"{URL}/{uuid.uuid4()}/read", headers=headers).status_code == 404


def test_verification_and_suspension_tell_the_organisation(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session, status=OrganizationStatus.pending)
    staff = make_user(session, Role.enterprise, enterprise)
    admin = auth_headers(make_user(session, Role.admin))
    url = f"/api/v1/organizations/{enterprise.id}"
    assert client.post(f"{url}/verify", headers=admin).status_code == 200
    assert client.post(f"{url}/suspend", headers=admin).status_code == 200
    kinds = session.exec(
        select(Notification.kind)
        .where(Notification.user_id == staff.id)
        .order_by(col(Notification.created_at))
    ).all()
    assert sorted(kinds) == ["organization_suspended", "organization_verified"]


def test_identity_change_decision_is_told_with_the_reason(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session)
    staff = make_user(session, Role.enterprise, enterprise)
    asked = client.post(
        f"/api/v1/organizations/{enterprise.id}/identity-changes",
        json={"name": "新名称有限公司", "reason": "工商变更登记"},
        headers=auth_headers(staff),
    )
    assert asked.status_code == 201
    admin = auth_headers(make_user(session, Role.admin))
    refused = client.post(
        f"/api/v1/identity-changes/{asked.json()['id']}/refuse",
        json={"reason": "材料不全"},
        headers=admin,
    )
    assert refused.status_code == 200
    newest = inbox(client, auth_headers(staff))["data"][0]
    assert (newest["kind"], newest["title"], newest["body"]) == (
        "identity_change_decided",
        "身份变更申请被驳回",
        "驳回理由：材料不全",
    )


def test_preferences_and_the_outbox(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = make_school(session)
    user = make_user(session, Role.school, school)
    headers = auth_headers(user)
    body = client.get(f"{URL}/preferences", headers=headers).json()
    assert (body["email"], body["mail_available"]) == (None, False)
    assert {p["kind"]: (p["in_site"], p["mail"]) for p in body["preferences"]}[
        "list_published"
    ] == (True, True)
    bad = client.put(f"{URL}/preferences", json={"email": "不是邮箱"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "email"
    unknown = client.put(f"{URL}/preferences", json={"mail": {"nonsense": False}}, headers=headers)
    assert unknown.status_code == 422
    saved = client.put(
        f"{URL}/preferences",
        json={"email": " teacher@example.com ", "mail": {"placement_published": False}},
        headers=headers,
    )
    assert saved.status_code == 200
    prefs = {p["kind"]: p["mail"] for p in saved.json()["preferences"]}
    assert saved.json()["email"] == "teacher@example.com"
    assert (prefs["placement_published"], prefs["list_published"]) == (False, True)

    from service import notifications

    def send(kind: notifications.NotificationKind) -> list[MailOutbox]:
        notifications.notify(session, user_ids=[user.id], kind=kind, title="标题", link="/school")
        session.flush()
        return list(session.exec(select(MailOutbox)).all())

    # No SMTP configured: in the site only, nothing queued.
    assert send(notifications.NotificationKind.list_published) == []
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    queued = send(notifications.NotificationKind.list_published)
    assert [(m.to_address, m.subject, m.status) for m in queued] == [
        ("teacher@example.com", "【产教通】清单已发布：标题", "pending")
    ]
    assert f"{settings.public_url}/school" in queued[0].body
    # Mail turned off for this kind: still in the site, no mail.
    assert len(send(notifications.NotificationKind.placement_published)) == 1
    assert inbox(client, headers)["count"] == 3
