"""Everything logged while a student applies, its enterprise answers and someone fails to log in,
as ``chanjiao serve`` formats it (JSON lines, the shipped logger levels): no name, phone, user name,
password or search text of a person appears, and every line written inside a request carries the
request id the answer returned."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from fastapi.testclient import TestClient

from service.request_log import JsonFormatter, RequestIdFilter, log_config
from tests.factories import PASSWORD
from tests.personal_data import PLANTED_NAME, PLANTED_PHONE, leaks

from .conftest import World

WRONG_PASSWORD = "Wr0ng-Passw0rd-planted"


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        if record.name != "httpx":  # the test client's own lines, not the server's
            self.lines.append(self.format(record))


@contextmanager
def shipped_logging() -> Iterator[Captured]:
    """A handler on the root logger with the levels ``chanjiao serve`` configures."""
    config = log_config("json")
    levels = {name: entry["level"] for name, entry in config["loggers"].items()}
    root = logging.getLogger()
    kept = root.level, {name: logging.getLogger(name).level for name in levels}
    handler = Captured()
    root.addHandler(handler)
    root.setLevel(config["root"]["level"])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(kept[0])
        for name, level in kept[1].items():
            logging.getLogger(name).setLevel(level)


def test_an_apply_flow_and_a_failed_login_log_no_personal_data(
    client: TestClient, world: World
) -> None:
    student = world.headers(world.student_user)
    username = world.student_user.username
    with shipped_logging() as captured:
        applied = client.post(
            "/api/v1/applications", json={"position_id": str(world.position.id)}, headers=student
        )
        seen = client.get(
            f"/api/v1/applications/{applied.json()['id']}",
            headers=world.headers(world.enterprise_user),
        )
        client.get("/api/v1/positions", params={"q": PLANTED_NAME, "page_size": 5})
        failed = client.post(
            "/api/v1/auth/token",
            data={"username": username, "password": WRONG_PASSWORD},
            headers={"X-Request-ID": "login-attempt-1"},
        )
        client.post("/api/v1/auth/token", data={"username": PLANTED_PHONE, "password": PASSWORD})
    assert applied.status_code == 201
    assert seen.json()["student"]["name"] == PLANTED_NAME  # the data was there to leak
    assert failed.status_code == 401
    assert failed.headers["x-request-id"] == "login-attempt-1"
    entries = [json.loads(line) for line in captured.lines]
    access = [entry for entry in entries if entry["logger"] == "chanjiao.access"]
    assert [(entry["method"], entry["route"], entry["status"]) for entry in access] == [
        ("POST", "/api/v1/applications", 201),
        ("GET", "/api/v1/applications/{application_id}", 200),
        ("GET", "/api/v1/positions", 200),
        ("POST", "/api/v1/auth/token", 401),
        ("POST", "/api/v1/auth/token", 401),
    ]
    assert [e["request_id"] for e in entries if e.get("route") == "/api/v1/auth/token"][0] == (
        "login-attempt-1"
    )
    text = "\n".join(captured.lines)
    planted = [PLANTED_NAME, quote(PLANTED_NAME), PLANTED_PHONE, username, WRONG_PASSWORD, PASSWORD]
    assert not leaks(text, planted)
