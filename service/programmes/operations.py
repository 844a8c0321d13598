"""Programmes (a school's run of a catalogue major in a year), their partners and cohorts.

Ownership: a school account writes only its own school's programmes and cohorts; regulators,
admins and the command line (a string actor) act for any school. Programmes of verified schools
are public (enterprises look for partner programmes); another school's programme can be read but
not changed (403), and a programme of a school that is not verified does not exist for outsiders
(404). Cohorts are the school's graduates of the programme's major: the school itself, regulators
and admins read them.

The cohort rules (:func:`cohort_problems`) are the one definition the API and the bulk import
(``service/transfer/validation.py``) both apply.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col

from models import (
    Cohort,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    PartnerKind,
    Programme,
    Region,
    Role,
    User,
)
from models.base import SUPERVISOR_ROLES, utcnow
from models.education import PARTNER_KIND_LABELS
from models.validators import normalize_code, uscc_problem
from service import audit, clock
from service.catalog import operations as catalog
from service.catalog.schemas import MajorResolutionPublic
from service.errors import Conflict, Forbidden, Invalid, NotFound, field_detail
from service.organizations import operations as organizations
from service.pagination import PageParams
from service.programmes import repository
from service.programmes.repository import PartnerRow, ProgrammeRow
from service.programmes.schemas import (
    CohortPublic,
    CohortPut,
    CohortSaved,
    CohortsPublic,
    PartnerIn,
    PartnerPublic,
    PlanPublic,
    ProgrammeCreate,
    ProgrammeFilters,
    ProgrammeFinding,
    ProgrammePublic,
    ProgrammeSaved,
    ProgrammesPublic,
    ProgrammeUpdate,
    RatesPublic,
    SchoolProgramme,
    SchoolProgrammes,
)
from service.reports import operations as reports
from service.reports import repository as reports_repository
from service.reports import small_numbers as report_protection
from service.reports.schemas import MismatchRow

ENTITY = "programme"
COHORT_ENTITY = "cohort"
SUPERVISORS = SUPERVISOR_ROLES
# On PATCH a null leaves these unchanged (they cannot be empty); on the others it clears them.
REQUIRED_FIELDS = frozenset({"year", "enrolment_plan"})
RATE_DECIMALS = 4
LATEST_COHORTS = 3

# 国办发〔2017〕95号 §15: 实践性教学课时不少于总课时的50%.
PRACTICAL_HOURS_MIN_SHARE = 0.5
PRACTICAL_HOURS_SOURCE = (
    "《国务院办公厅关于深化产教融合的若干意见》（国办发〔2017〕95号）第十五条："
    "实践性教学课时不少于总课时的50%"
)
# City-level rows of GB/T 2260 that are no city of their own (the municipalities' 市辖区 and 县,
# the provinces' directly administered counties): a school there is compared with its province.
_NOMINAL_CITY_NAMES = frozenset({"市辖区", "县"})


# ---------------------------------------------------------------- rules


def cohort_problems(
    graduation_year: int,
    graduates: int,
    placed: int,
    in_field: int,
    further_study: int,
    this_year: int,
) -> list[tuple[str, str]]:
    """(field, message) for every rule a cohort breaks: the API's and the import's one definition.

    对口就业 and 升学 are parts of 去向落实, which is a part of the graduates; a cohort that has
    not graduated yet (a year after ``this_year``) has no outcomes to report.
    """
    problems: list[tuple[str, str]] = []
    if graduation_year > this_year:
        problems.append(
            (
                "graduation_year",
                f"毕业年份{graduation_year}晚于今年（{this_year}年），不能填报尚未毕业的届别",
            )
        )
    if placed > graduates:
        problems.append(("placed", f"去向落实人数{placed}超过毕业生数{graduates}"))
    if in_field > placed:
        problems.append(("in_field", f"对口就业人数{in_field}超过去向落实人数{placed}"))
    if further_study > placed:
        problems.append(("further_study", f"升学人数{further_study}超过去向落实人数{placed}"))
    return problems


def programme_findings(practical_hours_share: float | None) -> list[ProgrammeFinding]:
    """The policy flags of a programme: a practical-hours share below half of all hours."""
    if practical_hours_share is None or practical_hours_share >= PRACTICAL_HOURS_MIN_SHARE:
        return []
    return [
        ProgrammeFinding(
            code="practical_hours_below_minimum",
            severity="warning",
            field="practical_hours_share",
            message=(
                f"实践性教学课时占比{_percent(practical_hours_share)}低于总课时的"
                f"{_percent(PRACTICAL_HOURS_MIN_SHARE)}"
            ),
            thresholds={"min_share": PRACTICAL_HOURS_MIN_SHARE},
            source=PRACTICAL_HOURS_SOURCE,
        )
    ]


def _percent(share: float) -> str:
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, RATE_DECIMALS) if whole else None


# ---------------------------------------------------------------- who may do what


def _acts_for_all(actor: audit.Actor) -> bool:
    """Regulators, admins and the command line act for any school."""
    return isinstance(actor, str) or actor.role in SUPERVISORS


def _own_school(session: Session, actor: User) -> Organization:
    """The actor's school; only a verified school's figures count anywhere."""
    school = session.get(Organization, actor.organization_id) if actor.organization_id else None
    if school is None or actor.role != Role.school or school.kind != OrganizationKind.school:
        raise Forbidden("仅学校账户、监管部门和管理员可以管理专业开设和毕业生数据")
    if school.status != OrganizationStatus.verified:
        raise Forbidden("所属学校尚未通过审核或已被暂停，暂不能填报专业和毕业生数据")
    return school


def _school_to_write(session: Session, actor: audit.Actor, code: str | None) -> Organization:
    if not isinstance(actor, str) and not _acts_for_all(actor):
        own = _own_school(session, actor)
        if code is not None and code != own.code:
            raise Forbidden(
                "只能录入本校的专业",
                details=[field_detail("school_code", f"本账户所属学校为{own.code}")],
            )
        return own
    if code is None:
        raise Invalid(
            "请填写学校标识码",
            details=[field_detail("school_code", "监管部门和管理员代学校录入时必填")],
        )
    school = repository.school_by_code(session, code)
    if school is None:
        raise Invalid(
            "学校不存在",
            details=[field_detail("school_code", f"学校标识码{code}未在平台登记")],
        )
    if isinstance(actor, User) and not organizations.supervises(session, actor, school.region_code):
        raise Forbidden(
            "只能代本部门管辖地区的学校录入",
            details=[field_detail("school_code", "该学校不在本部门管辖范围内")],
        )
    return school


def _public(school: Organization) -> bool:
    return school.status == OrganizationStatus.verified


def _owned(
    session: Session, actor: audit.Actor, programme_id: uuid.UUID
) -> tuple[Programme, Organization]:
    """A programme the actor may change. Another school's is forbidden, or absent if private."""
    own = None if isinstance(actor, str) or _acts_for_all(actor) else _own_school(session, actor)
    programme = session.get(Programme, programme_id)
    school = session.get(Organization, programme.school_id) if programme is not None else None
    if programme is None or school is None:
        raise NotFound("专业开设记录不存在")
    if isinstance(actor, User) and organizations.out_of_scope(session, actor, school.id):
        raise NotFound("专业开设记录不存在")
    if own is not None and programme.school_id != own.id:
        if _public(school):
            raise Forbidden("只能管理本校的专业开设和毕业生数据")
        raise NotFound("专业开设记录不存在")
    return programme, school


def _member_or_supervisor(session: Session, viewer: User | None, school_id: uuid.UUID) -> bool:
    """The school's own staff accounts, regulators of its region and admins (not its students)."""
    return viewer is not None and (
        organizations.supervises_organization(session, viewer, school_id)
        or (viewer.role == Role.school and viewer.organization_id == school_id)
    )


# For the outcomes comparison (service/programmes/outcomes.py): the same readers as the cohorts.
member_or_supervisor = _member_or_supervisor
is_public = _public


def _readable(
    session: Session, viewer: User | None, programme_id: uuid.UUID
) -> tuple[Programme, Organization]:
    programme = session.get(Programme, programme_id)
    school = session.get(Organization, programme.school_id) if programme is not None else None
    if programme is None or school is None:
        raise NotFound("专业开设记录不存在")
    if not (_public(school) or _member_or_supervisor(session, viewer, school.id)):
        raise NotFound("专业开设记录不存在")
    return programme, school


# ---------------------------------------------------------------- partners and majors


def _partner_problems(
    session: Session, items: Sequence[PartnerIn]
) -> tuple[list[tuple[uuid.UUID, PartnerKind]], list[dict[str, Any]]]:
    """The (enterprise id, kind) pairs of ``items``, and a problem for each item that names an
    unknown, unverified or non-enterprise organisation, or repeats an earlier item."""
    found = repository.organizations_by_code(session, (item.enterprise_code for item in items))
    problems: list[dict[str, Any]] = []
    seen: dict[tuple[uuid.UUID, PartnerKind], int] = {}
    for index, item in enumerate(items):
        field = f"partners.{index}.enterprise_code"
        code = item.enterprise_code
        organization = found.get(code)
        if organization is None:
            shape = uscc_problem(code)
            message = shape if shape is not None else f"企业{code}未在平台登记"
            problems.append(field_detail(field, message))
        elif organization.kind != OrganizationKind.enterprise:
            problems.append(field_detail(field, f"{code}（{organization.name}）不是企业"))
        elif organization.status != OrganizationStatus.verified:
            problems.append(
                field_detail(
                    field,
                    f"企业{code}（{organization.name}）尚未通过审核或已被暂停，不能作为合作企业",
                )
            )
        else:
            key = (organization.id, item.kind)
            earlier = seen.setdefault(key, index)
            if earlier != index:
                problems.append(
                    field_detail(
                        f"partners.{index}",
                        f"与第{earlier + 1}项重复：同一企业的同一合作方式只能填写一次",
                    )
                )
    return list(seen), problems


def _major_level(school: Organization) -> str | None:
    return school.level if school.level in catalog.MAJOR_LEVELS else None


def _ensure_key_free(
    session: Session, school_id: uuid.UUID, major: str, year: int, own: uuid.UUID | None
) -> None:
    existing = repository.programme_with_key(session, school_id, major, year)
    if existing is not None and existing != own:
        raise Conflict(
            f"本校该专业{year}年的招生计划已存在",
            details=[field_detail("year", "同一学校、专业和年份只能有一条记录，请修改原记录")],
        )


# ---------------------------------------------------------------- shaping


def _partners_public(rows: Sequence[PartnerRow]) -> list[PartnerPublic]:
    return [
        PartnerPublic(
            enterprise_id=enterprise_id,
            enterprise_code=code,
            enterprise_name=name,
            kind=kind,
            kind_label=PARTNER_KIND_LABELS[kind],
        )
        for enterprise_id, code, name, kind in rows
    ]


def _programme_public(row: ProgrammeRow, partners: Sequence[PartnerRow]) -> ProgrammePublic:
    programme, school, major = row
    return ProgrammePublic(
        id=programme.id,
        school_id=school.id,
        school_code=school.code,
        school_name=school.name,
        major_code=major.code,
        major_name=major.name,
        major_level=major.level,
        year=programme.year,
        enrolment_plan=programme.enrolment_plan,
        enrolled=programme.enrolled,
        practical_hours_share=programme.practical_hours_share,
        partners=_partners_public(partners),
        findings=programme_findings(programme.practical_hours_share),
        updated_at=programme.updated_at,
    )


def _read_back(session: Session, programme_id: uuid.UUID) -> ProgrammePublic:
    row = repository.row_of(session, programme_id)
    assert row is not None  # just written in this transaction
    return _programme_public(row, repository.partners_of(session, [programme_id])[programme_id])


def _audited_state(session: Session, programme: Programme) -> dict[str, Any]:
    """The programme as the audit log keeps it: its columns and its partners."""
    partners = repository.partners_of(session, [programme.id])[programme.id]
    return {
        **programme.model_dump(),
        "partners": [
            {"enterprise_code": code, "kind": kind.value} for _, code, _, kind in partners
        ],
    }


def _cohort_public(cohort: Cohort) -> CohortPublic:
    return CohortPublic(
        id=cohort.id,
        school_id=cohort.school_id,
        major_code=cohort.major_code,
        graduation_year=cohort.graduation_year,
        graduates=cohort.graduates,
        placed=cohort.placed,
        in_field=cohort.in_field,
        further_study=cohort.further_study,
        avg_monthly_salary=cohort.avg_monthly_salary,
        destination_rate=_rate(cohort.placed, cohort.graduates),
        in_field_rate=_rate(cohort.in_field, cohort.graduates),
        updated_at=cohort.updated_at,
    )


# ---------------------------------------------------------------- programmes


def create_programme(session: Session, actor: audit.Actor, data: ProgrammeCreate) -> ProgrammeSaved:
    """A programme of the actor's school (a supervisor names the school); the major is resolved
    at the school's level and the resolution shown."""
    school = _school_to_write(session, actor, data.school_code)
    level = _major_level(school)
    resolution = catalog.resolve_major(session, data.major, level)
    problems: list[dict[str, Any]] = []
    if not resolution.resolved:
        problems.append(
            field_detail(
                "major",
                catalog.unresolved_message(resolution, level),
                candidates=[candidate.to_dict() for candidate in resolution.candidates],
            )
        )
    partners, partner_problems = _partner_problems(session, data.partners)
    problems += partner_problems
    if problems:
        raise Invalid("专业开设信息有误", details=problems)
    assert resolution.code is not None
    _ensure_key_free(session, school.id, resolution.code, data.year, None)
    programme = Programme(
        school_id=school.id,
        major_code=resolution.code,
        year=data.year,
        enrolment_plan=data.enrolment_plan,
        enrolled=data.enrolled,
        practical_hours_share=data.practical_hours_share,
    )
    session.add(programme)
    session.flush()
    repository.replace_partners(session, programme.id, partners)
    audit.record(
        session, actor, "create", ENTITY, programme.id, None, _audited_state(session, programme)
    )
    return ProgrammeSaved(
        **_read_back(session, programme.id).model_dump(),
        major_resolution=MajorResolutionPublic.of(resolution),
    )


def update_programme(
    session: Session, actor: audit.Actor, programme_id: uuid.UUID, changes: ProgrammeUpdate
) -> ProgrammePublic:
    """Change a programme's year, plan, enrolment, practical-hours share or partners."""
    programme, school = _owned(session, actor, programme_id)
    updates = changes.model_dump(exclude_unset=True, exclude={"partners"})
    updates = {k: v for k, v in updates.items() if v is not None or k not in REQUIRED_FIELDS}
    partners: list[tuple[uuid.UUID, PartnerKind]] | None = None
    if changes.partners is not None:
        partners, problems = _partner_problems(session, changes.partners)
        if problems:
            raise Invalid("合作企业有误", details=problems)
    if "year" in updates:
        _ensure_key_free(session, school.id, programme.major_code, updates["year"], programme.id)
    before = _audited_state(session, programme)
    for field, value in updates.items():
        setattr(programme, field, value)
    programme.updated_at = utcnow()
    session.add(programme)
    session.flush()
    if partners is not None:
        repository.replace_partners(session, programme.id, partners)
    after = _audited_state(session, programme)
    audit.record(session, actor, "update", ENTITY, programme.id, before, after)
    return _read_back(session, programme.id)


def delete_programme(session: Session, actor: audit.Actor, programme_id: uuid.UUID) -> None:
    """Delete a programme; refused while the school has cohorts of its major."""
    programme, school = _owned(session, actor, programme_id)
    cohorts = repository.cohort_count(session, school.id, programme.major_code)
    if cohorts:
        raise Conflict(
            f"该专业已有{cohorts}届毕业生数据，不能删除专业开设记录",
            details=[
                field_detail("cohorts", "请先删除该专业的毕业生数据，或修改招生计划而不是删除")
            ],
        )
    before = _audited_state(session, programme)
    repository.replace_partners(session, programme.id, [])
    session.delete(programme)
    session.flush()
    audit.record(session, actor, "delete", ENTITY, programme_id, before, None)


def read_programme(
    session: Session, viewer: User | None, programme_id: uuid.UUID
) -> ProgrammePublic:
    programme, _ = _readable(session, viewer, programme_id)
    return _read_back(session, programme.id)


def list_programmes(
    session: Session, viewer: audit.Actor | None, filters: ProgrammeFilters, page: PageParams
) -> ProgrammesPublic:
    """Programmes of verified schools (public), plus the viewer's own school's; supervisors and
    the command line see all. Ordered by school code, major, then the latest year first."""
    conditions: list[Any] = []
    if filters.school:
        conditions.append(col(Organization.code) == normalize_code(filters.school))
    if filters.major:
        conditions.append(col(Programme.major_code) == normalize_code(filters.major))
    if filters.year is not None:
        conditions.append(col(Programme.year) == filters.year)
    if viewer is None or not _acts_for_all(viewer):
        own = viewer.organization_id if isinstance(viewer, User) else None
        conditions.append(repository.public_or_of_school(own))
    elif (
        isinstance(viewer, User)
        and (scope := organizations.regional_scope(session, viewer)) is not None
    ):
        # A regional regulator: every school's public programmes, its own region's unverified too.
        conditions.append(repository.public_or_in_region(scope))
    rows, count = repository.page_of(session, conditions, page.offset, page.page_size)
    partners = repository.partners_of(session, [programme.id for programme, _, _ in rows])
    return ProgrammesPublic(
        data=[_programme_public(row, partners[row[0].id]) for row in rows], count=count
    )


# ---------------------------------------------------------------- cohorts


def put_cohort(
    session: Session,
    actor: audit.Actor,
    programme_id: uuid.UUID,
    graduation_year: int,
    data: CohortPut,
) -> CohortSaved:
    """Create or replace the school's cohort of the programme's major graduating that year.

    Every rule is checked before anything is written; the audit row keeps the state before and
    after.
    """
    programme, school = _owned(session, actor, programme_id)
    problems = cohort_problems(
        graduation_year,
        data.graduates,
        data.placed,
        data.in_field,
        data.further_study,
        clock.today().year,
    )
    if problems:
        raise Invalid(
            "毕业生数据有误，未保存",
            details=[field_detail(field, message) for field, message in problems],
        )
    cohort = repository.cohort_of(session, school.id, programme.major_code, graduation_year)
    created = cohort is None
    before = None if cohort is None else audit.snapshot(cohort)
    if cohort is None:
        cohort = Cohort(
            school_id=school.id,
            major_code=programme.major_code,
            graduation_year=graduation_year,
            **data.model_dump(),
        )
    else:
        for field, value in data.model_dump().items():
            setattr(cohort, field, value)
        cohort.updated_at = utcnow()
    session.add(cohort)
    session.flush()
    action = "create" if created else "replace"
    audit.record(session, actor, action, COHORT_ENTITY, cohort.id, before, cohort)
    return CohortSaved(**_cohort_public(cohort).model_dump(), created=created)


def delete_cohort(
    session: Session, actor: audit.Actor, programme_id: uuid.UUID, graduation_year: int
) -> None:
    programme, school = _owned(session, actor, programme_id)
    cohort = repository.cohort_of(session, school.id, programme.major_code, graduation_year)
    if cohort is None:
        raise NotFound(f"该专业{graduation_year}届毕业生数据不存在")
    before = audit.snapshot(cohort)
    session.delete(cohort)
    session.flush()
    audit.record(session, actor, "delete", COHORT_ENTITY, cohort.id, before, None)


def list_cohorts(session: Session, viewer: User, programme_id: uuid.UUID) -> CohortsPublic:
    """The school's cohorts of the programme's major, latest first (the school and supervisors)."""
    programme, school = _readable(session, viewer, programme_id)
    if not _member_or_supervisor(session, viewer, school.id):
        if viewer is not None and viewer.role in SUPERVISORS:
            raise NotFound("专业开设记录不存在")  # another region's: not there for this regulator
        raise Forbidden("只能查看本校的毕业生去向数据")
    cohorts = repository.cohorts_of(session, school.id, programme.major_code)
    return CohortsPublic(data=[_cohort_public(c) for c in cohorts], count=len(cohorts))


def programme_id_for(
    session: Session, school_code: str, major_code: str, year: int | None = None
) -> uuid.UUID:
    """The programme of a school and major (in ``year``, or its latest): for scripts that name
    programmes by their natural key."""
    school = repository.school_by_code(session, normalize_code(school_code))
    if school is None:
        raise NotFound(f"学校{school_code}未在平台登记")
    found = repository.programme_ids_of(session, school.id, normalize_code(major_code), year)
    if not found:
        when = f"{year}年" if year is not None else ""
        raise NotFound(f"学校{school.code}{when}未开设专业{major_code}")
    return found[0]


# ---------------------------------------------------------------- the school's view


def comparison_region(session: Session, region_code: str) -> Region:
    """The region a school's figures are compared with: its city, or its province where the city
    level is only nominal (a municipality's 市辖区 / 县, directly administered counties)."""
    for code in catalog.region_ancestors(session, region_code):
        region = session.get(Region, code)
        if region is None:
            continue
        if region.level == "province":
            return region
        if region.level == "city" and not (
            region.name in _NOMINAL_CITY_NAMES or "直辖" in region.name
        ):
            return region
    region = session.get(Region, region_code)
    assert region is not None  # region_ancestors checked it
    return region


def _rates_of(graduates: int, placed: int, in_field: int) -> RatesPublic:
    return RatesPublic(
        graduates=graduates,
        placed=placed,
        in_field=in_field,
        destination_rate=_rate(placed, graduates),
        in_field_rate=_rate(in_field, graduates),
    )


def _region_rates(row: MismatchRow) -> RatesPublic:
    """The region's figures as the report row shows them (“<5” under the small-number rule)."""
    return RatesPublic(
        graduates=row.graduates,
        placed=row.placed,
        in_field=row.in_field,
        destination_rate=row.destination_rate,
        in_field_rate=row.in_field_rate,
    )


def school_programmes(
    session: Session,
    viewer: User,
    school_code: str,
    *,
    year: int | None = None,
    region: str | None = None,
    profile: str | None = None,
) -> SchoolProgrammes:
    """Each major a school runs: plans, latest cohorts, its 去向落实率 and 对口率 beside the
    region's, and the action and reasons of the region's mismatch report for the major.

    The region defaults to the school's city (its province for a municipality) and the year to the
    school's latest graduation year.
    """
    school = repository.school_by_code(session, normalize_code(school_code))
    if school is None:
        raise NotFound("学校不存在")
    if not _member_or_supervisor(session, viewer, school.id):
        if _public(school) and viewer.role not in SUPERVISORS:
            raise Forbidden("只能查看本校的专业情况")
        raise NotFound("学校不存在")
    if region is not None:
        compared = session.get(Region, region)
        if compared is None:
            raise Invalid(
                "地区不存在", details=[field_detail("region", f"地区代码“{region}”不存在")]
            )
    else:
        compared = comparison_region(session, school.region_code)
    report_year = (
        year or repository.latest_school_cohort_year(session, school.id) or clock.today().year
    )
    # The route has authorised the viewer for this school: the report itself is unrestricted.
    report = reports.mismatch_report(
        session,
        reports.MismatchQuery(region=compared.code, year=report_year, profile=profile),
        viewer=None,
    )
    region_rows: dict[str, MismatchRow] = {row.major_code: row for row in report.rows}
    if viewer.role == Role.school:
        # The region's rows hold other schools' students: the small-number rule applies.
        own_figures = {
            (c.major_code, c.graduation_year): (c.graduates, c.placed, c.in_field)
            for rows in repository.school_cohorts(session, school.id).values()
            for c in rows
        }
        region_rows = {
            code: report_protection.protect_row(row, report_year, own_figures)
            for code, row in region_rows.items()
        }
    plans: dict[str, list[ProgrammeRow]] = {}
    for row in repository.school_programmes(session, school.id):
        plans.setdefault(row[0].major_code, []).append(row)
    cohorts = repository.school_cohorts(session, school.id)
    codes = sorted(set(plans) | set(cohorts))
    names = reports_repository.majors(session, codes)
    partners = repository.partners_of(
        session, [row[0].id for rows in plans.values() for row in rows]
    )
    items: list[SchoolProgramme] = []
    for code in codes:
        name, level = names[code]
        own = next((c for c in cohorts.get(code, []) if c.graduation_year == report_year), None)
        in_region = region_rows.get(code)
        items.append(
            SchoolProgramme(
                major_code=code,
                major_name=name,
                major_level=level,
                plans=[
                    PlanPublic(
                        id=programme.id,
                        year=programme.year,
                        enrolment_plan=programme.enrolment_plan,
                        enrolled=programme.enrolled,
                        practical_hours_share=programme.practical_hours_share,
                        partners=_partners_public(partners[programme.id]),
                        findings=programme_findings(programme.practical_hours_share),
                    )
                    for programme, _, _ in plans.get(code, [])
                ],
                cohorts=[_cohort_public(c) for c in cohorts.get(code, [])[:LATEST_COHORTS]],
                school=None if own is None else _rates_of(own.graduates, own.placed, own.in_field),
                region=None
                if in_region is None or not in_region.graduates
                else _region_rates(in_region),
                action=None if in_region is None else in_region.action,
                action_label=None if in_region is None else in_region.action_label,
                reasons=[] if in_region is None else in_region.reasons,
            )
        )
    return SchoolProgrammes(
        school_id=school.id,
        school_code=school.code,
        school_name=school.name,
        region=compared.code,
        region_name=compared.name,
        year=report_year,
        profile=report.profile,
        programmes=items,
    )
