"""Queries of identity change requests."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from models import IdentityChangeRequest, Role, User
from service import repository as shared
from service.organizations import repository as organizations_repository

if TYPE_CHECKING:
    from service.catalog.operations import RegionScope

PENDING = "pending"


def open_request_of(session: Session, organization_id: uuid.UUID) -> uuid.UUID | None:
    """The organisation's pending request, if any (one at a time)."""
    return session.exec(
        select(IdentityChangeRequest.id).where(
            IdentityChangeRequest.organization_id == organization_id,
            IdentityChangeRequest.status == PENDING,
        )
    ).first()


def member_roles(session: Session, organization_id: uuid.UUID) -> set[Role]:
    """The roles of the organisation's accounts."""
    roles = session.exec(select(User.role).where(User.organization_id == organization_id)).all()
    return {Role(role) for role in roles}


def page_of(
    session: Session, conditions: list[Any], offset: int, limit: int
) -> tuple[list[IdentityChangeRequest], int]:
    """One page of requests, newest first (id as tie-break), and the total."""
    order = [col(IdentityChangeRequest.requested_at).desc(), col(IdentityChangeRequest.id)]
    return shared.counted_page(session, IdentityChangeRequest, conditions, order, offset, limit)


def concerning_region(scope: RegionScope) -> ColumnElement[bool]:
    """Requests of an organisation inside ``scope``, or asking to move into it."""
    return or_(
        col(IdentityChangeRequest.organization_id).in_(organizations_repository.ids_in(scope)),
        scope.contains(IdentityChangeRequest.to_region_code),
    )
