"""One major's evidence in a mismatch report: its row, and the schools and years behind it.

The regulator's drill-down: the figures of the report row broken down by school and graduation
year (cohorts) and enrolment plans (programmes), so each number can be traced to who reported it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlmodel import Session

from models import Role, User
from service.catalog import regions as catalog
from service.errors import Invalid, NotFound, field_detail
from service.reports import operations, repository
from service.reports.operations import NATIONAL_CODE, MismatchQuery
from service.reports.schemas import MismatchRow


@dataclass
class SchoolYear:
    year: int
    graduates: int | None = None
    placed: int | None = None
    in_field: int | None = None
    enrolment_plan: int | None = None

    @property
    def destination_rate(self) -> float | None:
        if not self.graduates or self.placed is None:
            return None
        return self.placed / self.graduates


@dataclass
class SchoolEvidence:
    school_id: uuid.UUID
    name: str
    code: str
    region_code: str
    years: list[SchoolYear] = field(default_factory=list)


@dataclass(frozen=True)
class MajorEvidence:
    region: str
    region_name: str
    year: int
    first_year: int
    row: MismatchRow
    schools: list[SchoolEvidence]


def major_evidence(
    session: Session, query: MismatchQuery, major_code: str, *, viewer: User | None
) -> MajorEvidence:
    """The report row of ``major_code`` with each verified school's cohorts and plans by year.

    A school viewer sees its own figures only (the regional row is the same as in its report).
    """
    report = operations.mismatch_report(session, query, viewer=viewer)
    row = next((r for r in report.rows if r.major_code == major_code), None)
    if row is None:
        raise NotFound(
            "该专业不在报告中",
            details=[
                field_detail(
                    "major", f"{report.region_name}{query.year}年没有专业{major_code}的数据"
                )
            ],
        )
    years = [h.year for h in row.history] + [query.year]
    first_year = min(years)
    # The report's own region (its viewer's default when none was asked); national covers all.
    scope = None if report.region == NATIONAL_CODE else catalog.region_scope(session, report.region)
    only = viewer.organization_id if viewer is not None and viewer.role == Role.school else None
    schools = _school_figures(session, scope, major_code, first_year, query.year, only)
    return MajorEvidence(
        region=report.region,
        region_name=report.region_name,
        year=query.year,
        first_year=first_year,
        row=row,
        schools=schools,
    )


def _school_figures(
    session: Session,
    scope: catalog.RegionScope | None,
    major_code: str,
    first_year: int,
    last_year: int,
    only: uuid.UUID | None,
) -> list[SchoolEvidence]:
    if first_year > last_year:
        raise Invalid("年份范围无效", details=[field_detail("year", "起始年份晚于报告年份")])
    cohorts, plans = repository.school_major_figures(
        session, scope, only, major_code, first_year, last_year
    )
    schools: dict[uuid.UUID, SchoolEvidence] = {}
    cells: dict[tuple[uuid.UUID, int], SchoolYear] = {}

    def cell(school_id: uuid.UUID, name: str, code: str, region: str, year: int) -> SchoolYear:
        school = schools.setdefault(school_id, SchoolEvidence(school_id, name, code, region))
        if (school_id, year) not in cells:
            cells[(school_id, year)] = SchoolYear(year)
            school.years.append(cells[(school_id, year)])
        return cells[(school_id, year)]

    for school_id, name, code, region, year, graduates, placed, in_field in cohorts:
        item = cell(school_id, name, code, region, int(year))
        item.graduates, item.placed, item.in_field = int(graduates), int(placed), int(in_field)
    for school_id, name, code, region, year, plan in plans:
        cell(school_id, name, code, region, int(year)).enrolment_plan = int(plan)
    for school in schools.values():
        school.years.sort(key=lambda y: y.year)
    return sorted(schools.values(), key=lambda s: s.code)
