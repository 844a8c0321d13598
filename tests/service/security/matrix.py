"""The actors and the request of the permission matrix (shared by its test and its dump)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import OrganizationKind, Role
from tests.factories import auth_headers, make_enterprise, make_organization, make_school, make_user

ROLES = (
    "anonymous",
    "student",
    "school",
    "enterprise",
    "regulator_region",
    "regulator_national",
    "admin",
)
_PARAM = re.compile(r"\{([^}]+)\}")
# Path parameters that are not ids: values that pass their validation.
_PARAM_VALUES = {
    "kind": "positions",
    "code": "500106",
    "school_code": "4150000101",
    "graduation_year": "2025",
    "action": "withdraw",
}


def make_actors(session: Session) -> dict[str, dict[str, str]]:
    """Bearer headers of one account per role (no header for anonymous)."""
    school = make_school(session)
    enterprise = make_enterprise(session)
    government = make_organization(session, OrganizationKind.government, region_code="500000")
    users = {
        "student": make_user(session, Role.student, school),
        "school": make_user(session, Role.school, school),
        "enterprise": make_user(session, Role.enterprise, enterprise),
        "regulator_region": make_user(session, Role.regulator, government),
        "regulator_national": make_user(session, Role.regulator),
        "admin": make_user(session, Role.admin),
    }
    session.commit()
    return {"anonymous": {}} | {role: auth_headers(user) for role, user in users.items()}


def concrete(path: str) -> str:
    """``path`` with a fresh id (or a valid code) for each parameter: nothing it names exists."""
    return _PARAM.sub(lambda m: _PARAM_VALUES.get(m.group(1), str(uuid.uuid4())), path)


def send(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    kwargs: dict[str, Any] = {"headers": headers}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {}
    status: int = client.request(method, concrete(path), **kwargs).status_code
    return status
