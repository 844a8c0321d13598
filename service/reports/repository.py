"""The report's queries: one SQL aggregate per source, over a region roll-up and a year window.

Nothing here loads a table into Python: every query groups in the database and returns a few rows
per major and year, so a province-sized report costs four aggregates whatever the table sizes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    cast,
    delete,
    extract,
    func,
    select,
    union,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Subquery
from sqlmodel import Session, col

from models import (
    Cohort,
    DemandForecast,
    Major,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Position,
    PositionMajor,
    PositionMajorClass,
    Programme,
    Region,
    WarningSnapshot,
)
from service.organizations import repository as organizations_repository
from service.positions import repository as positions_repository

if TYPE_CHECKING:
    from service.catalog.regions import RegionScope


@dataclass(frozen=True)
class Scope:
    """What a report covers: region codes ``low``–``high`` (the roll-up), years, filters."""

    region_code: str
    low: str
    high: str
    first_year: int
    last_year: int
    level: str | None = None
    major: str | None = None

    def region(self, column: Any) -> ColumnElement[bool]:
        if self.low == self.high:
            return col(column) == self.low
        return col(column).between(self.low, self.high)

    def majors(self, column: Any) -> list[ColumnElement[bool]]:
        """The level and major filters on a major-code column (nothing when all are wanted)."""
        filters: list[ColumnElement[bool]] = []
        if self.major is not None:
            filters.append(col(column) == self.major)
        if self.level is not None:
            filters.append(
                col(column).in_(select(col(Major.code)).where(col(Major.level) == self.level))
            )
        return filters

    def schools(self) -> Select[uuid.UUID]:
        """Verified schools of the region: a pending or suspended school's figures count nowhere."""
        return select(col(Organization.id)).where(
            col(Organization.kind) == OrganizationKind.school,
            col(Organization.status) == OrganizationStatus.verified,
            self.region(col(Organization.region_code)),
        )


def region(session: Session, code: str) -> Region | None:
    return session.get(Region, code)


def organization(session: Session, organization_id: uuid.UUID) -> Organization | None:
    return session.get(Organization, organization_id)


def cohort_totals(session: Session, scope: Scope) -> list[tuple[str, int, int, int, int]]:
    """(major, year, graduates, placed, in_field) summed over the region's schools."""
    year = col(Cohort.graduation_year)
    statement = (
        select(
            col(Cohort.major_code),
            year,
            func.sum(col(Cohort.graduates)),
            func.sum(col(Cohort.placed)),
            func.sum(col(Cohort.in_field)),
        )
        .join(Organization, col(Organization.id) == col(Cohort.school_id))
        .where(
            col(Organization.kind) == OrganizationKind.school,
            col(Organization.status) == OrganizationStatus.verified,
            scope.region(col(Organization.region_code)),
            year.between(scope.first_year, scope.last_year),
            *scope.majors(col(Cohort.major_code)),
        )
        .group_by(col(Cohort.major_code), year)
    )
    return [
        (code, int(y), int(g or 0), int(p or 0), int(f or 0))
        for code, y, g, p, f in session.execute(statement)
    ]


def cohort_salaries(session: Session, scope: Scope) -> list[tuple[str, float, int, int]]:
    """(major, average monthly salary, employed, graduates) of each verified school's cohort of
    the scope's last year that states a salary; employed = placed less further study."""
    statement = (
        select(
            col(Cohort.major_code),
            col(Cohort.avg_monthly_salary),
            col(Cohort.placed) - col(Cohort.further_study),
            col(Cohort.graduates),
        )
        .where(
            col(Cohort.school_id).in_(scope.schools()),
            col(Cohort.graduation_year) == scope.last_year,
            col(Cohort.avg_monthly_salary).is_not(None),
            *scope.majors(col(Cohort.major_code)),
        )
        .order_by(col(Cohort.major_code), col(Cohort.id))
    )
    return [
        (str(code), float(salary), max(int(employed or 0), 0), int(graduates or 0))
        for code, salary, employed, graduates in session.execute(statement)
    ]


def school_cohort_figures(
    session: Session, school_id: uuid.UUID, scope: Scope
) -> dict[tuple[str, int], tuple[int, int, int]]:
    """(major, year) → (graduates, placed, in_field) of one school's cohorts inside the scope
    (nothing when the school is not one of the scope's verified schools)."""
    statement = select(
        col(Cohort.major_code),
        col(Cohort.graduation_year),
        col(Cohort.graduates),
        col(Cohort.placed),
        col(Cohort.in_field),
    ).where(
        col(Cohort.school_id) == school_id,
        col(Cohort.school_id).in_(scope.schools()),
        col(Cohort.graduation_year).between(scope.first_year, scope.last_year),
        *scope.majors(col(Cohort.major_code)),
    )
    return {
        (str(code), int(year)): (int(g), int(p), int(i))
        for code, year, g, p, i in session.execute(statement)
    }


def site_counts(session: Session, scope: Scope) -> list[tuple[str, int, int]]:
    """(major, year, sites): schools with a programme or a cohort of the major that year."""
    schools = scope.schools()
    offers = union(
        select(
            col(Programme.school_id), col(Programme.major_code), col(Programme.year).label("year")
        ).where(
            col(Programme.school_id).in_(schools),
            col(Programme.year).between(scope.first_year, scope.last_year),
            *scope.majors(col(Programme.major_code)),
        ),
        select(
            col(Cohort.school_id), col(Cohort.major_code), col(Cohort.graduation_year).label("year")
        ).where(
            col(Cohort.school_id).in_(schools),
            col(Cohort.graduation_year).between(scope.first_year, scope.last_year),
            *scope.majors(col(Cohort.major_code)),
        ),
    ).subquery()
    statement = select(
        offers.c.major_code, offers.c.year, func.count(func.distinct(offers.c.school_id))
    ).group_by(offers.c.major_code, offers.c.year)
    return [(code, int(y), int(n)) for code, y, n in session.execute(statement)]


def starting_between(first_year: int, last_year: int) -> list[ColumnElement[bool]]:
    """Positions starting in the years ``first_year`` to ``last_year``."""
    start = col(Position.start_date)
    return [start >= date(first_year, 1, 1), start < date(last_year + 1, 1, 1)]


def asked_headcounts(
    asks: type[PositionMajor] | type[PositionMajorClass],
    code: Any,
    conditions: Sequence[ColumnElement[bool]],
    *,
    by_region: bool = False,
    by_position: bool = False,
) -> Subquery:
    """One row per published position and code it asks for (``asks`` and its ``code``:
    ``PositionMajor.major_code`` or ``PositionMajorClass.class_code``, kept under its name), with
    the position's start year, kind, headcount and ``k``, how many codes of that kind the position
    asks for: it gives headcount / k to each. ``k`` counts every code asked, before any filter on
    the codes; grouping by it keeps sums whole, so the division happens exactly, once per group,
    in Python. ``by_region``: the position's region code too; ``by_position``: its id."""
    start = col(Position.start_date)
    return (
        select(
            *([col(Position.id).label("position_id")] if by_position else []),
            *([col(Position.region_code).label("region_code")] if by_region else []),
            col(code).label(code.key),
            cast(extract("year", start), Integer).label("year"),
            col(Position.kind).label("kind"),
            col(Position.headcount).label("headcount"),
            func.count().over(partition_by=col(Position.id)).label("k"),
        )
        .join(asks, col(asks.position_id) == col(Position.id))
        .where(*positions_repository.published(), *conditions)
        .subquery()
    )


def position_headcounts(session: Session, scope: Scope) -> list[tuple[str, int, str, int, int]]:
    """(major, year, kind, k, headcount) of published positions starting in the window
    (``k``: see :func:`asked_headcounts`)."""
    asked = asked_headcounts(
        PositionMajor,
        PositionMajor.major_code,
        [
            scope.region(col(Position.region_code)),
            *starting_between(scope.first_year, scope.last_year),
        ],
    )
    statement = (
        select(
            asked.c.major_code, asked.c.year, asked.c.kind, asked.c.k, func.sum(asked.c.headcount)
        )
        .where(*scope.majors(asked.c.major_code))
        .group_by(asked.c.major_code, asked.c.year, asked.c.kind, asked.c.k)
    )
    return [
        (code, int(y), str(kind), int(k), int(total))
        for code, y, kind, k, total in session.execute(statement)
    ]


def forecast_headcounts(session: Session, scope: Scope) -> list[tuple[str, int, int]]:
    """(major, year, headcount) of the demand forecasts published for majors in the region."""
    year = col(DemandForecast.year)
    major = col(DemandForecast.major_code)
    statement = (
        select(major, year, func.sum(col(DemandForecast.headcount)))
        .where(
            major.is_not(None),
            col(DemandForecast.publisher_id).not_in(organizations_repository.unverified_ids()),
            scope.region(col(DemandForecast.region_code)),
            year.between(scope.first_year, scope.last_year),
            *scope.majors(major),
        )
        .group_by(major, year)
    )
    return [(str(code), int(y), int(n or 0)) for code, y, n in session.execute(statement)]


def majors(session: Session, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Code → (name, level) of the given majors."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = session.execute(
        select(col(Major.code), col(Major.name), col(Major.level)).where(
            col(Major.code).in_(wanted)
        )
    )
    return {code: (name, level) for code, name, level in rows}


def school_majors(
    session: Session, school_id: uuid.UUID, first_year: int, last_year: int
) -> set[str]:
    """Majors a school runs in the window: a programme or a cohort of it."""
    programmes = select(col(Programme.major_code)).where(
        col(Programme.school_id) == school_id, col(Programme.year).between(first_year, last_year)
    )
    cohorts = select(col(Cohort.major_code)).where(
        col(Cohort.school_id) == school_id,
        col(Cohort.graduation_year).between(first_year, last_year),
    )
    return set(session.execute(union(programmes, cohorts)).scalars())


def programme_plans(
    session: Session, scope: Scope, major_code: str, from_year: int
) -> list[tuple[uuid.UUID, int, int, int]]:
    """(school id, year, enrolment plan, enrolled or else plan) of each of the region's programmes
    of a major from ``from_year`` on: the what-if carries each school's last plan forward."""
    statement = (
        select(
            col(Programme.school_id),
            col(Programme.year),
            col(Programme.enrolment_plan),
            func.coalesce(col(Programme.enrolled), col(Programme.enrolment_plan)),
        )
        .where(
            col(Programme.school_id).in_(scope.schools()),
            col(Programme.major_code) == major_code,
            col(Programme.year) >= from_year,
        )
        .order_by(col(Programme.school_id), col(Programme.year))
    )
    return [(s, int(y), int(p), int(e)) for s, y, p, e in session.execute(statement)]


def latest_cohort_year_by_school_region(session: Session) -> list[tuple[str, int]]:
    """(school region code, latest graduation year with a cohort there)."""
    statement = (
        select(col(Organization.region_code), func.max(col(Cohort.graduation_year)))
        .join(Organization, col(Organization.id) == col(Cohort.school_id))
        .where(col(Organization.kind) == OrganizationKind.school)
        .group_by(col(Organization.region_code))
    )
    return [(code, int(y)) for code, y in session.execute(statement) if y is not None]


def latest_cohort_year(session: Session, scope: Scope) -> int | None:
    statement = select(func.max(col(Cohort.graduation_year))).where(
        col(Cohort.school_id).in_(scope.schools())
    )
    value = session.execute(statement).scalar()
    return None if value is None else int(value)


def regions(session: Session, codes: Iterable[str]) -> dict[str, Region]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    statement = select(Region).where(col(Region.code).in_(wanted))
    return {r.code: r for r in session.execute(statement).scalars()}


# ---------------------------------------------------------------- warning snapshots


def replace_snapshots(
    session: Session, region_code: str, year: int, profile_key: str, rows: Sequence[dict[str, Any]]
) -> None:
    """Upsert the snapshot rows of (region, year, profile) and drop majors no longer reported."""
    table = WarningSnapshot.__table__  # type: ignore[attr-defined]
    keep = [row["major_code"] for row in rows]
    stale = delete(table).where(
        table.c.region_code == region_code,
        table.c.year == year,
        table.c.profile_key == profile_key,
    )
    if keep:
        stale = stale.where(table.c.major_code.not_in(keep))
    session.execute(stale)
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = ["region_code", "year", "profile_key", "major_code"]
    # 9 columns a row: 800 rows stay far below either database's bound-parameter limit.
    for start in range(0, len(rows), 800):
        statement = insert(table).values(list(rows[start : start + 800]))
        statement = statement.on_conflict_do_update(
            index_elements=key,
            set_={
                name: statement.excluded[name]
                for name in ("action", "figures", "reasons", "computed_at")
            },
        )
        session.execute(statement)


def snapshots(
    session: Session, region_code: str, years: Sequence[int], profile_key: str
) -> list[WarningSnapshot]:
    statement = (
        select(WarningSnapshot)
        .where(
            col(WarningSnapshot.region_code) == region_code,
            col(WarningSnapshot.year).in_(list(years)),
            col(WarningSnapshot.profile_key) == profile_key,
        )
        .order_by(col(WarningSnapshot.year), col(WarningSnapshot.major_code))
    )
    return list(session.execute(statement).scalars())


# ---------------------------------------------------------------- demand naming a 专业类


def class_position_headcounts(
    session: Session, scope: Scope
) -> list[tuple[str, int, str, int, int]]:
    """(专业类, year, kind, k, headcount) of published positions asking for a 专业类 as a whole;
    ``k`` counts the position's class asks, as `position_headcounts` counts its majors."""
    asked = asked_headcounts(
        PositionMajorClass,
        PositionMajorClass.class_code,
        [
            scope.region(col(Position.region_code)),
            *starting_between(scope.first_year, scope.last_year),
        ],
    )
    statement = select(
        asked.c.class_code, asked.c.year, asked.c.kind, asked.c.k, func.sum(asked.c.headcount)
    ).group_by(asked.c.class_code, asked.c.year, asked.c.kind, asked.c.k)
    return [
        (str(code), int(y), str(kind), int(k), int(total))
        for code, y, kind, k, total in session.execute(statement)
    ]


def class_forecast_headcounts(session: Session, scope: Scope) -> list[tuple[str, int, int]]:
    """(专业类, year, headcount) of demand forecasts published for a 专业类 in the region."""
    year = col(DemandForecast.year)
    class_code = col(DemandForecast.class_code)
    statement = (
        select(class_code, year, func.sum(col(DemandForecast.headcount)))
        .where(
            class_code.is_not(None),
            col(DemandForecast.publisher_id).not_in(organizations_repository.unverified_ids()),
            scope.region(col(DemandForecast.region_code)),
            year.between(scope.first_year, scope.last_year),
        )
        .group_by(class_code, year)
    )
    return [(str(code), int(y), int(n or 0)) for code, y, n in session.execute(statement)]


def class_members(
    session: Session, class_codes: Iterable[str], scope: Scope
) -> dict[str, list[str]]:
    """The majors of each 专业类, under the scope's level and major filters."""
    wanted = sorted(set(class_codes))
    if not wanted:
        return {}
    statement = select(col(Major.class_code), col(Major.code)).where(
        col(Major.class_code).in_(wanted), *scope.majors(col(Major.code))
    )
    out: dict[str, list[str]] = {}
    for class_code, code in session.execute(statement):
        out.setdefault(class_code, []).append(code)
    return out


def school_major_figures(
    session: Session,
    scope: RegionScope | None,
    only: uuid.UUID | None,
    major_code: str,
    first_year: int,
    last_year: int,
) -> tuple[list[Any], list[Any]]:
    """The evidence of one major: (school id, name, code, region, graduation year, graduates,
    placed, in field) of each verified school's cohorts, and (school id, name, code, region, year,
    enrolment plan) of its programmes, over the years; schools in ``scope`` (None: all), or
    ``only`` that one."""
    school_filter = [
        col(Organization.kind) == OrganizationKind.school,
        col(Organization.status) == OrganizationStatus.verified,
    ]
    if scope is not None:
        school_filter.append(scope.contains(col(Organization.region_code)))
    if only is not None:
        school_filter.append(col(Organization.id) == only)
    cohorts = session.execute(
        select(
            col(Organization.id),
            col(Organization.name),
            col(Organization.code),
            col(Organization.region_code),
            col(Cohort.graduation_year),
            col(Cohort.graduates),
            col(Cohort.placed),
            col(Cohort.in_field),
        )
        .join(Cohort, col(Cohort.school_id) == col(Organization.id))
        .where(
            *school_filter,
            col(Cohort.major_code) == major_code,
            col(Cohort.graduation_year).between(first_year, last_year),
        )
    ).all()
    plans = session.execute(
        select(
            col(Organization.id),
            col(Organization.name),
            col(Organization.code),
            col(Organization.region_code),
            col(Programme.year),
            col(Programme.enrolment_plan),
        )
        .join(Programme, col(Programme.school_id) == col(Organization.id))
        .where(
            *school_filter,
            col(Programme.major_code) == major_code,
            col(Programme.year).between(first_year, last_year),
        )
    ).all()
    return list(cohorts), list(plans)
