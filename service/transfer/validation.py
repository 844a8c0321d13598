"""The rules of each import kind, applied to every row of a file with look-ups loaded once.

The rules themselves belong to their domains and are called from here: organisation fields
(:func:`service.organizations.operations.validate_organization_fields`), position fields
(:class:`service.positions.schemas.PositionCreate`) and posting rules
(:mod:`service.positions.compliance`), cohorts
(:func:`service.programmes.operations.cohort_problems`), demand forecasts
(:class:`service.demand.schemas.DemandForecastCreate`), and the catalogue's resolution of major
names. What is left here is what only a file has: row numbers, parents named by code, natural keys
repeated within the file, and who may import which rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from matching.resolve import Resolution
from models import OrganizationKind, OrganizationStatus, PositionKind, PositionStatus
from models.base import ORGANIZATION_KIND_LABELS
from rules.screen import Finding, PositionFacts
from service.catalog import operations as catalog
from service.demand import operations as demand
from service.demand.schemas import DemandForecastCreate
from service.errors import pydantic_errors_to_details
from service.organizations import operations as organizations
from service.positions import compliance
from service.positions import operations as positions
from service.positions.schemas import PositionCreate
from service.programmes import operations as programmes
from service.students import privacy
from service.transfer import repository
from service.transfer.columns import MAJOR_CODE_SHAPE, SPECS, TransferKind, render_text
from service.transfer.repository import OrgRef
from service.transfer.rows import CompactRow, ParsedRow, Shared
from service.transfer.schemas import Problem

SchemaT = TypeVar("SchemaT", bound=BaseModel)

# Statuses under which a posting is public now, and so must pass the posting rules (the API checks
# a position when it is published and whenever an open one is edited).
CHECKED_STATUSES = frozenset({PositionStatus.open, PositionStatus.filled})

KEY_LABELS = {
    TransferKind.organizations: "机构代码",
    TransferKind.programmes: "学校、专业和年份",
    TransferKind.cohorts: "学校、专业和毕业年份",
    TransferKind.positions: "企业、岗位名称和开始日期",
    TransferKind.demand: "发布机构、专业（职业）、需求地区和年份",
    TransferKind.students: "学校和学号",
}


# The column a repeated natural key is reported on.
KEY_COLUMNS = {
    TransferKind.organizations: "code",
    TransferKind.programmes: "year",
    TransferKind.cohorts: "graduation_year",
    TransferKind.positions: "title",
    TransferKind.demand: "year",
    TransferKind.students: "student_no",
}


@dataclass(slots=True)
class Prepared:
    """A valid row as it will be stored: its natural key and its column values (a position's in a
    :class:`PositionValues`, which an import holds for every row of its file)."""

    row: int
    key: tuple[Any, ...]
    values: dict[str, Any] | CompactRow
    majors: tuple[str, ...] = ()


@dataclass
class Lookups:
    """Everything the rows of one file are checked against, loaded once."""

    by_code: dict[str, OrgRef]  # the organisations the file names
    codes: organizations.ReferenceCodes
    majors: dict[str, str]
    occupations: frozenset[str]
    owner: OrgRef | None
    today: date
    resolutions: dict[tuple[str, str | None], Resolution] = field(default_factory=dict)
    # Equal values across the file's rows, held once (see rows.Shared).
    shared: Shared = field(default_factory=Shared)


class Collector:
    """Collects the problems of a file, each tied to its row and column."""

    def __init__(self, kind: TransferKind, problems: list[Problem]) -> None:
        self.labels = {column.name: column.label for column in SPECS[kind].columns}
        self.problems = problems

    def add(
        self,
        row: ParsedRow,
        column: str,
        message: str,
        candidates: list[dict[str, Any]] | None = None,
    ) -> None:
        self.problems.append(
            Problem(
                row.row,
                column,
                row.text(column),
                message,
                candidates,
                label=self.labels.get(column, ""),
            )
        )


# ---------------------------------------------------------------- shared checks


def parent_codes(kind: TransferKind, rows: Iterable[ParsedRow]) -> set[str]:
    """The organisation codes a file names (the organisation file names only itself)."""
    column = _PARENT_COLUMN.get(kind)
    if column is None:
        return {row.values["code"] for row in rows if row.values.get("code")}
    return {row.values[column] for row in rows if row.values.get(column)}


_PARENT_COLUMN = {
    TransferKind.programmes: "school_code",
    TransferKind.cohorts: "school_code",
    TransferKind.positions: "enterprise_code",
    TransferKind.demand: "publisher_code",
    TransferKind.students: "school_code",
}


def _parent(
    lookups: Lookups,
    collect: Collector,
    row: ParsedRow,
    column: str,
    kinds: frozenset[OrganizationKind],
    expected: str,
) -> OrgRef | None:
    code = row.values.get(column)
    if code is None:
        return None
    organization = lookups.by_code.get(code)
    if organization is None:
        collect.add(row, column, f"机构代码{code}未在平台登记，请先导入该{expected}")
        return None
    if organization.kind not in kinds:
        kind_label = ORGANIZATION_KIND_LABELS[OrganizationKind(organization.kind)]
        collect.add(row, column, f"{code}（{organization.name}）是{kind_label}，不是{expected}")
        return None
    if lookups.owner is not None and organization.id != lookups.owner.id:
        collect.add(row, column, f"只能导入本机构（{lookups.owner.code}）的数据")
        return None
    return organization


def resolve_names(
    session: Session, lookups: Lookups, requests: Iterable[tuple[str, str | None]]
) -> None:
    """Resolve every distinct (name, level) of a file through the catalogue, one batch per level."""
    by_level: dict[str | None, list[str]] = {}
    for name, level in requests:
        if (name, level) not in lookups.resolutions and not MAJOR_CODE_SHAPE.fullmatch(name):
            names = by_level.setdefault(level, [])
            if name not in names:
                names.append(name)
    for level, names in by_level.items():
        for name, resolution in zip(
            names, catalog.resolve_majors(session, names, level), strict=True
        ):
            lookups.resolutions[(name, level)] = resolution


def _major(
    lookups: Lookups, text: str, level: str | None
) -> tuple[str | None, str, list[dict[str, Any]] | None]:
    """(code, problem, candidates): a catalogue code as given, or a name the catalogue resolves."""
    if MAJOR_CODE_SHAPE.fullmatch(text):
        if text in lookups.majors:
            return text, "", None
        return None, f"专业代码{text}不在职业教育专业目录中", None
    resolution = lookups.resolutions[(text, level)]
    if resolution.code is not None:
        return resolution.code, "", None
    candidates = [candidate.to_dict() for candidate in resolution.candidates]
    return None, catalog.unresolved_message(resolution, level), candidates


def _major_column(row: ParsedRow) -> tuple[str, str | None]:
    """The column a row names its major in, and the text (the code wins when both are filled)."""
    for column in ("major_code", "major_name"):
        value = row.values.get(column)
        if value:
            return column, str(value)
    return "major_code", None


def _schema_problems(
    collect: Collector,
    row: ParsedRow,
    schema: type[SchemaT],
    data: Mapping[str, Any],
    columns: Mapping[str, str],
) -> SchemaT | None:
    """Validate ``data`` with a domain's request schema; its field errors become cell problems."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        for detail in pydantic_errors_to_details(error.errors()):
            field_name = str(detail["field"]).split(".")[0]
            column = columns.get(field_name, field_name)
            if column in row.failed:
                continue  # the cell could not be read; that is already reported
            label = collect.labels.get(column, "")
            collect.add(row, column if label else "", f"{label}{detail['message']}")
        return None


# ---------------------------------------------------------------- the kinds


def check_organizations(
    _session: Session, lookups: Lookups, rows: Sequence[ParsedRow], collect: Collector
) -> list[Prepared]:
    prepared: list[Prepared] = []
    for row in rows:
        data = {name: row.values.get(name) for name in _ORGANIZATION_FIELDS}
        problems = organizations.validate_organization_fields(lookups.codes, data)
        for column, message in problems:
            if column not in row.failed:
                collect.add(row, column, message)
        if problems or row.failed:
            continue
        kind = OrganizationKind(str(data["kind"]))
        code = str(data["code"])
        stored = lookups.by_code.get(code)
        if stored is not None and stored.kind != kind:
            was = ORGANIZATION_KIND_LABELS[OrganizationKind(stored.kind)]
            collect.add(
                row,
                "kind",
                f"机构代码{code}已登记为{was}，机构类型不能改为{ORGANIZATION_KIND_LABELS[kind]}",
            )
            continue
        values = {
            "kind": kind.value,
            "code": code,
            "name": str(data["name"]).strip(),
            "region_code": data["region_code"],
            "industry_code": data["industry_code"],
            "level": data["level"] if kind is OrganizationKind.school else None,
            "staff_count": data["staff_count"],
        }
        prepared.append(Prepared(row.row, (code,), values))
    return prepared


_ORGANIZATION_FIELDS = (
    "kind",
    "code",
    "name",
    "region_code",
    "industry_code",
    "level",
    "staff_count",
)
_SCHOOLS = frozenset({OrganizationKind.school})
_ENTERPRISES = frozenset({OrganizationKind.enterprise})


def _school_rows(
    session: Session,
    lookups: Lookups,
    rows: Sequence[ParsedRow],
    collect: Collector,
) -> list[tuple[ParsedRow, OrgRef, str]]:
    """Rows whose school is known and whose major resolves (at the school's level): (row, school,
    major code)."""
    schools = [
        (row, _parent(lookups, collect, row, "school_code", _SCHOOLS, "学校")) for row in rows
    ]
    resolve_names(
        session,
        lookups,
        (
            (text, school.level)
            for row, school in schools
            if school is not None
            for _, text in [_major_column(row)]
            if text is not None
        ),
    )
    out: list[tuple[ParsedRow, OrgRef, str]] = []
    for row, school in schools:
        column, text = _major_column(row)
        if school is None or text is None:  # an empty major is reported when the row is read
            continue
        code, problem, candidates = _major(lookups, text, school.level)
        if code is None:
            collect.add(row, column, problem, candidates)
            continue
        out.append((row, school, code))
    return out


def check_programmes(
    session: Session, lookups: Lookups, rows: Sequence[ParsedRow], collect: Collector
) -> list[Prepared]:
    prepared: list[Prepared] = []
    for row, school, major in _school_rows(session, lookups, rows, collect):
        if row.failed:
            continue
        values = {
            "school_id": school.id,
            "major_code": major,
            "year": row.values["year"],
            "enrolment_plan": row.values["enrolment_plan"],
            "enrolled": row.values.get("enrolled"),
            "practical_hours_share": row.values.get("practical_hours_share"),
        }
        prepared.append(Prepared(row.row, (school.id, major, values["year"]), values))
    return prepared


def check_cohorts(
    session: Session, lookups: Lookups, rows: Sequence[ParsedRow], collect: Collector
) -> list[Prepared]:
    prepared: list[Prepared] = []
    found = _school_rows(session, lookups, rows, collect)
    runs = repository.programme_majors(session, {school.id for _, school, _ in found})
    for row, school, major in found:
        if row.failed:
            continue
        v = row.values
        graduates, placed, in_field = v["graduates"], v["placed"], v["in_field"]
        further = v.get("further_study") or 0
        problems = programmes.cohort_problems(
            v["graduation_year"], graduates, placed, in_field, further, lookups.today.year
        )
        for column, message in problems:
            collect.add(row, column, message)
        if problems:
            continue
        if (school.id, major) not in runs:
            # Cohorts only of majors the school runs (issue 24 point 8): the figures of a major
            # without a programme would enter the report under a school that has no such site.
            collect.add(
                row,
                _major_column(row)[0],
                f"学校{school.code}未开设专业{major}，不能填报该专业的毕业生；请先录入专业开设",
            )
            continue
        values = {
            "school_id": school.id,
            "major_code": major,
            "graduation_year": v["graduation_year"],
            "graduates": graduates,
            "placed": placed,
            "in_field": in_field,
            "further_study": further,
            "avg_monthly_salary": v.get("avg_monthly_salary"),
        }
        key = (school.id, major, v["graduation_year"])
        prepared.append(Prepared(row.row, key, values))
    return prepared


def check_students(
    session: Session, lookups: Lookups, rows: Sequence[ParsedRow], collect: Collector
) -> list[Prepared]:
    bad_regions: set[int] = set()
    for row in rows:
        unknown = [
            code
            for code in row.values.get("preferred_regions") or []
            if not lookups.codes.region_exists(code)
        ]
        if unknown:
            collect.add(row, "preferred_regions", f"行政区划代码不存在：{'、'.join(unknown)}")
            bad_regions.add(row.row)
        for column in ("name", "phone"):
            if privacy.is_masked(row.values.get(column)):
                # A masked export read back must not overwrite the real value with its mask.
                collect.add(row, column, "内容为脱敏值（含*），请填写真实信息或留空该列")
                bad_regions.add(row.row)
    prepared: list[Prepared] = []
    for row, school, major in _school_rows(session, lookups, rows, collect):
        if row.failed or row.row in bad_regions:
            continue
        values = {
            "school_id": school.id,
            "student_no": row.values["student_no"],
            "name": row.values.get("name") or "",
            "phone": row.values.get("phone") or None,
            "birth_date": row.values.get("birth_date"),
            "major_code": major,
            "graduation_year": row.values["graduation_year"],
            "skills": row.values.get("skills") or [],
            "preferred_regions": row.values.get("preferred_regions") or [],
        }
        prepared.append(Prepared(row.row, (school.id, values["student_no"]), values))
    return prepared


def check_demand(
    session: Session, lookups: Lookups, rows: Sequence[ParsedRow], collect: Collector
) -> list[Prepared]:
    publishers = [
        (
            row,
            _parent(
                lookups,
                collect,
                row,
                "publisher_code",
                demand.PUBLISHER_KINDS,
                "企业、园区或政府机构",
            ),
        )
        for row in rows
    ]
    resolve_names(
        session,
        lookups,
        ((text, None) for row, _ in publishers for _, text in [_major_column(row)] if text),
    )
    prepared: list[Prepared] = []
    for row, publisher in publishers:
        if publisher is not None and publisher.status != OrganizationStatus.verified:
            collect.add(
                row,
                "publisher_code",
                f"机构{publisher.code}尚未通过审核或已被暂停，不能发布人才需求",
            )
            publisher = None
        major_column, major_text = _major_column(row)
        occupation = row.values.get("occupation_code")
        # DemandForecastCreate's fields are the file's columns, but for the major.
        columns = {"major": major_column}
        data = {
            "major": major_text,
            "occupation_code": occupation,
            "region_code": row.values.get("region_code"),
            "year": row.values.get("year"),
            "headcount": row.values.get("headcount"),
        }
        checked = _schema_problems(collect, row, DemandForecastCreate, data, columns)
        bad = checked is None or publisher is None or bool(row.failed)
        if major_text and occupation:
            collect.add(row, "occupation_code", "专业和职业只能填写其一")
            bad = True
        if occupation and occupation not in lookups.occupations:
            collect.add(row, "occupation_code", f"职业代码不存在（职业分类大典2022）：{occupation}")
            bad = True
        region = data["region_code"]
        if region and not lookups.codes.region_exists(region):
            collect.add(row, "region_code", f"行政区划代码不存在：{region}")
            bad = True
        major = None
        if major_text:
            major, problem, candidates = _major(lookups, major_text, None)
            if major is None:
                collect.add(row, major_column, problem, candidates)
                bad = True
        if bad or publisher is None:
            continue
        target = major or occupation
        values = {
            "publisher_id": publisher.id,
            "major_code": major,
            "occupation_code": occupation if major is None else None,
            "target_code": target,
            "region_code": region,
            "year": data["year"],
            "headcount": data["headcount"],
        }
        key = (publisher.id, target, region, data["year"])
        prepared.append(Prepared(row.row, key, values))
    return prepared


_POSITION_FIELDS = {
    "kind": "kind",
    "title": "title",
    "description": "description",
    "requirements": "requirements",
    "majors": "major_codes",
    "skills": "skills",
    "region_code": "region_code",
    "headcount": "headcount",
    "monthly_pay": "monthly_pay",
    "same_post_wage": "same_post_wage",
    "post_staff_count": "post_staff_count",
    "hours_per_day": "hours_per_day",
    "hours_per_week": "hours_per_week",
    "start_date": "start_date",
    "end_date": "end_date",
    "closing_date": "closing_date",
    "occupation_code": "occupation_code",
}


@dataclass(frozen=True)
class PositionRow:
    """A position row as the posting rules read it (:class:`compliance.PositionLike`)."""

    enterprise_id: uuid.UUID
    kind: str
    title: str
    description: str
    headcount: int
    monthly_pay: float | None
    same_post_wage: float | None
    post_staff_count: int | None
    hours_per_day: float | None
    hours_per_week: float | None
    skills: list[str] = field(default_factory=list)
    requirements: str = ""


def check_positions(
    session: Session, lookups: Lookups, rows: Sequence[ParsedRow], collect: Collector
) -> list[Prepared]:
    enterprises = [
        (row, _parent(lookups, collect, row, "enterprise_code", _ENTERPRISES, "企业"))
        for row in rows
    ]
    resolve_names(
        session,
        lookups,
        ((text, None) for row, _ in enterprises for text in row.values.get("major_codes") or []),
    )
    prepared: list[Prepared] = []
    for row, enterprise in enterprises:
        v = row.values
        status = PositionStatus(v.get("status") or PositionStatus.open)
        data: dict[str, Any] = {name: v.get(column) for name, column in _POSITION_FIELDS.items()}
        data["description"] = data["description"] or ""
        data["requirements"] = data["requirements"] or ""
        data["majors"] = data["majors"] or []
        data["skills"] = data["skills"] or []
        if enterprise is not None and data["region_code"] is None:
            data["region_code"] = enterprise.region_code
        checked = _schema_problems(collect, row, PositionCreate, data, _POSITION_FIELDS)
        bad = checked is None or enterprise is None or bool(row.failed)
        if enterprise is not None and status in CHECKED_STATUSES:
            if enterprise.status != OrganizationStatus.verified:
                collect.add(
                    row,
                    "status",
                    f"企业{enterprise.code}尚未通过审核或已被暂停，岗位不能为招聘中或已招满",
                )
                bad = True
        region = data["region_code"]
        if region and not lookups.codes.region_exists(region):
            collect.add(row, "region_code", f"行政区划代码不存在：{region}")
            bad = True
        for column, message in positions.date_problems(
            data["start_date"], data["end_date"], data["closing_date"]
        ):
            collect.add(row, column, message)
            bad = True
        occupation = data["occupation_code"]
        if occupation and occupation not in lookups.occupations:
            collect.add(row, "occupation_code", f"职业代码不存在（职业分类大典2022）：{occupation}")
            bad = True
        majors: list[str] = []
        for text in data["majors"]:
            code, problem, candidates = _major(lookups, text, None)
            if code is None:
                collect.add(row, "major_codes", problem, candidates)
                bad = True
            elif code not in majors:
                majors.append(code)
        if bad or checked is None or enterprise is None:
            continue
        position = checked
        share = lookups.shared
        values = PositionValues(
            {
                "enterprise_id": enterprise.id,
                "kind": position.kind.value,
                "title": position.title,
                "description": share(position.description),
                "requirements": share(position.requirements),
                "skills": share(position.skills, ("skills", *position.skills)),
                "region_code": share(position.region_code),
                "headcount": position.headcount,
                "monthly_pay": position.monthly_pay,
                "same_post_wage": position.same_post_wage,
                "post_staff_count": position.post_staff_count,
                "hours_per_day": position.hours_per_day,
                "hours_per_week": position.hours_per_week,
                "start_date": share(position.start_date),
                "end_date": share(position.end_date),
                "closing_date": share(position.closing_date),
                "occupation_code": position.occupation_code,
                "status": status.value,
            }
        )
        key = (enterprise.id, position.title, values["start_date"])
        prepared.append(Prepared(row.row, key, values, share(tuple(sorted(majors)))))
    return prepared


# What an import writes of a position: the checked columns, the posting rules' findings, and what
# the write derives (id, time stamps, publication, search words).
PositionValues = CompactRow.of(
    "PositionValues",
    (
        "enterprise_id", "kind", "title", "description", "requirements", "skills", "region_code",
        "headcount", "monthly_pay", "same_post_wage", "post_staff_count", "hours_per_day",
        "hours_per_week", "start_date", "end_date", "closing_date", "occupation_code", "status",
        "compliance_findings", "id", "order_training", "created_at", "updated_at",
        "published_at", "search_title", "search_body",
    ),
    module=__name__,
)  # fmt: skip


def counts_as_intern(values: Mapping[str, Any], today: date) -> bool:
    """Whether a position places interns now: the condition of
    :func:`service.positions.compliance.existing_interns`, applied to one row in memory."""
    end = values.get("end_date")
    return (
        values["kind"] == PositionKind.internship
        and values["status"] in compliance.INTERN_STATUSES
        and (end is None or end >= today)
    )


def check_position_rules(
    lookups: Lookups,
    prepared: Iterable[Prepared],
    stored: Mapping[tuple[Any, ...], Mapping[str, Any]],
    stored_interns: Mapping[uuid.UUID, int],
    collect: Collector,
    unchanged: Callable[[Prepared], bool],
    file_interns: Mapping[uuid.UUID, int],
) -> Iterator[Prepared]:
    """The posting rules on the rows that will be public; warnings are kept on the row.

    As in the API, a posting is checked when it is published or edited: a row equal to its stored
    position keeps the findings it has. The intern share is judged on the enterprise as it will
    be after the import: its stored internships that the file does not replace, plus the file's.
    ``file_interns``: the file's interns by enterprise (:func:`file_interns`, summed as its rows
    were checked). The rows that pass are yielded as they are checked (a spilled plan is never
    held whole), so the problems are complete only once every row has been taken.
    """
    staff = {ref.id: ref.staff_count for ref in lookups.by_code.values()}
    interns = dict(stored_interns)
    for key, values in stored.items():
        if counts_as_intern(values, lookups.today):
            interns[key[0]] = interns.get(key[0], 0) - int(values["headcount"])
    for enterprise, headcount in file_interns.items():
        interns[enterprise] = interns.get(enterprise, 0) + headcount
    checks: dict[PositionFacts, list[Finding]] = {}
    # The stored form of each distinct list of findings, once (rows share it; nothing mutates it).
    stored_findings: dict[int, list[dict[str, Any]]] = {}
    codes = {ref.id: ref.code for ref in lookups.by_code.values()}
    for item in prepared:
        values = item.values
        previous = stored.get(item.key)
        if values["status"] == PositionStatus.draft and not unchanged(item):
            # A draft's texts are screened as in the API: its findings are kept on it for its
            # enterprise to see, and block only when it is published.
            facts = compliance.facts_of(_position_row(values), staff_count=None, existing_interns=0)
            values["compliance_findings"] = [
                f.to_dict() for f in compliance.check_facts(facts) if f.category
            ]
            yield item
            continue
        if values["status"] not in CHECKED_STATUSES or unchanged(item):
            # Closed postings were checked when they were open.
            values["compliance_findings"] = previous["compliance_findings"] if previous else []
            yield item
            continue
        enterprise = values["enterprise_id"]
        own = int(values["headcount"]) if counts_as_intern(values, lookups.today) else 0
        facts = compliance.facts_of(
            _position_row(values),
            staff_count=staff.get(enterprise),
            existing_interns=max(interns.get(enterprise, 0) - own, 0),
        )
        findings = checks.get(facts)
        if findings is None:
            findings = checks[facts] = compliance.check_facts(facts)
        blocking = [finding for finding in findings if finding.severity == "blocking"]
        for finding in blocking:
            column = _FINDING_COLUMNS.get(finding.field, "")
            collect.add(_cells(item, column, codes), column, finding.message)
        if blocking:
            continue
        found = stored_findings.get(id(findings))
        if found is None:
            found = stored_findings[id(findings)] = [finding.to_dict() for finding in findings]
        values["compliance_findings"] = found
        yield item


def add_file_interns(
    interns: dict[uuid.UUID, int], prepared: Iterable[Prepared], today: date
) -> None:
    """Add the interns of ``prepared`` (checked positions) to ``interns``, by enterprise."""
    for item in prepared:
        if counts_as_intern(item.values, today):
            enterprise = item.values["enterprise_id"]
            interns[enterprise] = interns.get(enterprise, 0) + int(item.values["headcount"])


def _cells(item: Prepared, column: str, codes: Mapping[uuid.UUID, str]) -> ParsedRow:
    """The cell a finding is reported on, as the file would hold it: the row's checked value
    written back as text (the parsed rows of a file are not kept until the posting rules run)."""
    values = item.values
    if column == "enterprise_code":
        text = codes.get(values["enterprise_id"], "")
    else:
        text = render_text(values.get(column)) if column else ""
    return ParsedRow(item.row, {}, {column: text})


_FINDING_COLUMNS = {
    "title": "title",
    "description": "description",
    "requirements": "requirements",
    "skills": "skills",
    "monthly_pay": "monthly_pay",
    "same_post_wage": "same_post_wage",
    "hours_per_day": "hours_per_day",
    "hours_per_week": "hours_per_week",
    "headcount": "headcount",
    "post_staff_count": "post_staff_count",
    "enterprise_staff_count": "enterprise_code",
}


def _position_row(values: Mapping[str, Any]) -> PositionRow:
    return PositionRow(
        enterprise_id=values["enterprise_id"],
        kind=values["kind"],
        title=values["title"],
        description=values["description"],
        requirements=values.get("requirements") or "",
        skills=list(values.get("skills") or []),
        headcount=values["headcount"],
        monthly_pay=values["monthly_pay"],
        same_post_wage=values["same_post_wage"],
        post_staff_count=values["post_staff_count"],
        hours_per_day=values["hours_per_day"],
        hours_per_week=values["hours_per_week"],
    )


def duplicates(
    kind: TransferKind,
    prepared: Sequence[Prepared],
    rows: Mapping[int, ParsedRow],
    collect: Collector,
    first: dict[tuple[Any, ...], int] | None = None,
) -> list[Prepared]:
    """Drop (and report) a row whose natural key an earlier row of the file already has
    (``first``: the first row of each key seen in the earlier parts of the file, kept up)."""
    first = {} if first is None else first
    kept: list[Prepared] = []
    column = KEY_COLUMNS[kind]
    for item in prepared:
        earlier = first.setdefault(item.key, item.row)
        if earlier != item.row:
            collect.add(
                rows[item.row],
                column,
                f"与第{earlier}行重复：同一{KEY_LABELS[kind]}只能出现一次",
            )
            continue
        kept.append(item)
    return kept


Checker = Callable[[Session, Lookups, Sequence[ParsedRow], Collector], list[Prepared]]

CHECKERS: dict[TransferKind, Checker] = {
    TransferKind.organizations: check_organizations,
    TransferKind.programmes: check_programmes,
    TransferKind.cohorts: check_cohorts,
    TransferKind.positions: check_positions,
    TransferKind.demand: check_demand,
    TransferKind.students: check_students,
}


def referenced_occupations(rows: Iterable[ParsedRow]) -> set[str]:
    return {row.values["occupation_code"] for row in rows if row.values.get("occupation_code")}


def lookups_for(
    session: Session,
    kind: TransferKind,
    rows: Sequence[ParsedRow],
    owner: OrgRef | None,
    today: date,
) -> Lookups:
    """Load once what the rows of a file are checked against."""
    lookups = Lookups(
        by_code={},
        codes=organizations.load_reference_codes(session),
        majors=repository.major_levels(session) if kind is not TransferKind.organizations else {},
        occupations=frozenset(),
        owner=owner,
        today=today,
    )
    extend_lookups(session, kind, lookups, rows)
    return lookups


def extend_lookups(
    session: Session, kind: TransferKind, lookups: Lookups, rows: Sequence[ParsedRow]
) -> None:
    """Add what the next part of a file names and the earlier parts did not (organisations,
    occupations): a file is checked a part at a time, each name is looked up once."""
    codes = parent_codes(kind, rows) - lookups.by_code.keys()
    if codes:
        lookups.by_code.update(repository.organizations_by_code(session, codes))
    if kind in (TransferKind.demand, TransferKind.positions):
        occupations = referenced_occupations(rows) - lookups.occupations
        if occupations:
            found = repository.existing_occupations(session, occupations)
            lookups.occupations = lookups.occupations | found
