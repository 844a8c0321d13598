"""Queries of programmes, their partners and cohorts."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, delete, func, insert, or_, select
from sqlmodel import Session, col

from models import (
    Application,
    ApplicationStatus,
    Cohort,
    Major,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    PartnerKind,
    Position,
    PositionMajor,
    PositionMajorClass,
    Programme,
    ProgrammePartner,
    Student,
)

if TYPE_CHECKING:
    from service.catalog.operations import RegionScope

ProgrammeRow = tuple[Programme, Organization, Major]
PartnerRow = tuple[uuid.UUID, str, str, PartnerKind]
"""(enterprise id, code, name, kind) of one partner."""


def organizations_by_code(session: Session, codes: Iterable[str]) -> dict[str, Organization]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = session.execute(select(Organization).where(col(Organization.code).in_(wanted)))
    return {row.code: row for (row,) in rows}


def school_by_code(session: Session, code: str) -> Organization | None:
    return session.execute(
        select(Organization).where(
            col(Organization.code) == code, col(Organization.kind) == OrganizationKind.school
        )
    ).scalar_one_or_none()


def programme_with_key(
    session: Session, school_id: uuid.UUID, major_code: str, year: int
) -> uuid.UUID | None:
    found = session.execute(
        select(col(Programme.id)).where(
            col(Programme.school_id) == school_id,
            col(Programme.major_code) == major_code,
            col(Programme.year) == year,
        )
    ).first()
    return found[0] if found is not None else None


def _with_names() -> Any:
    return (
        select(Programme, Organization, Major)
        .join(Organization, col(Organization.id) == col(Programme.school_id))
        .join(Major, col(Major.code) == col(Programme.major_code))
    )


def row_of(session: Session, programme_id: uuid.UUID) -> ProgrammeRow | None:
    row = session.execute(_with_names().where(col(Programme.id) == programme_id)).first()
    return None if row is None else (row[0], row[1], row[2])


def public_or_of_school(school_id: uuid.UUID | None) -> ColumnElement[bool]:
    """Programmes of a verified school, or of the school ``school_id`` (when given)."""
    verified = col(Organization.status) == OrganizationStatus.verified
    return verified if school_id is None else or_(verified, col(Programme.school_id) == school_id)


def public_or_in_region(scope: RegionScope) -> ColumnElement[bool]:
    """Programmes of a verified school, or of any school inside ``scope``."""
    return or_(
        col(Organization.status) == OrganizationStatus.verified,
        scope.contains(Organization.region_code),
    )


def page_of(
    session: Session, conditions: Sequence[ColumnElement[bool]], offset: int, limit: int
) -> tuple[list[ProgrammeRow], int]:
    """Programmes by school code, major code and year (newest first), id as tie-break."""
    total = session.execute(
        select(func.count())
        .select_from(Programme)
        .join(Organization, col(Organization.id) == col(Programme.school_id))
        .where(*conditions)
    ).scalar_one()
    rows = session.execute(
        _with_names()
        .where(*conditions)
        .order_by(
            col(Organization.code),
            col(Programme.major_code),
            col(Programme.year).desc(),
            col(Programme.id),
        )
        .offset(offset)
        .limit(limit)
    )
    return [(r[0], r[1], r[2]) for r in rows], int(total)


def school_programmes(session: Session, school_id: uuid.UUID) -> list[ProgrammeRow]:
    rows = session.execute(
        _with_names()
        .where(col(Programme.school_id) == school_id)
        .order_by(col(Programme.major_code), col(Programme.year))
    )
    return [(r[0], r[1], r[2]) for r in rows]


def partners_of(
    session: Session, programme_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[PartnerRow]]:
    """The partners of each programme, by enterprise code then kind."""
    found: dict[uuid.UUID, list[PartnerRow]] = defaultdict(list)
    if not programme_ids:
        return found
    rows = session.execute(
        select(
            col(ProgrammePartner.programme_id),
            col(Organization.id),
            col(Organization.code),
            col(Organization.name),
            col(ProgrammePartner.kind),
        )
        .join(Organization, col(Organization.id) == col(ProgrammePartner.enterprise_id))
        .where(col(ProgrammePartner.programme_id).in_(list(programme_ids)))
        .order_by(col(Organization.code), col(ProgrammePartner.kind))
    )
    for programme_id, enterprise_id, code, name, kind in rows:
        found[programme_id].append((enterprise_id, code, name, PartnerKind(kind)))
    return found


def replace_partners(
    session: Session, programme_id: uuid.UUID, partners: Sequence[tuple[uuid.UUID, PartnerKind]]
) -> None:
    session.execute(
        delete(ProgrammePartner).where(col(ProgrammePartner.programme_id) == programme_id)
    )
    if partners:
        session.execute(
            insert(ProgrammePartner),
            [
                {"programme_id": programme_id, "enterprise_id": enterprise, "kind": kind.value}
                for enterprise, kind in partners
            ],
        )


def cohorts_of(session: Session, school_id: uuid.UUID, major_code: str) -> list[Cohort]:
    """The school's cohorts of a major, latest first."""
    return list(
        session.execute(
            select(Cohort)
            .where(col(Cohort.school_id) == school_id, col(Cohort.major_code) == major_code)
            .order_by(col(Cohort.graduation_year).desc())
        ).scalars()
    )


def school_cohorts(session: Session, school_id: uuid.UUID) -> dict[str, list[Cohort]]:
    """Every cohort of a school by major, latest first."""
    found: dict[str, list[Cohort]] = defaultdict(list)
    rows = session.execute(
        select(Cohort)
        .where(col(Cohort.school_id) == school_id)
        .order_by(col(Cohort.major_code), col(Cohort.graduation_year).desc())
    ).scalars()
    for cohort in rows:
        found[cohort.major_code].append(cohort)
    return found


def cohort_count(session: Session, school_id: uuid.UUID, major_code: str) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(Cohort)
            .where(col(Cohort.school_id) == school_id, col(Cohort.major_code) == major_code)
        ).scalar_one()
    )


def cohort_of(
    session: Session, school_id: uuid.UUID, major_code: str, graduation_year: int
) -> Cohort | None:
    return session.execute(
        select(Cohort).where(
            col(Cohort.school_id) == school_id,
            col(Cohort.major_code) == major_code,
            col(Cohort.graduation_year) == graduation_year,
        )
    ).scalar_one_or_none()


def latest_school_cohort_year(session: Session, school_id: uuid.UUID) -> int | None:
    value = session.execute(
        select(func.max(col(Cohort.graduation_year))).where(col(Cohort.school_id) == school_id)
    ).scalar()
    return None if value is None else int(value)


def programme_ids_of(
    session: Session, school_id: uuid.UUID, major_code: str, year: int | None
) -> list[uuid.UUID]:
    """A school's programmes of a major (in ``year`` when given), the latest year first."""
    statement = select(col(Programme.id)).where(
        col(Programme.school_id) == school_id, col(Programme.major_code) == major_code
    )
    if year is not None:
        statement = statement.where(col(Programme.year) == year)
    rows = session.execute(statement.order_by(col(Programme.year).desc()))
    return [programme_id for (programme_id,) in rows]


# ---------------------------------------------------------------- outcomes from accepted places


def accepted_places(
    session: Session, school_id: uuid.UUID, graduation_year: int | None
) -> list[tuple[uuid.UUID, str, int, uuid.UUID, str]]:
    """(student, major, graduation year, position, kind) of every accepted application of the
    school's students (of one graduation year, or all)."""
    conditions = [
        col(Student.school_id) == school_id,
        col(Application.status) == ApplicationStatus.accepted,
    ]
    if graduation_year is not None:
        conditions.append(col(Student.graduation_year) == graduation_year)
    rows = session.execute(
        select(
            col(Student.id),
            col(Student.major_code),
            col(Student.graduation_year),
            col(Position.id),
            col(Position.kind),
        )
        .join(Application, col(Application.student_id) == col(Student.id))
        .join(Position, col(Position.id) == col(Application.position_id))
        .where(*conditions)
        .order_by(col(Student.id), col(Position.id))
    )
    return [(sid, str(major), int(year), pid, str(kind)) for sid, major, year, pid, kind in rows]


def student_counts(
    session: Session, school_id: uuid.UUID, graduation_year: int | None
) -> dict[tuple[str, int], int]:
    """(major, graduation year) → the school's students on the platform."""
    conditions = [col(Student.school_id) == school_id]
    if graduation_year is not None:
        conditions.append(col(Student.graduation_year) == graduation_year)
    rows = session.execute(
        select(col(Student.major_code), col(Student.graduation_year), func.count())
        .where(*conditions)
        .group_by(col(Student.major_code), col(Student.graduation_year))
    )
    return {(str(major), int(year)): int(n) for major, year, n in rows}


def position_demands(
    session: Session, position_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, tuple[list[str], list[str]]]:
    """Position → (majors asked, 专业类 asked as a whole)."""
    wanted = list(set(position_ids))
    out: dict[uuid.UUID, tuple[list[str], list[str]]] = {pid: ([], []) for pid in wanted}
    if not wanted:
        return out
    for pid, code in session.execute(
        select(col(PositionMajor.position_id), col(PositionMajor.major_code)).where(
            col(PositionMajor.position_id).in_(wanted)
        )
    ):
        out[pid][0].append(str(code))
    for pid, code in session.execute(
        select(col(PositionMajorClass.position_id), col(PositionMajorClass.class_code)).where(
            col(PositionMajorClass.position_id).in_(wanted)
        )
    ):
        out[pid][1].append(str(code))
    return out


def major_records(session: Session) -> list[tuple[str, str, str, str]]:
    """(code, name, level, 专业类 code) of every catalogue major."""
    return [
        (str(code), str(name), str(level), str(class_code))
        for code, name, level, class_code in session.execute(
            select(col(Major.code), col(Major.name), col(Major.level), col(Major.class_code))
        )
    ]


def set_outcomes_opt_in(session: Session, school: Organization, opted_in: bool) -> None:
    school.outcomes_opt_in = opted_in
    session.add(school)
    session.flush()
