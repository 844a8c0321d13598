"""Queries of the talent-demand forecasts."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlmodel import Session, col

from models import DemandForecast, Major, Occupation, Organization, OrganizationStatus, Region

ForecastRow = tuple[DemandForecast, str, str | None, str | None, str]


def occupation_exists(session: Session, code: str) -> bool:
    return session.get(Occupation, code) is not None


def region_exists(session: Session, code: str) -> bool:
    return session.get(Region, code) is not None


def duplicate_of(
    session: Session, publisher_id: uuid.UUID, target_code: str, region_code: str, year: int
) -> uuid.UUID | None:
    found = session.execute(
        select(col(DemandForecast.id)).where(
            col(DemandForecast.publisher_id) == publisher_id,
            col(DemandForecast.target_code) == target_code,
            col(DemandForecast.region_code) == region_code,
            col(DemandForecast.year) == year,
        )
    ).first()
    return found[0] if found is not None else None


def _with_names() -> Select[DemandForecast, Any, Any, Any, Any]:
    return (
        select(
            DemandForecast,
            col(Organization.name),
            col(Major.name),
            col(Occupation.name),
            col(Region.name),
        )
        .join(Organization, col(Organization.id) == col(DemandForecast.publisher_id))
        .join(Region, col(Region.code) == col(DemandForecast.region_code))
        .outerjoin(Major, col(Major.code) == col(DemandForecast.major_code))
        .outerjoin(Occupation, col(Occupation.code) == col(DemandForecast.occupation_code))
    )


def row_of(session: Session, forecast_id: uuid.UUID) -> ForecastRow:
    row = session.execute(_with_names().where(col(DemandForecast.id) == forecast_id)).one()
    return (row[0], row[1], row[2], row[3], row[4])


def page_of(
    session: Session, conditions: list[ColumnElement[bool]], offset: int, limit: int
) -> tuple[list[ForecastRow], int]:
    """Forecasts of verified publishers, latest year first, id as tie-break."""
    where = [col(Organization.status) == OrganizationStatus.verified, *conditions]
    total = session.execute(
        select(func.count())
        .select_from(DemandForecast)
        .join(Organization, col(Organization.id) == col(DemandForecast.publisher_id))
        .where(*where)
    ).scalar_one()
    rows = session.execute(
        _with_names()
        .where(*where)
        .order_by(
            col(DemandForecast.year).desc(),
            col(DemandForecast.created_at).desc(),
            col(DemandForecast.id),
        )
        .offset(offset)
        .limit(limit)
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows], int(total)
