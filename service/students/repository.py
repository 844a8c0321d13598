"""Queries of students: with their school's and major's names and their login."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlmodel import Session, col
from sqlmodel import select as model_select

from models import Major, Organization, Region, Student, User
from models.validators import normalize_code

# (student, school name, major name, username)
StudentRow = tuple[Student, str, str, str | None]


def _rows_statement() -> Any:
    return (
        select(Student, col(Organization.name), col(Major.name), col(User.username))
        .join(Organization, col(Organization.id) == col(Student.school_id))
        .join(Major, col(Major.code) == col(Student.major_code))
        .outerjoin(User, col(User.id) == col(Student.user_id))
    )


def rows_by_ids(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, StudentRow]:
    if not ids:
        return {}
    result = session.execute(_rows_statement().where(col(Student.id).in_(list(ids))))
    return {row[0].id: (row[0], row[1], row[2], row[3]) for row in result}


def search(
    session: Session, conditions: Sequence[Any], offset: int, limit: int
) -> tuple[list[StudentRow], int]:
    total = session.execute(
        select(func.count()).select_from(Student).where(*conditions)
    ).scalar_one()
    result = session.execute(
        _rows_statement()
        .where(*conditions)
        .order_by(col(Student.school_id), col(Student.student_no))
        .offset(offset)
        .limit(limit)
    )
    return [(row[0], row[1], row[2], row[3]) for row in result], int(total)


def student_of_user(session: Session, user_id: uuid.UUID) -> Student | None:
    return session.exec(model_select(Student).where(col(Student.user_id) == user_id)).first()


def by_school_and_no(session: Session, school_id: uuid.UUID, student_no: str) -> Student | None:
    return session.exec(
        model_select(Student).where(
            col(Student.school_id) == school_id, col(Student.student_no) == student_no
        )
    ).first()


def usernames_taken(session: Session, usernames: Sequence[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(usernames), 500):
        part = list(usernames[start : start + 500])
        taken.update(
            session.execute(
                select(col(User.username)).where(col(User.username).in_(part))
            ).scalars()
        )
    return taken


def without_account(
    session: Session, keys: Sequence[tuple[uuid.UUID, str]]
) -> set[tuple[uuid.UUID, str]]:
    """Of the (school_id, student_no) keys, those of stored students with no account."""
    found: set[tuple[uuid.UUID, str]] = set()
    schools = sorted({school for school, _ in keys}, key=str)
    wanted = set(keys)
    for start in range(0, len(schools), 500):
        part = schools[start : start + 500]
        result = session.execute(
            select(col(Student.school_id), col(Student.student_no)).where(
                col(Student.school_id).in_(part), col(Student.user_id).is_(None)
            )
        )
        found.update(key for key in ((r[0], r[1]) for r in result) if key in wanted)
    return found


def link_accounts(session: Session, links: Sequence[dict[str, Any]]) -> None:
    """Set ``user_id`` of the students keyed by (school_id, student_no) in ``links``."""
    if not links:
        return
    table = Student.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(
            table.c.school_id == bindparam("b_school_id"),
            table.c.student_no == bindparam("b_student_no"),
        )
        .values(user_id=bindparam("b_user_id"))
    )
    session.connection().execute(statement, list(links))


def insert_users(session: Session, users: Sequence[dict[str, Any]]) -> None:
    session.execute(insert(User), list(users))


def region_exists(session: Session, code: str) -> bool:
    return session.get(Region, code) is not None


def school_id_of_code(session: Session, code: str) -> uuid.UUID | None:
    return session.execute(
        select(col(Organization.id)).where(col(Organization.code) == normalize_code(code))
    ).scalar_one_or_none()
