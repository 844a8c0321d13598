"""学校 pages, one tab each: 概览 (the school's majors with their warnings and reasons), 专业
(programmes with their partner enterprises, added and edited through a form, majors by name),
毕业生去向 (cohort entry), 学生 (the paginated roster; one student added at a time, the initial
password shown once on a printable slip), 批量导入 (uploads with the import's row-by-row errors)
and 专业对接 (alignment to the priority industries)."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import Organization, PartnerKind, Role, User
from models.education import PARTNER_KIND_LABELS
from service import clock
from service.catalog import operations as catalog
from service.db import write_from_here
from service.deps import ReadSessionDep, SessionDep
from service.errors import AppError, Invalid, NotFound, field_detail
from service.organizations import operations as organizations
from service.pages.web import (
    MAX_PAGE,
    CsrfChecked,
    FormInvalid,
    PageRoute,
    parse_form,
    redirect,
    render,
    require_page_roles,
)
from service.pagination import PageParams
from service.programmes import operations as programmes
from service.programmes import outcomes as outcome_checks
from service.programmes.schemas import (
    OutcomesOptIn,
    ProgrammeCreate,
    ProgrammeFilters,
    ProgrammePublic,
    ProgrammeUpdate,
)
from service.recommendations import operations as recommendations
from service.recommendations.schemas import SchoolAlignmentPublic
from service.reports import operations as reports
from service.reports.operations import MismatchQuery
from service.settings import settings
from service.students import operations as students
from service.students.schemas import StudentCreate
from service.transfer import operations as transfer
from service.transfer.columns import SPECS, TransferKind

router = APIRouter(prefix="/school", route_class=PageRoute, include_in_schema=False)

SchoolUser = Annotated[User, Depends(require_page_roles(Role.school))]
UPLOAD_KINDS = (TransferKind.cohorts, TransferKind.programmes, TransferKind.students)
COHORT_FIELDS = ("major_code", "graduation_year", "graduates", "placed", "in_field")
COHORT_OPTIONAL = ("further_study", "avg_monthly_salary")
ROSTER_SIZE = 50
PROGRAMME_FIELDS = ("major", "year", "enrolment_plan", "enrolled", "practical_hours_share")
PARTNER_ROWS = 3
STUDENT_FIELDS = ("student_no", "name", "phone", "birth_date", "major", "graduation_year")


def _school(session: Session, user: User) -> Organization:
    school = session.get(Organization, user.organization_id) if user.organization_id else None
    if school is None:
        raise Invalid("账户未关联学校", details=[field_detail("organization", "请联系管理员")])
    return school


def _home_context(session: Session, user: User, **extra: Any) -> dict[str, Any]:
    """The school's majors in its city's report for the latest graduation year."""
    school = _school(session, user)
    targets = reports.snapshot_targets(session)
    ancestors = catalog.region_ancestors(session, school.region_code)
    region = next((code for code in ancestors if code in targets), None)
    report, report_note = None, None
    if region is not None:
        try:
            report = reports.mismatch_report(
                session, MismatchQuery(region=region, year=targets[region]), viewer=user
            )
        except AppError as error:
            report_note = error.message
    else:
        report_note = "本校所在地区尚无毕业生去向数据，暂无预警报告"
    _, roster_count = students.list_students(
        session, user, students.StudentFilters(), PageParams(page=1, page_size=1)
    )
    listed = programmes.list_programmes(
        session, user, ProgrammeFilters(school=school.code), PageParams(page=1, page_size=1)
    )
    outcomes = outcome_checks.school_outcomes(session, user, school.code)
    return {
        "title": "学校工作台",
        "outcomes": outcomes,
        "roster_count": roster_count,
        "programme_count": listed.count,
        "school": school,
        "report": report,
        "report_note": report_note,
        **extra,
    }


@router.get("", response_class=HTMLResponse)
def home(
    request: Request,
    session: ReadSessionDep,
    user: SchoolUser,
    saved: str | None = None,
) -> Response:
    """学校工作台：概览。"""
    return render(request, "school/home.html", _home_context(session, user, saved=saved))


def _imports_context(session: Session, user: User, **extra: Any) -> dict[str, Any]:
    return {
        "title": "批量导入",
        "school": _school(session, user),
        "upload_kinds": [(k.value, SPECS[k].label) for k in UPLOAD_KINDS],
        "form": {},
        "result": None,
        "problems": [],
        **extra,
    }


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request, session: ReadSessionDep, user: SchoolUser) -> Response:
    """批量导入。"""
    return render(request, "school/imports.html", _imports_context(session, user))


@router.post("/outcomes", response_class=HTMLResponse, dependencies=[CsrfChecked])
def outcomes_opt_in(
    session: SessionDep, user: SchoolUser, opted_in: Annotated[str, Form()] = ""
) -> Response:
    """开启或关闭毕业去向核对（以平台录用数据核对本校填报的数字）。"""
    school = _school(session, user)
    outcome_checks.set_opt_in(session, user, school.code, OutcomesOptIn(opted_in=opted_in == "1"))
    return redirect("/school?saved=outcomes")


@router.post("/imports", response_class=HTMLResponse, dependencies=[CsrfChecked])
def upload(
    request: Request,
    reader: ReadSessionDep,
    user: SchoolUser,
    kind: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """批量导入：整个文件一个事务，有错误行时逐行列出，不写入任何数据。"""
    context = _imports_context(reader, user, form={"kind": kind})
    try:
        chosen = _upload_kind(kind)
        if file is None or not file.filename:
            raise Invalid("请选择文件", details=[field_detail("file", "请选择CSV或XLSX文件")])
        result = transfer.import_upload(
            reader,
            lambda: write_from_here(request, reader),
            user,
            chosen,
            file.file,
            file_name=file.filename,
            limit=settings.import_max_bytes,
        )
    except AppError as error:
        problems = [d for d in error.details if "row" in d]
        context["problems"] = problems
        if problems:
            # The rows are listed in their own table; the alert only says that nothing was written.
            error = AppError(error.message, code=error.code, status_code=error.status_code)
        raise FormInvalid("school/imports.html", context, error) from None
    context["result"] = result
    context["result_label"] = SPECS[chosen].label
    return render(request, "school/imports.html", context)


def _upload_kind(kind: str) -> TransferKind:
    allowed = {k.value: k for k in UPLOAD_KINDS}
    if kind not in allowed:
        raise Invalid("请选择导入类型", details=[field_detail("kind", "请选择导入的数据类型")])
    return allowed[kind]


async def _cohort_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")).strip() for name in COHORT_FIELDS + COHORT_OPTIONAL}


def _school_majors(session: Session, user: User, school: Organization) -> list[tuple[str, str]]:
    """(code, "name（code）") of the majors the school runs, for the pickers."""
    listed = programmes.list_programmes(
        session, user, ProgrammeFilters(school=school.code), PageParams(page=1, page_size=500)
    )
    seen = {p.major_code: f"{p.major_name}（{p.major_code}）" for p in listed.data}
    return sorted(seen.items(), key=lambda item: item[1])


def _cohorts_context(session: Session, user: User, **extra: Any) -> dict[str, Any]:
    school = _school(session, user)
    return {
        "title": "毕业生去向",
        "school": school,
        "majors": _school_majors(session, user, school),
        "cohort_fields": COHORT_FIELDS + COHORT_OPTIONAL,
        "form": {},
        **extra,
    }


@router.get("/cohorts", response_class=HTMLResponse)
def cohorts_page(
    request: Request,
    session: ReadSessionDep,
    user: SchoolUser,
    saved: str | None = None,
    major: str | None = None,
    year: str | None = None,
) -> Response:
    """毕业生去向：逐届录入。"""
    majors = dict(_school_majors(session, user, _school(session, user)))
    saved_text = None
    if saved == "cohort" and major:
        saved_text = f"已保存 {majors.get(major, major)} {year or ''}届的毕业生去向。"
    return render(request, "school/cohorts.html", _cohorts_context(session, user, saved=saved_text))


@router.post("/cohorts", response_class=HTMLResponse, dependencies=[CsrfChecked])
def enter_cohort(
    request: Request,
    reader: ReadSessionDep,
    user: SchoolUser,
    form: Annotated[dict[str, str], Depends(_cohort_form)],
) -> Response:
    """录入一届毕业生去向：与导入相同的校验（一行的导入）。"""
    context = _cohorts_context(reader, user, form=form)
    school = _school(reader, user)
    major = form["major_code"]
    # A name goes in the import's name column: it is resolved at the school's level.
    by_name = bool(major) and not major.isdigit()
    headers = ["school_code", "major_name" if by_name else "major_code"]
    headers += [*COHORT_FIELDS[1:], *COHORT_OPTIONAL]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerow([school.code, major, *(form[name] for name in headers[2:])])
    try:
        transfer.import_upload(
            reader,
            lambda: write_from_here(request, reader),
            user,
            TransferKind.cohorts,
            io.BytesIO(buffer.getvalue().encode("utf-8")),
            file_name="cohort-entry.csv",
            limit=settings.import_max_bytes,
        )
    except AppError as error:
        # The import names columns; the form shows each message next to its input.
        details = [
            field_detail(
                "major_code"
                if d.get("column") in ("major_name", "major_code")
                else str(d.get("column") or ""),
                str(d.get("message", "")),
            )
            for d in error.details
        ]
        raise FormInvalid(
            "school/cohorts.html", context, Invalid("毕业生去向有误", details=details)
        ) from None
    query = urlencode({"saved": "cohort", "major": major, "year": form["graduation_year"]})
    return redirect(f"/school/cohorts?{query}")


# ---------------------------------------------------------------- programmes


def _programme_choices(session: Session, school: Organization) -> dict[str, Any]:
    level = school.level or None
    majors = catalog.search_majors(session, None, level, None, 0, 2000).data
    return {
        "major_names": sorted({m.name for m in majors}),
        "enterprises": organizations.verified_enterprises(session),
        "partner_kinds": [(k.value, label) for k, label in PARTNER_KIND_LABELS.items()],
        "partner_rows": PARTNER_ROWS,
    }


async def _programme_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in PROGRAMME_FIELDS}
    values["partners"] = [
        (str(form.get(f"partner_{i}", "")).strip(), str(form.get(f"partner_kind_{i}", "")))
        for i in range(PARTNER_ROWS)
    ]
    return values


def _programme_body(form: dict[str, Any]) -> dict[str, Any]:
    """The API's body from the form: blanks are left out, the share typed as a percentage."""
    body: dict[str, Any] = {
        name: form[name] for name in ("year", "enrolment_plan", "enrolled") if form.get(name)
    }
    share = form.get("practical_hours_share", "")
    if share:
        try:
            body["practical_hours_share"] = float(share) / 100
        except ValueError:
            body["practical_hours_share"] = share
    body["partners"] = [
        {"enterprise_code": code, "kind": kind or PartnerKind.cooperation.value}
        for code, kind in form["partners"]
        if code
    ]
    return body


def _partner_field_errors(error: AppError) -> AppError:
    """``partners.0.enterprise_code`` → the picker ``partner_0``."""
    details = []
    for detail in error.details:
        field = str(detail.get("field") or "")
        parts = field.split(".")
        if parts[0] == "partners" and len(parts) > 1 and parts[1].isdigit():
            field = f"partner_{parts[1]}"
        details.append({**detail, "field": field})
    return AppError(error.message, code=error.code, status_code=error.status_code, details=details)


def _programme_form_values(programme: ProgrammePublic) -> dict[str, Any]:
    share = programme.practical_hours_share
    return {
        "major": programme.major_name,
        "year": programme.year,
        "enrolment_plan": programme.enrolment_plan,
        "enrolled": "" if programme.enrolled is None else programme.enrolled,
        "practical_hours_share": "" if share is None else f"{share * 100:g}",
        "partners": [(p.enterprise_code, p.kind.value) for p in programme.partners],
    }


@router.get("/programmes", response_class=HTMLResponse)
def programmes_page(
    request: Request,
    session: ReadSessionDep,
    user: SchoolUser,
    saved: uuid.UUID | None = None,
    created: bool = False,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    """本校专业开设（招生计划、合作企业）。"""
    school = _school(session, user)
    listed = programmes.list_programmes(
        session,
        user,
        ProgrammeFilters(school=school.code),
        PageParams(page=page, page_size=ROSTER_SIZE),
    )
    saved_programme = programmes.read_programme(session, user, saved) if saved is not None else None
    return render(
        request,
        "school/programmes.html",
        {
            "title": "本校专业",
            "school": school,
            "rows": listed.data,
            "count": listed.count,
            "page": page,
            "pages": -(-listed.count // ROSTER_SIZE),
            "saved": saved_programme,
            "created": created,
        },
    )


def _programme_form_context(
    session: Session, user: User, programme: ProgrammePublic | None, form: dict[str, Any]
) -> dict[str, Any]:
    school = _school(session, user)
    return {
        "title": "修改专业开设" if programme else "新增专业开设",
        "school": school,
        "programme": programme,
        "form": form,
        **_programme_choices(session, school),
    }


@router.get("/programmes/new", response_class=HTMLResponse)
def new_programme(request: Request, session: ReadSessionDep, user: SchoolUser) -> Response:
    """新增专业开设。"""
    form = {"year": str(clock.today().year), "partners": []}
    return render(
        request, "school/programme_form.html", _programme_form_context(session, user, None, form)
    )


@router.post("/programmes", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_programme(
    session: SessionDep,
    user: SchoolUser,
    form: Annotated[dict[str, Any], Depends(_programme_form)],
) -> Response:
    """保存新的专业开设：专业按名称或代码在本校层次的专业目录中识别。"""
    context = _programme_form_context(session, user, None, form)
    try:
        body = parse_form(ProgrammeCreate, {**_programme_body(form), "major": form["major"]})
        saved = programmes.create_programme(session, user, body)
    except AppError as error:
        raise FormInvalid(
            "school/programme_form.html", context, _partner_field_errors(error)
        ) from None
    return redirect(f"/school/programmes?saved={saved.id}&created=1")


@router.get("/programmes/{programme_id}", response_class=HTMLResponse)
def edit_programme(
    request: Request, session: ReadSessionDep, user: SchoolUser, programme_id: uuid.UUID
) -> Response:
    """修改专业开设：招生年份、计划、实际招生、实践课时占比、合作企业。"""
    programme = programmes.read_programme(session, user, programme_id)
    if programme.school_id != user.organization_id:
        raise NotFound("专业开设记录不存在")
    context = _programme_form_context(session, user, programme, _programme_form_values(programme))
    return render(request, "school/programme_form.html", context)


@router.post("/programmes/{programme_id}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def update_programme(
    session: SessionDep,
    user: SchoolUser,
    programme_id: uuid.UUID,
    form: Annotated[dict[str, Any], Depends(_programme_form)],
) -> Response:
    """保存对专业开设的修改（合作企业整体替换）。"""
    programme = programmes.read_programme(session, user, programme_id)
    if programme.school_id != user.organization_id:
        raise NotFound("专业开设记录不存在")
    form = {**form, "major": programme.major_name}
    context = _programme_form_context(session, user, programme, form)
    body = _programme_body(form)
    body.setdefault("enrolled", None)
    body.setdefault("practical_hours_share", None)
    try:
        programmes.update_programme(session, user, programme_id, parse_form(ProgrammeUpdate, body))
    except AppError as error:
        raise FormInvalid(
            "school/programme_form.html", context, _partner_field_errors(error)
        ) from None
    return redirect(f"/school/programmes?saved={programme_id}")


# ---------------------------------------------------------------- students


@router.get("/students", response_class=HTMLResponse)
def students_page(
    request: Request,
    session: ReadSessionDep,
    user: SchoolUser,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    """本校学生名单（分页）。"""
    roster, count = students.list_students(
        session, user, students.StudentFilters(), PageParams(page=page, page_size=ROSTER_SIZE)
    )
    return render(
        request,
        "school/students.html",
        {
            "title": "本校学生",
            "school": _school(session, user),
            "roster": roster,
            "roster_count": count,
            "page": page,
            "pages": -(-count // ROSTER_SIZE),
        },
    )


def _student_form_context(session: Session, user: User, form: dict[str, str]) -> dict[str, Any]:
    school = _school(session, user)
    return {
        "title": "添加学生",
        "school": school,
        "majors": _school_majors(session, user, school),
        "form": form,
    }


async def _student_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")).strip() for name in STUDENT_FIELDS}


@router.get("/students/new", response_class=HTMLResponse)
def new_student(request: Request, session: ReadSessionDep, user: SchoolUser) -> Response:
    """添加一名学生（同时开通账户）。"""
    form = {"graduation_year": str(clock.today().year + 1)}
    return render(request, "school/student_form.html", _student_form_context(session, user, form))


@router.post("/students", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_student(
    request: Request,
    session: SessionDep,
    user: SchoolUser,
    form: Annotated[dict[str, str], Depends(_student_form)],
) -> Response:
    """保存学生并开通账户：初始密码只在这一页显示一次，附可打印的账户通知单。"""
    body: dict[str, Any] = {k: v for k, v in form.items() if v}
    try:
        created, username, password, _ = students.create_student(
            session, user, parse_form(StudentCreate, body)
        )
    except AppError as error:
        context = _student_form_context(session, user, form)
        raise FormInvalid("school/student_form.html", context, error) from None
    response = render(
        request,
        "school/student_created.html",
        {
            "title": "学生已添加",
            "school": _school(session, user),
            "student": created,
            "username": username,
            "password": password,
            "site": str(request.base_url).rstrip("/"),
        },
    )
    # The password is on this page only: never kept by a cache or shown again by "back".
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- alignment


@router.get("/alignment", response_class=HTMLResponse)
def alignment_page(request: Request, session: ReadSessionDep, user: SchoolUser) -> Response:
    """专业与重点产业对接。"""
    school = _school(session, user)
    alignment = SchoolAlignmentPublic.model_validate(
        recommendations.school_alignment(session, user, school.code)
    )
    return render(
        request,
        "school/alignment.html",
        {"title": "专业对接", "school": school, "alignment": alignment},
    )
