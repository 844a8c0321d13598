"""Accounts: creating users and checking credentials."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from models import Organization, OrganizationKind, OrganizationStatus, Role, User
from models.validators import normalize_code
from service import audit
from service.auth.schemas import RegisterRequest
from service.auth.security import (
    create_access_token,
    decode_access_token,
    hash_password,
    verify_password,
)
from service.errors import Conflict, Invalid, Unauthorized, field_detail
from service.organizations import operations as organizations

MIN_PASSWORD_LENGTH = 8
# The role of the first account of a self-registered organisation. Parks and governments are created
# by regulators: their accounts are regulators, a role nobody may grant to themselves.
REGISTRATION_ROLES = {
    OrganizationKind.enterprise: Role.enterprise,
    OrganizationKind.school: Role.school,
}


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
    if (problem := password_problem(password)) is not None:
        raise Invalid("密码不符合要求", details=[field_detail("password", problem)])
    # Hash before the first query: on SQLite that query starts the write transaction, and argon2's
    # ~0.1 s must not be spent holding the write lock.
    password_hash = password_hash or hash_password(password)
    if session.exec(select(User).where(User.username == username)).first() is not None:
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


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码长度不能少于{MIN_PASSWORD_LENGTH}位"
    return None


def register(session: Session, request: RegisterRequest) -> tuple[Organization, User]:
    """Self-registration: a pending organisation and its first account, or nothing at all."""
    data = request.organization
    # Hashed before any query, so that no write lock is held during argon2 (see create_user).
    password_hash = hash_password(request.password)
    problems = organizations.field_problems(session, data.model_dump(), "organization.")
    role = REGISTRATION_ROLES.get(data.kind)
    if role is None:
        problems.append(
            field_detail("organization.kind", "园区和政府机构由监管部门或管理员创建，不能自助注册")
        )
    if (problem := password_problem(request.password)) is not None:
        problems.append(field_detail("password", problem))
    if problems or role is None:
        raise Invalid("注册信息有误", details=problems)
    organizations.ensure_code_free(session, data.code, "organization.")
    organization = organizations.add_organization(session, data, OrganizationStatus.pending)
    user = create_user(
        session,
        username=request.username,
        password=request.password,
        role=role,
        organization_id=organization.id,
        display_name=request.display_name,
        password_hash=password_hash,
    )
    audit.record(
        session, user, "register", organizations.ENTITY, organization.id, None, organization
    )
    return organization, user


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
        organization = session.exec(
            select(Organization).where(Organization.code == normalize_code(organization_code))
        ).first()
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


def change_password(session: Session, actor: User, old_password: str, new_password: str) -> None:
    """The actor's new password, after checking the current one; audited without either."""
    # Both argon2 steps run before the first query of the write session (see create_user).
    if not verify_password(old_password, actor.password_hash):
        raise Invalid("当前密码不正确", details=[field_detail("old_password", "当前密码不正确")])
    if (problem := password_problem(new_password)) is not None:
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
    audit.record(session, actor, "change_password", "user", user.id, None, None)


def authenticate(session: Session, username: str, password: str) -> str:
    """A bearer token for valid credentials of an active account."""
    user = session.exec(select(User).where(User.username == username)).first()
    # Verify even for an unknown user name so the timing does not tell which names exist.
    valid = verify_password(password, user.password_hash if user else _DUMMY_HASH)
    if user is None or not valid or not user.is_active:
        raise Unauthorized("用户名或密码错误")
    if user.organization_id is not None:
        org = session.get(Organization, user.organization_id)
        if org is not None and org.status == OrganizationStatus.suspended:
            raise Unauthorized("所属机构已被暂停")
    return create_access_token(user.id, user.role)


def user_for_token(session: Session, token: str) -> User:
    """The active user a bearer token names; its organisation must not be suspended.

    Checked on every request, so that suspending an organisation takes effect at once rather than
    when its members' tokens expire.
    """
    user_id = decode_access_token(token)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise Unauthorized("登录凭证无效或已过期")
    if user.organization_id is not None:
        organization = session.get(Organization, user.organization_id)
        if organization is None or organization.status == OrganizationStatus.suspended:
            raise Unauthorized("所属机构已被暂停")
    return user


_DUMMY_HASH = hash_password("not-a-real-password")
