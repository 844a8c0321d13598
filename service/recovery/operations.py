"""Account recovery.

- A student: its school resets the password (:func:`reset_student`), the way the school gave it
  its first one — a new initial password, shown once.
- Any other account: a one-time link by mail (:func:`request_reset`, :func:`confirm_reset`) when
  SMTP is configured and the account has an address; else its regulator resets it
  (:func:`reset_organization_account`) — a regulator of the organisation's region, or an admin.

The link's token is 32 random bytes; only its SHA-256 is stored, it is valid 30 minutes and once
(a newer request ends the older links). The request answers the same whether the account exists,
has an address or not, and is throttled per account and per address. Every reset sets the password
under the one rule of the platform (:func:`service.auth.operations.password_problem`), revokes
every session and refresh token of the account, is audited without the password, and leaves the
account a notification.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from models import PasswordResetToken, Role, Student, User
from models.base import utcnow
from service import audit, notifications, throttle
from service.auth import operations as auth
from service.auth.security import generate_password, hash_generated_password, hash_password
from service.errors import Forbidden, Invalid, NotFound, field_detail
from service.organizations import operations as organizations
from service.recovery import repository
from service.recovery.schemas import PasswordIssued
from service.settings import settings

TOKEN_LIFETIME = timedelta(minutes=30)
TOKEN_BYTES = 32
REQUESTED = (
    "如果该账户存在并登记了电子邮箱，重置链接已发送到该邮箱，30分钟内有效。"
    "未收到邮件：学生请联系所在学校重置，企业和学校账户请联系所在地监管部门重置。"
)
INVALID_TOKEN = "重置链接无效、已使用或已过期，请重新申请"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def request_reset(session: Session, username: str, address: str) -> str:
    """Mail a one-time link to the account's address, when it has one and mail is configured;
    the same answer in every case. Throttled per account and per address."""
    name = username.strip()
    throttle.check_and_hit(throttle.PASSWORD_RESET_PER_ADDRESS, address)
    throttle.check_and_hit(throttle.PASSWORD_RESET_PER_ACCOUNT, name)
    user = repository.user_named(session, name)
    if user is None or not user.is_active or not user.email or not settings.mail_enabled:
        return REQUESTED
    now = utcnow()
    repository.use_up_tokens(session, user.id, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + TOKEN_LIFETIME,
        )
    )
    session.flush()
    link = f"{settings.public_url.rstrip('/')}/password-reset?token={token}"
    notifications.queue_mail(
        session,
        [user.email],
        "【产教通】重置密码",
        "\n".join(
            [
                f"您好，{user.username}：",
                "",
                "有人（可能是您）申请重置产教通账户的密码。请在30分钟内打开下面的链接设置新密码：",
                link,
                "",
                "链接只能使用一次。如果不是您本人申请，请忽略本邮件，您的密码不会改变。",
            ]
        ),
    )
    audit.record(session, "password_reset", "request_reset", "user", user.id, None, None)
    return REQUESTED


def confirm_reset(session: Session, token: str, new_password: str, address: str) -> None:
    """Set a new password with a live link; the link is used up and every session revoked.
    Attempts are bounded per address (each costs a password hash)."""
    throttle.check_and_hit(throttle.PASSWORD_RESET_CONFIRM_PER_ADDRESS, address)
    # Hash the password before the first query (argon2's cost outside SQLite's write lock); the
    # rule needs the user name, checked once the token names the account.
    password_hash = hash_password(new_password)
    row = repository.token_hashed(session, _hash(token))
    now = utcnow()
    if row is None or row.used_at is not None or _utc(row.expires_at) <= now:
        raise Invalid(INVALID_TOKEN, details=[field_detail("token", INVALID_TOKEN)])
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Invalid(INVALID_TOKEN, details=[field_detail("token", INVALID_TOKEN)])
    if (problem := auth.password_problem(new_password, user.username)) is not None:
        raise Invalid("新密码不符合要求", details=[field_detail("new_password", problem)])
    _set_password(session, user, password_hash, "password_reset", "confirm_reset")


def _set_password(
    session: Session, user: User, password_hash: str, actor: audit.Actor, action: str
) -> int:
    user.password_hash = password_hash
    session.add(user)
    session.flush()
    repository.use_up_tokens(session, user.id, utcnow())
    revoked = auth.revoke_sessions(session, user.id)
    audit.record(session, actor, action, "user", user.id, None, {"sessions": revoked})
    notifications.notify(
        session,
        user_ids=[user.id],
        kind=notifications.NotificationKind.password_reset,
        title="您的密码已重置，其他设备上的登录已全部注销",
        body="如果不是您本人或您所在学校、监管部门所为，请立即联系学校或所在地监管部门。",
    )
    return revoked


def _issue(session: Session, actor: User, user: User, action: str) -> PasswordIssued:
    password = generate_password()
    while auth.password_problem(password, user.username) is not None:
        password = generate_password()  # a random 14 characters practically always pass
    revoked = _set_password(session, user, hash_generated_password(password), actor, action)
    return PasswordIssued(username=user.username, new_password=password, sessions_revoked=revoked)


def reset_student(session: Session, actor: User, student_id: uuid.UUID) -> PasswordIssued:
    """A school resets the password of one of its own students: a new initial password."""
    student = session.get(Student, student_id)
    if student is None or student.school_id != actor.organization_id:
        raise NotFound("学生不存在")
    user = session.get(User, student.user_id) if student.user_id is not None else None
    if user is None:
        raise Invalid(
            "该学生还没有账户", details=[field_detail("student_id", "请先为学生创建账户")]
        )
    return _issue(session, actor, user, "reset_student_password")


def reset_organization_account(
    session: Session, actor: User, organization_id: uuid.UUID, username: str
) -> PasswordIssued:
    """A regulator of the organisation's region (or an admin) resets one of its accounts — an
    enterprise's or a school's staff; students go to their school."""
    if not organizations.supervises_organization(session, actor, organization_id):
        raise NotFound("机构不存在")
    user = repository.user_named(session, username.strip())
    if user is None or user.organization_id != organization_id:
        raise NotFound(
            "该机构没有这个账户", details=[field_detail("username", "该机构没有这个用户名")]
        )
    if user.role not in (Role.enterprise, Role.school):
        raise Forbidden("学生账户由所在学校重置密码")
    return _issue(session, actor, user, "reset_account_password")
