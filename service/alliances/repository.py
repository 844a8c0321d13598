"""Queries of 市域产教联合体 and of the members' figures their indicators count."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, func, select

from models import (
    Alliance,
    Position,
    PositionKind,
    PriorityIndustry,
    Programme,
    ProgrammePartner,
)
from models.base import PUBLISHED_STATUSES


def known_priority_industries(session: Session, keys: Sequence[str]) -> set[str]:
    """The keys among ``keys`` that are in the list of priority industries."""
    return set(
        session.exec(
            select(PriorityIndustry.key).where(col(PriorityIndustry.key).in_(list(keys)))
        ).all()
    )


def alliances(session: Session, region: str | None) -> list[Alliance]:
    """Every alliance (of ``region`` when given), by name."""
    statement = select(Alliance).order_by(col(Alliance.name))
    if region:
        statement = statement.where(Alliance.region_code == region)
    return list(session.exec(statement).all())


def programmes_of(session: Session, school_ids: Sequence[uuid.UUID], year: int) -> list[Programme]:
    return list(
        session.exec(
            select(Programme).where(
                col(Programme.school_id).in_(list(school_ids)), Programme.year == year
            )
        ).all()
    )


def partners_of(session: Session, programme_ids: Sequence[uuid.UUID]) -> list[ProgrammePartner]:
    return list(
        session.exec(
            select(ProgrammePartner).where(
                col(ProgrammePartner.programme_id).in_(list(programme_ids))
            )
        ).all()
    )


def placement_posts(
    session: Session, enterprise_ids: Sequence[uuid.UUID], year: int
) -> dict[str, int]:
    """Headcount of the enterprises' published apprenticeship and internship positions starting
    in ``year``, by kind."""
    rows = session.exec(
        select(Position.kind, func.sum(Position.headcount))
        .where(
            col(Position.enterprise_id).in_(list(enterprise_ids)),
            col(Position.kind).in_([PositionKind.apprenticeship, PositionKind.internship]),
            col(Position.status).in_(PUBLISHED_STATUSES),
            col(Position.start_date).between(date(year, 1, 1), date(year, 12, 31)),
        )
        .group_by(col(Position.kind))
    ).all()
    return {str(kind): int(total or 0) for kind, total in rows}
