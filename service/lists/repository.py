"""Queries of the three lists: the figures they count, policy measures, and frozen versions."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, func, select

from models import (
    DemandForecast,
    ListVersion,
    Occupation,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    PolicyMeasure,
    Position,
    PositionStatus,
    Programme,
)
from service.organizations import repository as organizations_repository
from service.positions import repository as positions_repository

if TYPE_CHECKING:
    from service.catalog.operations import RegionScope


def occupation_posts(session: Session, scope: RegionScope, year: int) -> list[tuple[str, str, int]]:
    """(occupation, position kind, headcount) of the published positions in ``scope`` that name an
    occupation and start in ``year``."""
    occupation = col(Position.occupation_code)
    rows = session.exec(
        select(occupation, col(Position.kind), func.sum(col(Position.headcount)))
        .where(
            occupation.is_not(None),
            *positions_repository.published(),
            scope.contains(Position.region_code),
            col(Position.start_date) >= date(year, 1, 1),
            col(Position.start_date) < date(year + 1, 1, 1),
        )
        .group_by(occupation, col(Position.kind))
    ).all()
    return [(str(code), str(kind), int(total or 0)) for code, kind, total in rows]


def occupation_forecasts(session: Session, scope: RegionScope, year: int) -> dict[str, int]:
    """Forecast headcount for ``year`` in ``scope`` by occupation (verified publishers)."""
    rows = session.exec(
        select(col(DemandForecast.occupation_code), func.sum(col(DemandForecast.headcount)))
        .where(
            col(DemandForecast.occupation_code).is_not(None),
            col(DemandForecast.publisher_id).not_in(organizations_repository.unverified_ids()),
            scope.contains(DemandForecast.region_code),
            DemandForecast.year == year,
        )
        .group_by(col(DemandForecast.occupation_code))
    ).all()
    return {str(code): int(total or 0) for code, total in rows}


def occupation_names(session: Session, codes: Collection[str]) -> dict[str, str]:
    return dict(
        session.exec(
            select(Occupation.code, Occupation.name).where(col(Occupation.code).in_(codes))
        ).all()
    )


def verified_enterprises(session: Session, scope: RegionScope) -> list[Organization]:
    return list(
        session.exec(
            select(Organization).where(
                Organization.kind == OrganizationKind.enterprise,
                Organization.status == OrganizationStatus.verified,
                scope.contains(Organization.region_code),
            )
        ).all()
    )


def open_positions_by_enterprise(
    session: Session, scope: RegionScope
) -> dict[uuid.UUID, tuple[int, int]]:
    """(open positions, their headcount) per enterprise, in ``scope``."""
    rows = session.exec(
        select(Position.enterprise_id, func.count(), func.sum(Position.headcount))
        .where(Position.status == PositionStatus.open, scope.contains(Position.region_code))
        .group_by(col(Position.enterprise_id))
    ).all()
    return {row[0]: (int(row[1]), int(row[2] or 0)) for row in rows}


def programme_majors(session: Session, scope: RegionScope, year: int) -> list[str]:
    """The major of every programme of ``year`` at a school in ``scope`` (one per programme)."""
    return list(
        session.exec(
            select(Programme.major_code)
            .join(Organization, col(Organization.id) == col(Programme.school_id))
            .where(Programme.year == year, scope.contains(Organization.region_code))
        ).all()
    )


def measures(
    session: Session, regions: Sequence[str] | None, include_withdrawn: bool
) -> list[PolicyMeasure]:
    """Policy measures in their order: all of them, or (``regions``) the national ones and those
    of these regions; withdrawn ones only with ``include_withdrawn``."""
    statement = select(PolicyMeasure).order_by(
        col(PolicyMeasure.sort_order), col(PolicyMeasure.key)
    )
    if regions is not None:
        statement = statement.where(
            col(PolicyMeasure.region_code).is_(None)
            | col(PolicyMeasure.region_code).in_(list(regions))
        )
    if not include_withdrawn:
        statement = statement.where(col(PolicyMeasure.withdrawn_at).is_(None))
    return list(session.exec(statement).all())


def last_measure_order(session: Session) -> int:
    return int(session.exec(select(func.max(PolicyMeasure.sort_order))).one() or 0)


def _versions(region_code: str, kind: str, year: int) -> Any:
    return select(ListVersion).where(
        ListVersion.region_code == region_code, ListVersion.kind == kind, ListVersion.year == year
    )


def latest_published(
    session: Session, region_code: str, kind: str, year: int
) -> ListVersion | None:
    found: ListVersion | None = session.exec(
        _versions(region_code, kind, year)
        .where(ListVersion.status == "published")
        .order_by(col(ListVersion.version).desc())
    ).first()
    return found


def last_version_number(session: Session, region_code: str, kind: str, year: int) -> int:
    last = session.exec(
        select(func.max(ListVersion.version)).where(
            ListVersion.region_code == region_code,
            ListVersion.kind == kind,
            ListVersion.year == year,
        )
    ).one()
    return int(last or 0)


def version(
    session: Session, region_code: str, kind: str, year: int, number: int
) -> ListVersion | None:
    found: ListVersion | None = session.exec(
        _versions(region_code, kind, year).where(ListVersion.version == number)
    ).first()
    return found


def published_after(
    session: Session, region_code: str, kind: str, year: int, number: int
) -> ListVersion | None:
    """A published version numbered after ``number``, if any."""
    found: ListVersion | None = session.exec(
        _versions(region_code, kind, year).where(
            ListVersion.status == "published", ListVersion.version > number
        )
    ).first()
    return found


def versions(
    session: Session, region_code: str, kind: str, year: int, drafts: bool
) -> list[ListVersion]:
    """The versions in order (published ones only unless ``drafts``)."""
    statement = _versions(region_code, kind, year).order_by(col(ListVersion.version))
    if not drafts:
        statement = statement.where(ListVersion.status == "published")
    return list(session.exec(statement).all())
