"""Request ids, the access log and the request metrics (written by service/request_path.py), and
the log format of ``chanjiao serve``.

Each request gets an id: the incoming ``X-Request-ID`` when it is short and made of safe
characters (a proxy's or a client's id, so one request can be followed across hosts), otherwise
a new one. It is answered in the ``X-Request-ID`` header and, through a context variable, put on
every log line written while the request is handled.

The access line names the route template (``/api/v1/positions/{position_id}``), never the raw
path or its query string: a path holds ids and a query string may hold a search or a token.
uvicorn's own access log, which prints both, is off (service/cli/serve.py). No personal data is
logged: messages name ids and codes, never a name, a phone number or a password.

``CHANJIAO_LOG_FORMAT=json`` writes one JSON object per line (the default in production);
``text`` one readable line (the default elsewhere).
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.routing import Match
from starlette.types import Scope

from service import metrics

REQUEST_ID_HEADER = b"x-request-id"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Probes and scrapes every few seconds would drown the access log: at DEBUG.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# The fields an access line carries besides the message (``extra=`` of the log call).
ACCESS_FIELDS = ("method", "route", "status", "duration_ms")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
access_logger = logging.getLogger("chanjiao.access")


# Request ids are drawn from a generator seeded once per process (again in a forked child), not
# from uuid4: its system call and object were a few µs of every request. An id is a label to
# follow one request by, not a secret.
_ids = random.Random()
os.register_at_fork(after_in_child=_ids.seed)


def new_request_id() -> str:
    """32 random hexadecimal digits."""
    return f"{_ids.getrandbits(128):032x}"


def accepted_request_id(value: bytes | None) -> str:
    """The incoming id when it is safe to echo and log, else a new one."""
    if value:
        text = value.decode("latin-1")
        if _SAFE_REQUEST_ID.fullmatch(text):
            return text
    return new_request_id()


def route_template(scope: Scope) -> str:
    """The matched route's path template; a static mount as ``/static/{path}``."""
    route = scope.get("route")
    # A route of an included router keeps its path relative to the router's prefix; FastAPI
    # records the full template of the route it selected in its own part of the scope.
    selected = (scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(selected, "path_format", None) or getattr(route, "path", None)
    if not isinstance(path, str):
        return metrics.UNMATCHED
    if type(route).__name__ == "Mount":
        return f"{path}/{{path}}"
    return path


def matched_template(scope: Scope, routes: list[Any]) -> str:
    """The template of the route that would have served a request answered before routing."""
    for route in routes:
        if route.matches(scope)[0] is not Match.NONE:
            return route_template({"route": route})
    return metrics.UNMATCHED


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (``-`` outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp, level, logger, message, request_id, and on access
    lines method, route, status and duration_ms."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for name in ACCESS_FIELDS:
            if (value := getattr(record, name, None)) is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def log_config(log_format: str) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of ``chanjiao serve`` (uvicorn applies it in each worker):
    every logger, uvicorn's included, writes through one handler to stderr."""
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"} if log_format == "json" else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"chosen": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "chosen",
                "filters": ["request_id"],
            }
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            # At INFO SQLAlchemy logs every statement (its values are hidden: hide_parameters).
            "sqlalchemy": {"level": "WARNING"},
            # Prints the raw path with its query string: replaced by chanjiao.access.
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }
