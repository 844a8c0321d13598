"""Admission: how many requests of this process may hold a database session at once.

Each admitted request holds at most one pooled connection (service/db.py), and at most
``settings.max_requests_in_db`` requests are admitted — fewer than the pool has connections — so an
admitted request never waits for a connection. The others wait here, on the event loop (holding no
thread and no connection), for at most ``settings.admission_wait_s``; then they get 503 with
Retry-After in the standard error body. Health checks are not queued: ``/healthz`` touches no
database, and ``/readyz`` uses a connection of its own outside the pool (service/health).
"""

from __future__ import annotations

import asyncio
import logging
import time

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from service import metrics
from service.http_errors import unavailable_response
from service.settings import settings

logger = logging.getLogger(__name__)

# Paths that touch no pooled connection (liveness, readiness on its own connection, the API's own
# description, static files).
EXEMPT_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/metrics",
        "/docs",
        "/redoc",
        "/openapi.json",
        "/docs/oauth2-redirect",
    }
)
EXEMPT_PREFIXES = ("/static/",)


class Admission:
    """A bounded, FIFO admission queue: :meth:`run` lets an application serve a request once the
    request is admitted (service/request_path.py runs it for every request; pure ASGI)."""

    def __init__(self, limit: int | None = None, wait_s: float | None = None) -> None:
        self.limit = limit if limit is not None else settings.max_requests_in_db
        self.wait_s = wait_s if wait_s is not None else settings.admission_wait_s
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _current_semaphore(self) -> asyncio.Semaphore:
        # One per event loop: a test client runs each of its sessions on a loop of its own.
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._loop is not loop:
            self._semaphore = asyncio.Semaphore(self.limit)
            self._loop = loop
        return self._semaphore

    @property
    def in_use(self) -> int:
        """Requests admitted right now."""
        semaphore = self._semaphore
        return 0 if semaphore is None else self.limit - semaphore._value

    async def run(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        """``app`` serves the HTTP request ``scope`` once it is admitted (at once for the exempt
        paths); a 503 with Retry-After when it is not admitted within ``wait_s``."""
        path = scope["path"]
        if path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES):
            await app(scope, receive, send)
            return
        semaphore = self._current_semaphore()
        admitted = False
        started = time.perf_counter()
        metrics.ADMISSION_WAITING.inc()
        try:
            if semaphore.locked():
                with anyio.move_on_after(self.wait_s):
                    await semaphore.acquire()
                    admitted = True
            else:  # a free place: taken without a cancel scope (nothing to wait for)
                await semaphore.acquire()
                admitted = True
        finally:
            metrics.ADMISSION_WAITING.dec()
            metrics.ADMISSION_WAIT.observe(time.perf_counter() - started)
        if not admitted:
            logger.info("not admitted within %.1f s: 503", self.wait_s)
            metrics.count_unavailable("overloaded")
            response = unavailable_response("overloaded", "服务繁忙，请稍后重试")
            await response(scope, receive, send)
            return
        metrics.ADMISSION_ADMITTED.inc()
        try:
            await app(scope, receive, send)
        finally:
            metrics.ADMISSION_ADMITTED.dec()
            semaphore.release()


class AdmissionMiddleware:
    """:class:`Admission` in front of ``app`` as a middleware of its own (an application without
    the service's request path: tests/service/pages/test_session.py)."""

    def __init__(self, app: ASGIApp, limit: int | None = None, wait_s: float | None = None) -> None:
        self.app = app
        self.admission = Admission(limit, wait_s)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.admission.run(self.app, scope, receive, send)
