"""Queries of applications: rows with their position, enterprise, student, school and major."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from models import (
    Application,
    ApplicationStatus,
    BoothStatus,
    Interview,
    InterviewStatus,
    JobFairBooth,
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
class ApplicationRow:
    application: Application
    position: Position
    enterprise_name: str
    student: Student
    school_name: str
    major_name: str


def _statement() -> Any:
    return (
        select(  # type: ignore[call-overload]
            Application,
            Position,
            col(Organization.name),
            Student,
            School.name,
            col(Major.name),
        )
        .join(Position, col(Position.id) == col(Application.position_id))
        .join(Organization, col(Organization.id) == col(Position.enterprise_id))
        .join(Student, col(Student.id) == col(Application.student_id))
        .join(School, School.id == col(Student.school_id))
        .join(Major, col(Major.code) == col(Student.major_code))
    )


def _row(row: Any) -> ApplicationRow:
    return ApplicationRow(row[0], row[1], row[2], row[3], row[4], row[5])


def row_of(session: Session, application_id: uuid.UUID) -> ApplicationRow | None:
    found = session.execute(_statement().where(col(Application.id) == application_id)).first()
    return _row(found) if found is not None else None


def search(
    session: Session, conditions: Sequence[Any], offset: int, limit: int
) -> tuple[list[ApplicationRow], int]:
    total = session.execute(
        select(func.count())
        .select_from(Application)
        .join(Position, col(Position.id) == col(Application.position_id))
        .join(Student, col(Student.id) == col(Application.student_id))
        .where(*conditions)
    ).scalar_one()
    result = session.execute(
        _statement()
        .where(*conditions)
        .order_by(col(Application.created_at).desc(), col(Application.id))
        .offset(offset)
        .limit(limit)
    )
    return [_row(row) for row in result], int(total)


def locked_position(session: Session, position_id: uuid.UUID) -> Position | None:
    """The position, its row locked until the transaction ends (PostgreSQL ``FOR UPDATE``; on
    SQLite the write transaction's ``BEGIN IMMEDIATE`` already serialises writers)."""
    return session.get(Position, position_id, with_for_update=True, populate_existing=True)


def locked_application(session: Session, application_id: uuid.UUID) -> Application | None:
    return session.get(Application, application_id, with_for_update=True, populate_existing=True)


def lock_student(session: Session, student_id: uuid.UUID) -> None:
    """Lock the student's row (PostgreSQL ``FOR UPDATE``): two accepts of one student's offers
    at different positions then check its held places one after the other."""
    session.get(Student, student_id, with_for_update=True, populate_existing=True)


@dataclass(frozen=True)
class HeldPlace:
    """An accepted application: the place a student holds."""

    application_id: uuid.UUID
    student_id: uuid.UUID
    position_id: uuid.UUID
    kind: str
    title: str
    enterprise_name: str
    start_date: date
    end_date: date | None


def held_places(
    session: Session, student_ids: Collection[uuid.UUID], kinds: Collection[str]
) -> list[HeldPlace]:
    """The accepted applications of ``student_ids`` to positions of ``kinds``, oldest first."""
    if not student_ids or not kinds:
        return []
    result = session.execute(
        select(
            col(Application.id),
            col(Application.student_id),
            col(Position.id),
            col(Position.kind),
            col(Position.title),
            col(Organization.name),
            col(Position.start_date),
            col(Position.end_date),
        )
        .join(Position, col(Position.id) == col(Application.position_id))
        .join(Organization, col(Organization.id) == col(Position.enterprise_id))
        .where(
            col(Application.student_id).in_(list(student_ids)),
            col(Application.status) == ApplicationStatus.accepted,
            col(Position.kind).in_([str(kind) for kind in kinds]),
        )
        .order_by(col(Position.start_date), col(Application.id))
    )
    return [
        HeldPlace(aid, sid, pid, str(kind), title, name, start, end)
        for aid, sid, pid, kind, title, name, start, end in result
    ]


def application_of(
    session: Session, student_id: uuid.UUID, position_id: uuid.UUID
) -> Application | None:
    return session.execute(
        select(Application).where(
            col(Application.student_id) == student_id, col(Application.position_id) == position_id
        )
    ).scalar_one_or_none()


def accepted_count(session: Session, position_id: uuid.UUID) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(Application)
            .where(
                col(Application.position_id) == position_id,
                col(Application.status) == ApplicationStatus.accepted,
            )
        ).scalar_one()
    )


def open_applications(
    session: Session, position_ids: Sequence[uuid.UUID], statuses: Sequence[ApplicationStatus]
) -> list[tuple[uuid.UUID, str]]:
    if not position_ids:
        return []
    result = session.execute(
        select(col(Application.id), col(Application.status))
        .where(
            col(Application.position_id).in_(list(position_ids)),
            col(Application.status).in_([s.value for s in statuses]),
        )
        .order_by(col(Application.id))
    )
    return [(row[0], str(row[1])) for row in result]


def close_applications(
    session: Session, ids: Sequence[uuid.UUID], status: ApplicationStatus, now: datetime
) -> None:
    if ids:
        session.execute(
            update(Application)
            .where(col(Application.id).in_(list(ids)))
            .values(status=status.value, updated_at=now)
            .execution_options(synchronize_session="fetch")
        )


def cancel_upcoming_interviews(
    session: Session, application_ids: Sequence[uuid.UUID], now: datetime
) -> int:
    """Interviews of ``application_ids`` still to come (proposed or confirmed, starting after
    ``now``) are cancelled: the application ended before they took place. Past ones stay as they
    were (they happened, or were missed). Returns how many were cancelled."""
    if not application_ids:
        return 0
    result = session.execute(
        update(Interview)
        .where(
            col(Interview.application_id).in_(list(application_ids)),
            col(Interview.status).in_(
                [InterviewStatus.proposed.value, InterviewStatus.confirmed.value]
            ),
            col(Interview.starts_at) > now,
        )
        .values(
            status=InterviewStatus.cancelled.value,
            updated_at=now,
            sequence=col(Interview.sequence) + 1,  # calendars replace the event they hold
        )
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def concerning_region(scope: RegionScope) -> ColumnElement[bool]:
    """Applications of a student of a school inside ``scope``, or to a position of an enterprise
    inside it."""
    in_region = organizations_repository.ids_in(scope)
    return or_(col(Student.school_id).in_(in_region), col(Position.enterprise_id).in_(in_region))


def students_and_positions(
    session: Session, application_ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID | None, str, str]]:
    """(student's account, position title, enterprise name) of each application: whom a closed
    application is reported to, and what about."""
    if not application_ids:
        return []
    rows = session.execute(
        select(col(Student.user_id), col(Position.title), col(Organization.name))
        .join(Application, col(Application.student_id) == col(Student.id))
        .join(Position, col(Position.id) == col(Application.position_id))
        .join(Organization, col(Organization.id) == col(Position.enterprise_id))
        .where(col(Application.id).in_(application_ids))
    ).all()
    return [(row[0], str(row[1]), str(row[2])) for row in rows]


def position_at_fair(session: Session, job_fair_id: uuid.UUID, position_id: uuid.UUID) -> bool:
    """Whether ``position_id`` is on an approved booth of the fair (booths are few per fair)."""
    booths = session.execute(
        select(col(JobFairBooth.position_ids)).where(
            col(JobFairBooth.job_fair_id) == job_fair_id,
            col(JobFairBooth.status) == BoothStatus.approved.value,
        )
    ).scalars()
    return any(str(position_id) in (ids or []) for ids in booths)
