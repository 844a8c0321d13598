"""Queries of an enterprise's yearly investment and tax figures."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from models import EnterpriseTaxYear


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
