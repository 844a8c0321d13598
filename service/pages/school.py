"""学校 pages: the school's majors with their warnings and reasons, cohort entry, and spreadsheet
uploads (programmes, cohorts, students) with the import's row-by-row errors."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import Organization, Role, User
from service.catalog import operations as catalog
from service.db import write_from_here
from service.deps import ReadSessionDep, SessionDep
from service.errors import AppError, Invalid, field_detail
from service.pages.web import (
    CsrfChecked,
    FormInvalid,
    PageRoute,
    redirect,
    render,
    require_page_roles,
)
from service.pagination import PageParams
from service.programmes import outcomes as outcome_checks
from service.programmes.schemas import OutcomesOptIn
from service.recommendations import operations as recommendations
from service.recommendations.schemas import SchoolAlignmentPublic
from service.reports import operations as reports
from service.reports.operations import MismatchQuery
from service.settings import settings
from service.students import operations as students
from service.transfer import operations as transfer
from service.transfer.columns import SPECS, TransferKind

router = APIRouter(prefix="/school", route_class=PageRoute, include_in_schema=False)

SchoolUser = Annotated[User, Depends(require_page_roles(Role.school))]
UPLOAD_KINDS = (TransferKind.cohorts, TransferKind.programmes, TransferKind.students)
COHORT_FIELDS = ("major_code", "graduation_year", "graduates", "placed", "in_field")
COHORT_OPTIONAL = ("further_study", "avg_monthly_salary")
ROSTER_SIZE = 50


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
    roster, roster_count = students.list_students(
        session, user, students.StudentFilters(), PageParams(page=1, page_size=ROSTER_SIZE)
    )
    alignment = SchoolAlignmentPublic.model_validate(
        recommendations.school_alignment(session, user, school.code)
    )
    outcomes = outcome_checks.school_outcomes(session, user, school.code)
    return {
        "title": "学校工作台",
        "alignment": alignment,
        "outcomes": outcomes,
        "roster": roster,
        "roster_count": roster_count,
        "school": school,
        "report": report,
        "report_note": report_note,
        "upload_kinds": [(k.value, SPECS[k].label) for k in UPLOAD_KINDS],
        "cohort_fields": COHORT_FIELDS + COHORT_OPTIONAL,
        "form": {},
        "result": None,
        "problems": [],
        **extra,
    }


@router.get("", response_class=HTMLResponse)
def home(
    request: Request,
    session: ReadSessionDep,
    user: SchoolUser,
    saved: str | None = None,
) -> Response:
    """学校工作台。"""
    return render(request, "school/home.html", _home_context(session, user, saved=saved))


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
    context = _home_context(reader, user, form={"kind": kind})
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
        raise FormInvalid("school/home.html", context, error) from None
    context["result"] = result
    context["result_label"] = SPECS[chosen].label
    return render(request, "school/home.html", context)


def _upload_kind(kind: str) -> TransferKind:
    allowed = {k.value: k for k in UPLOAD_KINDS}
    if kind not in allowed:
        raise Invalid("请选择导入类型", details=[field_detail("kind", "请选择导入的数据类型")])
    return allowed[kind]


async def _cohort_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")).strip() for name in COHORT_FIELDS + COHORT_OPTIONAL}


@router.post("/cohorts", response_class=HTMLResponse, dependencies=[CsrfChecked])
def enter_cohort(
    request: Request,
    reader: ReadSessionDep,
    user: SchoolUser,
    form: Annotated[dict[str, str], Depends(_cohort_form)],
) -> Response:
    """录入一届毕业生去向：与导入相同的校验（一行的导入）。"""
    context = _home_context(reader, user, form=form)
    school = _school(reader, user)
    headers = ["school_code", *COHORT_FIELDS, *COHORT_OPTIONAL]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerow([school.code, *(form[name] for name in headers[1:])])
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
            field_detail(str(d.get("column") or ""), str(d.get("message", "")))
            for d in error.details
        ]
        raise FormInvalid(
            "school/home.html", context, Invalid("毕业生去向有误", details=details)
        ) from None
    return redirect("/school?saved=cohort")
