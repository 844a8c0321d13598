"""Identity change requests: a verified organisation's name, code, region or kind change by review.

The organisation asks (its own enterprise or school accounts); a regulator whose region holds the
organisation approves — the change is applied in the same transaction, audited before/after on
the organisation — or refuses with a reason the organisation reads. A move to another region must
be approved by a regulator whose scope holds both the old and the new region (a province's for a
move inside the province, a national regulator across provinces): neither side alone may hand an
organisation over or take one in. Regulators of the destination see the request; they can refuse
it but not approve it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col

from models import IdentityChangeRequest, Organization, OrganizationKind, Role, User
from models.base import SUPERVISOR_ROLES, utcnow
from service import audit, notifications
from service.errors import Conflict, Forbidden, Invalid, NotFound, field_detail
from service.identity_changes import repository
from service.identity_changes.schemas import IdentityChangeCreate
from service.organizations import operations as organizations
from service.pagination import PageParams

ENTITY = "identity_change"
PENDING, APPROVED, REFUSED = repository.PENDING, "approved", "refused"
# The account roles an organisation of each kind may have (a kind change must keep its accounts
# valid: an enterprise's accounts cannot become a school's by a form).
KIND_ROLES: dict[OrganizationKind, frozenset[Role]] = {
    OrganizationKind.enterprise: frozenset({Role.enterprise}),
    OrganizationKind.school: frozenset({Role.school, Role.student}),
    OrganizationKind.park: frozenset({Role.regulator}),
    OrganizationKind.government: frozenset({Role.regulator}),
}


def _value(value: Any) -> str:
    return str(value.value if isinstance(value, OrganizationKind) else value)


def _is_member(actor: User, organization: Organization) -> bool:
    return actor.role in organizations.MEMBER_MANAGERS and actor.organization_id == organization.id


def request_change(
    session: Session, actor: User, organization_id: uuid.UUID, body: IdentityChangeCreate
) -> IdentityChangeRequest:
    """The organisation's own account asks for a change; nothing changes until it is approved."""
    organization = organizations.read_organization(session, actor, organization_id)
    if not _is_member(actor, organization):
        raise Forbidden("只有本机构的企业或学校账户可以申请变更身份信息")
    changes = {
        field: _value(value)
        for field in organizations.IDENTITY_FIELDS
        if (value := getattr(body, field)) is not None
        and _value(value) != _value(getattr(organization, field))
    }
    if not changes:
        raise Invalid(
            "申请未变更任何身份信息",
            details=[
                field_detail("name", "请至少填写一项与现有信息不同的名称、代码、所在地或类型")
            ],
        )
    problems = _problems(session, organization, changes)
    if problems:
        raise Invalid("变更申请有误", details=problems)
    if "code" in changes:
        organizations.ensure_code_free(session, changes["code"])
    open_request = repository.open_request_of(session, organization.id)
    if open_request is not None:
        raise Conflict(
            "该机构已有待审核的身份变更申请",
            details=[field_detail("organization_id", f"待审核的申请：{open_request}")],
        )
    request = IdentityChangeRequest(
        organization_id=organization.id,
        changes=changes,
        before={field: _value(getattr(organization, field)) for field in changes},
        to_region_code=changes.get("region_code"),
        reason=body.reason,
        requested_by=actor.id,
    )
    session.add(request)
    session.flush()
    audit.record(session, actor, "request", ENTITY, request.id, None, request)
    return request


def _problems(
    session: Session, organization: Organization, changes: dict[str, str]
) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    if "kind" in changes:
        # First: when the accounts cannot follow, the other fields of the new kind do not matter.
        allowed = KIND_ROLES[OrganizationKind(changes["kind"])]
        if not repository.member_roles(session, organization.id) <= allowed:
            problems.append(field_detail("kind", "机构现有账户的角色与新类型不符，请联系监管部门"))
    merged = {**organization.model_dump(warnings=False), **changes}
    problems.extend(organizations.field_problems(session, merged))
    return problems


def _visible(session: Session, viewer: User, request: IdentityChangeRequest) -> Organization:
    organization = session.get(Organization, request.organization_id)
    if organization is None or not (
        _is_member(viewer, organization)
        or organizations.supervises(session, viewer, organization.region_code)
        or (
            request.to_region_code is not None
            and organizations.supervises(session, viewer, request.to_region_code)
        )
    ):
        raise NotFound("身份变更申请不存在")
    return organization


def read_request(session: Session, viewer: User, request_id: uuid.UUID) -> IdentityChangeRequest:
    request = session.get(IdentityChangeRequest, request_id)
    if request is None:
        raise NotFound("身份变更申请不存在")
    _visible(session, viewer, request)
    return request


def list_requests(
    session: Session,
    viewer: User,
    *,
    status: str | None,
    organization_id: uuid.UUID | None,
    page: PageParams,
) -> tuple[list[IdentityChangeRequest], int]:
    """An organisation's accounts see its own requests; a regulator those of its region (either
    the organisation's region or the one it asks to move to); admins and national regulators all."""
    conditions: list[Any] = []
    if status is not None:
        conditions.append(col(IdentityChangeRequest.status) == status)
    if organization_id is not None:
        conditions.append(col(IdentityChangeRequest.organization_id) == organization_id)
    if viewer.role in SUPERVISOR_ROLES:
        scope = organizations.supervision_scope(session, viewer)
        if scope is not None:
            conditions.append(repository.concerning_region(scope))
    elif viewer.role in organizations.MEMBER_MANAGERS and viewer.organization_id is not None:
        conditions.append(col(IdentityChangeRequest.organization_id) == viewer.organization_id)
    else:
        raise Forbidden("仅机构账户和监管部门可查看身份变更申请")
    return repository.page_of(session, conditions, page.offset, page.page_size)


def _pending_for_decision(
    session: Session, actor: User, request_id: uuid.UUID
) -> tuple[IdentityChangeRequest, Organization]:
    request = session.get(IdentityChangeRequest, request_id)
    if request is None:
        raise NotFound("身份变更申请不存在")
    organization = _visible(session, actor, request)
    if actor.role not in SUPERVISOR_ROLES:
        raise Forbidden("身份变更申请由所在地监管部门审核")
    if request.status != PENDING:
        raise Conflict("该申请已审核，不能再次处理")
    return request, organization


def approve(session: Session, actor: User, request_id: uuid.UUID) -> IdentityChangeRequest:
    """Apply the requested change (checked again against the data as it is now) and close it."""
    request, organization = _pending_for_decision(session, actor, request_id)
    if not organizations.supervises(session, actor, organization.region_code) or (
        request.to_region_code is not None
        and not organizations.supervises(session, actor, request.to_region_code)
    ):
        raise Forbidden(
            "跨地区迁移须由同时管辖迁出地和迁入地的监管部门审核",
            details=[field_detail("region_code", "迁入地或迁出地不在本部门管辖范围内")],
        )
    changes = dict(request.changes)
    problems = _problems(session, organization, changes)
    if problems:
        raise Conflict("申请内容已不再有效，请驳回后由机构重新申请", details=problems)
    if "code" in changes:
        organizations.ensure_code_free(session, changes["code"])
    before = audit.snapshot(organization)
    request_before = audit.snapshot(request)
    for field, value in changes.items():
        setattr(organization, field, OrganizationKind(value) if field == "kind" else value)
    now = utcnow()
    organization.updated_at = now
    request.status, request.decided_by, request.decided_at = APPROVED, actor.id, now
    session.add(organization)
    session.add(request)
    session.flush()
    audit.record(
        session,
        actor,
        "identity_change",
        organizations.ENTITY,
        organization.id,
        before,
        organization,
    )
    audit.record(session, actor, "approve", ENTITY, request.id, request_before, request)
    _notify(session, request, "身份变更申请已批准，变更已生效")
    return request


def _notify(session: Session, request: IdentityChangeRequest, outcome: str) -> None:
    notifications.notify(
        session,
        user_ids=notifications.staff_of(session, [request.organization_id]),
        kind=notifications.NotificationKind.identity_change_decided,
        title=outcome,
        body=f"驳回理由：{request.decision_reason}" if request.decision_reason else "",
    )


def refuse(
    session: Session, actor: User, request_id: uuid.UUID, reason: str
) -> IdentityChangeRequest:
    """Close the request unchanged, with the reason the organisation reads."""
    request, _organization = _pending_for_decision(session, actor, request_id)
    request_before = audit.snapshot(request)
    request.status, request.decided_by, request.decided_at = REFUSED, actor.id, utcnow()
    request.decision_reason = reason
    session.add(request)
    session.flush()
    audit.record(session, actor, "refuse", ENTITY, request.id, request_before, request)
    _notify(session, request, "身份变更申请被驳回")
    return request
