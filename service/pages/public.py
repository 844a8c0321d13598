"""Pages anyone may open: sign-in, and the position hall (岗位大厅) with each position's page."""

from __future__ import annotations

import math
import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from models import Role, User
from models.base import POSITION_KIND_LABELS
from service.applications import operations as applications
from service.applications.schemas import ApplicationCreate
from service.auth import operations as auth
from service.auth.router import client_address
from service.catalog import operations as catalog
from service.db import write_from_here
from service.deps import ReadSessionDep, SessionDep
from service.errors import AppError, Invalid, Unauthorized, field_detail
from service.favorites import operations as favorites
from service.pages import applying
from service.pages.web import (
    MAX_PAGE,
    REFRESH_COOKIE,
    REFRESH_PATH,
    ROLE_HOMES,
    CsrfChecked,
    FormInvalid,
    PageRoute,
    PageUser,
    clear_session,
    parse_form,
    redirect,
    render,
    require_page_roles,
    safe_next,
    set_session,
)
from service.pagination import PageParams
from service.positions import facets
from service.positions import operations as positions
from service.positions.schemas import PositionSearch

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 20
SEARCH_FIELDS = ("q", "kind", "region", "major", "industry", "enterprise", "min_pay", "sort")
SORT_LABELS = {
    "relevance": "相关度（有关键词时）",
    "newest": "最新发布",
    "pay": "月薪从高到低",
    "closing": "截止日期最近",
}


# ---------------------------------------------------------------- sign-in


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, user: PageUser, next: str | None = None) -> Response:
    if user is not None and safe_next(next):
        return RedirectResponse(safe_next(next) or "/", status_code=303)
    return render(request, "login.html", {"title": "登录", "next": safe_next(next) or ""})


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfChecked])
def login(
    request: Request,
    read_session: ReadSessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    context = {"title": "登录", "next": safe_next(next) or "", "username": username}
    problems = []
    if not username.strip():
        problems.append(field_detail("username", "请输入用户名"))
    if not password:
        problems.append(field_detail("password", "请输入密码"))
    try:
        if problems:
            raise Invalid("请填写用户名和密码", details=problems)
        # The API's login: the same throttles (per account and per address) and the same tokens.
        user = auth.authenticate(read_session, username.strip(), password, client_address(request))
    except AppError as error:
        raise FormInvalid("login.html", context, error) from None
    # The write transaction begins only now: the throttle counts on a connection of its own, and
    # on SQLite it waited for the write turn this request would otherwise hold (503 after 10 s).
    tokens = auth.issue_tokens(write_from_here(request, read_session), user)
    response = redirect(safe_next(next) or ROLE_HOMES[Role(user.role)])
    set_session(response, tokens)
    return response


@router.get("/logout", response_class=HTMLResponse)
def logout_form(request: Request, _user: PageUser) -> Response:
    return render(request, "logout.html", {"title": "退出登录"})


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep) -> Response:
    """Revokes the refresh token, and with it the access token issued alongside."""
    token = request.cookies.get(REFRESH_COOKIE)
    if token:
        try:
            auth.logout(session, token)
        except Unauthorized:
            pass  # already expired or revoked: signing out is what was wanted
    response = redirect("/")
    clear_session(response)
    return response


@router.post("/logout-all", dependencies=[CsrfChecked])
def logout_all(session: SessionDep, user: PageUser) -> Response:
    """Signs the account out on every device (every refresh and access token revoked)."""
    if user is not None:
        auth.logout_everywhere(session, user)
    response = redirect("/")
    clear_session(response)
    return response


@router.api_route(REFRESH_PATH, methods=["GET", "POST"])
def refresh_session(request: Request, session: SessionDep, next: str | None = None) -> Response:
    """Rotates the browser's tokens and returns to ``next`` with the same method (307).

    A refresh token that is expired, revoked or already used signs the browser out instead (to
    the sign-in page).
    """
    target = safe_next(next) or "/"
    token = request.cookies.get(REFRESH_COOKIE)
    try:
        if not token:
            raise Unauthorized("请先登录")
        tokens = auth.refresh(session, token)
    except Unauthorized:
        # Signed out: to the sign-in page (which never refreshes), coming back here afterwards.
        response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        clear_session(response)
        return response
    response = RedirectResponse(target, status_code=307)
    set_session(response, tokens)
    return response


# ---------------------------------------------------------------- position hall


def _search_values(raw: dict[str, str]) -> dict[str, Any]:
    return {k: v.strip() for k, v in raw.items() if k in SEARCH_FIELDS and v and v.strip()}


def _major_code(session: ReadSessionDep, value: str) -> str:
    """A major filter given as a code or as a name (resolved like everywhere else)."""
    if value.isdigit() or len(value) > 64:
        return value
    resolution = catalog.resolve_major(session, value)
    if resolution.code is None:
        raise Invalid(
            "专业无法识别",
            details=[field_detail("major", catalog.unresolved_message(resolution))],
        )
    return resolution.code


@router.get("/", response_class=HTMLResponse)
@router.get("/positions", response_class=HTMLResponse)
def position_hall(
    request: Request,
    session: ReadSessionDep,
    user: PageUser,
    page: Annotated[str, Query()] = "1",
) -> Response:
    """岗位大厅：检索已发布岗位。"""
    values = _search_values(dict(request.query_params))
    choices = facets.search_facets(session)
    context: dict[str, Any] = {
        "title": "岗位大厅",
        "filters": values,
        "region_options": [(c.code, f"{c.name}（{c.count}）") for c in choices.regions],
        "industry_options": [(c.code, f"{c.name}（{c.count}）") for c in choices.industries],
        "kinds": [(k.value, label) for k, label in POSITION_KIND_LABELS.items()],
        "sort_labels": SORT_LABELS,
        "results": [],
        "count": 0,
        "count_display": "0",
        "page": 1,
        "pages": 0,
    }
    try:
        digits = page.isascii() and page.isdigit() and len(page) <= len(str(MAX_PAGE))
        page_number = min(max(int(page), 1), MAX_PAGE) if digits else 1
        search_input = dict(values)
        if "major" in search_input:
            search_input["major"] = _major_code(session, search_input["major"])
        search = parse_form(PositionSearch, search_input)
        views, count, capped = positions.search_positions(
            session, user, search, PageParams(page=page_number, page_size=PAGE_SIZE)
        )
    except AppError as error:
        raise FormInvalid("positions.html", context, error, status_code=200) from None
    context.update(
        results=views,
        count=count,
        count_display=f"{count}+" if capped else str(count),
        page=page_number,
        pages=math.ceil(count / PAGE_SIZE),
    )
    return render(request, "positions.html", context)


def _position_context(
    session: Session, user: User | None, position_id: uuid.UUID
) -> dict[str, Any]:
    view = positions.read_position(session, user, position_id)
    return {
        "title": view.position.title,
        "view": view,
        "position": view.position,
        "application": applying.application_state(session, user, position_id),
        "can_apply": applying.can_apply(user, view),
        "apply_enabled": applying.ENABLED,
        "kept": user is not None
        and user.role == Role.student
        and position_id in favorites.favorite_ids(session, user, [position_id]),
    }


@router.get("/positions/{position_id}", response_class=HTMLResponse)
def position_page(
    request: Request, session: ReadSessionDep, user: PageUser, position_id: uuid.UUID
) -> Response:
    """岗位详情。"""
    return render(request, "position.html", _position_context(session, user, position_id))


@router.post(
    "/positions/{position_id}/apply", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def apply(
    session: SessionDep,
    user: Annotated[User, Depends(require_page_roles(Role.student))],
    position_id: uuid.UUID,
    message: Annotated[str, Form()] = "",
    consent: Annotated[str, Form()] = "",
) -> Response:
    """学生申请岗位：同意向该企业提供姓名和手机号后投递。"""
    context = _position_context(session, user, position_id)
    context["message"] = message
    try:
        if consent != "yes":
            raise Invalid(
                "请先同意提供个人信息",
                details=[field_detail("consent", "申请须同意向该企业提供您的姓名和手机号")],
            )
        created = applications.apply(
            session,
            user,
            parse_form(ApplicationCreate, {"position_id": position_id, "message": message}),
        )
    except AppError as error:
        raise FormInvalid("position.html", context, error) from None
    return redirect(f"/me?done=apply&application={created.id}#applications")
