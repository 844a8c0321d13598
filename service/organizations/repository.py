"""Queries of organisations and of the reference codes their fields point at."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, select
from sqlmodel import Session, col

from models import Industry, Organization, OrganizationKind, OrganizationStatus, Region, User
from service import repository as shared

if TYPE_CHECKING:
    from service.catalog.operations import RegionScope


def unverified_ids() -> Select[uuid.UUID]:
    """Ids of organisations that are not verified (pending or suspended): their data counts nowhere.

    "Not among the unverified" is cheaper than joining every row to its organisation, since
    unverified organisations are few.
    """
    return select(col(Organization.id)).where(
        col(Organization.status) != OrganizationStatus.verified
    )


def all_region_codes(session: Session) -> frozenset[str]:
    return frozenset(session.execute(select(col(Region.code))).scalars())


def all_industry_codes(session: Session) -> frozenset[str]:
    return frozenset(session.execute(select(col(Industry.code))).scalars())


def region_exists(session: Session, code: str) -> bool:
    return session.get(Region, code) is not None


def industry_exists(session: Session, code: str) -> bool:
    return session.get(Industry, code) is not None


def code_taken(session: Session, code: str) -> bool:
    found = session.execute(
        select(col(Organization.id)).where(col(Organization.code) == code)
    ).first()
    return found is not None


def page_of_organizations(
    session: Session,
    *,
    kind: OrganizationKind | None,
    status: OrganizationStatus | None,
    regions: Sequence[RegionScope],
    only_id: uuid.UUID | None,
    restrict: bool,
    offset: int,
    limit: int,
    name: str | None = None,
) -> tuple[list[Organization], int]:
    """One page of organisations (newest first, id as tie-break) and the total.

    Inside every scope of ``regions``; ``restrict`` limits the result to ``only_id`` (which may be
    None: then nothing matches).
    """
    conditions: list[Any] = []
    if kind is not None:
        conditions.append(col(Organization.kind) == kind)
    if status is not None:
        conditions.append(col(Organization.status) == status)
    if name:
        conditions.append(col(Organization.name).contains(name, autoescape=True))
    conditions.extend(scope.contains(Organization.region_code) for scope in regions)
    if restrict:
        conditions.append(col(Organization.id) == only_id)
    order = [col(Organization.created_at).desc(), col(Organization.id)]
    return shared.counted_page(session, Organization, conditions, order, offset, limit)


def of_kind_by_code(
    session: Session, codes: Sequence[str], kind: OrganizationKind
) -> dict[str, Organization]:
    """The organisations of ``kind`` among ``codes``, by code (codes of another kind left out)."""
    if not codes:
        return {}
    rows = session.execute(
        select(Organization).where(
            col(Organization.code).in_(list(codes)), col(Organization.kind) == kind
        )
    ).scalars()
    return {org.code: org for org in rows}


def ids_in(scope: RegionScope) -> Select[uuid.UUID]:
    """Ids of the organisations inside ``scope``, as a subquery for ``IN``."""
    return select(col(Organization.id)).where(scope.contains(Organization.region_code))


def by_code(session: Session, code: str) -> Organization | None:
    return (
        session.execute(select(Organization).where(col(Organization.code) == code))
        .scalars()
        .first()
    )


def username_taken(session: Session, username: str) -> bool:
    return (
        session.execute(select(col(User.id)).where(col(User.username) == username)).first()
        is not None
    )


def verified_of_kind(session: Session, kind: OrganizationKind, limit: int) -> list[tuple[str, str]]:
    """(code, name) of verified organisations of a kind, by name."""
    statement = (
        select(col(Organization.code), col(Organization.name))
        .where(
            col(Organization.kind) == kind,
            col(Organization.status) == OrganizationStatus.verified,
        )
        .order_by(col(Organization.name), col(Organization.code))
        .limit(limit)
    )
    return [(str(code), str(name)) for code, name in session.execute(statement)]
