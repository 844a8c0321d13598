"""The service's own layers around every request: two pure-ASGI middlewares instead of seven.

:class:`EdgeMiddleware`, outermost — what every answer carries and what is recorded of it:

- the request id (``X-Request-ID`` answered, on every log line: service/request_log.py), the
  request metrics by route template and the access line;
- the security headers (nosniff, frame denial, referrer policy, HSTS in production, a CSP on
  every HTML answer) and no ``Server`` header;
- a 405's ``Allow`` naming every method of the path (Starlette's names the first route's only);
- for a browser reading a page, a JSON error answered outside the page routes (a 503 from
  admission, a 413) replaced by a Chinese page, status and ``Retry-After`` kept.

:class:`IntakeMiddleware`, inside it (and inside the CORS middleware when origins are
configured) — what a request must pass before a route sees it:

- the body caps (at once on ``Content-Length``, or as the streamed bytes pass it);
- a JSON body parsed and refused when malformed or holding control characters;
- ``OPTIONS`` answered with the path's methods;
- admission (service/admission.py): at most ``CHANJIAO_ADMISSION_LIMIT`` requests hold a
  database session, the others wait, then 503 with Retry-After.

They were seven middlewares, each a coroutine of its own wrapping ``send`` (a new list of headers
and a new message per layer) and the edge's work of every request read the request's headers
into a dict several times: about a sixth of the service's own time of an API ``GET``. Here the
request's headers are read once, ``send`` is wrapped once (by the edge; the intake wraps
``receive`` and ``send`` only for a request that has a body) and the answer's headers are
rebuilt in one pass. Behaviour and order are those of the seven layers (tests/service).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import metrics
from service.admission import Admission
from service.middleware import (
    BODY_METHODS,
    DOCS_CSP,
    DOCS_PATHS,
    HSTS,
    PAGE_CSP,
    BodyTooLarge,
    check_json_body,
    too_large,
)
from service.pages.web import error_page_from_json, wants_page
from service.request_log import (
    QUIET_PATHS,
    REQUEST_ID_HEADER,
    accepted_request_id,
    access_logger,
    matched_template,
    request_id_var,
    route_template,
)
from service.settings import settings

_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)
_DOCS_CSP_HEADER = (b"content-security-policy", DOCS_CSP.encode())
_PAGE_CSP_HEADER = (b"content-security-policy", PAGE_CSP.encode())
# Headers of the JSON error a page replaces that the page keeps.
_KEPT_BY_PAGES = (b"retry-after", b"www-authenticate", b"allow")
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(scope: Scope, routes: list[Any]) -> list[str]:
    """The methods some route serves at this path, ``OPTIONS`` with them (static mounts are left
    to the app); ``[]`` when no route has this path."""
    methods = {
        method
        for method in _METHODS
        if any(
            route.matches({**scope, "method": method})[0] is Match.FULL
            for route in routes
            if not isinstance(route, Mount)
        )
    }
    return sorted(methods | {"OPTIONS"}) if methods else []


def _is_json(start: Message) -> bool:
    for name, value in start.get("headers", ()):
        if name == b"content-type":
            return bool(value.startswith(b"application/json"))
    return False


class EdgeMiddleware:
    """Outermost layer (pure ASGI): the request id, the metrics and the access line, the security
    headers, the 405's ``Allow``, and error pages for browsers.

    A request answered before routing (a 503 from admission, a 413 of the body cap) is counted
    under the route it asked for: the routes are matched for those answers only (matching every
    route on every request would cost a good part of a cached search)."""

    def __init__(self, app: ASGIApp, *, routes: list[Any] | None = None) -> None:
        self.app = app
        self.routes = routes or []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming_id = accept = None
        for name, value in scope["headers"]:  # the last of a repeated header, as a dict keeps
            if name == REQUEST_ID_HEADER:
                incoming_id = value
            elif name == b"accept":
                accept = value
        request_id = accepted_request_id(incoming_id)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        path: str = scope["path"]
        page = wants_page(path, accept)
        status = 500
        held: Message | None = None  # a JSON error's start, held back until its body is known
        held_body = bytearray()
        id_header = (REQUEST_ID_HEADER, request_id.encode())

        def finished_start(message: Message, kept: list[tuple[bytes, bytes]]) -> Message:
            """The answer's headers, rebuilt once: no ``Server``, the security headers, the id."""
            nonlocal status
            status = message["status"]
            headers: list[tuple[bytes, bytes]] = []
            names = set()
            content_type = b""
            for name, value in message.get("headers", ()):
                lower = name.lower()
                if lower == b"server" or lower == REQUEST_ID_HEADER:
                    continue
                if name == b"content-type":
                    content_type = value
                names.add(lower)
                headers.append((name, value))
            headers += kept
            for header in _SECURITY_HEADERS:
                if header[0] not in names:
                    headers.append(header)
            if settings.environment == "production" and HSTS[0] not in names:
                headers.append(HSTS)
            if content_type.startswith(b"text/html") and b"content-security-policy" not in names:
                headers.append(
                    _DOCS_CSP_HEADER if path.startswith(DOCS_PATHS) else _PAGE_CSP_HEADER
                )
            headers.append(id_header)
            return {**message, "headers": headers}

        async def page_send(message: Message, kept: list[tuple[bytes, bytes]]) -> None:
            if message["type"] == "http.response.start":
                message = finished_start(message, kept)
            await send(message)

        async def edge_send(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                if message["status"] == 405 and self.routes:
                    message = self._with_allow(scope, message)
                if page and message["status"] >= 400 and _is_json(message):
                    held = message
                    return
                message = finished_start(message, [])
            elif held is not None and message["type"] == "http.response.body":
                held_body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    kept = [
                        (name, value)
                        for name, value in held.get("headers", ())
                        if name.lower() in _KEPT_BY_PAGES
                    ]
                    error_page = error_page_from_json(scope, held["status"], bytes(held_body))

                    async def sending(message: Message) -> None:
                        await page_send(message, kept)

                    await error_page(scope, receive, sending)
                return
            await send(message)

        try:
            await self.app(scope, receive, edge_send)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope)
            if route == metrics.UNMATCHED and status >= 413 and self.routes:
                route = matched_template(scope, self.routes)
            method = str(scope.get("method", ""))
            metrics.observe_request(route, method, status, seconds)
            duration_ms = round(seconds * 1000, 1)
            access_logger.log(
                logging.DEBUG if path in QUIET_PATHS else logging.INFO,
                "%s %s %s %.1f ms",
                method,
                route,
                status,
                duration_ms,
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )
            request_id_var.reset(token)

    def _with_allow(self, scope: Scope, start: Message) -> Message:
        # The path's methods are looked up only for a 405: matching every route six times took
        # a fifth of the CPU of a position search (py-spy, bench.bench_search).
        allowed = allowed_methods(scope, self.routes)
        if not allowed:
            return start
        headers = [(k, v) for k, v in start.get("headers", ()) if k.lower() != b"allow"]
        return {**start, "headers": [*headers, (b"allow", ", ".join(allowed).encode())]}


class IntakeMiddleware:
    """Inner layer (pure ASGI): the body caps, the JSON body check, ``OPTIONS``, admission.

    Multipart uploads get ``upload_limit`` (the import file cap plus the form's overhead), any
    other body ``json_limit``. A request without ``Content-Length`` or ``Transfer-Encoding`` has
    no body (HTTP/1.1, uvicorn): nothing of it is counted or read."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        json_limit: int,
        upload_limit: int,
        routes: list[Any] | None = None,
        admission: Admission | None = None,
    ) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit
        self.routes = routes or []
        self.admission = admission if admission is not None else Admission()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = declared = None
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value
            elif name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                chunked = True
        method = scope["method"]
        if declared is None and not chunked:
            if method != "OPTIONS" or not await self._answered_options(scope, send):
                await self.admission.run(self.app, scope, receive, send)
            return
        await self._with_body(scope, receive, send, content_type or b"", declared, method)

    async def _answered_options(self, scope: Scope, send: Send) -> bool:
        """``OPTIONS`` answered 204 with the methods of its path (False: no route has it).

        Starlette's router stops at the first route whose path matches, so on a path served by
        two routes (GET and POST of ``/organizations``) it answered ``OPTIONS`` with 405 and the
        first route's method only (issue 15). CORS preflights are answered by the CORS
        middleware outside this one when origins are configured."""
        allowed = allowed_methods(scope, self.routes)
        if not allowed:
            return False
        allow = (b"allow", ", ".join(allowed).encode())
        await send({"type": "http.response.start", "status": 204, "headers": [allow]})
        await send({"type": "http.response.body", "body": b""})
        return True

    async def _with_body(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        content_type: bytes,
        declared: bytes | None,
        method: str,
    ) -> None:
        multipart = content_type.decode("latin-1").lower().startswith("multipart/")
        limit = self.upload_limit if multipart else self.json_limit
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await too_large(send, limit)
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
            replayed: Receive = counting_receive
            if method in BODY_METHODS:
                checked = await check_json_body(content_type, counting_receive, tracking_send)
                if checked is None:
                    return  # refused: a 422 was sent
                replayed = checked
            elif method == "OPTIONS" and await self._answered_options(scope, tracking_send):
                return
            await self.admission.run(self.app, scope, replayed, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await too_large(send, limit)
