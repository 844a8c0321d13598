"""Queries of the audit log: a filtered page of entries (the entries are written by
:mod:`service.audit`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from models import AuditLog, Organization, User
from service import repository as shared
from service.audit_log.schemas import AuditFilters

if TYPE_CHECKING:
    from service.catalog.operations import RegionScope


def entries(
    session: Session,
    filters: AuditFilters,
    scope: RegionScope | None,
    organization_entity: str,
    offset: int,
    limit: int,
) -> tuple[list[AuditLog], int]:
    """A page of the log, newest first, and the total: ``filters``, and within ``scope`` (None:
    everything) what members of the region's organisations did, and what was done to those
    organisations (entries on ``organization_entity``)."""
    conditions: list[Any] = []
    if filters.entity:
        conditions.append(col(AuditLog.entity) == filters.entity)
    if filters.entity_id:
        conditions.append(col(AuditLog.entity_id) == filters.entity_id)
    if filters.action:
        conditions.append(col(AuditLog.action) == filters.action)
    if filters.actor:
        conditions.append(col(AuditLog.actor) == filters.actor)
    if filters.since:
        conditions.append(col(AuditLog.at) >= filters.since)
    if filters.until:
        conditions.append(col(AuditLog.at) < filters.until)
    if scope is not None:
        in_region = scope.contains(Organization.region_code)
        actors = select(User.id).join(Organization, col(User.organization_id) == Organization.id)
        org_ids = [
            str(org_id) for org_id in session.exec(select(Organization.id).where(in_region)).all()
        ]
        conditions.append(
            or_(
                col(AuditLog.actor_id).in_(actors.where(in_region)),
                (col(AuditLog.entity) == organization_entity)
                & col(AuditLog.entity_id).in_(org_ids),
            )
        )
    order = [col(AuditLog.at).desc(), col(AuditLog.id)]
    return shared.counted_page(session, AuditLog, conditions, order, offset, limit)
