"""Pages of every signed-in account and of account recovery: ``/notifications`` (the list, marking
read, mail preferences), ``/password-reset`` (忘记密码 and the mailed link's form), a student's
``/me/favorites`` and ``/me/saved-searches``, the school's reset of a student's password and the
regulator's reset of an organisation account (each showing the new password once, printable)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from models import Role, User
from service.auth.dependencies import SessionDep
from service.deps import ReadSessionDep
from service.errors import AppError, Invalid, field_detail
from service.favorites import operations as favorites
from service.favorites.schemas import SavedSearchCreate
from service.notifications import operations as notifications
from service.notifications.kinds import KIND_LABELS
from service.notifications.schemas import PreferencesUpdate
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
from service.positions.schemas import PositionSearch
from service.recovery import operations as recovery
from service.recovery.schemas import ResetConfirm
from service.settings import settings

router = APIRouter(route_class=PageRoute, include_in_schema=False)

AnyUser = Annotated[User, Depends(require_page_roles(*Role))]
StudentUser = Annotated[User, Depends(require_page_roles(Role.student))]
SchoolUser = Annotated[User, Depends(require_page_roles(Role.school))]
Supervisor = Annotated[User, Depends(require_page_roles(Role.regulator, Role.admin))]
PAGE_SIZE = 20
# The search form's fields a saved search keeps, and how a saved search's page names them.
SEARCH_FIELDS = tuple(PositionSearch.model_fields)
SEARCH_LABELS = {
    "q": "关键词",
    "kind": "类型",
    "region": "地区",
    "industry": "行业",
    "major": "专业",
    "min_pay": "最低月薪",
    "published_from": "发布不早于",
    "start_from": "到岗不早于",
    "start_to": "到岗不晚于",
    "closing_from": "截止不早于",
    "open_only": "仅招聘中",
    "sort": "排序",
}
SORT_LABELS = {"relevance": "相关度", "newest": "最新发布", "pay": "月薪", "closing": "截止日期"}


# ---------------------------------------------------------------- notifications


def _notices_context(session: Any, user: User, page: int, unread: bool) -> dict[str, Any]:
    listed = notifications.list_notifications(
        session, user, unread=unread, page=PageParams(page=page, page_size=PAGE_SIZE)
    )
    return {
        "title": "通知",
        "notices": listed.data,
        "count": listed.count,
        "unread": listed.unread,
        "only_unread": unread,
        "page": page,
        "pages": -(-listed.count // PAGE_SIZE),
        "preferences": notifications.read_preferences(session, user),
        "form": {},
    }


@router.get("/notifications", response_class=HTMLResponse)
def notices_page(
    request: Request,
    session: ReadSessionDep,
    user: AnyUser,
    page: int = 1,
    unread: bool = False,
    saved: str | None = None,
) -> Response:
    """我的通知。"""
    context = _notices_context(session, user, max(1, min(page, 1000)), unread)
    return render(request, "notifications.html", {**context, "saved": saved})


@router.post("/notifications/read-all", dependencies=[CsrfChecked])
def notices_read_all(session: SessionDep, user: AnyUser) -> Response:
    notifications.mark_all_read(session, user)
    return redirect("/notifications")


@router.post("/notifications/{notification_id}/read", dependencies=[CsrfChecked])
def notice_read(
    session: SessionDep,
    user: AnyUser,
    notification_id: uuid.UUID,
    follow: Annotated[str, Form()] = "",
) -> Response:
    notice = notifications.mark_read(session, user, notification_id)
    # Only a local path stored with the notification is followed.
    if follow and notice.link and notice.link.startswith("/") and not notice.link.startswith("//"):
        return redirect(notice.link)
    return redirect("/notifications")


async def _preferences_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {
        "email": str(form.get("email", "")),
        "mail": {kind.value: f"mail-{kind.value}" in form for kind in KIND_LABELS},
    }


@router.post("/notifications/preferences", response_class=HTMLResponse, dependencies=[CsrfChecked])
def notices_preferences(
    session: SessionDep,
    user: AnyUser,
    form: Annotated[dict[str, Any], Depends(_preferences_form)],
) -> Response:
    try:
        notifications.update_preferences(session, user, parse_form(PreferencesUpdate, form))
    except AppError as error:
        context = _notices_context(session, user, 1, False)
        context["form"] = form
        raise FormInvalid("notifications.html", context, error) from None
    return redirect("/notifications?saved=1#preferences")


# ---------------------------------------------------------------- favourites, saved searches


@router.get("/me/favorites", response_class=HTMLResponse)
def favorites_page(
    request: Request, session: ReadSessionDep, user: StudentUser, page: int = 1
) -> Response:
    """我的收藏。"""
    number = max(1, min(page, 1000))
    listed = favorites.list_favorites(session, user, PageParams(page=number, page_size=PAGE_SIZE))
    context = {
        "title": "我的收藏",
        "favorites": listed.data,
        "count": listed.count,
        "page": number,
        "pages": -(-listed.count // PAGE_SIZE),
    }
    return render(request, "student/favorites.html", context)


@router.post("/me/favorites/{position_id}", dependencies=[CsrfChecked])
def favorite_add(session: SessionDep, user: StudentUser, position_id: uuid.UUID) -> Response:
    favorites.add_favorite(session, user, position_id)
    return redirect(f"/positions/{position_id}?kept=1")


@router.post("/me/favorites/{position_id}/remove", dependencies=[CsrfChecked])
def favorite_remove(
    session: SessionDep,
    user: StudentUser,
    position_id: uuid.UUID,
    back: Annotated[str, Form()] = "",
) -> Response:
    favorites.remove_favorite(session, user, position_id)
    return redirect(f"/positions/{position_id}" if back == "position" else "/me/favorites")


@router.get("/me/saved-searches", response_class=HTMLResponse)
def saved_searches_page(
    request: Request, session: ReadSessionDep, user: StudentUser, saved: str | None = None
) -> Response:
    """我保存的搜索。"""
    listed = favorites.list_saved_searches(session, user)
    context = {
        "title": "保存的搜索",
        "searches": listed.data,
        "count": listed.count,
        "saved": saved,
        "search_labels": SEARCH_LABELS,
        "sort_labels": SORT_LABELS,
    }
    return render(request, "student/saved_searches.html", context)


async def _search_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if key != "csrf_token"}


@router.post("/me/saved-searches", response_class=HTMLResponse, dependencies=[CsrfChecked])
def saved_search_add(
    session: SessionDep,
    user: StudentUser,
    form: Annotated[dict[str, str], Depends(_search_form)],
) -> Response:
    search = {k: v for k, v in form.items() if k in SEARCH_FIELDS and v.strip()}
    if "open_only" in search:
        search["open_only"] = str(search["open_only"] not in ("", "0", "false"))
    try:
        favorites.save_search(
            session,
            user,
            parse_form(SavedSearchCreate, {"name": form.get("name", ""), "search": search}),
        )
    except AppError as error:
        listed = favorites.list_saved_searches(session, user)
        context = {
            "title": "保存的搜索",
            "searches": listed.data,
            "count": listed.count,
            "search_labels": SEARCH_LABELS,
            "sort_labels": SORT_LABELS,
        }
        raise FormInvalid("student/saved_searches.html", context, error) from None
    return redirect("/me/saved-searches?saved=1")


@router.post("/me/saved-searches/{search_id}/delete", dependencies=[CsrfChecked])
def saved_search_delete(session: SessionDep, user: StudentUser, search_id: uuid.UUID) -> Response:
    favorites.delete_saved_search(session, user, search_id)
    return redirect("/me/saved-searches")


# ---------------------------------------------------------------- account recovery


@router.get("/password-reset", response_class=HTMLResponse)
def reset_page(request: Request, token: str = "") -> Response:
    """忘记密码 / 设置新密码。"""
    context = {"title": "忘记密码" if not token else "设置新密码", "token": token[:128]}
    return render(request, "password_reset.html", {**context, "mail": settings.mail_enabled})


def _address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


@router.post("/password-reset", response_class=HTMLResponse, dependencies=[CsrfChecked])
def reset_request(
    request: Request, session: SessionDep, username: Annotated[str, Form()] = ""
) -> Response:
    context: dict[str, Any] = {"title": "忘记密码", "token": "", "mail": settings.mail_enabled}
    if not username.strip():
        error = Invalid("请填写用户名", details=[field_detail("username", "请填写用户名")])
        raise FormInvalid("password_reset.html", context, error)
    message = recovery.request_reset(session, username[:64], _address(request))
    return render(request, "password_reset.html", {**context, "requested": message})


@router.post("/password-reset/confirm", response_class=HTMLResponse, dependencies=[CsrfChecked])
def reset_confirm(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
) -> Response:
    context: dict[str, Any] = {"title": "设置新密码", "token": token[:128], "mail": True}
    try:
        body = parse_form(ResetConfirm, {"token": token, "new_password": new_password})
        recovery.confirm_reset(session, body.token, body.new_password, _address(request))
    except AppError as error:
        raise FormInvalid("password_reset.html", context, error) from None
    return render(request, "password_reset.html", {**context, "done": True})


@router.post(
    "/school/students/{student_id}/password-reset",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def school_reset(
    request: Request, session: SessionDep, user: SchoolUser, student_id: uuid.UUID
) -> Response:
    """学校重置学生密码：新的初始密码只显示这一次，可打印交给学生。"""
    issued = recovery.reset_student(session, user, student_id)
    context = {"title": "学生密码已重置", "issued": issued, "back": "/school#roster-h"}
    return render(request, "password_slip.html", context)


@router.post(
    "/regulator/organizations/{organization_id}/password-reset",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def regulator_reset(
    request: Request,
    session: SessionDep,
    user: Supervisor,
    organization_id: uuid.UUID,
    username: Annotated[str, Form()] = "",
) -> Response:
    """监管部门重置本辖区机构账户的密码：新的初始密码只显示这一次，可打印。"""
    issued = recovery.reset_organization_account(session, user, organization_id, username[:64])
    context = {"title": "账户密码已重置", "issued": issued, "back": "/regulator/organizations"}
    return render(request, "password_slip.html", context)
