"""What every page shares: templates, the session cookie, CSRF tokens, and errors shown as HTML.

A browser signs in once and carries the same bearer token the API issues, in an HttpOnly cookie;
the token is checked on every request exactly as a bearer header is (suspension takes effect at
once). The refresh token rides in a second HttpOnly cookie: when the 15-minute access token has
expired, the page redirects (307, so a form's POST is sent again as it was) through
``/session/refresh``, which rotates both tokens and comes back, so an active user stays signed in.
Forms carry a CSRF token: an HMAC of a random per-browser cookie, so a page on another site can
neither read nor forge it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import Depends, Form, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError

from models import Role, User
from models.base import POSITION_KIND_LABELS, POSITION_STATUS_LABELS
from rules import labels
from service.auth import operations as auth
from service.auth.schemas import Token
from service.auth.security import decode_token
from service.deps import ReadSessionDep
from service.errors import AppError, Forbidden, Invalid, Unauthorized, pydantic_errors_to_details
from service.notifications import operations as notifications
from service.settings import settings

# Deeper pages than this are refused (an offset beyond it would only ever be empty, and a huge one
# overflows PostgreSQL's bigint).
MAX_PAGE = 100_000
SESSION_COOKIE = "chanjiao_session"
REFRESH_COOKIE = "chanjiao_refresh"
REFRESH_PATH = "/session/refresh"
NO_REFRESH_PATHS = frozenset({REFRESH_PATH, "/login"})
CSRF_COOKIE = "chanjiao_csrf"
CSRF_FIELD = "csrf_token"
TEMPLATE_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")

ROLE_LABELS = {
    Role.student: "学生",
    Role.enterprise: "企业",
    Role.school: "学校",
    Role.regulator: "监管部门",
    Role.admin: "管理员",
}
# Where each role lands after signing in.
ROLE_HOMES = {
    Role.student: "/me",
    Role.enterprise: "/enterprise",
    Role.school: "/school",
    Role.regulator: "/regulator",
    Role.admin: "/regulator",
}

ModelT = TypeVar("ModelT", bound=BaseModel)

templates = Jinja2Templates(directory=str(TEMPLATE_DIR))


def _percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _money(value: float | None) -> str:
    return "面议" if value is None else f"{value:,.0f} 元/月"


templates.env.filters["percent"] = _percent
templates.env.filters["number"] = _number
templates.env.filters["money"] = _money
templates.env.globals["kind_labels"] = {k.value: v for k, v in POSITION_KIND_LABELS.items()}
templates.env.filters["rule_label"] = labels.rule_label
templates.env.globals["status_labels"] = {k.value: v for k, v in POSITION_STATUS_LABELS.items()}
templates.env.globals["role_labels"] = {k.value: v for k, v in ROLE_LABELS.items()}
templates.env.globals["role_homes"] = {k.value: v for k, v in ROLE_HOMES.items()}


def secure_cookies() -> bool:
    """Cookies are Secure everywhere but the demo and the tests, which run over plain HTTP."""
    return settings.environment not in ("demo", "test")


# ---------------------------------------------------------------- CSRF


def _csrf_for(nonce: str, request: Request) -> str:
    """The HMAC of the browser's nonce and its sign-in (issue 24: bound to the session, not only
    to a cookie): a token taken before signing in, or in another account's session, is refused."""
    key = settings.jwt_secret().encode()
    message = f"csrf:{nonce}:{_session_family(request)}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _session_family(request: Request) -> str:
    """The family of the browser's refresh token (stable across rotations), or "" signed out."""
    token = request.cookies.get(REFRESH_COOKIE)
    decoded = decode_token(token, "refresh") if token else None
    if decoded is None or decoded[1] is None:
        return ""
    return decoded[1].split(".", 1)[0]


def csrf_token(request: Request) -> str:
    """The token forms of this page carry; creates the browser's nonce on its first page."""
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf_nonce", None)
    if nonce is None:
        nonce = secrets.token_urlsafe(32)
        request.state.csrf_nonce = nonce
    return _csrf_for(nonce, request)


def verify_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Every form POST: the token must be the HMAC of this browser's nonce cookie."""
    nonce = request.cookies.get(CSRF_COOKIE)
    if (
        not nonce
        or not csrf_token
        or not hmac.compare_digest(_csrf_for(nonce, request), csrf_token)
    ):
        raise Forbidden("页面已过期或请求来源不明，请刷新页面后重试", code="csrf_failed")


CsrfChecked = Depends(verify_csrf)


def _set_csrf_cookie(request: Request, response: Response) -> None:
    nonce = getattr(request.state, "csrf_nonce", None)
    if nonce is not None and CSRF_COOKIE not in request.cookies:
        response.set_cookie(
            CSRF_COOKIE, nonce, httponly=True, samesite="lax", secure=secure_cookies(), path="/"
        )


# ---------------------------------------------------------------- session


def set_session(response: Response, tokens: Token) -> None:
    """Both cookies of a signed-in browser: the access token and the refresh token."""
    for name, value, max_age in (
        (SESSION_COOKIE, tokens.access_token, settings.access_token_minutes * 60),
        (REFRESH_COOKIE, tokens.refresh_token, settings.refresh_token_days * 24 * 60 * 60),
    ):
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            samesite="lax",
            secure=secure_cookies(),
            path="/",
        )


def clear_session(response: Response) -> None:
    for name in (SESSION_COOKIE, REFRESH_COOKIE):
        response.delete_cookie(
            name, httponly=True, samesite="lax", secure=secure_cookies(), path="/"
        )


class RefreshNeeded(Exception):
    """The access cookie is gone or expired but a refresh cookie remains: refresh, then return."""


def page_user(request: Request, session: ReadSessionDep) -> User | None:
    """The signed-in user; an expired access cookie with a refresh cookie goes through a refresh,
    and without one (or revoked) reads as signed out."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            user = auth.user_for_token(session, token)
        except Unauthorized:
            pass
        else:
            request.state.user = user
            # The header's badge: the signed-in user's unread notifications.
            request.state.unread = notifications.unread_count(session, user)
            return user
    # Never from the sign-in page: a refresh that failed lands there, and must not loop.
    if request.cookies.get(REFRESH_COOKIE) and request.url.path not in NO_REFRESH_PATHS:
        raise RefreshNeeded
    return None


PageUser = Annotated[User | None, Depends(page_user)]


class LoginRequired(Exception):
    """Raised by a page that needs a signed-in user; answered with a redirect to /login."""


def require_page_roles(*roles: Role) -> Callable[[User | None], User]:
    def _check(user: PageUser) -> User:
        if user is None:
            raise LoginRequired
        if user.role not in roles:
            raise Forbidden(f"此页面仅供{'、'.join(ROLE_LABELS[r] for r in roles)}用户使用")
        return user

    return _check


def safe_next(target: str | None) -> str | None:
    """A local path to return to after signing in; anything else (other hosts) is dropped."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


# ---------------------------------------------------------------- rendering


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    values: dict[str, Any] = {
        "user": getattr(request.state, "user", None),
        "unread_count": getattr(request.state, "unread", 0),
        "csrf_token": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "path": request.url.path,
        "errors": {},
        "form_message": None,
    }
    values.update(context or {})
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    _set_csrf_cookie(request, response)
    return response


def redirect(url: str) -> RedirectResponse:
    """After a POST: 303, so that the browser GETs the next page."""
    return RedirectResponse(url, status_code=303)


def errors_by_field(error: AppError) -> dict[str, list[str]]:
    """The API's ``details`` keyed by field, for messages shown next to each input."""
    fields: dict[str, list[str]] = {}
    for detail in error.details:
        field = str(detail.get("field") or "")
        fields.setdefault(field, []).append(str(detail.get("message", "")))
    return fields


class FormInvalid(Exception):
    """A form's input broke a rule: the form is shown again with the messages by its fields.

    Raised (not returned) so that the request's session rolls back whatever the operation did.
    """

    def __init__(
        self, template: str, context: Mapping[str, Any], error: AppError, status_code: int = 0
    ) -> None:
        super().__init__(error.message)
        self.template = template
        self.context = dict(context)
        self.error = error
        self.status_code = status_code or error.status_code


def parse_form(schema: type[ModelT], data: Mapping[str, Any]) -> ModelT:
    """A schema from form values, or ``Invalid`` with the API's field details."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise Invalid("输入数据有误", details=pydantic_errors_to_details(exc.errors())) from None


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    """``params`` with ``changes`` applied, empty values dropped (pagination links)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


templates.env.globals["query_string"] = query_string


def error_page(request: Request, error: AppError) -> HTMLResponse:
    return render(
        request,
        "error.html",
        {"error": error, "title": error.message},
        status_code=error.status_code,
    )


class PageRoute(APIRoute):
    """Page routes answer in HTML: a login redirect, the form again with its errors, or an error
    page, instead of the API's JSON bodies."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except RefreshNeeded:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                # 307 keeps the method and body: an expired session does not lose a form's input.
                return RedirectResponse(
                    f"{REFRESH_PATH}?next={quote(target, safe='')}", status_code=307
                )
            except LoginRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
            except FormInvalid as invalid:
                if invalid.error.status_code == 503:
                    raise invalid.error from None
                context = {
                    **invalid.context,
                    "errors": errors_by_field(invalid.error),
                    "form_message": invalid.error.message,
                }
                return render(request, invalid.template, context, invalid.status_code)
            except AppError as error:
                if error.status_code == 503:
                    # Saturation keeps the service's one answer: the handler adds Retry-After.
                    raise
                return error_page(request, error)
            except RequestValidationError as exc:
                details = pydantic_errors_to_details(exc.errors())
                return error_page(request, Invalid("请求参数有误", details=details))

        return page_handler


# Paths a browser never reads as pages: the API answers JSON to any client, whatever it accepts.
_NOT_PAGES = ("/api/", "/healthz", "/readyz", "/openapi.json", "/static/")


def wants_page(path: str, accept: bytes | None) -> bool:
    """Whether an error answered to this request in JSON is to be replaced by a Chinese page with
    a way back (service/request_path.py): a browser reading a page, never the API (it answers
    JSON to any client, whatever it accepts) nor the offline documentation. The errors that page
    routes raise are pages already (``PageRoute``), but a 503 from admission or the write queue,
    a failed commit in the session dependency or an oversized body are answered outside the
    route, in JSON; the status and the headers that matter (``Retry-After``) are kept."""
    if path.startswith(_NOT_PAGES) or path.startswith(("/docs", "/redoc")):
        return False
    return accept is not None and b"text/html" in accept


def error_page_from_json(scope: Any, status: int, raw: bytes) -> HTMLResponse:
    """The page of a JSON error body (its message and details)."""
    try:
        content = json.loads(raw)["error"]
        message, details = str(content["message"]), list(content.get("details") or [])
    except (ValueError, KeyError, TypeError):
        message, details = "请求未能完成", []
    error = AppError(message, details=details, status_code=status)
    return error_page(Request(scope), error)
