"""Queries of the matcher: catalogue profiles, demand evidence, open positions, programmes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from models import (
    Industry,
    Major,
    MajorTerm,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Position,
    PositionMajor,
    PositionMajorClass,
    PositionStatus,
    PriorityIndustry,
    Programme,
    Student,
)
from service.positions import repository as positions_repository

# 专业简介 terms that describe the work (courses describe the teaching, and blur the text).
ALIGNMENT_TERM_KINDS = ("occupation", "certificate")


def majors(session: Session) -> list[tuple[str, str, str, str, str]]:
    """(code, name, level, class_code, category_code) of the whole catalogue, by code."""
    rows = session.execute(
        select(
            col(Major.code),
            col(Major.name),
            col(Major.level),
            col(Major.class_code),
            col(Major.category_code),
        ).order_by(col(Major.code))
    )
    return [(str(a), str(b), str(c), str(d), str(e)) for a, b, c, d, e in rows]


def major_terms(session: Session, kinds: Sequence[str]) -> dict[str, list[str]]:
    rows = session.execute(
        select(col(MajorTerm.major_code), col(MajorTerm.term))
        .where(col(MajorTerm.kind).in_(list(kinds)))
        .order_by(col(MajorTerm.major_code), col(MajorTerm.kind), col(MajorTerm.term))
    )
    out: dict[str, list[str]] = {}
    for code, term in rows:
        out.setdefault(code, []).append(term)
    return out


def priority_industries(session: Session) -> list[PriorityIndustry]:
    return list(
        session.execute(select(PriorityIndustry).order_by(col(PriorityIndustry.key))).scalars()
    )


def industry_names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = session.execute(
        select(col(Industry.code), col(Industry.name)).where(col(Industry.code).in_(wanted))
    )
    return {str(row[0]): str(row[1]) for row in rows}


def demand_counts(
    session: Session, low: str, high: str
) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """Published positions of the region ``low``–``high`` by their enterprise's GB/T 4754 code:
    (positions per code, positions per (code, major asked))."""
    industry = col(Organization.industry_code)
    base = (
        select(industry, func.count(col(Position.id)))
        .join(Organization, col(Organization.id) == col(Position.enterprise_id))
        .where(
            *positions_repository.published(),
            col(Position.region_code).between(low, high),
            industry.is_not(None),
        )
        .group_by(industry)
    )
    totals = {str(code): float(n) for code, n in session.execute(base)}
    asked_statement = (
        select(industry, col(PositionMajor.major_code), func.count(col(Position.id)))
        .join(Organization, col(Organization.id) == col(Position.enterprise_id))
        .join(PositionMajor, col(PositionMajor.position_id) == col(Position.id))
        .where(
            *positions_repository.published(),
            col(Position.region_code).between(low, high),
            industry.is_not(None),
        )
        .group_by(industry, col(PositionMajor.major_code))
    )
    asked = {
        (str(code), str(major)): float(n) for code, major, n in session.execute(asked_statement)
    }
    return totals, asked


def school_by_code(session: Session, code: str) -> Organization | None:
    return session.execute(
        select(Organization).where(
            col(Organization.code) == code.strip(),
            col(Organization.kind) == OrganizationKind.school,
        )
    ).scalar_one_or_none()


def school_major_codes(session: Session, school_id: uuid.UUID) -> list[tuple[str, int]]:
    """(major, latest programme year) of every major the school runs."""
    rows = session.execute(
        select(col(Programme.major_code), func.max(col(Programme.year)))
        .where(col(Programme.school_id) == school_id)
        .group_by(col(Programme.major_code))
        .order_by(col(Programme.major_code))
    )
    return [(str(code), int(year)) for code, year in rows]


# ---------------------------------------------------------------- positions for the index


def _open_positions() -> list[Any]:
    return [
        col(Position.status) == PositionStatus.open,
        col(Position.enterprise_id).not_in(
            select(col(Organization.id)).where(
                col(Organization.status) != OrganizationStatus.verified
            )
        ),
    ]


def open_count(session: Session) -> int:
    statement = select(func.count()).select_from(Position).where(*_open_positions())
    return int(session.execute(statement).scalar_one())


def open_versions(session: Session) -> dict[uuid.UUID, datetime]:
    """(id → updated_at) of every open position of a verified enterprise."""
    rows = session.execute(
        select(col(Position.id), col(Position.updated_at)).where(*_open_positions())
    )
    return {row[0]: row[1] for row in rows}


def changed_since(session: Session, since: datetime) -> list[tuple[uuid.UUID, datetime, bool]]:
    """(id, updated_at, open now) of positions written at or after ``since``."""
    open_ids = select(col(Position.id)).where(*_open_positions())
    rows = session.execute(
        select(
            col(Position.id),
            col(Position.updated_at),
            col(Position.id).in_(open_ids),
        ).where(col(Position.updated_at) >= since)
    )
    return [(pid, updated, bool(is_open)) for pid, updated, is_open in rows]


def latest_update(session: Session) -> datetime | None:
    value = session.execute(select(func.max(col(Position.updated_at)))).scalar()
    return value


def position_rows(session: Session, ids: Sequence[uuid.UUID] | None) -> list[Any]:
    """(position's indexed columns, enterprise name, enterprise GB/T 4754 code) of open positions,
    all or ``ids``. Rows, not ORM objects: the index of 200 000 positions is built from them."""
    statement: Any = (
        select(
            col(Position.id),
            col(Position.title),
            col(Position.kind),
            col(Position.region_code),
            col(Position.skills),
            col(Position.description),
            col(Position.monthly_pay),
            col(Position.closing_date),
            col(Position.updated_at),
            col(Organization.name).label("enterprise"),
            col(Organization.industry_code).label("industry_code"),
        )
        .join(Organization, col(Organization.id) == col(Position.enterprise_id))
        .where(*_open_positions())
    )
    if ids is None:
        return list(session.execute(statement))
    out: list[Any] = []
    wanted = list(ids)
    for start in range(0, len(wanted), 500):
        chunk = statement.where(col(Position.id).in_(wanted[start : start + 500]))
        out.extend(session.execute(chunk))
    return out


def position_majors(
    session: Session, ids: Sequence[uuid.UUID] | None
) -> dict[uuid.UUID, list[str]]:
    statement = select(col(PositionMajor.position_id), col(PositionMajor.major_code))
    out: dict[uuid.UUID, list[str]] = {}
    if ids is None:
        statement = statement.where(
            col(PositionMajor.position_id).in_(select(col(Position.id)).where(*_open_positions()))
        )
        chunks = [statement]
    else:
        wanted = list(ids)
        chunks = [
            statement.where(col(PositionMajor.position_id).in_(wanted[s : s + 500]))
            for s in range(0, len(wanted), 500)
        ]
    for chunk in chunks:
        for pid, code in session.execute(chunk):
            out.setdefault(pid, []).append(code)
    return out


# ---------------------------------------------------------------- students and programmes


def student_of_user(session: Session, user_id: uuid.UUID) -> Student | None:
    return session.execute(
        select(Student).where(col(Student.user_id) == user_id)
    ).scalar_one_or_none()


def student_by_number(session: Session, school_code: str, student_no: str) -> Student | None:
    return session.execute(
        select(Student)
        .join(Organization, col(Organization.id) == col(Student.school_id))
        .where(col(Organization.code) == school_code, col(Student.student_no) == student_no)
    ).scalar_one_or_none()


def programme_plans(
    session: Session, major_codes: Sequence[str], from_year: int
) -> list[tuple[uuid.UUID, uuid.UUID, str, str, str, int, int]]:
    """(programme id, school id, school name, school region, major, year, plan) of verified
    schools' programmes of ``major_codes`` enrolled in or after ``from_year``."""
    if not major_codes:
        return []
    rows = session.execute(
        select(
            col(Programme.id),
            col(Programme.school_id),
            col(Organization.name),
            col(Organization.region_code),
            col(Programme.major_code),
            col(Programme.year),
            func.coalesce(col(Programme.enrolled), col(Programme.enrolment_plan)),
        )
        .join(Organization, col(Organization.id) == col(Programme.school_id))
        .where(
            col(Organization.status) == OrganizationStatus.verified,
            col(Programme.major_code).in_(sorted(set(major_codes))),
            col(Programme.year) >= from_year,
        )
        .order_by(col(Programme.school_id), col(Programme.major_code), col(Programme.year))
    )
    return [
        (pid, school_id, str(name), str(region), str(code), int(year), int(plan or 0))
        for pid, school_id, name, region, code, year, plan in rows
    ]


def position_classes(
    session: Session, ids: Sequence[uuid.UUID] | None
) -> dict[uuid.UUID, list[str]]:
    """专业类 codes each position asks for as a whole."""
    statement = select(col(PositionMajorClass.position_id), col(PositionMajorClass.class_code))
    out: dict[uuid.UUID, list[str]] = {}
    if ids is None:
        statement = statement.where(
            col(PositionMajorClass.position_id).in_(
                select(col(Position.id)).where(*_open_positions())
            )
        )
        chunks = [statement]
    else:
        wanted = list(ids)
        chunks = [
            statement.where(col(PositionMajorClass.position_id).in_(wanted[s : s + 500]))
            for s in range(0, len(wanted), 500)
        ]
    for chunk in chunks:
        for pid, code in session.execute(chunk):
            out.setdefault(pid, []).append(code)
    return out


def major_terms_of(session: Session, code: str) -> list[str]:
    rows = session.execute(
        select(col(MajorTerm.term)).where(
            col(MajorTerm.major_code) == code, col(MajorTerm.kind) == "occupation"
        )
    )
    return list(rows.scalars())
