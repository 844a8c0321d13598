"""Queries of placement rounds: their positions, students, preferences, rankings, assignments."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session, col

from models import (
    Application,
    ApplicationStatus,
    Assignment,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    PlacementRound,
    Position,
    PositionMajor,
    PositionRanking,
    PositionStatus,
    Preference,
    RoundPosition,
    RoundStatus,
    RoundStudent,
    Student,
)
from models.base import utcnow

if TYPE_CHECKING:
    from service.catalog.operations import RegionScope


def positions_by_id(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Position]:
    if not ids:
        return {}
    rows = session.execute(select(Position).where(col(Position.id).in_(list(ids)))).scalars()
    return {p.id: p for p in rows}


def students_by_id(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Student]:
    found: dict[uuid.UUID, Student] = {}
    unique = list(dict.fromkeys(ids))
    # Chunked: PostgreSQL and SQLite both cap the bound parameters of one statement.
    for start in range(0, len(unique), 5000):
        chunk = unique[start : start + 5000]
        for student in session.execute(select(Student).where(col(Student.id).in_(chunk))).scalars():
            found[student.id] = student
    return found


def student_of_user(session: Session, user_id: uuid.UUID) -> Student | None:
    return session.execute(
        select(Student).where(col(Student.user_id) == user_id)
    ).scalar_one_or_none()


def round_positions(session: Session, round_id: uuid.UUID) -> list[tuple[RoundPosition, Position]]:
    rows = session.execute(
        select(RoundPosition, Position)
        .join(Position, col(Position.id) == col(RoundPosition.position_id))
        .where(col(RoundPosition.round_id) == round_id)
        .order_by(col(RoundPosition.position_id))
    )
    return [(rp, p) for rp, p in rows]


def round_position(
    session: Session, round_id: uuid.UUID, position_id: uuid.UUID
) -> tuple[RoundPosition, Position] | None:
    row = session.execute(
        select(RoundPosition, Position)
        .join(Position, col(Position.id) == col(RoundPosition.position_id))
        .where(col(RoundPosition.round_id) == round_id)
        .where(col(RoundPosition.position_id) == position_id)
    ).first()
    return None if row is None else (row[0], row[1])


def round_students(session: Session, round_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(student id, school id) of every invited student, by student id."""
    rows = session.execute(
        select(col(Student.id), col(Student.school_id))
        .join(RoundStudent, col(RoundStudent.student_id) == col(Student.id))
        .where(col(RoundStudent.round_id) == round_id)
        .order_by(col(Student.id))
    )
    return [(sid, school) for sid, school in rows]


def birth_dates(session: Session, round_id: uuid.UUID) -> dict[uuid.UUID, date]:
    """The birth dates the schools entered for the invited students (those with one)."""
    rows = session.execute(
        select(col(Student.id), col(Student.birth_date))
        .join(RoundStudent, col(RoundStudent.student_id) == col(Student.id))
        .where(col(RoundStudent.round_id) == round_id, col(Student.birth_date).is_not(None))
    )
    return {row[0]: row[1] for row in rows}


def student_count(session: Session, round_id: uuid.UUID) -> int:
    return int(
        session.execute(
            select(func.count()).where(col(RoundStudent.round_id) == round_id)
        ).scalar_one()
    )


def rounds_of_student(session: Session, student_id: uuid.UUID) -> list[PlacementRound]:
    """The rounds a student is invited to, the latest deadline first."""
    return list(
        session.execute(
            select(PlacementRound)
            .join(RoundStudent, col(RoundStudent.round_id) == col(PlacementRound.id))
            .where(col(RoundStudent.student_id) == student_id)
            .order_by(col(PlacementRound.deadline_at).desc(), col(PlacementRound.id))
        ).scalars()
    )


def is_invited(session: Session, round_id: uuid.UUID, student_id: uuid.UUID) -> bool:
    return session.get(RoundStudent, (round_id, student_id)) is not None


def invited_among(
    session: Session, round_id: uuid.UUID, student_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    unique = list(dict.fromkeys(student_ids))
    for start in range(0, len(unique), 5000):
        found |= set(
            session.execute(
                select(col(RoundStudent.student_id))
                .where(col(RoundStudent.round_id) == round_id)
                .where(col(RoundStudent.student_id).in_(unique[start : start + 5000]))
            ).scalars()
        )
    return found


def add_round(
    session: Session,
    row: PlacementRound,
    positions: Sequence[tuple[uuid.UUID, int]],
    student_ids: Sequence[uuid.UUID],
) -> None:
    session.add(row)
    session.flush()
    session.execute(
        insert(RoundPosition),
        [{"round_id": row.id, "position_id": pid, "capacity": cap} for pid, cap in positions],
    )
    session.execute(
        insert(RoundStudent), [{"round_id": row.id, "student_id": sid} for sid in student_ids]
    )


def replace_choices(
    session: Session, round_id: uuid.UUID, student_id: uuid.UUID, position_ids: Sequence[uuid.UUID]
) -> None:
    session.execute(
        delete(Preference)
        .where(col(Preference.round_id) == round_id)
        .where(col(Preference.student_id) == student_id)
    )
    if position_ids:
        session.execute(
            insert(Preference),
            [
                {"round_id": round_id, "student_id": student_id, "position_id": pid, "rank": r}
                for r, pid in enumerate(position_ids, start=1)
            ],
        )


def choices_of(session: Session, round_id: uuid.UUID, student_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        session.execute(
            select(col(Preference.position_id))
            .where(col(Preference.round_id) == round_id)
            .where(col(Preference.student_id) == student_id)
            .order_by(col(Preference.rank))
        ).scalars()
    )


def all_choices(session: Session, round_id: uuid.UUID) -> dict[uuid.UUID, list[uuid.UUID]]:
    result: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    rows = session.execute(
        select(col(Preference.student_id), col(Preference.position_id))
        .where(col(Preference.round_id) == round_id)
        .order_by(col(Preference.student_id), col(Preference.rank))
    )
    for student_id, position_id in rows:
        result[student_id].append(position_id)
    return result


def applicants_of(session: Session, round_id: uuid.UUID, position_id: uuid.UUID) -> list[Student]:
    """The invited students who listed ``position_id``, by student id."""
    return list(
        session.execute(
            select(Student)
            .join(Preference, col(Preference.student_id) == col(Student.id))
            .where(col(Preference.round_id) == round_id)
            .where(col(Preference.position_id) == position_id)
            .order_by(col(Student.id))
        ).scalars()
    )


def major_codes_of(session: Session, position_id: uuid.UUID) -> list[str]:
    return list(
        session.execute(
            select(col(PositionMajor.major_code)).where(
                col(PositionMajor.position_id) == position_id
            )
        ).scalars()
    )


def replace_ranking(
    session: Session, round_id: uuid.UUID, position_id: uuid.UUID, rows: Sequence[dict[str, Any]]
) -> None:
    session.execute(
        delete(PositionRanking)
        .where(col(PositionRanking.round_id) == round_id)
        .where(col(PositionRanking.position_id) == position_id)
    )
    if rows:
        session.execute(
            insert(PositionRanking),
            [{"round_id": round_id, "position_id": position_id, **row} for row in rows],
        )


def ranking_of(
    session: Session, round_id: uuid.UUID, position_id: uuid.UUID
) -> list[PositionRanking]:
    return list(
        session.execute(
            select(PositionRanking)
            .where(col(PositionRanking.round_id) == round_id)
            .where(col(PositionRanking.position_id) == position_id)
            .order_by(col(PositionRanking.rank), col(PositionRanking.student_id))
        ).scalars()
    )


def all_rankings(
    session: Session, round_id: uuid.UUID
) -> dict[uuid.UUID, list[tuple[int, uuid.UUID]]]:
    """(rank, student) per position, best first; equal ranks are ties."""
    result: dict[uuid.UUID, list[tuple[int, uuid.UUID]]] = defaultdict(list)
    rows = session.execute(
        select(
            col(PositionRanking.position_id),
            col(PositionRanking.rank),
            col(PositionRanking.student_id),
        )
        .where(col(PositionRanking.round_id) == round_id)
        .order_by(
            col(PositionRanking.position_id),
            col(PositionRanking.rank),
            col(PositionRanking.student_id),
        )
    )
    for position_id, rank, student_id in rows:
        result[position_id].append((rank, student_id))
    return result


def placed_elsewhere(
    session: Session, round_id: uuid.UUID, position_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Places of each position already taken outside this round (headcounts hold): students
    who accepted it in the application flow, and students other completed rounds gave it, each
    counted once. A student this round's own last run placed there is not counted, so running
    the round again sees the same capacities."""
    if not position_ids:
        return {}
    wanted = list(position_ids)
    accepted = select(col(Application.position_id), col(Application.student_id)).where(
        col(Application.position_id).in_(wanted),
        col(Application.status) == ApplicationStatus.accepted,
    )
    other_rounds = (
        select(col(Assignment.position_id), col(Assignment.student_id))
        .join(PlacementRound, col(PlacementRound.id) == col(Assignment.round_id))
        .where(col(Assignment.position_id).in_(wanted))
        .where(col(Assignment.round_id) != round_id)
        # A run round holds its places already (published or not), so two rounds do not fill one.
        .where(col(PlacementRound.status).in_([RoundStatus.run, RoundStatus.completed]))
    )
    own = select(col(Assignment.position_id), col(Assignment.student_id)).where(
        col(Assignment.round_id) == round_id
    )
    taken = {(p, s) for p, s in session.execute(accepted)}
    taken |= {(p, s) for p, s in session.execute(other_rounds)}
    taken -= {(p, s) for p, s in session.execute(own)}
    counts: dict[uuid.UUID, int] = defaultdict(int)
    for p, _ in taken:
        counts[p] += 1
    return dict(counts)


def replace_assignments(
    session: Session, round_id: uuid.UUID, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> None:
    session.execute(delete(Assignment).where(col(Assignment.round_id) == round_id))
    at = utcnow()
    if pairs:
        session.execute(
            insert(Assignment),
            [
                {
                    "id": uuid.uuid4(),
                    "round_id": round_id,
                    "student_id": s,
                    "position_id": p,
                    "created_at": at,
                }
                for s, p in pairs
            ],
        )


def assignments_of(session: Session, round_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID]]:
    rows = session.execute(
        select(col(Assignment.student_id), col(Assignment.position_id))
        .where(col(Assignment.round_id) == round_id)
        .order_by(col(Assignment.student_id))
    )
    return [(s, p) for s, p in rows]


def student_accounts(
    session: Session, student_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """Each student's account (students without one are left out): whom results are told."""
    if not student_ids:
        return {}
    rows = session.execute(
        select(col(Student.id), col(Student.user_id)).where(
            col(Student.id).in_(student_ids), col(Student.user_id).is_not(None)
        )
    ).all()
    return {row[0]: row[1] for row in rows}


# ---------------------------------------------------------------- pages: rounds by name


def rounds_owned_by(session: Session, owner_id: uuid.UUID) -> list[PlacementRound]:
    statement = (
        select(PlacementRound)
        .where(col(PlacementRound.owner_id) == owner_id)
        .order_by(col(PlacementRound.created_at).desc(), col(PlacementRound.id))
    )
    return list(session.execute(statement).scalars())


def organization_names(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    statement = select(col(Organization.id), col(Organization.name)).where(
        col(Organization.id).in_(list(set(ids)))
    )
    return {oid: str(name) for oid, name in session.execute(statement)}


def open_positions_of_kinds(
    session: Session, kinds: Sequence[str], scope: RegionScope | None, limit: int
) -> list[tuple[Position, str]]:
    """Open positions of ``kinds`` (inside ``scope``) with their enterprise's name, by title."""
    statement = (
        select(Position, col(Organization.name))
        .join(Organization, col(Organization.id) == col(Position.enterprise_id))
        .where(
            col(Position.kind).in_(list(kinds)),
            col(Position.status) == PositionStatus.open,
            col(Organization.status) == OrganizationStatus.verified,
        )
        .order_by(col(Organization.name), col(Position.title), col(Position.id))
        .limit(limit)
    )
    if scope is not None:
        statement = statement.where(scope.contains(Position.region_code))
    return [(position, str(name)) for position, name in session.execute(statement)]


def schools_with_students(
    session: Session, scope: RegionScope | None, graduation_year: int | None
) -> list[tuple[uuid.UUID, str, int]]:
    """Verified schools (inside ``scope``) with their number of students (of a graduation year)."""
    joined = col(Student.school_id) == col(Organization.id)
    if graduation_year is not None:
        joined = joined & (col(Student.graduation_year) == graduation_year)
    statement = (
        select(col(Organization.id), col(Organization.name), func.count(col(Student.id)))
        .join(Student, joined)
        .where(
            col(Organization.kind) == OrganizationKind.school,
            col(Organization.status) == OrganizationStatus.verified,
        )
        .group_by(col(Organization.id), col(Organization.name))
        .order_by(col(Organization.name))
    )
    if scope is not None:
        statement = statement.where(scope.contains(Organization.region_code))
    return [(sid, str(name), int(n)) for sid, name, n in session.execute(statement)]


def student_ids_of_schools(
    session: Session, school_ids: Sequence[uuid.UUID], graduation_year: int | None
) -> list[uuid.UUID]:
    statement = select(col(Student.id)).where(col(Student.school_id).in_(list(school_ids)))
    if graduation_year is not None:
        statement = statement.where(col(Student.graduation_year) == graduation_year)
    return list(session.execute(statement.order_by(col(Student.id))).scalars())
