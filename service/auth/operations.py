"""Accounts: creating users and checking credentials."""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import cache
from pathlib import Path

from sqlmodel import Session

from models import Organization, OrganizationKind, OrganizationStatus, RefreshToken, Role, User
from models.base import utcnow
from models.validators import normalize_code
from service import audit, throttle
from service.auth import repository
from service.auth.schemas import Token
from service.auth.security import (
    create_access_token,
    create_refresh_token,
    decode_token,
    hash_password,
    verify_password,
)
from service.errors import Conflict, Invalid, Unauthorized, field_detail
from service.settings import settings

MIN_PASSWORD_LENGTH = 10
# The demo's accounts have passwords printed on screen: they log in only in the demo environment.
DEMO_ACCOUNT_PREFIX = "demo_"
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    organization_id: uuid.UUID | None = None,
    display_name: str | None = None,
    actor: audit.Actor | None = None,
    password_hash: str | None = None,
) -> User:
    """A new account, audited as done by ``actor`` (None: the new user registering itself).

    ``password_hash``: the hash of ``password`` when the caller computed it already.
    """
    if (problem := password_problem(password, username)) is not None:
        raise Invalid("密码不符合要求", details=[field_detail("password", problem)])
    # Hash before the first query: on SQLite that query starts the write transaction, and argon2's
    # ~0.1 s must not be spent holding the write lock.
    password_hash = password_hash or hash_password(password)
    if repository.user_named(session, username) is not None:
        raise Conflict("用户名已被使用", details=[field_detail("username", "用户名已被使用")])
    user = User(
        username=username,
        password_hash=password_hash,
        role=role,
        organization_id=organization_id,
        display_name=display_name,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor or user, "create", "user", user.id, None, user)
    return user


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why ``password`` may not be used (None: it may): the one rule of registration, change,
    reset and the initial passwords an operator sets."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码长度不能少于{MIN_PASSWORD_LENGTH}位"
    if password.isdigit():
        return "密码不能全是数字"
    if is_common_password(password):
        return "密码过于常见，容易被猜中（如键盘序列、拼音加数字），请换一个"
    if username and username.strip() and username.strip().lower() in password.lower():
        return "密码不能包含用户名"
    return None


# Rows of the keyboard and runs of the alphabet: any stretch of these (or reversed) is a pattern.
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1234567890",
    "01234567890",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "a1b2c3d4e5f6g7h8i9",
)
# Common pinyin surnames and words: such a word padded with digits is guessed early.
_PINYIN = frozenset(
    "zhang wang li liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng "
    "liang xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye "
    "cheng wei "
    "su lu ding ren shen yao jin fu zhong cui tan xia qiu hou qin bai jia xue yan "
    "woaini aini mima nihao laopo laogong baobao xuesheng laoshi xuexiao zhongguo".split()
)


def is_common_password(password: str) -> bool:
    """A password from the list, a keyboard or alphabet run, one character repeated, or a pinyin
    word (or list entry) with digits before or after it."""
    lowered = password.lower()
    common = common_passwords()
    if lowered in common or len(set(lowered)) <= 2:
        return True
    if any(lowered in run or lowered in run[::-1] for run in _SEQUENCES):
        return True
    digits = "".join(c for c in lowered if c.isdigit())
    if len(lowered) - len(digits) <= 2 and any(digits in run for run in _SEQUENCES[5:7]):
        return True  # 123456789a, a1234567890
    core = lowered.strip("0123456789!@#$%^&*._-")
    if not core or core in common or core in _PINYIN:
        return True
    if any(core in run or core[::-1] in run for run in _SEQUENCES) and len(core) >= 4:
        return True
    # Two pinyin syllables of the list (zhangwei, wangli) with digits around them.
    return any(core.startswith(first) and core[len(first) :] in _PINYIN for first in _PINYIN)


# Which kind of organisation each role belongs to; admins belong to none, regulators optionally to a
# park (联合体理事会) or a government body.
ROLE_ORGANIZATION_KINDS: dict[Role, frozenset[OrganizationKind]] = {
    Role.enterprise: frozenset({OrganizationKind.enterprise}),
    Role.school: frozenset({OrganizationKind.school}),
    Role.student: frozenset({OrganizationKind.school}),
    Role.regulator: frozenset({OrganizationKind.park, OrganizationKind.government}),
    Role.admin: frozenset(),
}
ORGANIZATION_OPTIONAL = frozenset({Role.regulator, Role.admin})


def create_account(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    organization_code: str | None,
    actor: audit.Actor,
) -> User:
    """An account created by an operator (CLI), attached to the organisation with that code."""
    organization_id = None
    if organization_code:
        organization = repository.organization_coded(session, normalize_code(organization_code))
        if organization is None:
            raise Invalid(
                "机构不存在",
                details=[field_detail("organization", f"没有代码为{organization_code}的机构")],
            )
        if organization.kind not in ROLE_ORGANIZATION_KINDS[role]:
            raise Invalid(
                "角色与机构类型不符",
                details=[field_detail("organization", f"{role.value} 角色不能属于该类型的机构")],
            )
        organization_id = organization.id
    elif role not in ORGANIZATION_OPTIONAL:
        raise Invalid(
            "缺少所属机构",
            details=[field_detail("organization", f"{role.value} 角色须指定所属机构")],
        )
    return create_user(
        session,
        username=username,
        password=password,
        role=role,
        organization_id=organization_id,
        actor=actor,
    )


def change_password(
    session: Session,
    actor: User,
    old_password: str,
    new_password: str,
    current_token_id: str | None = None,
) -> None:
    """The actor's new password, after checking the current one; audited without either. Every
    other session (refresh token) of the account is revoked; the family of
    ``current_token_id``, the session that made the change, stays signed in."""
    # Both argon2 steps run before the first query of the write session (see create_user).
    if not verify_password(old_password, actor.password_hash):
        raise Invalid("当前密码不正确", details=[field_detail("old_password", "当前密码不正确")])
    if (problem := password_problem(new_password, actor.username)) is not None:
        raise Invalid("新密码不符合要求", details=[field_detail("new_password", problem)])
    if new_password == old_password:
        raise Invalid(
            "新密码不能与当前密码相同",
            details=[field_detail("new_password", "新密码不能与当前密码相同")],
        )
    password_hash = hash_password(new_password)
    user = session.get(User, actor.id)
    if user is None:
        raise Unauthorized("登录凭证无效或已过期")
    user.password_hash = password_hash
    session.add(user)
    session.flush()
    revoke_sessions(session, user.id, keep=current_token_id or "")
    audit.record(session, actor, "change_password", "user", user.id, None, None)


def authenticate(session: Session, username: str, password: str, address: str) -> User:
    """The active account of valid credentials (:func:`issue_tokens` then logs it in).

    Throttled before any hashing, on failures only: per account and address (a few), and per
    address over all accounts (many more); see :mod:`service.throttle`.
    """
    pair = f"{username}|{address}"
    throttle.check(throttle.LOGIN_FAILURES_PER_ADDRESS, address)
    throttle.check(throttle.LOGIN_PER_ACCOUNT_ADDRESS, pair)
    user = repository.user_named(session, username)
    # Verify even for an unknown user name so the timing does not tell which names exist.
    valid = verify_password(password, user.password_hash if user else dummy_hash())
    # An account of an organisation not yet verified answers like a wrong password: otherwise
    # "register, then log in" would tell a fresh user name from a taken one.
    if user is None or not valid or not user.is_active or _awaits_review(session, user):
        throttle.hit(throttle.LOGIN_PER_ACCOUNT_ADDRESS, pair)
        throttle.hit(throttle.LOGIN_FAILURES_PER_ADDRESS, address)
        raise Unauthorized("用户名或密码错误")
    if is_demo_account(user) and settings.environment != "demo":
        raise Unauthorized("演示账户只能在演示环境中登录")
    if user.organization_id is not None:
        org = session.get(Organization, user.organization_id)
        if org is not None and org.status == OrganizationStatus.suspended:
            raise Unauthorized("所属机构已被暂停")
    if throttle.count(throttle.LOGIN_PER_ACCOUNT_ADDRESS, pair):
        throttle.reset(throttle.LOGIN_PER_ACCOUNT_ADDRESS, pair)
    return user


def _awaits_review(session: Session, user: User) -> bool:
    if user.organization_id is None:
        return False
    organization = session.get(Organization, user.organization_id)
    return organization is not None and organization.status == OrganizationStatus.pending


def is_demo_account(user: User) -> bool:
    return user.username.startswith(DEMO_ACCOUNT_PREFIX)


def issue_tokens(session: Session, user: User, family: str | None = None) -> Token:
    """A new refresh token (recorded, so it can be revoked) and an access token bound to it.

    A token's id is ``FAMILY.RANDOM``: a sign-in starts a family, each rotation continues it, so
    replaying a rotated token can revoke every token of its family (:func:`refresh`)."""
    token_id = f"{family or uuid.uuid4().hex[:16]}.{uuid.uuid4().hex}"
    session.add(
        RefreshToken(
            id=token_id,
            user_id=str(user.id),
            expires_at=utcnow() + timedelta(days=settings.refresh_token_days),
        )
    )
    session.flush()
    return Token(
        access_token=create_access_token(user.id, user.role, token_id),
        refresh_token=create_refresh_token(user.id, token_id),
        expires_in=settings.access_token_minutes * 60,
    )


def token_family(token_id: str) -> str:
    """The family of a refresh token's id (a token of before families is a family of its own)."""
    return token_id.split(".", 1)[0]


class ReplayedToken(Unauthorized):
    """A rotated (used) refresh token presented again: its family is revoked, and the revocation
    is kept although the request fails."""

    keep_writes = True


def _live_refresh(session: Session, token: str) -> tuple[User, RefreshToken]:
    decoded = decode_token(token, "refresh")
    row = session.get(RefreshToken, decoded[1]) if decoded and decoded[1] else None
    if decoded is None or row is None:
        raise Unauthorized("刷新令牌无效、已过期或已注销")
    if row.revoked_at is not None:
        # A used token whose family still has a live one was rotated, and is presented again:
        # someone holds a copy, the thief or the owner has the newer token and neither can be told
        # apart, so the whole family ends (a token revoked by signing out leaves no live one).
        if revoke_sessions(session, row.user_id, family=token_family(row.id)):
            raise ReplayedToken("刷新令牌已被使用过，为安全起见该登录已注销，请重新登录")
        raise Unauthorized("刷新令牌无效、已过期或已注销")
    user = session.get(User, decoded[0])
    if user is None or not user.is_active or str(user.id) != row.user_id:
        raise Unauthorized("刷新令牌无效、已过期或已注销")
    return user, row


def refresh(session: Session, token: str) -> Token:
    """New tokens for a live refresh token, which is used up (rotation, in the same family)."""
    user, row = _live_refresh(session, token)
    row.revoked_at = utcnow()
    session.add(row)
    user_for(session, user)
    return issue_tokens(session, user, token_family(row.id))


def logout(session: Session, token: str) -> None:
    """Revoke a refresh token and with it every access token issued alongside."""
    _user, row = _live_refresh(session, token)
    row.revoked_at = utcnow()
    session.add(row)
    session.flush()


def revoke_sessions(
    session: Session,
    user_id: uuid.UUID | str,
    *,
    keep: str | None = None,
    family: str | None = None,
) -> int:
    """Revoke the live refresh tokens of a user (with them their access tokens): all of them, all
    but the family of ``keep`` (the session that changed the password), or one ``family``."""
    rows = repository.live_refresh_tokens(session, str(user_id))
    now = utcnow()
    revoked = 0
    for row in rows:
        if keep is not None and token_family(row.id) == token_family(keep):
            continue
        if family is not None and token_family(row.id) != family:
            continue
        row.revoked_at = now
        session.add(row)
        revoked += 1
    session.flush()
    return revoked


def logout_everywhere(session: Session, user: User) -> int:
    """Sign ``user`` out on every device: every refresh token and access token revoked."""
    revoked = revoke_sessions(session, user.id)
    audit.record(session, user, "logout_all", "user", user.id, None, {"sessions": revoked})
    return revoked


def token_id_of(access_token: str | None) -> str | None:
    """The refresh token id an access token is bound to."""
    decoded = decode_token(access_token, "access") if access_token else None
    return decoded[1] if decoded is not None else None


def reset_password(
    session: Session, username: str, new_password: str, *, actor: audit.Actor
) -> User:
    """An operator's reset of ``username``'s password (CLI): the password rule, then every session
    of the account revoked."""
    if (problem := password_problem(new_password, username)) is not None:
        raise Invalid("密码不符合要求", details=[field_detail("password", problem)])
    password_hash = hash_password(new_password)
    user = repository.user_named(session, username)
    if user is None:
        raise Invalid(
            "用户不存在", details=[field_detail("username", f"没有用户名为{username}的账户")]
        )
    user.password_hash = password_hash
    session.add(user)
    revoked = revoke_sessions(session, user.id)
    audit.record(session, actor, "reset_password", "user", user.id, None, {"sessions": revoked})
    return user


def user_for_token(session: Session, token: str) -> User:
    """The active user a bearer token names; its organisation must not be suspended.

    Checked on every request, so that suspending an organisation (or logging out) takes effect
    at once rather than when the token expires.
    """
    decoded = decode_token(token, "access")
    user = session.get(User, decoded[0]) if decoded is not None else None
    if decoded is not None and decoded[1] is not None:
        row = session.get(RefreshToken, decoded[1])
        if row is None or row.revoked_at is not None:
            user = None
    if user is None or not user.is_active:
        raise Unauthorized("登录凭证无效或已过期")
    return user_for(session, user)


def user_for(session: Session, user: User) -> User:
    """``user`` if it may act now: no demo account outside the demo, no suspended organisation."""
    if is_demo_account(user) and settings.environment != "demo":
        raise Unauthorized("演示账户只能在演示环境中登录")
    if user.organization_id is not None:
        organization = session.get(Organization, user.organization_id)
        if organization is None or organization.status == OrganizationStatus.suspended:
            raise Unauthorized("所属机构已被暂停")
    return user


@cache
def dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so that a login takes as long.

    Made on first use rather than at import (an argon2 hash costs ~0.25 s, which every command
    importing this module paid); the app makes it at start-up (`service.app.lifespan`), so no
    login pays it.
    """
    return hash_password("not-a-real-password")
