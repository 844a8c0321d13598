"""Queries of notifications, their mail preferences and the mail outbox."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import Session, col, select

from models import MailOutbox, Notification, NotificationPreference, Organization, User


def add_notifications(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(Notification), list(rows))


def add_mails(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(MailOutbox), list(rows))


def active_users(session: Session, user_ids: Sequence[uuid.UUID]) -> list[User]:
    if not user_ids:
        return []
    return list(
        session.exec(
            select(User).where(col(User.id).in_(user_ids), col(User.is_active).is_(True))
        ).all()
    )


def users_of_organizations(
    session: Session, organization_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """The active non-student accounts of the organisations (an enterprise's, a school's staff)."""
    if not organization_ids:
        return []
    return list(
        session.exec(
            select(User.id).where(
                col(User.organization_id).in_(organization_ids),
                col(User.role) != "student",
                col(User.is_active).is_(True),
            )
        ).all()
    )


def mail_refused(session: Session, user_ids: Sequence[uuid.UUID], kind: str) -> set[uuid.UUID]:
    """The users among ``user_ids`` who turned mail off for ``kind``."""
    if not user_ids:
        return set()
    return set(
        session.exec(
            select(NotificationPreference.user_id).where(
                col(NotificationPreference.user_id).in_(user_ids),
                NotificationPreference.kind == kind,
                col(NotificationPreference.mail).is_(False),
            )
        ).all()
    )


def preferences_of(session: Session, user_id: uuid.UUID) -> dict[str, bool]:
    rows = session.exec(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id)
    ).all()
    return {row.kind: row.mail for row in rows}


def set_preference(session: Session, user_id: uuid.UUID, kind: str, mail: bool) -> None:
    row = session.get(NotificationPreference, (user_id, kind))
    if row is None:
        row = NotificationPreference(user_id=user_id, kind=kind, mail=mail)
    row.mail = mail
    session.add(row)


def page(
    session: Session, user_id: uuid.UUID, unread_only: bool, offset: int, limit: int
) -> tuple[list[Notification], int]:
    conditions: list[Any] = [Notification.user_id == user_id]
    if unread_only:
        conditions.append(col(Notification.read_at).is_(None))
    rows = session.exec(
        select(Notification)
        .where(*conditions)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(Notification).where(*conditions)).one()
    return list(rows), int(total)


def unread_count(session: Session, user_id: uuid.UUID) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, col(Notification.read_at).is_(None))
        ).one()
    )


def mark_read(
    session: Session, user_id: uuid.UUID, at: datetime, notification_id: uuid.UUID | None = None
) -> int:
    statement = update(Notification).where(
        col(Notification.user_id) == user_id, col(Notification.read_at).is_(None)
    )
    if notification_id is not None:
        statement = statement.where(col(Notification.id) == notification_id)
    result = session.execute(statement.values(read_at=at))
    return int(getattr(result, "rowcount", 0) or 0)


def due_mails(session: Session, now: datetime, limit: int) -> list[MailOutbox]:
    return list(
        session.exec(
            select(MailOutbox)
            .where(MailOutbox.status == "pending", col(MailOutbox.next_attempt_at) <= now)
            .order_by(col(MailOutbox.next_attempt_at), col(MailOutbox.id))
            .limit(limit)
        ).all()
    )


def mail(session: Session, mail_id: uuid.UUID) -> MailOutbox | None:
    return session.get(MailOutbox, mail_id)


def staff_in_region(session: Session, low: str, high: str, kinds: Sequence[str]) -> list[uuid.UUID]:
    """The active non-student accounts of verified organisations of ``kinds`` whose region code is
    in [low, high] (a region and everything under it)."""
    return list(
        session.exec(
            select(User.id)
            .join(Organization, col(Organization.id) == col(User.organization_id))
            .where(
                col(Organization.region_code) >= low,
                col(Organization.region_code) <= high,
                col(Organization.kind).in_(kinds),
                Organization.status == "verified",
                col(User.role) != "student",
                col(User.is_active).is_(True),
            )
        ).all()
    )
