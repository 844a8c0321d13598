"""Queries of policy profiles and of their assignment to regions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlmodel import Session, col

from models import Organization, PolicyProfile, Region, RegionPolicy


def profiles_page(session: Session, offset: int, limit: int) -> tuple[list[PolicyProfile], int]:
    total = session.execute(select(func.count()).select_from(PolicyProfile)).scalar_one()
    statement = select(PolicyProfile).order_by(col(PolicyProfile.key)).offset(offset).limit(limit)
    return list(session.execute(statement).scalars()), total


def profile(session: Session, key: str) -> PolicyProfile | None:
    return session.get(PolicyProfile, key)


def region(session: Session, code: str) -> Region | None:
    return session.get(Region, code)


def assignments(session: Session, codes: Sequence[str]) -> dict[str, str]:
    """Region code → assigned profile key, for those of ``codes`` that have an assignment."""
    if not codes:
        return {}
    rows = session.execute(
        select(col(RegionPolicy.region_code), col(RegionPolicy.profile_key)).where(
            col(RegionPolicy.region_code).in_(codes)
        )
    )
    return dict(rows.all())


def assignment(session: Session, code: str) -> RegionPolicy | None:
    return session.get(RegionPolicy, code)


def organization_region(session: Session, organization_id: uuid.UUID | None) -> str | None:
    if organization_id is None:
        return None
    organization = session.get(Organization, organization_id)
    return None if organization is None else organization.region_code
