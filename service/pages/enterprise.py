"""企业 pages: positions by status, the posting form with the compliance preview inline, publishing
and closing, and talent-demand forecasts (人才需求发布)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import (
    ApplicationStatus,
    MajorLevel,
    OrganizationKind,
    OrganizationStatus,
    PositionStatus,
    Role,
    User,
)
from models.base import (
    APPLICATION_STATUS_LABELS,
    ORGANIZATION_KIND_LABELS,
    POSITION_KIND_LABELS,
    POSITION_STATUS_LABELS,
)
from service.applications import operations as applications
from service.catalog import operations as catalog
from service.demand import operations as demand
from service.demand.schemas import DemandFilters, DemandForecastCreate
from service.deps import ReadSessionDep, SessionDep
from service.errors import AppError, Invalid, field_detail
from service.identity_changes import operations as identity_changes
from service.identity_changes.schemas import IdentityChangeCreate
from service.integration_enterprises import operations as integration
from service.integration_enterprises.schemas import ApplicationIn
from service.organizations import operations as organizations
from service.pages import applying, regions
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
TEXT_FIELDS = ("kind", "title", "description", "requirements", "major_level")
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
REGION_FIELDS = regions.field_names("region")
FORM_FIELDS = (
    *TEXT_FIELDS,
    *NUMBER_FIELDS,
    *DATE_FIELDS,
    *LIST_FIELDS,
    *REGION_FIELDS,
    "major_codes",
    "order_training",
)
FORECAST_FIELDS = ("major", "major_level", "region_code", "year", "headcount")
FORECAST_REGION = "forecast_region"
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
    values["requirements"] = form.get("requirements", "").strip()
    values["region_code"] = regions.chosen_code(form, "region") or None
    for name in LIST_FIELDS:
        values[name] = _split(form.get(name, ""))
    # Majors picked from the catalogue (codes) and any typed by name, in that order.
    picked = _split(form.get("major_codes", ""))
    values["majors"] = list(dict.fromkeys([*picked, *values["majors"]]))
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
    form["major_codes"] = ",".join(code for code, _name, _level in majors)
    form["majors"] = ""
    form["region_code"] = position.region_code
    form["skills"] = "、".join(position.skills)
    form["order_training"] = "yes" if position.order_training else ""
    return form


def _own_region(session: Session, user: User) -> str:
    if user.organization_id is None:
        return ""
    return organizations.read_organization(session, user, user.organization_id).region_code


def _position_done(
    position: Any, check: ComplianceCheck | None, saved: bool, published: bool, closed: bool
) -> tuple[str, str] | None:
    """What happened to the position, and what comes next (shown after each action)."""
    title = f"“{position.title}”"
    if published:
        return (
            f"已发布岗位{title}，学生现在可以在岗位大厅看到并申请。",
            "下一步：在“收到的申请”中审核申请；也可查看“候选合作专业”，联系对口学校。",
        )
    if closed:
        return (f"已关闭岗位{title}，不再接受新的申请。", "已收到的申请仍可在“收到的申请”中处理。")
    if saved:
        if position.status == "draft":
            follow = (
                "下一步：合规预检无阻止发布的问题，可点击“发布岗位”。"
                if check is not None and check.publishable
                else "下一步：按下方合规预检的提示修改后保存，再发布。"
            )
            return (f"已保存岗位{title}（草稿，尚未公开）。", follow)
        return (f"已保存岗位{title}的修改。", "修改已在岗位大厅生效。")
    return None


def _chosen_majors(session: Session, codes: list[str]) -> list[tuple[str, str, str]]:
    """The picked majors with their names and levels (an unknown code is dropped)."""
    chosen = []
    for code in codes:
        try:
            major = catalog.get_major(session, code)
        except AppError:
            continue
        chosen.append((major.code, major.name, major.level))
    return chosen


def _form_context(session: Session, form: dict[str, str], **extra: Any) -> dict[str, Any]:
    region = form.get("region_code") or regions.chosen_code(form, "region")
    return {
        "form": form,
        "region_choice": regions.picker(session, "region", region),
        "chosen_majors": _chosen_majors(session, _split(form.get("major_codes", ""))),
        "kinds": [(k.value, label) for k, label in POSITION_KIND_LABELS.items()],
        "levels": [(m.value, m.value) for m in MajorLevel],
        "findings": {},
        "check": None,
        **extra,
    }


async def _form_data(request: Request) -> dict[str, str]:
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in FORM_FIELDS}
    values["major_codes"] = ",".join(str(code) for code in form.getlist("major_codes"))
    return values


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
def new_position(request: Request, session: ReadSessionDep, user: EnterpriseUser) -> Response:
    """新建岗位：专业按名称选择，工作地按省、市、区县选择。"""
    form = {"kind": "job", "headcount": "1", "region_code": _own_region(session, user)}
    return render(
        request,
        "enterprise/position_form.html",
        _form_context(session, form, title="新建岗位", position=None),
    )


@router.post("/positions/new", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_position(session: SessionDep, user: EnterpriseUser, form: FormData) -> Response:
    context = _form_context(session, form, title="新建岗位", position=None)
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
        session,
        _form_of(view.position, view.majors),
        title=view.position.title,
        view=view,
        position=view.position,
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
    closed: str | None = None,
) -> Response:
    """岗位编辑与发布前合规预检。"""
    context = _edit_context(session, user, position_id)
    context["done"] = _position_done(
        context["position"], context["check"], bool(saved), bool(published), bool(closed)
    )
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
    check = context["check"]
    context.update(_form_context(session, form))
    context.update(check=check, findings=_findings_by_field(check))
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
    return redirect(f"/enterprise/positions/{position_id}?closed=1")


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
        "region_choice": regions.picker(
            session,
            FORECAST_REGION,
            regions.chosen_code(extra.get("form", {}), FORECAST_REGION)
            or extra.get("form", {}).get("region_code")
            or _own_region(session, user),
        ),
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
    names = (*FORECAST_FIELDS, *regions.field_names(FORECAST_REGION))
    return {name: str(form.get(name, "")) for name in names}


@router.post("/forecasts", response_class=HTMLResponse, dependencies=[CsrfChecked])
def publish_forecast(
    session: SessionDep,
    user: EnterpriseUser,
    form: Annotated[dict[str, str], Depends(_forecast_form)],
) -> Response:
    context = _forecasts_context(session, user, form=form)
    try:
        values = {name: form.get(name, "").strip() or None for name in FORECAST_FIELDS}
        # The region picker's deepest choice; a typed code (forms of older pages) still counts.
        values["region_code"] = regions.chosen_code(form, FORECAST_REGION) or values["region_code"]
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


# ---------------------------------------------------------------- organisation and identity changes

IDENTITY_FIELD_LABELS = {
    "name": "机构名称",
    "code": "统一社会信用代码",
    "region_code": "所在地",
    "kind": "机构类型",
}
ORGANIZATION_STATUS_LABELS = {
    OrganizationStatus.pending: "待审核",
    OrganizationStatus.verified: "已审核",
    OrganizationStatus.suspended: "已暂停",
}
IDENTITY_STATUS_LABELS = {"pending": "待审核", "approved": "已批准", "refused": "已驳回"}
IDENTITY_FORM = ("name", "code", "reason", *regions.field_names("identity_region"))


def _shown_value(session: Session, field: str, value: str) -> str:
    if field == "region_code":
        return catalog.region_display_name(session, value)
    if field == "kind":
        return ORGANIZATION_KIND_LABELS.get(OrganizationKind(value), value)
    return value


def _organization_context(session: Session, user: User, **extra: Any) -> dict[str, Any]:
    organization = organizations.read_organization(session, user, user.organization_id)  # type: ignore[arg-type]
    rows, _count = identity_changes.list_requests(
        session, user, status=None, organization_id=None, page=PageParams(page=1, page_size=20)
    )
    form = extra.pop("form", {})
    return {
        "title": "机构信息与变更",
        "organization": organization,
        "region_name": catalog.region_display_name(session, organization.region_code),
        "organization_status": ORGANIZATION_STATUS_LABELS[OrganizationStatus(organization.status)],
        "requests": [
            {
                "request": r,
                "status": IDENTITY_STATUS_LABELS.get(r.status, r.status),
                "changes": [
                    (
                        IDENTITY_FIELD_LABELS.get(f, f),
                        _shown_value(session, f, r.before.get(f, "")),
                        _shown_value(session, f, v),
                    )
                    for f, v in r.changes.items()
                ],
            }
            for r in rows
        ],
        "form": form,
        "region_choice": regions.picker(
            session, "identity_region", regions.chosen_code(form, "identity_region") or None
        ),
        **extra,
    }


@router.get("/organization", response_class=HTMLResponse)
def organization_page(
    request: Request, session: ReadSessionDep, user: EnterpriseUser, done: str | None = None
) -> Response:
    """本企业的机构信息与身份信息变更申请。"""
    context = _organization_context(session, user)
    if done:
        context["done"] = (
            "已提交身份信息变更申请，状态：待审核。",
            f"{context['region_name']}监管部门审核通过后，新的信息才会生效；结果显示在下方的申请记录中。",
        )
    return render(request, "enterprise/organization.html", context)


async def _identity_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")) for name in IDENTITY_FORM}


@router.post(
    "/organization/identity-changes", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def request_identity_change(
    session: SessionDep,
    user: EnterpriseUser,
    form: Annotated[dict[str, str], Depends(_identity_form)],
) -> Response:
    context = _organization_context(session, user, form=form)
    try:
        body = parse_form(
            IdentityChangeCreate,
            {
                "name": form.get("name") or None,
                "code": form.get("code") or None,
                "region_code": regions.chosen_code(form, "identity_region") or None,
                "reason": form.get("reason", ""),
            },
        )
        identity_changes.request_change(session, user, context["organization"].id, body)
    except AppError as error:
        raise FormInvalid("enterprise/organization.html", context, error) from None
    return redirect("/enterprise/organization?done=1")


# ---------------------------------------------------------------- 产教融合型企业 registry

REGISTRY_FIELDS = (
    "cooperation_years",
    "partner_programmes",
    "apprentices",
    "interns",
    "investment",
    "statement",
)


def _registry_context(session: Session, user: User, **extra: Any) -> dict[str, Any]:
    own = integration.registry(
        session,
        user,
        region=None,
        industry=None,
        status=None,
        page=PageParams(page=1, page_size=50),
    )
    mine = [a for a in own.data if a.enterprise_code == _own_code(session, user)]
    return {"title": "产教融合型企业申报", "applications": mine, "form": {}, **extra}


def _own_code(session: Session, user: User) -> str:
    if user.organization_id is None:
        return ""
    return organizations.read_organization(session, user, user.organization_id).code


@router.get("/registry", response_class=HTMLResponse)
def registry_page(
    request: Request, session: ReadSessionDep, user: EnterpriseUser, done: str | None = None
) -> Response:
    """产教融合型企业申报：填报佐证数据，查看审核进度。"""
    context = _registry_context(session, user)
    if done:
        context["done"] = (
            "已提交产教融合型企业申报，状态：已申报（待审核）。",
            "所在地监管部门将对照平台数据审核，结果（入库培育、认定或未通过及理由）显示在下方。",
        )
    return render(request, "enterprise/registry.html", context)


async def _registry_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")) for name in REGISTRY_FIELDS}


@router.post("/registry", response_class=HTMLResponse, dependencies=[CsrfChecked])
def apply_to_registry(
    session: SessionDep,
    user: EnterpriseUser,
    form: Annotated[dict[str, str], Depends(_registry_form)],
) -> Response:
    context = _registry_context(session, user, form=form)
    try:
        values = {name: form.get(name, "").strip() for name in REGISTRY_FIELDS}
        numbers = {k: v for k, v in values.items() if k != "statement" and v}
        body = parse_form(ApplicationIn, {**numbers, "statement": values["statement"]})
        integration.apply(session, body, user)
    except AppError as error:
        raise FormInvalid("enterprise/registry.html", context, error) from None
    return redirect("/enterprise/registry?done=1")
