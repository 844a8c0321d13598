"""Loads the demo city through the platform's own operations, in one transaction.

Rows go through the bulk import (:func:`service.transfer.operations.import_sheet`), exactly as a
regulator's spreadsheet would, so the demo passes the same validation, compliance checks and
natural-key upserts. Accounts come from :func:`service.auth.operations.create_account`. The two
planted postings are drafted and offered for publication through the positions operations as the
demo enterprise's own account; publication refuses them, and the loader writes each refusal, with
its findings, to the audit log. The caller owns the transaction (``session_scope`` commits once).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from models import Organization, Role, User
from seed.demo.generator import (
    ACCOUNTS,
    DEFAULT_SEED,
    PARK_CODE,
    Account,
    DemoCity,
    Row,
    demo_passwords,
    generate_city,
)
from service import audit
from service.auth import operations as auth
from service.auth.security import verify_password
from service.errors import AppError
from service.positions import operations as positions
from service.positions.schemas import PositionCreate
from service.settings import settings
from service.transfer import operations as transfer
from service.transfer.columns import FileFormat, TransferKind, render_text
from service.transfer.readers import Sheet

ACTOR = "seed-demo"
"""Who the audit log says loaded the demo (a non-human actor, like ``cli``)."""
BLOCKED_CODE = "compliance_blocked"


class DemoRefused(AppError):
    """The demo city may only be loaded into a database whose environment is ``demo``."""

    status_code = 403
    code = "demo_refused"


@dataclass(frozen=True)
class RefusedPosting:
    """A planted draft that publication refused, with the findings that blocked it."""

    title: str
    position_id: str
    findings: list[dict[str, Any]]


@dataclass
class LoadResult:
    """What loading the demo did; ``already_loaded`` means nothing was written."""

    already_loaded: bool
    imported: dict[str, int] = field(default_factory=dict)  # kind → rows written
    accounts: list[Account] = field(default_factory=list)  # with passwords, when known
    refused: list[RefusedPosting] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.imported.values())


def ensure_demo_environment() -> None:
    """Refuse unless ``CHANJIAO_ENVIRONMENT=demo``: demo accounts have printed passwords."""
    if settings.environment != "demo":
        raise DemoRefused(
            "演示数据只能在演示环境中导入：请设置环境变量 CHANJIAO_ENVIRONMENT=demo"
            f"（当前为 {settings.environment}）。演示账户的密码会打印在屏幕上，"
            "不能出现在生产库中。"
        )


def is_loaded(session: Session) -> bool:
    """The park organisation is the first row the demo writes: one indexed look-up."""
    statement = select(Organization.id).where(Organization.code == PARK_CODE)
    return session.exec(statement).first() is not None


def load_demo(session: Session, *, seed: int = DEFAULT_SEED, scale: float = 1.0) -> LoadResult:
    """Generate and load the city of ``seed`` at ``scale``, or find it there and return at once."""
    ensure_demo_environment()
    started = time.perf_counter()
    if is_loaded(session):
        return _found(session, seed, started)
    result = load_city(session, generate_city(seed, scale))
    result.seconds = time.perf_counter() - started  # generation included
    return result


def load_city(session: Session, city: DemoCity) -> LoadResult:
    """Write ``city`` unless a demo city is there already; flushes, never commits."""
    ensure_demo_environment()
    started = time.perf_counter()
    if is_loaded(session):
        return _found(session, city.seed, started)
    result = LoadResult(already_loaded=False)
    for kind in city.KINDS:
        imported = transfer.import_sheet(
            session,
            TransferKind(kind),
            _sheet(city.rows(kind)),
            file_name=f"demo-{kind}.csv",
            actor=ACTOR,
            # The city's students get no accounts (nobody would see their passwords); the
            # demo student's account is made below and linked to one of them.
            accounts=False,
        )
        result.imported[kind] = imported.inserted + imported.updated
    users = {
        account.username: auth.create_account(
            session,
            username=account.username,
            password=account.password,
            role=Role(account.role),
            organization_code=account.organization_code,
            actor=ACTOR,
        )
        for account in city.accounts
    }
    result.accounts = list(city.accounts)
    enterprise_user = next(user for user in users.values() if user.role == Role.enterprise)
    result.refused = [_draft_and_offer(session, enterprise_user, row) for row in city.drafts]
    result.imported["positions"] += len(city.drafts)
    result.seconds = time.perf_counter() - started
    return result


def _sheet(rows: Sequence[Row]) -> Sheet:
    """Rows as the importer reads a file: a header and text cells, data from spreadsheet row 2."""
    headers = list(rows[0]) if rows else []
    return Sheet(
        headers=headers,
        rows=[
            (number, [render_text(row[header]) for header in headers])
            for number, row in enumerate(rows, start=2)
        ],
        file_format=FileFormat.csv,
        encoding="utf-8",
    )


def _draft_and_offer(session: Session, actor: User, row: Row) -> RefusedPosting:
    """Draft a planted posting as its enterprise would, then try to publish it."""
    view, _ = positions.create_position(session, actor, _position_create(row))
    position = view.position
    try:
        # A savepoint, so that a refusal can never leave half a publication behind.
        with session.begin_nested():
            positions.publish_position(session, actor, position.id)
    except AppError as refusal:
        if refusal.code != BLOCKED_CODE:
            raise
        audit.record(
            session,
            ACTOR,
            "publish_refused",
            "position",
            position.id,
            None,
            {"title": position.title, "status": position.status, "findings": refusal.details},
        )
        return RefusedPosting(position.title, str(position.id), refusal.details)
    raise RuntimeError(f"planted posting {position.title!r} was published: the rules have changed")


def _position_create(row: Row) -> PositionCreate:
    def text_list(key: str) -> list[str]:
        return [item for item in str(row[key] or "").split(";") if item]

    def day(key: str) -> date | None:
        value = row[key]
        return date.fromisoformat(str(value)) if value else None

    start = day("start_date")
    assert start is not None  # every planted posting has one
    return PositionCreate.model_validate(
        {
            "kind": row["kind"],
            "title": row["title"],
            "description": row["description"],
            "majors": text_list("major_codes"),
            "skills": text_list("skills"),
            "region_code": row["region_code"],
            "headcount": row["headcount"],
            "monthly_pay": row["monthly_pay"],
            "same_post_wage": row["same_post_wage"],
            "post_staff_count": row["post_staff_count"],
            "hours_per_day": row["hours_per_day"],
            "hours_per_week": row["hours_per_week"],
            "start_date": start,
            "end_date": day("end_date"),
            "closing_date": day("closing_date"),
        }
    )


def _found(session: Session, seed: int, started: float) -> LoadResult:
    """The city is there: nothing is written; its accounts are shown if ``seed`` made them.

    The passwords are a function of the seed, so one hash check (argon2, tens of milliseconds)
    tells whether the stored city was made with this seed.
    """
    passwords = demo_passwords(seed)
    first = ACCOUNTS[0][0]
    stored = session.exec(select(User.password_hash).where(User.username == first)).first()
    accounts: list[Account] = []
    if stored is not None and verify_password(passwords[first], stored):
        accounts = [
            Account(username, passwords[username], role, None, label)
            for username, role, label in ACCOUNTS
        ]
    return LoadResult(already_loaded=True, accounts=accounts, seconds=time.perf_counter() - started)
