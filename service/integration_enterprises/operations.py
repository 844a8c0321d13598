"""The 产教融合型企业 registry: an enterprise applies with its evidence, its region's regulators
review it (submitted → 培育库 → 认定, or refused with a reason), the public reads the registry.

Beside each claim stands what the platform itself knows of the enterprise (partner programmes,
published positions by kind, apprentices and interns placed through applications). Certification
sets the organisation's ``is_integration_enterprise`` flag.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import IntegrationApplication, IntegrationApplicationEvent, Organization, Role, User
from models.base import OrganizationKind, OrganizationStatus, utcnow
from service import audit
from service.catalog import operations as catalog
from service.errors import Conflict, Forbidden, Invalid, NotFound, field_detail
from service.integration_enterprises import repository
from service.integration_enterprises.schemas import (
    STATUS_LABELS,
    ApplicationIn,
    ApplicationPublic,
    ApplicationsPublic,
    Claim,
    Evidence,
    HistoryEntry,
    ReviewIn,
    Status,
)
from service.organizations import operations as organizations
from service.pagination import PageParams

ENTITY = "integration_application"
PUBLIC_STATUSES: tuple[Status, ...] = ("cultivation", "certified")
ACTIVE_STATUSES: tuple[Status, ...] = ("submitted", "cultivation", "certified")
# Which decision may follow which state: 培育库 first, 认定 from it; refusal at either step.
NEXT: dict[str, tuple[str, ...]] = {
    "submitted": ("cultivation", "refused"),
    "cultivation": ("certified", "refused"),
    "certified": (),
    "refused": (),
}


def _not_found() -> NotFound:
    return NotFound("申报不存在", details=[field_detail("id", "没有这条申报")])


def _own(actor: User | None, application: IntegrationApplication) -> bool:
    return (
        actor is not None
        and actor.role == Role.enterprise
        and actor.organization_id == application.enterprise_id
    )


def _may_see(session: Session, viewer: User | None, application: IntegrationApplication) -> bool:
    if application.status in PUBLIC_STATUSES or _own(viewer, application):
        return True
    return viewer is not None and organizations.supervises(session, viewer, application.region_code)


def _public(
    session: Session,
    applications: Sequence[IntegrationApplication],
    *,
    with_history: bool,
) -> list[ApplicationPublic]:
    enterprise_ids = sorted({a.enterprise_id for a in applications})
    enterprises = repository.organizations(session, enterprise_ids)
    evidence = repository.evidence(session, enterprise_ids)
    history = repository.history(session, [a.id for a in applications]) if with_history else {}
    out = []
    for a in applications:
        enterprise = enterprises[a.enterprise_id]
        out.append(
            ApplicationPublic(
                id=a.id,
                enterprise_code=enterprise.code,
                enterprise_name=enterprise.name,
                region_code=a.region_code,
                industry_code=enterprise.industry_code,
                status=a.status,
                status_label=STATUS_LABELS[a.status],
                refusal_reason=a.refusal_reason,
                claim=Claim.model_validate(a, from_attributes=True),
                evidence=evidence.get(a.enterprise_id) or Evidence.model_validate(repository.EMPTY),
                submitted_at=a.submitted_at,
                updated_at=a.updated_at,
                history=[
                    HistoryEntry(
                        from_status=e.from_status,
                        to_status=e.to_status,
                        reason=e.reason,
                        by=organizations.acting_body_name(session, e.actor_id),
                        at=e.at,
                    )
                    for e in history.get(a.id, [])
                ],
            )
        )
    return out


def _event(
    session: Session,
    application: IntegrationApplication,
    before: str | None,
    actor: audit.Actor,
    reason: str = "",
) -> None:
    session.add(
        IntegrationApplicationEvent(
            application_id=application.id,
            from_status=before,
            to_status=application.status,
            reason=reason,
            actor_id=actor.id if isinstance(actor, User) else None,
        )
    )


def apply(session: Session, data: ApplicationIn, actor: User) -> ApplicationPublic:
    """An enterprise's account applies for its enterprise; one open application at a time."""
    if actor.role != Role.enterprise or actor.organization_id is None:
        raise Forbidden("只有企业账号可以申报产教融合型企业")
    enterprise = session.get(Organization, actor.organization_id)
    if enterprise is None or enterprise.kind != OrganizationKind.enterprise:
        raise Forbidden("只有企业账号可以申报产教融合型企业")
    return apply_for(session, enterprise, data, actor)


def apply_for(
    session: Session, enterprise: Organization, data: ApplicationIn, actor: audit.Actor
) -> ApplicationPublic:
    """The application of ``enterprise`` (the route's and the demo's; the checks of both)."""
    if enterprise.status != OrganizationStatus.verified:
        raise Forbidden("企业尚未通过审核或已被暂停，暂不能申报")
    open_one = repository.active_application(session, enterprise.id, ACTIVE_STATUSES)
    if open_one is not None:
        raise Conflict(
            f"本企业已有{STATUS_LABELS[open_one.status]}的申报，不能重复申报",
            details=[field_detail("enterprise", "已有进行中或已认定的申报")],
        )
    application = IntegrationApplication(
        enterprise_id=enterprise.id,
        region_code=enterprise.region_code,
        status="submitted",
        **data.model_dump(),
    )
    try:
        with session.begin_nested():
            session.add(application)
            session.flush()
    except IntegrityError:
        # Another application of this enterprise was written at the same moment.
        raise Conflict(
            "本企业已有进行中的申报，不能重复申报",
            details=[field_detail("enterprise", "已有进行中或已认定的申报")],
        ) from None
    _event(session, application, None, actor)
    audit.record(session, actor, "apply", ENTITY, application.id, after=application)
    session.flush()
    return _public(session, [application], with_history=True)[0]


def _get(session: Session, application_id: uuid.UUID) -> IntegrationApplication:
    application = session.get(IntegrationApplication, application_id)
    if application is None:
        raise _not_found()
    return application


def read(session: Session, application_id: uuid.UUID, viewer: User | None) -> ApplicationPublic:
    """Entries in 培育库 or certified are public; others to the enterprise and its regulators."""
    application = _get(session, application_id)
    if not _may_see(session, viewer, application):
        raise _not_found()
    return _public(session, [application], with_history=True)[0]


def review(
    session: Session, application_id: uuid.UUID, data: ReviewIn, actor: User
) -> ApplicationPublic:
    """A regulator of the enterprise's region moves the application one step (or refuses it)."""
    application = _get(session, application_id)
    if not organizations.supervises(session, actor, application.region_code):
        raise _not_found()
    if data.decision == "refused" and not data.reason:
        raise Invalid(
            "不予通过须写明理由", details=[field_detail("reason", "请填写不予通过的理由")]
        )
    if data.decision not in NEXT[application.status]:
        allowed = "、".join(STATUS_LABELS[s] for s in NEXT[application.status]) or "无"
        raise Conflict(
            f"当前状态为“{STATUS_LABELS[application.status]}”，不能改为"
            f"“{STATUS_LABELS[data.decision]}”（可选：{allowed}）",
            details=[field_detail("decision", "状态不能这样变更")],
        )
    before_state = audit.snapshot(application)
    before = application.status
    application.status = data.decision
    application.refusal_reason = data.reason if data.decision == "refused" else None
    application.updated_at = utcnow()
    session.add(application)
    _event(session, application, before, actor, data.reason)
    audit.record(session, actor, "review", ENTITY, application.id, before_state, application)
    if data.decision == "certified":
        enterprise = session.get(Organization, application.enterprise_id)
        assert enterprise is not None
        if not enterprise.is_integration_enterprise:
            flag_before = {"is_integration_enterprise": False}
            enterprise.is_integration_enterprise = True
            enterprise.updated_at = utcnow()
            session.add(enterprise)
            audit.record(
                session,
                actor,
                "certify_integration_enterprise",
                "organization",
                enterprise.id,
                flag_before,
                {"is_integration_enterprise": True},
            )
    session.flush()
    return _public(session, [application], with_history=True)[0]


def registry(
    session: Session,
    viewer: User | None,
    *,
    region: str | None,
    industry: str | None,
    status: Status | None,
    page: PageParams,
) -> ApplicationsPublic:
    """The registry: public entries (培育库, 认定) for everyone; a regulator also sees submitted and
    refused applications of its region, an enterprise its own."""
    scope = catalog.region_scope(session, region) if region else None
    supervision: catalog.RegionScope | Literal["all"] | None = None
    if viewer is not None and viewer.role in organizations.SUPERVISORS:
        supervision = organizations.supervision_scope(session, viewer) or "all"
    own = viewer.organization_id if viewer is not None and viewer.role == Role.enterprise else None
    rows, count = repository.page_of_applications(
        session,
        region=scope,
        industry=industry,
        status=status,
        public_statuses=PUBLIC_STATUSES,
        supervision=supervision,
        own_enterprise=own,
        offset=page.offset,
        limit=page.page_size,
    )
    return ApplicationsPublic(data=_public(session, rows, with_history=False), count=count)
