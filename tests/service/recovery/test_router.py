"""Account recovery: the school resets its student, the regulator an organisation account of its
region, anyone else by a mailed one-time link; every reset revokes the sessions and is audited."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import (
    AuditLog,
    MailOutbox,
    Notification,
    OrganizationKind,
    PasswordResetToken,
    Role,
    User,
)
from models.base import utcnow
from service.auth import operations as auth
from service.auth.security import hash_password, verify_password
from service.settings import settings
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_school,
    make_student,
    make_user,
)

RESET = "/api/v1/auth/password-reset"
NEW_PASSWORD = "Lantern-Harbor-42"


def signed_in(client: TestClient, session: Session, user: User) -> str:
    """A real sign-in of ``user`` (its refresh token), after giving it a known password."""
    user.password_hash = hash_password("Initial-Password-77")
    session.add(user)
    session.flush()
    response = client.post(
        "/api/v1/auth/token", data={"username": user.username, "password": "Initial-Password-77"}
    )
    assert response.status_code == 200
    token: str = response.json()["refresh_token"]
    return token


def refresh_works(client: TestClient, token: str) -> bool:
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": token})
    return bool(response.status_code == 200)


def audited(session: Session, action: str) -> list[AuditLog]:
    return list(session.exec(select(AuditLog).where(col(AuditLog.action) == action)).all())


def test_a_school_resets_its_own_student_once_shown(client: TestClient, session: Session) -> None:
    school = make_school(session)
    user = make_user(session, Role.student, school)
    pupil = make_student(session, school, "460104", user_id=user.id)
    token = signed_in(client, session, user)
    staff = auth_headers(make_user(session, Role.school, school))
    other_school = auth_headers(make_user(session, Role.school, make_school(session)))
    url = f"/api/v1/students/{pupil.id}/password-reset"
    assert client.post(url, headers=other_school).status_code == 404
    reset = client.post(url, headers=staff)
    assert reset.status_code == 200
    body = reset.json()
    assert (body["username"], body["sessions_revoked"]) == (user.username, 1)
    assert auth.password_problem(body["new_password"], user.username) is None
    session.refresh(user)
    assert verify_password(body["new_password"], user.password_hash)
    assert not refresh_works(client, token)
    [entry] = audited(session, "reset_student_password")
    assert body["new_password"] not in str(entry.after)
    notice = session.exec(select(Notification).where(Notification.user_id == user.id)).one()
    assert notice.kind == "password_reset"


def test_a_regulator_resets_only_its_regions_organisation_accounts(
    client: TestClient, session: Session
) -> None:
    government = make_organization(session, OrganizationKind.government, region_code="500000")
    regulator = auth_headers(make_user(session, Role.regulator, government))
    near = make_enterprise(session, region_code="500106")
    far = make_enterprise(session, region_code="110101")
    near_user = make_user(session, Role.enterprise, near)
    far_user = make_user(session, Role.enterprise, far)
    token = signed_in(client, session, near_user)

    def reset(org: Any, username: str) -> Any:
        return client.post(
            f"/api/v1/organizations/{org.id}/password-reset",
            json={"username": username},
            headers=regulator,
        )

    assert reset(far, far_user.username).status_code == 404
    assert reset(near, far_user.username).status_code == 404  # not this organisation's account
    done = reset(near, near_user.username)
    assert done.status_code == 200
    assert done.json()["sessions_revoked"] == 1
    assert not refresh_works(client, token)
    assert len(audited(session, "reset_account_password")) == 1
    # A student goes to its school, not to the regulator.
    school = make_school(session, region_code="500106")
    pupil = make_user(session, Role.student, school)
    assert reset(school, pupil.username).status_code == 403


@pytest.fixture
def mail_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")


def _link_token(session: Session) -> str:
    mail = session.exec(select(MailOutbox)).one()
    link = next(line for line in mail.body.splitlines() if "/password-reset?token=" in line)
    return link.rsplit("token=", 1)[1]


@pytest.mark.usefixtures("mail_on")
def test_the_mailed_link_resets_once_within_30_minutes(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, Role.enterprise, make_enterprise(session), email="hr@example.com")
    token = signed_in(client, session, user)
    unknown = client.post(RESET, json={"username": "nobody-here"})
    asked = client.post(RESET, json={"username": user.username})
    assert (unknown.status_code, asked.status_code) == (202, 202)
    assert unknown.json() == asked.json()  # the same answer whether the account exists
    link_token = _link_token(session)
    stored = session.exec(select(PasswordResetToken)).one()
    assert stored.token_hash != link_token  # kept hashed
    confirm = "/api/v1/auth/password-reset/confirm"
    weak = client.post(confirm, json={"token": link_token, "new_password": "12345678901"})
    assert weak.status_code == 422
    assert weak.json()["error"]["details"][0]["field"] == "new_password"
    done = client.post(confirm, json={"token": link_token, "new_password": NEW_PASSWORD})
    assert done.status_code == 204
    session.refresh(user)
    assert verify_password(NEW_PASSWORD, user.password_hash)
    assert not refresh_works(client, token)
    again = client.post(confirm, json={"token": link_token, "new_password": NEW_PASSWORD + "x"})
    assert again.status_code == 422
    assert len(audited(session, "confirm_reset")) == 1


@pytest.mark.usefixtures("mail_on")
def test_an_expired_link_or_one_replaced_by_a_newer_is_refused(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, Role.enterprise, make_enterprise(session), email="hr@example.com")
    client.post(RESET, json={"username": user.username})
    first = _link_token(session)
    for mail in session.exec(select(MailOutbox)).all():
        session.delete(mail)
    session.flush()
    client.post(RESET, json={"username": user.username})
    second = _link_token(session)
    confirm = "/api/v1/auth/password-reset/confirm"
    assert (
        client.post(confirm, json={"token": first, "new_password": NEW_PASSWORD}).status_code == 422
    )
    live = session.exec(
        select(PasswordResetToken).where(col(PasswordResetToken.used_at).is_(None))
    ).one()
    live.expires_at = utcnow()
    session.add(live)
    session.flush()
    assert (
        client.post(confirm, json={"token": second, "new_password": NEW_PASSWORD}).status_code
        == 422
    )


@pytest.mark.usefixtures("mail_on")
def test_requests_are_throttled_per_account(client: TestClient, session: Session) -> None:
    user = make_user(session, Role.enterprise, make_enterprise(session), email="hr@example.com")
    statuses = [client.post(RESET, json={"username": user.username}).status_code for _ in range(4)]
    assert statuses == [202, 202, 202, 429]
    # Without an address or without SMTP nothing is mailed, and the answer is the same.
    assert len(session.exec(select(MailOutbox)).all()) == 3
