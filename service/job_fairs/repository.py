"""Queries of job fairs, their booths, registrations and figures."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from models import (
    Application,
    ApplicationStatus,
    BoothStatus,
    Interview,
    JobFair,
    JobFairBooth,
    JobFairRegistration,
    Major,
    Organization,
    Position,
    Region,
    Student,
)


def get(session: Session, fair_id: uuid.UUID) -> JobFair | None:
    return session.get(JobFair, fair_id)


def locked(session: Session, fair_id: uuid.UUID) -> JobFair | None:
    """The fair, its row locked until the transaction ends: registrations count under it."""
    return session.get(JobFair, fair_id, with_for_update=True, populate_existing=True)


def search(
    session: Session, conditions: Sequence[Any], offset: int, limit: int
) -> tuple[list[JobFair], int]:
    total = session.execute(select(func.count()).select_from(JobFair).where(*conditions))
    rows = session.execute(
        select(JobFair)
        .where(*conditions)
        .order_by(col(JobFair.starts_at), col(JobFair.id))
        .offset(offset)
        .limit(limit)
    ).scalars()
    return list(rows), int(total.scalar_one())


def registered_counts(session: Session, fair_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not fair_ids:
        return {}
    rows = session.execute(
        select(col(JobFairRegistration.job_fair_id), func.count())
        .where(col(JobFairRegistration.job_fair_id).in_(list(fair_ids)))
        .group_by(col(JobFairRegistration.job_fair_id))
    )
    return {row[0]: int(row[1]) for row in rows}


def registration_count(session: Session, fair_id: uuid.UUID) -> int:
    return registered_counts(session, [fair_id]).get(fair_id, 0)


def region_names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.execute(
        select(col(Region.code), col(Region.name)).where(col(Region.code).in_(set(codes)))
    )
    return {row[0]: row[1] for row in rows}


def organization_names(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(col(Organization.id), col(Organization.name)).where(
            col(Organization.id).in_(set(ids))
        )
    )
    return {row[0]: row[1] for row in rows}


def booths(session: Session, fair_id: uuid.UUID) -> list[tuple[JobFairBooth, Organization]]:
    rows = session.execute(
        select(JobFairBooth, Organization)
        .join(Organization, col(Organization.id) == col(JobFairBooth.enterprise_id))
        .where(col(JobFairBooth.job_fair_id) == fair_id)
        .order_by(col(JobFairBooth.created_at), col(JobFairBooth.id))
    )
    return [(row[0], row[1]) for row in rows]


def booth_of(session: Session, fair_id: uuid.UUID, enterprise_id: uuid.UUID) -> JobFairBooth | None:
    return session.execute(
        select(JobFairBooth).where(
            col(JobFairBooth.job_fair_id) == fair_id,
            col(JobFairBooth.enterprise_id) == enterprise_id,
        )
    ).scalar_one_or_none()


def locked_booth(session: Session, booth_id: uuid.UUID) -> JobFairBooth | None:
    return session.get(JobFairBooth, booth_id, with_for_update=True, populate_existing=True)


def positions(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Position]:
    if not ids:
        return {}
    rows = session.execute(select(Position).where(col(Position.id).in_(set(ids)))).scalars()
    return {p.id: p for p in rows}


def registration_of(
    session: Session, fair_id: uuid.UUID, student_id: uuid.UUID
) -> JobFairRegistration | None:
    return session.execute(
        select(JobFairRegistration).where(
            col(JobFairRegistration.job_fair_id) == fair_id,
            col(JobFairRegistration.student_id) == student_id,
        )
    ).scalar_one_or_none()


def locked_registration(session: Session, registration_id: uuid.UUID) -> JobFairRegistration | None:
    return session.get(
        JobFairRegistration, registration_id, with_for_update=True, populate_existing=True
    )


def registrations(
    session: Session, fair_id: uuid.UUID, student_id: uuid.UUID | None = None
) -> list[tuple[JobFairRegistration, Student, str, str]]:
    """Registrations with the student, its school's name and its major's name."""
    statement = (
        select(JobFairRegistration, Student, col(Organization.name), col(Major.name))
        .join(Student, col(Student.id) == col(JobFairRegistration.student_id))
        .join(Organization, col(Organization.id) == col(Student.school_id))
        .join(Major, col(Major.code) == col(Student.major_code))
        .where(col(JobFairRegistration.job_fair_id) == fair_id)
        .order_by(col(JobFairRegistration.created_at), col(JobFairRegistration.id))
    )
    if student_id is not None:
        statement = statement.where(col(JobFairRegistration.student_id) == student_id)
    return [(row[0], row[1], row[2], row[3]) for row in session.execute(statement)]


def figures(session: Session, fair_id: uuid.UUID) -> dict[str, int]:
    registered, checked_in = session.execute(
        select(func.count(), func.count(col(JobFairRegistration.checked_in_at))).where(
            col(JobFairRegistration.job_fair_id) == fair_id
        )
    ).one()
    through = col(Application.job_fair_id) == fair_id
    statuses = dict(
        session.execute(
            select(col(Application.status), func.count())
            .where(through)
            .group_by(col(Application.status))
        ).all()
    )
    interviewed = session.execute(
        select(func.count(func.distinct(col(Interview.application_id))))
        .join(Application, col(Application.id) == col(Interview.application_id))
        .where(through)
    ).scalar_one()
    offered = sum(
        int(statuses.get(s.value, 0))
        for s in (ApplicationStatus.offered, ApplicationStatus.accepted, ApplicationStatus.declined)
    )
    return {
        "registrations": int(registered),
        "check_ins": int(checked_in),
        "applications": sum(int(n) for n in statuses.values()),
        "interviews": int(interviewed),
        "offers": offered,
        "accepted": int(statuses.get(ApplicationStatus.accepted.value, 0)),
    }


def upcoming_condition(now: datetime) -> Any:
    return col(JobFair.ends_at) >= now


def booth_status_is(status: BoothStatus) -> Any:
    return col(JobFairBooth.status) == status.value
