"""``chanjiao users``: accounts created from the command line, audited as the CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from models import AuditLog, OrganizationKind, Role, User
from service.db import get_engine
from tests.factories import make_enterprise, make_organization


def test_create_admin(run_cli: Callable[..., Any], fresh_db_url: str) -> None:
    result = run_cli(
        "--db", fresh_db_url, "users", "create-admin", "-u", "root", "-p", "long-enough-1"
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "已创建用户 root（admin）"
    with Session(get_engine(fresh_db_url)) as session:
        user = session.exec(select(User).where(User.username == "root")).one()
        assert (user.role, user.organization_id) == (Role.admin, None)
        entry = session.exec(select(AuditLog).where(AuditLog.entity_id == str(user.id))).one()
        assert (entry.actor, entry.actor_id, entry.action) == ("cli", None, "create")


def test_create_admin_prompts_for_the_password(
    run_cli: Callable[..., Any], fresh_db_url: str
) -> None:
    result = run_cli(
        "--db",
        fresh_db_url,
        "users",
        "create-admin",
        "-u",
        "root2",
        input="pw-1234567x\npw-1234567x\n",
    )
    assert result.exit_code == 0, result.output
    assert "已创建用户 root2（admin）" in result.output


def test_short_password_fails_with_a_reason(run_cli: Callable[..., Any], fresh_db_url: str) -> None:
    result = run_cli("--db", fresh_db_url, "users", "create-admin", "-u", "root", "-p", "short")
    assert result.exit_code == 1
    assert "密码长度不能少于10位" in result.output
    with Session(get_engine(fresh_db_url)) as session:
        assert session.exec(select(User)).all() == []


def test_create_user_of_an_organisation(run_cli: Callable[..., Any], fresh_db_url: str) -> None:
    with Session(get_engine(fresh_db_url)) as session:
        company = make_enterprise(session)
        park = make_organization(session, OrganizationKind.park)
        session.commit()
        company_code, company_id, park_code = company.code, company.id, park.code
    ok = run_cli(
        "--db",
        fresh_db_url,
        "users",
        "create",
        "-u",
        "hr",
        "-r",
        "enterprise",
        "--org",
        company_code.lower(),
        "-p",
        "long-enough-1",
    )
    assert ok.exit_code == 0, ok.output
    wrong_kind = run_cli(
        "--db",
        fresh_db_url,
        "users",
        "create",
        "-u",
        "hr2",
        "-r",
        "enterprise",
        "--org",
        park_code,
        "-p",
        "long-enough-1",
    )
    assert wrong_kind.exit_code == 1
    assert "enterprise 角色不能属于该类型的机构" in wrong_kind.output
    missing = run_cli(
        "--db", fresh_db_url, "users", "create", "-u", "hr3", "-r", "school", "-p", "long-enough-1"
    )
    assert missing.exit_code == 1
    assert "school 角色须指定所属机构" in missing.output
    with Session(get_engine(fresh_db_url)) as session:
        users = session.exec(select(User)).all()
        assert [(u.username, u.organization_id) for u in users] == [("hr", company_id)]
