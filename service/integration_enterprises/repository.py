"""Queries of the 产教融合型企业 registry: pages of applications and the platform's evidence."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import ColumnElement, false, or_
from sqlmodel import Session, col, func, select

from models import (
    Application,
    ApplicationStatus,
    IntegrationApplication,
    IntegrationApplicationEvent,
    Organization,
    Position,
    PositionKind,
    ProgrammePartner,
)
from models.base import PUBLISHED_STATUSES
from service.catalog.operations import RegionScope
from service.integration_enterprises.schemas import Evidence, PostedKind

EMPTY: dict[str, Any] = {
    "partner_programmes": 0,
    "partnerships_by_kind": {},
    "positions_by_kind": {},
    "placed_apprentices": 0,
    "placed_interns": 0,
}


def organizations(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Organization]:
    rows = session.exec(select(Organization).where(col(Organization.id).in_(ids))).all()
    return {row.id: row for row in rows}


def active_application(
    session: Session, enterprise_id: uuid.UUID, statuses: Sequence[str]
) -> IntegrationApplication | None:
    return session.exec(
        select(IntegrationApplication).where(
            IntegrationApplication.enterprise_id == enterprise_id,
            col(IntegrationApplication.status).in_(statuses),
        )
    ).first()


def history(
    session: Session, application_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[IntegrationApplicationEvent]]:
    rows = session.exec(
        select(IntegrationApplicationEvent)
        .where(col(IntegrationApplicationEvent.application_id).in_(application_ids))
        .order_by(col(IntegrationApplicationEvent.at), col(IntegrationApplicationEvent.id))
    ).all()
    out: dict[uuid.UUID, list[IntegrationApplicationEvent]] = {}
    for row in rows:
        out.setdefault(row.application_id, []).append(row)
    return out


def evidence(session: Session, enterprise_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Evidence]:
    """What the platform holds on each enterprise, three grouped queries for the whole page."""
    found: dict[uuid.UUID, dict[str, Any]] = {
        e: {**EMPTY, "partnerships_by_kind": {}, "positions_by_kind": {}} for e in enterprise_ids
    }
    partner = col(ProgrammePartner.enterprise_id)
    for enterprise_id, programmes in session.exec(
        select(partner, func.count(func.distinct(col(ProgrammePartner.programme_id))))
        .where(partner.in_(enterprise_ids))
        .group_by(partner)
    ).all():
        found[enterprise_id]["partner_programmes"] = int(programmes)
    for enterprise_id, partner_kind, n in session.exec(
        select(partner, col(ProgrammePartner.kind), func.count())
        .where(partner.in_(enterprise_ids))
        .group_by(partner, col(ProgrammePartner.kind))
    ).all():
        found[enterprise_id]["partnerships_by_kind"][str(partner_kind)] = int(n)
    owner = col(Position.enterprise_id)
    for enterprise_id, posted_kind, n, headcount in session.exec(
        select(owner, col(Position.kind), func.count(), func.sum(col(Position.headcount)))
        .where(owner.in_(enterprise_ids), col(Position.status).in_(PUBLISHED_STATUSES))
        .group_by(owner, col(Position.kind))
    ).all():
        found[enterprise_id]["positions_by_kind"][str(posted_kind)] = PostedKind(
            positions=int(n), headcount=int(headcount or 0)
        )
    for enterprise_id, placed_kind, n in session.exec(
        select(owner, col(Position.kind), func.count())
        .join(Application, col(Application.position_id) == col(Position.id))
        .where(
            owner.in_(enterprise_ids),
            col(Application.status) == ApplicationStatus.accepted,
            col(Position.kind).in_([PositionKind.apprenticeship, PositionKind.internship]),
        )
        .group_by(owner, col(Position.kind))
    ).all():
        key = (
            "placed_apprentices" if placed_kind == PositionKind.apprenticeship else "placed_interns"
        )
        found[enterprise_id][key] = int(n)
    return {e: Evidence.model_validate(values) for e, values in found.items()}


def page_of_applications(
    session: Session,
    *,
    region: RegionScope | None,
    industry: str | None,
    status: str | None,
    public_statuses: Sequence[str],
    supervision: RegionScope | Literal["all"] | None,
    own_enterprise: uuid.UUID | None,
    offset: int,
    limit: int,
) -> tuple[list[IntegrationApplication], int]:
    """Applications the viewer may see, newest first, with the number matching the filters."""
    visible: list[ColumnElement[bool]] = [col(IntegrationApplication.status).in_(public_statuses)]
    if supervision == "all":
        visible = [col(IntegrationApplication.id).is_not(None)]
    elif supervision is not None:
        visible.append(supervision.contains(IntegrationApplication.region_code))
    if own_enterprise is not None:
        visible.append(col(IntegrationApplication.enterprise_id) == own_enterprise)
    conditions: list[ColumnElement[bool]] = [or_(false(), *visible)]
    if region is not None:
        conditions.append(region.contains(IntegrationApplication.region_code))
    if status is not None:
        conditions.append(col(IntegrationApplication.status) == status)
    statement = select(IntegrationApplication).join(
        Organization, col(Organization.id) == col(IntegrationApplication.enterprise_id)
    )
    if industry:
        conditions.append(col(Organization.industry_code).startswith(industry))
    statement = statement.where(*conditions)
    count = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(
            col(IntegrationApplication.updated_at).desc(), col(IntegrationApplication.id)
        )
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(count)
