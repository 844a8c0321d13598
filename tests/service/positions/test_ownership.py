"""The ownership matrix: every role against every write endpoint on someone else's object.

Enterprise A's account (and the other roles) act on enterprise B's objects. A private object (B's
draft, B's organisation record) must look absent (404) to an outsider who could own such objects; a
public one (B's open position) is forbidden (403); roles that never write positions are refused
before any lookup (403); anonymous callers are 401. Every refused call changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import AuditLog, Organization, OrganizationStatus, Position, PositionStatus, Role
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_position,
    make_school,
    make_user,
)

ROLES = ("anonymous", "enterprise", "school", "student", "regulator", "admin")


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str  # {draft}, {open}, {org}, {pending} are B's objects
    body: dict[str, Any] | None
    expected: tuple[int, int, int, int, int, int]  # in the order of ROLES


MATRIX = [
    Case(
        "edit draft",
        "PATCH",
        "/positions/{draft}",
        {"headcount": 2},
        (401, 404, 403, 403, 403, 403),
    ),
    Case(
        "edit open", "PATCH", "/positions/{open}", {"headcount": 2}, (401, 403, 403, 403, 403, 403)
    ),
    Case(
        "publish draft", "POST", "/positions/{draft}/publish", None, (401, 404, 403, 403, 403, 403)
    ),
    Case("close open", "POST", "/positions/{open}/close", None, (401, 403, 403, 403, 403, 403)),
    Case("close draft", "POST", "/positions/{draft}/close", None, (401, 404, 403, 403, 403, 403)),
    Case(
        "edit organisation",
        "PATCH",
        "/organizations/{org}",
        {"name": "改名"},
        (401, 404, 404, 403, 200, 200),
    ),
    Case(
        "verify organisation",
        "POST",
        "/organizations/{pending}/verify",
        None,
        (401, 403, 403, 403, 200, 200),
    ),
    Case(
        "suspend organisation",
        "POST",
        "/organizations/{org}/suspend",
        None,
        (401, 403, 403, 403, 200, 200),
    ),
]


@dataclass
class World:
    actors: dict[str, dict[str, str]]
    ids: dict[str, uuid.UUID]


@pytest.fixture
def world(session: Session) -> World:
    own_company = make_enterprise(session)
    other_company = make_enterprise(session)
    pending_company = make_enterprise(session, status=OrganizationStatus.pending)
    school = make_school(session)
    draft = make_position(session, other_company, status=PositionStatus.draft, headcount=7)
    open_position = make_position(session, other_company, status=PositionStatus.open, headcount=7)
    actors = {
        "anonymous": {},
        "enterprise": auth_headers(make_user(session, Role.enterprise, own_company)),
        "school": auth_headers(make_user(session, Role.school, school)),
        "student": auth_headers(make_user(session, Role.student, school)),
        "regulator": auth_headers(make_user(session, Role.regulator)),
        "admin": auth_headers(make_user(session, Role.admin)),
    }
    session.commit()  # refused requests roll back to here
    return World(
        actors=actors,
        ids={
            "draft": draft.id,
            "open": open_position.id,
            "org": other_company.id,
            "pending": pending_company.id,
        },
    )


def _state(session: Session, ids: dict[str, uuid.UUID]) -> tuple[Any, ...]:
    session.expire_all()
    draft = session.get(Position, ids["draft"])
    open_position = session.get(Position, ids["open"])
    org = session.get(Organization, ids["org"])
    pending = session.get(Organization, ids["pending"])
    assert draft
    assert open_position
    assert org
    assert pending
    audits = len(session.exec(select(AuditLog)).all())
    return (
        draft.status,
        draft.headcount,
        open_position.status,
        open_position.headcount,
        org.name,
        org.status,
        pending.status,
        audits,
    )


@pytest.mark.parametrize("case", MATRIX, ids=[case.name for case in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_ownership_matrix(
    client: TestClient, session: Session, world: World, case: Case, role: str
) -> None:
    expected = case.expected[ROLES.index(role)]
    before = _state(session, world.ids)
    path = "/api/v1" + case.path.format(**world.ids)
    response = client.request(case.method, path, json=case.body, headers=world.actors[role])
    assert response.status_code == expected, response.json()
    if expected >= 400:
        assert _state(session, world.ids) == before
        assert set(response.json()["error"]) == {"code", "message", "details"}
    else:
        assert _state(session, world.ids)[-1] == before[-1] + 1  # one audit row for the write


def test_another_enterprises_draft_looks_exactly_like_a_missing_one(
    client: TestClient, world: World
) -> None:
    headers = world.actors["enterprise"]
    for suffix in ("", "/publish", "/close"):
        method = "GET" if suffix == "" else "POST"
        hidden = client.request(
            method, f"/api/v1/positions/{world.ids['draft']}{suffix}", headers=headers
        )
        missing = client.request(
            method, f"/api/v1/positions/{uuid.uuid4()}{suffix}", headers=headers
        )
        assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
        assert hidden.status_code == 404
