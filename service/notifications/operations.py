"""Notifications: what every part of the service calls when an actor must know of a change.

:func:`notify` is the one entry point. It is called inside the transaction of the change it reports
(an application offered, an organisation verified …), so no change is committed without its
notification, nor a notification without its change. Each notification is read in the site; a user
with an e-mail address also gets it by mail, unless the user turned mail off for that kind, and
only while SMTP is configured (``CHANJIAO_SMTP_HOST``): the mail is queued in ``mail_outbox`` in the
same transaction and sent by the scheduled sender (:mod:`service.notifications.mail`).

A notification names nothing personal of anyone but its reader: the caller writes a title and body
that hold position titles, organisation names and states, never a student's name or phone for
anyone else (an enterprise learns "收到一份新的申请：岗位X" and opens the application, where the
masking rules of the applications apply).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import timedelta

from sqlmodel import Session

from models import Notification, User
from models.base import utcnow
from service.errors import Invalid, NotFound, field_detail
from service.notifications import repository
from service.notifications.kinds import KIND_LABELS, NotificationKind
from service.notifications.schemas import (
    NotificationPublic,
    NotificationsPage,
    PreferencePublic,
    PreferencesPublic,
    PreferencesUpdate,
)
from service.pagination import PageParams
from service.settings import settings

# The longest texts a notification stores (the columns' sizes).
MAX_TITLE = 200
MAX_BODY = 1000
# An address: something@domain.tld, no spaces or angle brackets (no header injection).
_EMAIL = re.compile(
    r"^[^@\s<>,;\"\x00-\x1f\x7f]+@[^@\s<>,;\"\x00-\x1f\x7f]+\.[^@\s<>,;\"\x00-\x1f\x7f]+$"
)


def kind_label(kind: str) -> str:
    try:
        return KIND_LABELS[NotificationKind(kind)]
    except ValueError:
        return kind


def notify(
    session: Session,
    *,
    user_ids: Iterable[uuid.UUID | None],
    kind: NotificationKind | str,
    title: str,
    body: str = "",
    link: str | None = None,
) -> int:
    """Notify each of ``user_ids`` (``None`` and repeats skipped; inactive accounts get nothing)
    of a change made in this transaction; returns how many were notified.

    ``kind`` is one of :class:`NotificationKind` (its label is shown beside the title); ``title``
    and ``body`` are Chinese text naming nothing personal of anyone but the reader; ``link`` a local
    path (``/me#applications``) the reader opens. Mail is queued for those with an address who did
    not turn it off for ``kind``, while SMTP is configured.
    """
    chosen = NotificationKind(kind)
    wanted = list(dict.fromkeys(uid for uid in user_ids if uid is not None))
    users = repository.active_users(session, wanted)
    if not users:
        return 0
    now = utcnow()
    title, body = title[:MAX_TITLE], body[:MAX_BODY]
    repository.add_notifications(
        session,
        [
            {
                "id": uuid.uuid4(),
                "user_id": user.id,
                "kind": chosen.value,
                "title": title,
                "body": body,
                "link": link,
                "created_at": now,
                "read_at": None,
            }
            for user in users
        ],
    )
    if settings.mail_enabled:
        with_address = [user for user in users if user.email]
        refused = repository.mail_refused(session, [u.id for u in with_address], chosen.value)
        queue_mail(
            session,
            [user.email for user in with_address if user.id not in refused and user.email],
            f"【产教通】{KIND_LABELS[chosen]}：{title}"[:MAX_TITLE],
            _mail_body(title, body, link),
        )
    return len(users)


def _mail_body(title: str, body: str, link: str | None) -> str:
    lines = [title, ""]
    if body:
        lines += [body, ""]
    if link:
        lines += [f"查看详情：{settings.public_url.rstrip('/')}{link}", ""]
    lines.append("——产教通（本邮件由系统发送，请勿回复；可在“通知设置”中关闭邮件提醒）")
    return "\n".join(lines)


def queue_mail(session: Session, addresses: Iterable[str], subject: str, body: str) -> int:
    """Queue one mail per address in the outbox, in this transaction (nothing while SMTP is not
    configured). The scheduled sender delivers it."""
    if not settings.mail_enabled:
        return 0
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "to_address": address,
            "subject": subject[:MAX_TITLE],
            "body": body,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": None,
            "created_at": now,
            "sent_at": None,
        }
        for address in dict.fromkeys(addresses)
    ]
    repository.add_mails(session, rows)
    return len(rows)


def staff_of(session: Session, organization_ids: Iterable[uuid.UUID | None]) -> list[uuid.UUID]:
    """The accounts of organisations (an enterprise's, a school's, a regulator's staff; not the
    school's students): whom an organisation's notification goes to."""
    ids = list(dict.fromkeys(oid for oid in organization_ids if oid is not None))
    return repository.users_of_organizations(session, ids)


# ---------------------------------------------------------------- reading


def _public(row: Notification) -> NotificationPublic:
    return NotificationPublic(
        id=row.id,
        kind=row.kind,
        kind_label=kind_label(row.kind),
        title=row.title,
        body=row.body,
        link=row.link,
        created_at=row.created_at,
        read=row.read_at is not None,
        read_at=row.read_at,
    )


def list_notifications(
    session: Session, user: User, *, unread: bool, page: PageParams
) -> NotificationsPage:
    """The user's notifications, newest first, with its unread count."""
    rows, count = repository.page(session, user.id, unread, page.offset, page.page_size)
    return NotificationsPage(
        data=[_public(row) for row in rows],
        count=count,
        unread=repository.unread_count(session, user.id),
    )


def unread_count(session: Session, user: User) -> int:
    return repository.unread_count(session, user.id)


def mark_read(session: Session, user: User, notification_id: uuid.UUID) -> NotificationPublic:
    """Mark one of the user's notifications read (again: no change); another's is a 404."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound("通知不存在")
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        session.flush()
    return _public(row)


def mark_all_read(session: Session, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return repository.mark_read(session, user.id, utcnow())


# ---------------------------------------------------------------- preferences


def read_preferences(session: Session, user: User) -> PreferencesPublic:
    mail = repository.preferences_of(session, user.id)
    return PreferencesPublic(
        email=user.email,
        mail_available=settings.mail_enabled,
        preferences=[
            PreferencePublic(
                kind=kind.value, label=label, in_site=True, mail=mail.get(kind.value, True)
            )
            for kind, label in KIND_LABELS.items()
        ],
    )


def email_problem(address: str) -> str | None:
    if len(address) > 254 or not _EMAIL.match(address):
        return "请填写有效的电子邮箱地址，如 name@example.com"
    return None


def update_preferences(session: Session, user: User, data: PreferencesUpdate) -> PreferencesPublic:
    """Mail on or off per kind (in the site every kind is always shown), and the address mail
    goes to (``""`` removes it)."""
    account = session.get(User, user.id)
    if account is None:
        raise NotFound("用户不存在")
    if data.email is not None:
        address = data.email.strip()
        if address and (problem := email_problem(address)) is not None:
            raise Invalid("电子邮箱地址无效", details=[field_detail("email", problem)])
        account.email = address or None
        session.add(account)
    for kind, mail in (data.mail or {}).items():
        repository.set_preference(session, user.id, kind.value, mail)
    session.flush()
    return read_preferences(session, account)


# ---------------------------------------------------------------- back-off

# The outbox's retries: attempts, and the wait before attempt n + 1 (base × 2ⁿ⁻¹, capped).
MAX_ATTEMPTS = 6
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8, 16 minutes …"""
    delay: timedelta = RETRY_BASE * (2 ** max(0, attempts - 1))
    return min(RETRY_CAP, delay)


def staff_in_region(
    session: Session, low: str, high: str, kinds: Iterable[str] = ("school", "enterprise")
) -> list[uuid.UUID]:
    """The staff of the verified organisations of ``kinds`` in a region's code range (a region
    and the regions under it, as ``catalog.region_scope`` gives it)."""
    return repository.staff_in_region(session, low, high, list(kinds))
