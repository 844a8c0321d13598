"""Queries of an enterprise's yearly investment and tax figures."""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlmodel import Session, col, select

from models import EnterpriseTaxYear, Industry, Position, PositionKind, Region
from models.base import PUBLISHED_STATUSES


def tax_year(session: Session, enterprise_id: uuid.UUID, year: int) -> EnterpriseTaxYear | None:
    return session.exec(
        select(EnterpriseTaxYear).where(
            EnterpriseTaxYear.enterprise_id == enterprise_id, EnterpriseTaxYear.year == year
        )
    ).first()


def tax_years_up_to(
    session: Session, enterprise_id: uuid.UUID, year: int
) -> list[EnterpriseTaxYear]:
    """The enterprise's figures of every year up to ``year``, oldest first."""
    return list(
        session.exec(
            select(EnterpriseTaxYear)
            .where(EnterpriseTaxYear.enterprise_id == enterprise_id, EnterpriseTaxYear.year <= year)
            .order_by(col(EnterpriseTaxYear.year))
        ).all()
    )


def names(session: Session, region_code: str, industry_code: str | None) -> tuple[str, str | None]:
    region = session.get(Region, region_code)
    industry = session.get(Industry, industry_code) if industry_code else None
    return (region.name if region else region_code), (industry.name if industry else None)


def apprentice_posts(session: Session, enterprise_id: uuid.UUID) -> int:
    """Headcount of the enterprise's published apprenticeship positions (as the share report)."""
    total = session.execute(
        select(func.coalesce(func.sum(col(Position.headcount)), 0)).where(
            col(Position.enterprise_id) == enterprise_id,
            col(Position.kind) == PositionKind.apprenticeship.value,
            col(Position.status).in_([s.value for s in PUBLISHED_STATUSES]),
        )
    ).scalar_one()
    return int(total)
