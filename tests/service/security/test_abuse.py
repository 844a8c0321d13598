"""Abuse limits, secrets, tokens, headers, body caps, identity lock, audit route (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import AuditLog, OrganizationKind, PositionStatus, Role
from rules.screen import normalize_text
from service import throttle
from service.app import create_app
from service.auth.operations import password_problem
from service.settings import Settings, settings
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_position,
    make_user,
)

TOKEN = "/api/v1/auth/token"
PASSWORD = "correct-horse-9"


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    status: int = client.post(TOKEN, data={"username": username, "password": password}).status_code
    return status


def test_login_is_throttled_per_account_with_retry_after(
    client: TestClient, session: Session
) -> None:
    make_user(session, Role.admin, username="target", password=PASSWORD)
    session.commit()
    assert [login(client, "target", "wrong-pass") for _ in range(5)] == [401] * 5
    response = client.post(TOKEN, data={"username": "target", "password": PASSWORD})
    assert response.status_code == 429
    assert 850 <= int(response.headers["retry-after"]) <= 900
    assert login(client, "other-user", "wrong-pass") == 401  # other accounts still answered


def test_login_failures_are_throttled_per_address(client: TestClient) -> None:
    bound = throttle.LOGIN_FAILURES_PER_ADDRESS.attempts
    statuses = [login(client, f"user{n}", "wrong-pass") for n in range(bound + 1)]
    assert statuses == [401] * bound + [429]


def test_success_resets_the_account_count(client: TestClient, session: Session) -> None:
    make_user(session, Role.admin, username="forgetful", password=PASSWORD)
    session.commit()
    assert [login(client, "forgetful", "nope-nope") for _ in range(4)] == [401] * 4
    assert login(client, "forgetful") == 200
    assert [login(client, "forgetful", "nope-nope") for _ in range(5)] == [401] * 5


def test_database_store_counts_across_connections(fresh_db_url: str) -> None:
    store = throttle.DatabaseStore(fresh_db_url)
    assert [store.hit("login:user:x", 60) for _ in range(3)] == [1, 2, 3]
    assert store.count("login:user:x", 60)[0] == 3
    store.reset("login:user:x")
    assert store.count("login:user:x", 60) == (0, 0)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("1234567890", "密码不能全是数字"),
        ("8888888888", "密码不能全是数字"),
        ("password12", "密码过于常见，容易被猜中（如键盘序列、拼音加数字），请换一个"),
        ("qwerty12345", "密码过于常见，容易被猜中（如键盘序列、拼音加数字），请换一个"),
        ("aaaaaaaaaaa", "密码过于常见，容易被猜中（如键盘序列、拼音加数字），请换一个"),
        ("short1", "密码长度不能少于10位"),
        ("zhangsan-2026", "密码不能包含用户名"),
        ("tide-pool-41", None),
    ],
)
def test_password_rule(password: str, problem: str | None) -> None:
    assert password_problem(password, "zhangsan") == problem


def test_refresh_rotates_and_logout_revokes(client: TestClient, session: Session) -> None:
    make_user(session, Role.admin, username="leaver", password=PASSWORD)
    session.commit()
    tokens = client.post(TOKEN, data={"username": "leaver", "password": PASSWORD}).json()
    assert tokens["expires_in"] == 15 * 60
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200
    new = renewed.json()
    out = client.post("/api/v1/auth/logout", json={"refresh_token": new["refresh_token"]})
    assert out.status_code == 204
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401  # used up (a replay before the logout: test_sessions_and_…)
    new_bearer = {"Authorization": f"Bearer {new['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=new_bearer).status_code == 401


def test_demo_accounts_do_not_log_in_outside_demo(client: TestClient, session: Session) -> None:
    make_user(session, Role.admin, username="demo_admin", password=PASSWORD)
    session.commit()
    response = client.post(TOKEN, data={"username": "demo_admin", "password": PASSWORD})
    assert (response.status_code, response.json()["error"]["message"]) == (
        401,
        "演示账户只能在演示环境中登录",
    )


@pytest.mark.parametrize(
    ("secret", "starts"),
    [(None, False), ("x", False), ("x" * 31, False), ("k" * 32, True)],
)
def test_production_needs_a_strong_secret(secret: str | None, starts: bool) -> None:
    configured = Settings(environment="production", secret_key=secret)
    assert (configured.secret_problem() is None) == starts


def test_production_app_refuses_to_start_without_a_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "environment", "production")
    monkeypatch.setattr(settings, "secret_key", None)
    with pytest.raises(RuntimeError, match="CHANJIAO_SECRET_KEY"):
        create_app()


def test_security_headers_and_no_cors(client: TestClient) -> None:
    docs = client.get("/docs", headers={"Origin": "https://evil.example"})
    assert docs.headers["x-frame-options"] == "DENY"
    assert docs.headers["x-content-type-options"] == "nosniff"
    assert docs.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    assert "access-control-allow-origin" not in docs.headers
    assert "server" not in docs.headers


def test_body_over_the_cap_is_refused_before_reading(client: TestClient) -> None:
    big = b'{"a": "' + b"x" * (settings.max_body_bytes + 1) + b'"}'
    response = client.post(
        "/api/v1/auth/register", content=big, headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (413, "too_large")


def test_streamed_body_over_the_cap_is_refused(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"x" * 65536

    response = client.post(
        "/api/v1/auth/register", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body", [b"{oops", b'{"username": "\xff\xfe"}', b'{"a": 1,}', b"\xef\xbb\xbf{}x"]
)
def test_malformed_json_is_answered_in_chinese(client: TestClient, body: bytes) -> None:
    response = client.post(
        "/api/v1/auth/register", content=body, headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["error"]["details"][0]["message"]) == (
        422,
        "JSON格式错误",
    )


def test_verified_identity_is_locked_and_staff_count_audited(
    client: TestClient, session: Session
) -> None:
    company = make_enterprise(session, staff_count=500)
    user = make_user(session, Role.enterprise, company)
    session.commit()
    url = f"/api/v1/organizations/{company.id}"
    renamed = client.patch(
        url, json={"name": "重庆市教育委员会", "region_code": "110101"}, headers=auth_headers(user)
    )
    assert renamed.status_code == 403
    assert [d["field"] for d in renamed.json()["error"]["details"]] == ["name", "region_code"]
    grown = client.patch(url, json={"staff_count": 9_000_000}, headers=auth_headers(user))
    assert grown.status_code == 200
    regulator = make_user(
        session,
        Role.regulator,
        make_organization(session, OrganizationKind.government, region_code="500000"),
    )
    session.commit()
    audit = client.get(
        "/api/v1/audit",
        params={"action": "staff_count_change", "entity_id": str(company.id)},
        headers=auth_headers(regulator),
    ).json()
    assert audit["count"] == 1
    assert (audit["data"][0]["before"], audit["data"][0]["after"]) == (
        {"staff_count": 500},
        {"staff_count": 9_000_000},
    )
    # A regulator of the region reviews the change of identity.
    reviewed = client.patch(url, json={"name": "新名称有限公司"}, headers=auth_headers(regulator))
    assert (reviewed.status_code, reviewed.json()["name"]) == (200, "新名称有限公司")


def test_audit_is_scoped_for_regional_regulators(client: TestClient, session: Session) -> None:
    inside = make_enterprise(session, region_code="500106")
    outside = make_enterprise(session, region_code="110101")
    for company in (inside, outside):
        owner = make_user(session, Role.enterprise, company)
        session.commit()
        client.patch(
            f"/api/v1/organizations/{company.id}",
            json={"staff_count": 42},
            headers=auth_headers(owner),
        )
    regulator = make_user(
        session,
        Role.regulator,
        make_organization(session, OrganizationKind.government, region_code="500000"),
    )
    admin = make_user(session, Role.admin)
    session.commit()
    params = {"action": "staff_count_change"}
    scoped = client.get("/api/v1/audit", params=params, headers=auth_headers(regulator)).json()
    everything = client.get("/api/v1/audit", params=params, headers=auth_headers(admin)).json()
    assert [row["entity_id"] for row in scoped["data"]] == [str(inside.id)]
    assert everything["count"] == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("限 男 性", "限男性"),
        ("本·地·户·口", "本地户口"),
        ("９８５/211", "985/211"),
        ("ＫＴＶ服务员", "ktv服务员"),
    ],
)
def test_compliance_text_is_normalised(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize("wording", ["限 男 性", "只招本地人", "本地人优先", "本 地 户 口"])
def test_refused_publication_is_audited(client: TestClient, session: Session, wording: str) -> None:
    company = make_enterprise(session)
    user = make_user(session, Role.enterprise, company)
    position = make_position(
        session, company, status=PositionStatus.draft, description=f"招聘数控操作工，{wording}。"
    )
    session.commit()
    response = client.post(f"/api/v1/positions/{position.id}/publish", headers=auth_headers(user))
    assert (response.status_code, response.json()["error"]["code"]) == (422, "compliance_blocked")
    rows = session.exec(
        select(AuditLog).where(
            AuditLog.entity_id == str(position.id), AuditLog.action == "publish_refused"
        )
    ).all()
    assert len(rows) == 1


@pytest.mark.parametrize("wording", ["35岁以下", "年龄不超过35岁", "30 岁 以 内"])
def test_age_wording_is_flagged(client: TestClient, session: Session, wording: str) -> None:
    company = make_enterprise(session)
    user = make_user(session, Role.enterprise, company)
    position = make_position(
        session, company, status=PositionStatus.draft, description=f"招聘操作工，{wording}。"
    )
    session.commit()
    check = client.get(
        f"/api/v1/positions/{position.id}/compliance", headers=auth_headers(user)
    ).json()
    assert [(f["severity"], f["code"]) for f in check["findings"]] == [
        ("warning", "discriminatory_term")
    ]


def test_spreadsheet_rows_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.transfer import readers

    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    sheet = readers.read_file(b"a,b\n1,2\n3,4\n5,6\n", "ok.csv")
    assert len(sheet.rows) == 3
    with pytest.raises(readers.UnreadableFile, match="超过3行"):
        readers.read_file(b"a,b\n1,2\n3,4\n5,6\n7,8\n", "big.csv")


def test_error_lists_are_capped_with_a_count_of_the_rest() -> None:
    from service.transfer import schemas

    problem = schemas.Problem(row=2, column="a", label="甲", value="x", message="有误")
    error = schemas.ImportInvalid("有误", [problem] * (schemas.MAX_LISTED + 7))
    assert len(error.details) == schemas.MAX_LISTED + 1
    assert error.details[-1]["message"] == "另有7处问题未列出"
