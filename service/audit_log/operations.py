"""Reading the audit log: admins see all of it, regulators what happened in their region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from models import AuditLog, Organization, Role, User
from service.errors import Forbidden
from service.organizations import operations as organizations
from service.pagination import PageParams


@dataclass(frozen=True)
class AuditFilters:
    entity: str | None = None
    entity_id: str | None = None
    action: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_entries(
    session: Session, viewer: User, filters: AuditFilters, page: PageParams
) -> tuple[list[AuditLog], int]:
    """A page of the log, newest first, within what ``viewer`` may read."""
    if viewer.role not in (Role.admin, Role.regulator):
        raise Forbidden("仅管理员和监管部门可查看审计日志")
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
    scope = organizations.supervision_scope(session, viewer)
    if scope is not None:
        # What members of the region's organisations did, and what was done to those organisations.
        in_region = scope.contains(Organization.region_code)
        actors = select(User.id).join(Organization, col(User.organization_id) == Organization.id)
        org_ids = [
            str(org_id) for org_id in session.exec(select(Organization.id).where(in_region)).all()
        ]
        conditions.append(
            or_(
                col(AuditLog.actor_id).in_(actors.where(in_region)),
                (col(AuditLog.entity) == organizations.ENTITY)
                & col(AuditLog.entity_id).in_(org_ids),
            )
        )
    count = session.exec(select(func.count()).select_from(AuditLog).where(*conditions)).one()
    rows = session.exec(
        select(AuditLog)
        .where(*conditions)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id))
        .offset(page.offset)
        .limit(page.page_size)
    ).all()
    return list(rows), int(count)
