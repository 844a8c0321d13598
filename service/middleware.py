"""ASGI middleware: request bodies capped before they are read, security headers on responses,
the methods of a path in ``Allow``.

Both are pure ASGI (no BaseHTTPMiddleware) so that streaming bodies are counted as they arrive and
nothing is buffered to be measured.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import error_body
from service.fields import CONTROL_CHARACTER_MESSAGE, CONTROL_CHARACTERS
from service.settings import settings

# Swagger UI and ReDoc are served from the installed packages (service/pages/docs.py), with an
# inline bootstrap: no CDN is allowed (issue 24: the policy still named jsDelivr).
_DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# Production is served over HTTPS (behind the proxy that ends TLS): browsers must not fall back.
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_DOCS_PATHS = ("/docs", "/redoc")


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` once a body passes its cap (FastAPI lets HTTPException through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"请求内容过大（上限{limit // 1024} KB）")


class BodyLimitMiddleware:
    """Refuse bodies above the cap: at once on Content-Length, or as the streamed bytes pass it.

    Multipart uploads get ``upload_limit`` (the import file cap plus the form's overhead), any
    other body ``json_limit``.
    """

    def __init__(self, app: ASGIApp, *, json_limit: int, upload_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        limit = self.upload_limit if content_type.startswith("multipart/") else self.json_limit
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _too_large(send, limit)


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        error_body("too_large", f"请求内容过大（上限{limit // 1024} KB）"), ensure_ascii=False
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    """nosniff, frame denial and referrer policy on every response; a CSP on every HTML one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = str(scope.get("path", "")).startswith(_DOCS_PATHS)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"server"
                ]
                names = {name.lower() for name, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"strict-origin-when-cross-origin"),
                ]
                if settings.environment == "production":
                    extra.append(_HSTS)
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    extra.append(
                        (b"content-security-policy", (_DOCS_CSP if docs else _PAGE_CSP).encode())
                    )
                headers += [(name, value) for name, value in extra if name not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class AllowedMethodsMiddleware:
    """``OPTIONS`` answers 204 naming every method of the path; a 405 names them all too.

    Starlette's router stops at the first route whose path matches, so on a path served by two
    routes (GET and POST of ``/organizations``) it answered ``OPTIONS`` — and a wrong method —
    with 405 and an ``Allow`` of the first route's method only (issue 15). CORS preflights are
    answered by the CORS middleware outside this one when origins are configured.
    """

    def __init__(self, app: ASGIApp, *, routes: list[Any]) -> None:
        self.app = app
        self.routes = routes

    def allowed(self, scope: Scope) -> list[str]:
        """The methods some route serves at this path (static mounts are left to the app)."""
        routes = [route for route in self.routes if not isinstance(route, Mount)]
        methods = {
            method
            for method in _METHODS
            if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
        }
        return sorted(methods | {"OPTIONS"}) if methods else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            allowed = self.allowed(scope)
            if not allowed:
                await self.app(scope, receive, send)
                return
            allow = (b"allow", ", ".join(allowed).encode())
            await send({"type": "http.response.start", "status": 204, "headers": [allow]})
            await send({"type": "http.response.body", "body": b""})
            return

        # The path's methods are looked up only for a 405: matching every route six times took
        # a fifth of the CPU of a position search (py-spy, bench.bench_search).
        async def with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allowed = self.allowed(scope)
                if allowed:
                    allow = (b"allow", ", ".join(allowed).encode())
                    headers = [
                        (k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"
                    ]
                    message = {**message, "headers": [*headers, allow]}
            await send(message)

        await self.app(scope, receive, with_allow)


# The request bodies' schemas refuse control characters field by field (service.fields.InputModel);
# this check is the same rule for the fields a body does not name, which the schemas ignore.
_CONTROL_CHARACTERS = CONTROL_CHARACTERS
_BODY_METHODS = ("POST", "PUT", "PATCH")


def _control_fields(value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, str):
        if _CONTROL_CHARACTERS.search(value):
            found.append(path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            _control_fields(item, f"{path}.{key}" if path else str(key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _control_fields(item, f"{path}.{index}" if path else str(index), found)


class JsonBodyMiddleware:
    """A JSON body checked before any route sees it: malformed JSON is 422 ``JSON格式错误`` (not
    FastAPI's English 400), and text holding control characters is refused field by field.

    Runs inside :class:`BodyLimitMiddleware`, so the body it reads whole is already capped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if content_type != b"application/json" and not content_type.endswith(b"+json"):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        chunks: list[bytes] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body.strip():
            try:
                data = json.loads(body)
            except ValueError:
                await _json_error(
                    send, "输入数据有误", [{"field": "body", "message": "JSON格式错误"}]
                )
                return
            found: list[str] = []
            _control_fields(data, "", found)
            if found:
                details = [
                    {
                        "field": field,
                        "message": CONTROL_CHARACTER_MESSAGE,
                    }
                    for field in found[:20]
                ]
                await _json_error(send, "输入数据有误：文本中含有控制字符", details)
                return
        replay = iter(messages)

        async def replayed() -> Message:
            message = next(replay, None)
            return message if message is not None else await receive()

        await self.app(scope, replayed, send)


async def _json_error(send: Send, message: str, details: list[dict[str, Any]]) -> None:
    body = json.dumps(error_body("validation_error", message, details), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
