"""One rule for every route that reaches a position (service/position_access.py): a position the
caller may not see is 404, with the very body of a missing one; one it sees but may not act on is
403. Crossed here over the callers of every domain: positions, applications, recommendations."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models import OrganizationKind, OrganizationStatus, PositionStatus, Role
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_position,
    make_school,
    make_student,
    make_user,
)

TARGETS = ("draft", "open", "hidden", "missing")
# (method, path, body, actor) → statuses on another enterprise's draft, its open position, an open
# position of a suspended enterprise (published, but no longer public), and an id naming nothing.
CASES: dict[str, tuple[str, str, dict[str, Any] | None, str, tuple[int, int, int, int]]] = {
    "read": ("GET", "/positions/{id}", None, "anonymous", (404, 200, 404, 404)),
    "read as an enterprise": ("GET", "/positions/{id}", None, "enterprise", (404, 200, 404, 404)),
    "edit": ("PATCH", "/positions/{id}", {"title": "改名"}, "enterprise", (404, 403, 404, 404)),
    "publish": ("POST", "/positions/{id}/publish", None, "enterprise", (404, 403, 404, 404)),
    "close": ("POST", "/positions/{id}/close", None, "enterprise", (404, 403, 404, 404)),
    "compliance": ("GET", "/positions/{id}/compliance", None, "enterprise", (404, 403, 404, 404)),
    "candidates": (
        "GET",
        "/positions/{id}/candidate-programmes",
        None,
        "enterprise",
        (404, 403, 404, 404),
    ),
    "candidates, another region": (
        "GET",
        "/positions/{id}/candidate-programmes",
        None,
        "regulator",
        (404, 403, 404, 404),
    ),
    "apply": ("POST", "/applications", {"position_id": "{id}"}, "student", (404, 201, 404, 404)),
}


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    other = make_enterprise(session, region_code="110101")
    suspended = make_enterprise(session, region_code="110101", status=OrganizationStatus.suspended)
    school = make_school(session)
    student_user = make_user(session, Role.student, school)
    make_student(session, school, "460103", 2027, user_id=student_user.id)
    government = make_organization(session, OrganizationKind.government, region_code="500000")
    ids = {
        "draft": make_position(session, other, ["460103"], status=PositionStatus.draft).id,
        "open": make_position(session, other, ["460103"]).id,
        "hidden": make_position(session, suspended, ["460103"]).id,
        "missing": uuid.uuid4(),
    }
    actors = {
        "anonymous": {},
        "enterprise": auth_headers(make_user(session, Role.enterprise, make_enterprise(session))),
        "student": auth_headers(student_user),
        "regulator": auth_headers(make_user(session, Role.regulator, government)),
    }
    session.commit()
    return {"ids": ids, "actors": actors}


def _send(client: TestClient, world: dict[str, Any], case: str, target: str) -> Any:
    method, path, body, actor, _ = CASES[case]
    position_id = str(world["ids"][target])
    json = {k: v.replace("{id}", position_id) for k, v in body.items()} if body else body
    url = "/api/v1" + path.format(id=position_id)
    return client.request(method, url, json=json, headers=world["actors"][actor])


def test_every_caller_answers_by_the_one_rule(client: TestClient, world: dict[str, Any]) -> None:
    actual = {
        case: tuple(_send(client, world, case, target).status_code for target in TARGETS)
        for case in CASES
    }
    assert actual == {case: expected for case, (*_, expected) in CASES.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hidden_position_looks_exactly_like_a_missing_one(
    client: TestClient, world: dict[str, Any], case: str
) -> None:
    missing = _send(client, world, case, "missing")
    for target in ("draft", "hidden"):
        hidden = _send(client, world, case, target)
        assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
