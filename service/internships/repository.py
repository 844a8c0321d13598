"""Queries of internships, their logs and findings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from models import (
    Internship,
    InternshipFinding,
    InternshipLog,
    InternshipStatus,
    Major,
    Organization,
    Position,
    Student,
)
from service.organizations import repository as organizations_repository

if TYPE_CHECKING:
    from service.catalog.operations import RegionScope

School = aliased(Organization)


@dataclass(frozen=True)
class InternshipRow:
    internship: Internship
    position: Position
    enterprise_name: str
    student: Student
    school_name: str
    major_name: str


def _statement() -> Any:
    return (
        select(  # type: ignore[call-overload]
            Internship,
            Position,
            col(Organization.name),
            Student,
            School.name,
            col(Major.name),
        )
        .join(Position, col(Position.id) == col(Internship.position_id))
        .join(Organization, col(Organization.id) == col(Internship.enterprise_id))
        .join(Student, col(Student.id) == col(Internship.student_id))
        .join(School, School.id == col(Internship.school_id))
        .join(Major, col(Major.code) == col(Student.major_code))
    )


def _row(row: Any) -> InternshipRow:
    return InternshipRow(row[0], row[1], row[2], row[3], row[4], row[5])


def row_of(session: Session, internship_id: uuid.UUID) -> InternshipRow | None:
    found = session.execute(_statement().where(col(Internship.id) == internship_id)).first()
    return _row(found) if found is not None else None


def locked(session: Session, internship_id: uuid.UUID) -> Internship | None:
    """The internship, its row locked until the transaction ends (PostgreSQL ``FOR UPDATE``)."""
    return session.get(Internship, internship_id, with_for_update=True, populate_existing=True)


def of_application(session: Session, application_id: uuid.UUID) -> Internship | None:
    return session.execute(
        select(Internship).where(col(Internship.application_id) == application_id)
    ).scalar_one_or_none()


def search(
    session: Session, conditions: Sequence[Any], offset: int, limit: int
) -> tuple[list[InternshipRow], int]:
    total = session.execute(
        select(func.count()).select_from(Internship).where(*conditions)
    ).scalar_one()
    result = session.execute(
        _statement()
        .where(*conditions)
        .order_by(col(Internship.created_at).desc(), col(Internship.id))
        .offset(offset)
        .limit(limit)
    )
    return [_row(row) for row in result], int(total)


def concerning_region(scope: RegionScope) -> ColumnElement[bool]:
    """Internships of a school, or at an enterprise, inside ``scope``."""
    in_region = organizations_repository.ids_in(scope)
    return or_(
        col(Internship.school_id).in_(in_region), col(Internship.enterprise_id).in_(in_region)
    )


def finding_counts(session: Session, internship_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not internship_ids:
        return {}
    result = session.execute(
        select(col(InternshipFinding.internship_id), func.count())
        .where(col(InternshipFinding.internship_id).in_(list(internship_ids)))
        .group_by(col(InternshipFinding.internship_id))
    )
    return {row[0]: int(row[1]) for row in result}


def logs_of(session: Session, internship_id: uuid.UUID) -> list[InternshipLog]:
    return list(
        session.execute(
            select(InternshipLog)
            .where(col(InternshipLog.internship_id) == internship_id)
            .order_by(col(InternshipLog.week_start_date).desc())
        ).scalars()
    )


def log_of_week(session: Session, internship_id: uuid.UUID, week: date) -> InternshipLog | None:
    return session.execute(
        select(InternshipLog).where(
            col(InternshipLog.internship_id) == internship_id,
            col(InternshipLog.week_start_date) == week,
        )
    ).scalar_one_or_none()


def findings_of(session: Session, internship_id: uuid.UUID) -> list[InternshipFinding]:
    return list(
        session.execute(
            select(InternshipFinding)
            .where(col(InternshipFinding.internship_id) == internship_id)
            .order_by(col(InternshipFinding.reference_date).desc(), col(InternshipFinding.code))
        ).scalars()
    )


def finding_exists(session: Session, internship_id: uuid.UUID, code: str, day: date) -> bool:
    return (
        session.execute(
            select(col(InternshipFinding.id)).where(
                col(InternshipFinding.internship_id) == internship_id,
                col(InternshipFinding.code) == code,
                col(InternshipFinding.reference_date) == day,
            )
        ).first()
        is not None
    )


def search_findings(
    session: Session, conditions: Sequence[Any], offset: int, limit: int
) -> tuple[list[tuple[InternshipFinding, InternshipRow]], int]:
    total = session.execute(
        select(func.count())
        .select_from(InternshipFinding)
        .join(Internship, col(Internship.id) == col(InternshipFinding.internship_id))
        .where(*conditions)
    ).scalar_one()
    statement = (
        _statement()
        .add_columns(InternshipFinding)
        .join(InternshipFinding, col(InternshipFinding.internship_id) == col(Internship.id))
        .where(*conditions)
        .order_by(col(InternshipFinding.created_at).desc(), col(InternshipFinding.id))
        .offset(offset)
        .limit(limit)
    )
    rows = [(row[6], _row(row)) for row in session.execute(statement)]
    return rows, int(total)


def active_with_last_log(session: Session) -> list[tuple[Internship, date | None]]:
    """Internships in progress, each with the start of its latest logged week (None: no log)."""
    last = (
        select(
            col(InternshipLog.internship_id).label("internship_id"),
            func.max(col(InternshipLog.week_start_date)).label("last_week"),
        )
        .group_by(col(InternshipLog.internship_id))
        .subquery()
    )
    result = session.execute(
        select(Internship, last.c.last_week)
        .outerjoin(last, last.c.internship_id == col(Internship.id))
        .where(col(Internship.status) == InternshipStatus.in_progress.value)
        .order_by(col(Internship.id))
    )
    return [(row[0], row[1]) for row in result]
