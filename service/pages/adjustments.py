"""专业动态调整 pages: the school drafts, reads the evidence and submits; the region's regulator
opens the window, decides, sees the majors flagged with no proposal and downloads the 备案表."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import Organization, Role, User
from models.adjustment import PROPOSAL_KIND_LABELS
from service import clock
from service.adjustments import exporters, operations
from service.adjustments.schemas import (
    ProposalCreate,
    ProposalUpdate,
    Refusal,
    ReturnForChanges,
    WindowCreate,
)
from service.deps import ReadSessionDep, SessionDep
from service.errors import AppError, Invalid, field_detail
from service.pages.web import (
    CsrfChecked,
    FormInvalid,
    PageRoute,
    parse_form,
    redirect,
    render,
    require_page_roles,
)
from service.pagination import PageParams

school_router = APIRouter(
    prefix="/school/adjustments", route_class=PageRoute, include_in_schema=False
)
regulator_router = APIRouter(
    prefix="/regulator/adjustments", route_class=PageRoute, include_in_schema=False
)

SchoolUser = Annotated[User, Depends(require_page_roles(Role.school))]
RegulatorUser = Annotated[User, Depends(require_page_roles(Role.regulator, Role.admin))]
ALL = PageParams(page=1, page_size=100)
KIND_OPTIONS = list(PROPOSAL_KIND_LABELS.items())
CREATE_FIELDS = (
    "year", "kind", "major", "target_major", "planned_enrolment", "teachers",
    "dual_qualified_teachers", "facilities", "partners", "reason", "justification",
)  # fmt: skip
UPDATE_FIELDS = CREATE_FIELDS[3:]
DECISIONS = ("approve", "return", "refuse")


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {str(k): str(v).strip() for k, v in form.items() if isinstance(v, str)}


async def _kinds(request: Request) -> list[str]:
    form = await request.form()
    return [str(kind) for kind in form.getlist("kinds")]


def _values(form: dict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    """Form text to the API's body: blanks dropped, partners one per line."""
    values: dict[str, Any] = {}
    for name in names:
        text = form.get(name, "")
        if not text:
            continue
        values[name] = (
            [line for line in text.splitlines() if line.strip()] if name == "partners" else text
        )
    return values


def _default_year(session: Session, user: User) -> int:
    windows, _ = operations.list_windows(session, user, None, PageParams(page=1, page_size=1))
    return windows[0].year if windows else clock.today().year


# ---------------------------------------------------------------- school


def _school_context(session: Session, user: User, **extra: Any) -> dict[str, Any]:
    rows, _ = operations.list_proposals(
        session, user, year=None, status=None, kind=None, school_code=None, page=ALL
    )
    windows, _ = operations.list_windows(session, user, None, ALL)
    return {
        "title": "专业动态调整",
        "proposals": operations.proposals_public(session, rows),
        "windows": [operations.window_public(session, w) for w in windows],
        "notices": operations.notices(session, user),
        "kinds": KIND_OPTIONS,
        "form": {"year": str(_default_year(session, user))},
        **extra,
    }


@school_router.get("", response_class=HTMLResponse)
def school_page(request: Request, session: ReadSessionDep, user: SchoolUser) -> Response:
    """学校：本校的专业调整申请、审核通知和新申请。"""
    return render(request, "adjustments/school.html", _school_context(session, user))


@school_router.post("", response_class=HTMLResponse, dependencies=[CsrfChecked])
def school_create(
    session: SessionDep,
    reader: ReadSessionDep,
    user: SchoolUser,
    form: Annotated[dict[str, str], Depends(_form)],
) -> Response:
    """拟定申请（草稿），随后在申请页查看平台依据并提交。"""
    try:
        body = parse_form(ProposalCreate, _values(form, CREATE_FIELDS))
        proposal = operations.create_proposal(session, user, body)
    except AppError as error:
        context = _school_context(reader, user, form=form)
        raise FormInvalid("adjustments/school.html", context, error) from None
    return redirect(f"/school/adjustments/{proposal.id}")


def _proposal_context(session: Session, user: User, proposal_id: uuid.UUID) -> dict[str, Any]:
    proposal = operations.proposal_public(
        session, operations.read_proposal(session, user, proposal_id)
    )
    return {
        "title": f"{proposal.kind_label} · {proposal.major_name}",
        "p": proposal,
        "role": user.role,
        "form": {},
        "kinds": dict(KIND_OPTIONS),
    }


@school_router.get("/{proposal_id}", response_class=HTMLResponse)
def school_proposal(
    request: Request,
    session: ReadSessionDep,
    user: SchoolUser,
    proposal_id: uuid.UUID,
    done: str | None = None,
) -> Response:
    """一项申请：平台依据、与预警相反的检查、审核结果。"""
    context = _proposal_context(session, user, proposal_id)
    return render(request, "adjustments/proposal.html", {**context, "done": done})


@school_router.post("/{proposal_id}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def school_update(
    session: SessionDep,
    reader: ReadSessionDep,
    user: SchoolUser,
    proposal_id: uuid.UUID,
    form: Annotated[dict[str, str], Depends(_form)],
) -> Response:
    """修改草稿或退回修改的申请。"""
    try:
        body = parse_form(ProposalUpdate, _values(form, UPDATE_FIELDS))
        operations.update_proposal(session, user, proposal_id, body)
    except AppError as error:
        context = {**_proposal_context(reader, user, proposal_id), "form": form}
        raise FormInvalid("adjustments/proposal.html", context, error) from None
    return redirect(f"/school/adjustments/{proposal_id}?done=saved")


@school_router.post(
    "/{proposal_id}/submit", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def school_submit(
    session: SessionDep, reader: ReadSessionDep, user: SchoolUser, proposal_id: uuid.UUID
) -> Response:
    """提交（调整窗口内）：依据冻结。"""
    try:
        operations.submit_proposal(session, user, proposal_id)
    except AppError as error:
        context = _proposal_context(reader, user, proposal_id)
        raise FormInvalid("adjustments/proposal.html", context, error) from None
    return redirect(f"/school/adjustments/{proposal_id}?done=submitted")


# ---------------------------------------------------------------- regulator


def _region_of(session: Session, user: User, region: str | None) -> str | None:
    if region:
        return region
    own = session.get(Organization, user.organization_id) if user.organization_id else None
    return own.region_code if own is not None else None


def _regulator_context(
    session: Session, user: User, region: str | None, year: int | None, **extra: Any
) -> dict[str, Any]:
    code = _region_of(session, user, region)
    year = year or _default_year(session, user)
    rows, count = operations.list_proposals(
        session, user, year=year, status=None, kind=None, school_code=None, page=ALL, region=code
    )
    view, view_note, unacted = None, None, None
    if code is not None:
        try:
            view = operations.region_adjustments(session, user, code, year)
        except AppError as error:
            view_note = error.message
        if view is not None and view.window is not None:
            unacted = operations.unacted(session, user, view.window.id)
    today = clock.today()
    return {
        "title": "专业动态调整审核",
        "region": code or "",
        "year": year,
        "proposals": operations.proposals_public(session, rows),
        "count": count,
        "view": view,
        "view_note": view_note,
        "unacted": unacted,
        "kinds": KIND_OPTIONS,
        "form": {
            "region_code": code or "",
            "year": str(year),
            "opens_on": today.isoformat(),
            "closes_on": date(today.year, 12, 31).isoformat(),
        },
        **extra,
    }


@regulator_router.get("", response_class=HTMLResponse)
def regulator_page(
    request: Request,
    session: ReadSessionDep,
    user: RegulatorUser,
    region: str | None = None,
    year: int | None = None,
) -> Response:
    """监管：调整窗口、待审核申请、未响应预警的专业、备案表下载。"""
    return render(
        request, "adjustments/regulator.html", _regulator_context(session, user, region, year)
    )


@regulator_router.post("/windows", response_class=HTMLResponse, dependencies=[CsrfChecked])
def regulator_open_window(
    session: SessionDep,
    reader: ReadSessionDep,
    user: RegulatorUser,
    form: Annotated[dict[str, str], Depends(_form)],
    kinds: Annotated[list[str], Depends(_kinds)],
) -> Response:
    """开放调整窗口。"""
    values: dict[str, Any] = {
        k: form[k] for k in ("region_code", "year", "opens_on", "closes_on", "note") if form.get(k)
    }
    if kinds:
        values["kinds"] = kinds
    try:
        window = operations.create_window(session, user, parse_form(WindowCreate, values))
    except AppError as error:
        context = _regulator_context(reader, user, form.get("region_code"), None, form=form)
        raise FormInvalid("adjustments/regulator.html", context, error) from None
    return redirect(f"/regulator/adjustments?region={window.region_code}&year={window.year}")


@regulator_router.get("/{proposal_id}", response_class=HTMLResponse)
def regulator_proposal(
    request: Request,
    session: ReadSessionDep,
    user: RegulatorUser,
    proposal_id: uuid.UUID,
    done: str | None = None,
) -> Response:
    """一项申请及审核。"""
    context = _proposal_context(session, user, proposal_id)
    return render(request, "adjustments/proposal.html", {**context, "done": done})


@regulator_router.post(
    "/{proposal_id}/{decision}", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def regulator_decide(
    session: SessionDep,
    reader: ReadSessionDep,
    user: RegulatorUser,
    proposal_id: uuid.UUID,
    decision: Literal["approve", "return", "refuse"],
    form: Annotated[dict[str, str], Depends(_form)],
) -> Response:
    """批准、退回修改或不予批准。"""
    field = f"{decision}_comment"
    comment = form.get(field, "")
    try:
        if decision == "approve":
            operations.approve(session, user, proposal_id, comment)
        elif decision == "return":
            operations.return_for_changes(
                session,
                user,
                proposal_id,
                parse_form(ReturnForChanges, {"comment": comment}).comment,
            )
        else:
            operations.refuse(
                session, user, proposal_id, parse_form(Refusal, {"reason": comment}).reason
            )
    except AppError as error:
        if error.details:
            error.details = [field_detail(field, str(d.get("message", ""))) for d in error.details]
        context = {**_proposal_context(reader, user, proposal_id), "form": form}
        raise FormInvalid("adjustments/proposal.html", context, error) from None
    return redirect(f"/regulator/adjustments/{proposal_id}?done={decision}")


@regulator_router.get("/files/filing.{fmt}")
def regulator_download(
    session: ReadSessionDep,
    user: RegulatorUser,
    fmt: Literal["xlsx", "csv", "html"],
    year: int,
    region: str | None = None,
) -> Response:
    """备案表文件（用登录会话下载）。"""
    code = _region_of(session, user, region)
    if code is None:
        raise Invalid("请指定地区", details=[field_detail("region", "请填写行政区划代码")])
    exported = exporters.export(operations.region_adjustments(session, user, code, year), fmt)
    disposition = exported.content_disposition
    if fmt == "html":
        disposition = disposition.replace("attachment", "inline", 1)
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": disposition},
    )
