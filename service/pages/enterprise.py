"""企业 pages: positions by status, the posting form with the compliance preview inline, publishing
and closing, and talent-demand forecasts (人才需求发布)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import ApplicationStatus, MajorLevel, PositionStatus, Role, User
from models.base import APPLICATION_STATUS_LABELS, POSITION_KIND_LABELS, POSITION_STATUS_LABELS
from service.applications import operations as applications
from service.demand import operations as demand
from service.demand.schemas import DemandFilters, DemandForecastCreate
from service.deps import ReadSessionDep, SessionDep
from service.errors import AppError, Invalid, field_detail
from service.pages import applying
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
from service.positions import operations as positions
from service.positions.schemas import ComplianceCheck, PositionCreate, PositionUpdate
from service.recommendations import operations as recommendations
from service.recommendations.schemas import CandidateProgrammesPublic

router = APIRouter(prefix="/enterprise", route_class=PageRoute, include_in_schema=False)

CANDIDATES = 20
EnterpriseUser = Annotated[User, Depends(require_page_roles(Role.enterprise))]
PAGE_SIZE = 20
# Text fields of the posting form; lists are typed one per line or separated by commas.
TEXT_FIELDS = ("kind", "title", "description", "major_level", "region_code")
NUMBER_FIELDS = (
    "headcount",
    "monthly_pay",
    "same_post_wage",
    "post_staff_count",
    "hours_per_day",
    "hours_per_week",
)
DATE_FIELDS = ("start_date", "end_date", "closing_date")
LIST_FIELDS = ("majors", "skills")
REQUIRED_FIELDS = ("kind", "title", "headcount", "start_date")
FORM_FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS, *DATE_FIELDS, *LIST_FIELDS, "order_training")
FORECAST_FIELDS = ("major", "major_level", "region_code", "year", "headcount")
_SEPARATORS = re.compile(r"[,，、;；\n\r]+")


def _split(text: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def _position_values(form: dict[str, str]) -> dict[str, Any]:
    """Form strings as the API's JSON would carry them: empty optional fields are null, empty
    required ones are missing (and reported as such)."""
    values: dict[str, Any] = {}
    for name in (*TEXT_FIELDS, *NUMBER_FIELDS, *DATE_FIELDS):
        text = form.get(name, "").strip()
        if text or name not in REQUIRED_FIELDS:
            values[name] = text or None
    values["description"] = form.get("description", "").strip()
    for name in LIST_FIELDS:
        values[name] = _split(form.get(name, ""))
    values["order_training"] = form.get("order_training") == "yes"
    return values


def _form_of(position: Any, majors: list[tuple[str, str, str]]) -> dict[str, str]:
    """A stored position as the form shows it."""
    form = {
        name: "" if getattr(position, name) is None else str(getattr(position, name))
        for name in (*TEXT_FIELDS, *NUMBER_FIELDS, *DATE_FIELDS)
        if name != "major_level"
    }
    for name in NUMBER_FIELDS:
        value = getattr(position, name)
        if isinstance(value, float) and value.is_integer():
            form[name] = str(int(value))
    form["majors"] = "、".join(code for code, _name, _level in majors)
    form["skills"] = "、".join(position.skills)
    form["order_training"] = "yes" if position.order_training else ""
    return form


def _form_context(**extra: Any) -> dict[str, Any]:
    return {
        "kinds": [(k.value, label) for k, label in POSITION_KIND_LABELS.items()],
        "levels": [(m.value, m.value) for m in MajorLevel],
        "findings": {},
        "check": None,
        **extra,
    }


async def _form_data(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")) for name in FORM_FIELDS}


FormData = Annotated[dict[str, str], Depends(_form_data)]


def _findings_by_field(check: ComplianceCheck | None) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for finding in check.findings if check else []:
        grouped.setdefault(finding.field, []).append(finding)
    return grouped


# ---------------------------------------------------------------- positions


@router.get("", response_class=HTMLResponse)
def home(
    request: Request,
    session: ReadSessionDep,
    user: EnterpriseUser,
    status: PositionStatus | None = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    """企业工作台：本企业岗位。"""
    views, count = positions.my_positions(
        session, user, status, PageParams(page=page, page_size=PAGE_SIZE)
    )
    return render(
        request,
        "enterprise/home.html",
        {
            "title": "企业工作台",
            "views": views,
            "count": count,
            "status": status.value if status else "",
            "statuses": [(s.value, label) for s, label in POSITION_STATUS_LABELS.items()],
            "page": page,
            "pages": -(-count // PAGE_SIZE),
        },
    )


@router.get("/positions/new", response_class=HTMLResponse)
def new_position(request: Request, _user: EnterpriseUser) -> Response:
    form = {"kind": "job", "headcount": "1"}
    return render(
        request,
        "enterprise/position_form.html",
        _form_context(title="新建岗位", form=form, position=None),
    )


@router.post("/positions/new", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_position(session: SessionDep, user: EnterpriseUser, form: FormData) -> Response:
    context = _form_context(title="新建岗位", form=form, position=None)
    try:
        data = parse_form(PositionCreate, _position_values(form))
        view, _ = positions.create_position(session, user, data)
    except AppError as error:
        raise FormInvalid("enterprise/position_form.html", context, error) from None
    return redirect(f"/enterprise/positions/{view.position.id}?saved=1")


def _edit_context(
    session: Session, user: User, position_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    view = positions.read_position(session, user, position_id)
    check = positions.check_position(session, user, position_id)
    return _form_context(
        title=view.position.title,
        view=view,
        position=view.position,
        form=_form_of(view.position, view.majors),
        check=check,
        findings=_findings_by_field(check),
        **extra,
    )


@router.get("/positions/{position_id}", response_class=HTMLResponse)
def edit_position(
    request: Request,
    session: ReadSessionDep,
    user: EnterpriseUser,
    position_id: uuid.UUID,
    saved: str | None = None,
    published: str | None = None,
) -> Response:
    """岗位编辑与发布前合规预检。"""
    context = _edit_context(session, user, position_id, saved=saved, published=published)
    return render(request, "enterprise/position_form.html", context)


@router.get("/positions/{position_id}/programmes", response_class=HTMLResponse)
def candidate_programmes(
    request: Request, session: ReadSessionDep, user: EnterpriseUser, position_id: uuid.UUID
) -> Response:
    """岗位的候选合作专业：专业对口、即将毕业人数与距离。"""
    candidates = CandidateProgrammesPublic.model_validate(
        recommendations.candidate_programmes(session, user, position_id, CANDIDATES)
    )
    return render(
        request,
        "enterprise/programmes.html",
        {"title": f"{candidates.title} · 候选合作专业", "candidates": candidates},
    )


@router.post("/positions/{position_id}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def update_position(
    session: SessionDep,
    user: EnterpriseUser,
    position_id: uuid.UUID,
    form: FormData,
) -> Response:
    context = _edit_context(session, user, position_id)
    context["form"] = form
    try:
        values = _position_values(form)
        missing = [name for name in REQUIRED_FIELDS if name not in values]
        if missing:
            raise Invalid(
                "岗位信息有误", details=[field_detail(name, "必填项缺失") for name in missing]
            )
        data = parse_form(PositionUpdate, values)
        positions.update_position(session, user, position_id, data)
    except AppError as error:
        raise FormInvalid("enterprise/position_form.html", context, error) from None
    return redirect(f"/enterprise/positions/{position_id}?saved=1")


@router.post(
    "/positions/{position_id}/publish", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def publish_position(session: SessionDep, user: EnterpriseUser, position_id: uuid.UUID) -> Response:
    try:
        positions.publish_position(session, user, position_id)
    except AppError as error:
        context = _edit_context(session, user, position_id)
        raise FormInvalid("enterprise/position_form.html", context, error) from None
    return redirect(f"/enterprise/positions/{position_id}?published=1")


@router.post("/positions/{position_id}/close", dependencies=[CsrfChecked])
def close_position(session: SessionDep, user: EnterpriseUser, position_id: uuid.UUID) -> Response:
    positions.close_position(session, user, position_id)
    return redirect(f"/enterprise/positions/{position_id}")


# ---------------------------------------------------------------- demand forecasts


def _forecasts_context(session: Session, user: User, **extra: Any) -> dict[str, Any]:
    rows, count = demand.list_forecasts(
        session,
        DemandFilters(publisher_id=user.organization_id),
        PageParams(page=1, page_size=100),
    )
    return {
        "title": "人才需求发布",
        "rows": rows,
        "count": count,
        "levels": [(m.value, m.value) for m in MajorLevel],
        "form": {},
        **extra,
    }


@router.get("/forecasts", response_class=HTMLResponse)
def forecasts(
    request: Request, session: ReadSessionDep, user: EnterpriseUser, saved: str | None = None
) -> Response:
    """本企业发布的人才需求。"""
    return render(
        request, "enterprise/forecasts.html", _forecasts_context(session, user, saved=saved)
    )


async def _forecast_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")) for name in FORECAST_FIELDS}


@router.post("/forecasts", response_class=HTMLResponse, dependencies=[CsrfChecked])
def publish_forecast(
    session: SessionDep,
    user: EnterpriseUser,
    form: Annotated[dict[str, str], Depends(_forecast_form)],
) -> Response:
    context = _forecasts_context(session, user, form=form)
    try:
        values = {name: form.get(name, "").strip() or None for name in FORECAST_FIELDS}
        forecast = parse_form(DemandForecastCreate, values)
        demand.publish_forecast(session, user, forecast)
    except AppError as error:
        raise FormInvalid("enterprise/forecasts.html", context, error) from None
    return redirect("/enterprise/forecasts?saved=1")


# ---------------------------------------------------------------- applications


@router.get("/applications", response_class=HTMLResponse)
def applications_page(
    request: Request,
    session: ReadSessionDep,
    user: EnterpriseUser,
    status: ApplicationStatus | None = None,
    position: uuid.UUID | None = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    done: str | None = None,
    application: uuid.UUID | None = None,
) -> Response:
    """收到的申请：发录用通知或不予录用。"""
    rows, count = applications.list_applications(
        session,
        user,
        applications.ApplicationFilters(position_id=position, status=status),
        PageParams(page=page, page_size=PAGE_SIZE),
    )
    return render(
        request,
        "enterprise/applications.html",
        {
            "title": "收到的申请",
            "rows": [(a, applying.actions_for(a, Role.enterprise)) for a in rows],
            "count": count,
            "status": status.value if status else "",
            "statuses": [(s.value, label) for s, label in APPLICATION_STATUS_LABELS.items()],
            "page": page,
            "pages": -(-count // PAGE_SIZE),
            "done": applying.done_message(session, user, done, application),
        },
    )


@router.post("/applications/{application_id}/{action}", dependencies=[CsrfChecked])
def act_on_application(
    session: SessionDep, user: EnterpriseUser, application_id: uuid.UUID, action: str
) -> Response:
    chosen = applying.parse_action(action, Role.enterprise)
    if chosen is None:
        raise Invalid("不支持的操作", details=[field_detail("action", f"无法执行“{action}”")])
    applications.transition(session, user, application_id, chosen)
    return redirect(f"/enterprise/applications?done={chosen.value}&application={application_id}")
