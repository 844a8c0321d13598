"""Organisations: the checks of their fields, registration, verification and suspension.

:func:`validate_organization_fields` is the one place the rules of an organisation's fields
live; the API and the bulk import both call it. It takes its reference codes from a
:class:`CodeLookups`, so a bulk caller loads all region and industry codes once
(:func:`load_reference_codes`) instead of querying per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlmodel import Session

from models import MajorLevel, Organization, OrganizationKind, OrganizationStatus, Role, User
from models.base import SUPERVISOR_ROLES, utcnow
from models.validators import (
    normalize_code,
    region_code_problem,
    school_code_problem,
    uscc_problem,
)
from service import audit, notifications
from service.auth import operations as auth
from service.auth import security
from service.catalog import regions as catalog
from service.errors import Conflict, Forbidden, Invalid, NotFound, field_detail
from service.organizations import repository
from service.organizations.schemas import OrganizationFields, OrganizationUpdate, RegisterRequest
from service.pagination import PageParams

ENTITY = "organization"
SUPERVISORS = SUPERVISOR_ROLES
# Roles that act for their own organisation (a student belongs to a school but does not run it).
MEMBER_MANAGERS = frozenset({Role.enterprise, Role.school})
SCHOOL_LEVELS = tuple(level.value for level in MajorLevel)
MAX_NAME_LENGTH = 128
MAX_CODE_LENGTH = 32


class CodeLookups(Protocol):
    """Answers whether a region or an industry code exists."""

    def region_exists(self, code: str) -> bool: ...

    def industry_exists(self, code: str) -> bool: ...


@dataclass(frozen=True)
class ReferenceCodes:
    """All region and industry codes, loaded once for checking many rows."""

    regions: frozenset[str]
    industries: frozenset[str]

    def region_exists(self, code: str) -> bool:
        return code in self.regions

    def industry_exists(self, code: str) -> bool:
        return code in self.industries


@dataclass(frozen=True)
class _SessionLookups:
    """One primary-key lookup per code: right for a single organisation."""

    session: Session

    def region_exists(self, code: str) -> bool:
        return repository.region_exists(self.session, code)

    def industry_exists(self, code: str) -> bool:
        return repository.industry_exists(self.session, code)


def load_reference_codes(session: Session) -> ReferenceCodes:
    """Every region and industry code (a few thousand strings) for bulk validation."""
    return ReferenceCodes(
        regions=repository.all_region_codes(session),
        industries=repository.all_industry_codes(session),
    )


def validate_organization_fields(
    lookups: Session | CodeLookups, data: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """The problems of an organisation's fields as (field, Chinese message); empty when valid.

    ``data`` holds ``kind``, ``code``, ``name``, ``region_code``, ``industry_code``, ``level`` and
    ``staff_count`` (missing keys count as empty). Codes are checked in their normalised form
    (:func:`models.validators.normalize_code`), the form in which they are stored. Uniqueness of
    the code is not checked here: it needs the database, and a bulk caller checks it for all rows
    at once.
    """
    codes: CodeLookups = _SessionLookups(lookups) if isinstance(lookups, Session) else lookups
    problems: list[tuple[str, str]] = []
    kind = _kind(data.get("kind"))
    if kind is None:
        problems.append(("kind", "机构类型应为 enterprise、school、park 或 government 之一"))

    code = normalize_code(str(data.get("code") or ""))
    if not code:
        problems.append(("code", "机构代码不能为空"))
    elif kind is OrganizationKind.enterprise:
        if (problem := uscc_problem(code)) is not None:
            problems.append(("code", problem))
    elif kind is OrganizationKind.school:
        if (problem := school_code_problem(code)) is not None:
            problems.append(("code", problem))
    elif len(code) > MAX_CODE_LENGTH:
        problems.append(("code", f"机构代码长度不能超过{MAX_CODE_LENGTH}"))

    name = str(data.get("name") or "").strip()
    if not name:
        problems.append(("name", "机构名称不能为空"))
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(("name", f"机构名称长度不能超过{MAX_NAME_LENGTH}"))

    region = normalize_code(str(data.get("region_code") or ""))
    if not region:
        problems.append(("region_code", "所在地行政区划代码不能为空"))
    elif (problem := region_code_problem(region)) is not None:
        problems.append(("region_code", problem))
    elif not codes.region_exists(region):
        problems.append(("region_code", f"行政区划代码不存在：{region}"))

    industry = normalize_code(str(data.get("industry_code") or ""))
    if industry:
        if not codes.industry_exists(industry):
            problems.append(("industry_code", f"行业代码不存在（GB/T 4754-2017）：{industry}"))
    elif kind is OrganizationKind.enterprise:
        problems.append(("industry_code", "企业须填写所属行业代码（GB/T 4754-2017）"))

    level = str(data.get("level") or "").strip()
    if kind is OrganizationKind.school:
        if level not in SCHOOL_LEVELS:
            problems.append(("level", f"学校办学层次应为{'、'.join(SCHOOL_LEVELS)}之一"))
    elif level and kind is not None:
        problems.append(("level", "仅学校填写办学层次"))

    staff = data.get("staff_count")
    if staff is None or staff == "":
        if kind is OrganizationKind.enterprise:
            # The intern cap (10 % of 在岗职工总数) cannot be checked without it.
            problems.append(("staff_count", "企业须填写在岗职工总数"))
    elif isinstance(staff, bool) or not isinstance(staff, int):
        problems.append(("staff_count", "在岗职工总数应为整数"))
    elif staff < 0:
        problems.append(("staff_count", "在岗职工总数不能为负数"))
    return problems


def _kind(value: Any) -> OrganizationKind | None:
    try:
        return OrganizationKind(value)
    except ValueError:
        return None


def field_problems(
    lookups: Session | CodeLookups, data: Mapping[str, Any], prefix: str = ""
) -> list[dict[str, Any]]:
    """:func:`validate_organization_fields` as error details, field names under ``prefix``."""
    return [
        field_detail(prefix + field, message)
        for field, message in validate_organization_fields(lookups, data)
    ]


def _raise_if_invalid(problems: list[dict[str, Any]]) -> None:
    if problems:
        raise Invalid("机构信息有误", details=problems)


def ensure_code_free(session: Session, code: str, prefix: str = "") -> None:
    if repository.code_taken(session, code):
        raise Conflict(
            "该机构代码已注册",
            details=[field_detail(f"{prefix}code", f"机构代码已被注册：{code}")],
        )


def add_organization(
    session: Session, data: OrganizationFields, status: OrganizationStatus
) -> Organization:
    """Insert an organisation whose fields and code were checked; the caller audits it."""
    now = utcnow()
    organization = Organization(
        **data.model_dump(),
        status=status,
        verified_at=now if status is OrganizationStatus.verified else None,
    )
    session.add(organization)
    session.flush()
    return organization


def create_organization(session: Session, actor: User, data: OrganizationFields) -> Organization:
    """An organisation loaded by a regulator or an admin: verified by that act."""
    _raise_if_invalid(field_problems(session, data.model_dump()))
    if not supervises(session, actor, data.region_code):
        raise Forbidden(
            "只能录入本部门管辖地区的机构",
            details=[field_detail("region_code", "不在本部门管辖范围内")],
        )
    ensure_code_free(session, data.code)
    organization = add_organization(session, data, OrganizationStatus.verified)
    audit.record(session, actor, "create", ENTITY, organization.id, None, organization)
    return organization


def get_organization(session: Session, organization_id: uuid.UUID) -> Organization:
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("机构不存在")
    return organization


# Identity fields of an organisation: once verified, they change only through a regulator's review,
# or an enterprise could take a public body's name and region (issue 15).
IDENTITY_FIELDS = ("name", "code", "region_code", "kind")


def supervision_scope(session: Session, user: User) -> catalog.RegionScope | None:
    """The region a supervisor acts in: None for admins and national regulators (no organisation).

    A regulator belonging to a park or government acts in that organisation's region and every
    region inside it (a regulator of 500000 covers 5001xx). Non-supervisors get an empty scope.
    """
    if user.role == Role.admin or (user.role == Role.regulator and user.organization_id is None):
        return None
    own = session.get(Organization, user.organization_id) if user.organization_id else None
    if user.role != Role.regulator or own is None:
        return catalog.RegionScope("", "county")
    return catalog.region_scope(session, own.region_code)


def acting_body_name(session: Session, user_id: uuid.UUID | None) -> str | None:
    """The name under which an account acted, as shown to the public: its organisation's, or
    national regulator / platform admin for accounts without one."""
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None:
        return None
    if user.organization_id is not None:
        own = session.get(Organization, user.organization_id)
        if own is not None:
            return own.name
    return "国家监管部门" if user.role == Role.regulator else "平台管理员"


def supervises(session: Session, user: User, region_code: str) -> bool:
    """Whether ``user`` is a regulator or admin whose scope holds ``region_code``."""
    if user.role not in SUPERVISORS:
        return False
    scope = supervision_scope(session, user)
    return scope is None or region_code in scope


def regional_scope(session: Session, user: User) -> catalog.RegionScope | None:
    """The region a supervisor is confined to in every domain; None when it is not confined (an
    admin, a national regulator) and for other roles (whose limits are their own organisation)."""
    if user.role not in SUPERVISORS:
        return None
    return supervision_scope(session, user)


def supervises_organization(
    session: Session, user: User, organization_id: uuid.UUID | None
) -> bool:
    """Whether ``user`` is a supervisor whose region holds that organisation."""
    if organization_id is None:
        return user.role in SUPERVISORS and supervision_scope(session, user) is None
    organization = session.get(Organization, organization_id)
    return organization is not None and supervises(session, user, organization.region_code)


def out_of_scope(session: Session, user: User, organization_id: uuid.UUID | None) -> bool:
    """A regional supervisor looking at an organisation outside its region (the caller answers
    404 for an object, 403 for a creation); False for every other role."""
    return user.role in SUPERVISORS and not supervises_organization(session, user, organization_id)


def ensure_region_in_scope(
    session: Session, user: User, region_code: str, field: str = "region"
) -> None:
    """403 when a regional supervisor asks about a region outside its own (``000000``, the whole
    country, included); nothing for national supervisors and for other roles."""
    scope = regional_scope(session, user)
    if scope is not None and region_code not in scope:
        raise Forbidden(
            "只能查看和处理本部门管辖地区的数据",
            details=[field_detail(field, f"{region_code}不在本部门管辖范围（{scope.code}）内")],
        )


def scoped_region(
    session: Session, user: User, region_code: str | None, field: str = "region"
) -> str | None:
    """The region a supervisor's query covers: the one asked (checked against its scope), or its
    own region when none is asked (None: national)."""
    if region_code:
        ensure_region_in_scope(session, user, region_code, field)
        return region_code
    scope = regional_scope(session, user)
    return scope.code if scope is not None else None


def can_see(session: Session, viewer: User, organization: Organization) -> bool:
    return viewer.organization_id == organization.id or supervises(
        session, viewer, organization.region_code
    )


def can_manage(session: Session, actor: User, organization: Organization) -> bool:
    if supervises(session, actor, organization.region_code):
        return True
    return actor.role in MEMBER_MANAGERS and actor.organization_id == organization.id


def read_organization(session: Session, viewer: User, organization_id: uuid.UUID) -> Organization:
    """An organisation the viewer may see; others' are "not found" rather than "forbidden"."""
    organization = session.get(Organization, organization_id)
    if organization is None or not can_see(session, viewer, organization):
        raise NotFound("机构不存在")
    return organization


def list_organizations(
    session: Session,
    viewer: User,
    *,
    kind: OrganizationKind | None,
    status: OrganizationStatus | None,
    region: str | None,
    page: PageParams,
    name: str | None = None,
) -> tuple[list[Organization], int]:
    """Admins and national regulators see every organisation, a regional regulator those of its
    region; everyone else sees only their own. ``name``: a part of the name."""
    regions = []
    if region:
        regions.append(catalog.region_scope(session, region))
    if viewer.role in SUPERVISORS and (scope := supervision_scope(session, viewer)) is not None:
        regions.append(scope)
    return repository.page_of_organizations(
        session,
        kind=kind,
        status=status,
        regions=regions,
        only_id=viewer.organization_id,
        restrict=viewer.role not in SUPERVISORS,
        offset=page.offset,
        limit=page.page_size,
        name=name,
    )


def verified_enterprises(session: Session, limit: int = 2000) -> list[tuple[str, str]]:
    """(统一社会信用代码, name) of verified enterprises, by name: the partners a school may pick
    (verified enterprises are public, as their positions are)."""
    return repository.verified_of_kind(session, OrganizationKind.enterprise, limit)


def update_organization(
    session: Session, actor: User, organization_id: uuid.UUID, changes: OrganizationUpdate
) -> Organization:
    organization = read_organization(session, actor, organization_id)
    if not can_manage(session, actor, organization):
        raise Forbidden("无权修改该机构信息")
    updates = changes.model_dump(exclude_unset=True)
    if "is_integration_enterprise" in updates and actor.role not in SUPERVISORS:
        # 产教融合型企业 is a status the authorities confer, not something a company declares.
        raise Forbidden(
            "仅监管部门和管理员可认定产教融合型企业",
            details=[field_detail("is_integration_enterprise", "无权修改此项")],
        )
    if updates.get("is_integration_enterprise") is None:
        updates.pop("is_integration_enterprise", None)
    before = audit.snapshot(organization)
    _raise_if_invalid(
        field_problems(session, {**organization.model_dump(warnings=False), **updates})
    )
    supervisor = actor.role in SUPERVISORS
    if not supervisor and organization.status != OrganizationStatus.pending:
        locked = [
            field
            for field in IDENTITY_FIELDS
            if field in updates and updates[field] != getattr(organization, field)
        ]
        if locked:
            raise Forbidden(
                "已审核机构的名称、代码、所在地和类型须提交身份变更申请，经所在地监管部门审核后变更",
                details=[field_detail(field, "须提交身份变更申请") for field in locked],
            )
    if (
        supervisor
        and "region_code" in updates
        and not supervises(session, actor, str(updates["region_code"] or ""))
    ):
        raise Forbidden(
            "不能把机构迁出本部门管辖地区",
            details=[field_detail("region_code", "不在本部门管辖范围内")],
        )
    for field, value in updates.items():
        setattr(organization, field, value)
    organization.updated_at = utcnow()
    session.add(organization)
    session.flush()
    audit.record(session, actor, "update", ENTITY, organization.id, before, organization)
    if before is not None and before.get("staff_count") != organization.staff_count:
        # Staff count drives the intern cap (10 %): its changes get a row regulators can filter on.
        audit.record(
            session,
            actor,
            "staff_count_change",
            ENTITY,
            organization.id,
            {"staff_count": before.get("staff_count")},
            {"staff_count": organization.staff_count},
        )
    return organization


def _change_status(
    session: Session,
    actor: User,
    organization_id: uuid.UUID,
    target: OrganizationStatus,
    action: str,
) -> Organization:
    organization = read_organization(session, actor, organization_id)
    if organization.status == target:
        message = "机构已通过审核" if target is OrganizationStatus.verified else "机构已被暂停"
        raise Conflict(message)
    before = audit.snapshot(organization)
    organization.status = target
    now = utcnow()
    if target is OrganizationStatus.verified:
        organization.verified_at = now
    organization.updated_at = now
    session.add(organization)
    session.flush()
    audit.record(session, actor, action, ENTITY, organization.id, before, organization)
    verified = target is OrganizationStatus.verified
    notifications.notify(
        session,
        user_ids=notifications.staff_of(session, [organization.id]),
        kind=(
            notifications.NotificationKind.organization_verified
            if verified
            else notifications.NotificationKind.organization_suspended
        ),
        title=(
            f"{organization.name}已通过审核，账户可以正常使用"
            if verified
            else f"{organization.name}已被所在地监管部门暂停，如有疑问请联系监管部门"
        ),
    )
    return organization


def verify_organization(session: Session, actor: User, organization_id: uuid.UUID) -> Organization:
    """A regulator or an admin verifies a pending (or re-admits a suspended) organisation."""
    return _change_status(session, actor, organization_id, OrganizationStatus.verified, "verify")


def suspend_organization(session: Session, actor: User, organization_id: uuid.UUID) -> Organization:
    """Suspended organisations cannot log in or publish; their positions leave the public lists."""
    return _change_status(session, actor, organization_id, OrganizationStatus.suspended, "suspend")


# ---------------------------------------------------------------- self-registration

# The role of the first account of a self-registered organisation. Parks and governments are created
# by regulators: their accounts are regulators, a role nobody may grant to themselves.
REGISTRATION_ROLES = {
    OrganizationKind.enterprise: Role.enterprise,
    OrganizationKind.school: Role.school,
}


# The actor of a registration that opened no account (its user name was taken).
REGISTRATION_ACTOR = "registration"
REGISTRATION_MESSAGE = (
    "注册申请已提交：所在地监管部门审核机构后，账户方可登录。"
    "如审核后仍无法登录，请凭受理编号联系所在地监管部门。"
)


def register(session: Session, request: RegisterRequest) -> Organization:
    """Self-registration: a pending organisation and, if the user name is free, its first account.

    A taken user name answers exactly like a free one (issue 15: no enumeration of accounts): the
    password is hashed either way, the pending organisation is recorded either way, and the
    requested name goes to the audit log (``register_name_taken``) for the regulator who reviews the
    organisation. No account of a pending organisation can log in, so trying the chosen password
    afterwards does not tell the two cases apart either.
    """
    data = request.organization
    # Hashed before any query, so that no write lock is held during argon2 (see create_user).
    password_hash = security.hash_password(request.password)
    problems = field_problems(session, data.model_dump(), "organization.")
    role = REGISTRATION_ROLES.get(data.kind)
    if role is None:
        problems.append(
            field_detail("organization.kind", "园区和政府机构由监管部门或管理员创建，不能自助注册")
        )
    if (problem := auth.password_problem(request.password, request.username)) is not None:
        problems.append(field_detail("password", problem))
    if request.username.lower().startswith(auth.DEMO_ACCOUNT_PREFIX):
        problems.append(field_detail("username", "以 demo_ 开头的用户名为演示账户保留"))
    if problems or role is None:
        raise Invalid("注册信息有误", details=problems)
    ensure_code_free(session, data.code, "organization.")
    organization = add_organization(session, data, OrganizationStatus.pending)
    if repository.username_taken(session, request.username):
        audit.record(
            session,
            REGISTRATION_ACTOR,
            "register",
            ENTITY,
            organization.id,
            None,
            organization,
        )
        audit.record(
            session,
            REGISTRATION_ACTOR,
            "register_name_taken",
            ENTITY,
            organization.id,
            None,
            {"requested_username": request.username},
        )
        return organization
    user = auth.create_user(
        session,
        username=request.username,
        password=request.password,
        role=role,
        organization_id=organization.id,
        display_name=request.display_name,
        password_hash=password_hash,
    )
    audit.record(session, user, "register", ENTITY, organization.id, None, organization)
    return organization
