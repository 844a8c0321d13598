"""Every route × every role, with the exact status: generated from the app's own route table.

A route missing from ``EXPECTED`` fails :func:`test_every_route_has_an_entry`, so a new route
cannot land without its permissions being stated. The ids in the paths name nothing that exists:
this table pins the gates (401 anonymous, 403 wrong role, 404 not visible, 422 past the gate);
``test_organisation_scope`` crosses real objects: own, same region, other region.

Columns: anonymous, student, school, enterprise, regulator of 500000 (a government body),
national regulator (no organisation), admin.
"""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models import OrganizationKind, OrganizationStatus, Role
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_uscc,
    make_user,
)
from tests.service.security.matrix import ROLES, make_actors, send

Statuses = tuple[int, int, int, int, int, int, int]

EXPECTED: dict[tuple[str, str], Statuses | None] = {
    ("GET", "/healthz"): (200, 200, 200, 200, 200, 200, 200),
    # 三张清单, 联合体, incentive statement (issue 16): public reads, writes need an account.
    ("GET", "/api/v1/regions/{code}/lists/{kind}"): (422, 422, 422, 422, 422, 422, 422),
    # Drafts and published versions (kind "positions" is no list: 422 past the gate; the region
    # checks are in tests/service/lists/test_versions.py), support measures.
    ("POST", "/api/v1/regions/{code}/lists/{kind}/versions"): (401, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/regions/{code}/lists/{kind}/versions"): (422, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/regions/{code}/lists/{kind}/versions/{version}"): (
        422,
        422,
        422,
        422,
        422,
        422,
        422,
    ),
    ("POST", "/api/v1/regions/{code}/lists/{kind}/versions/{version}/publish"): (
        401,
        422,
        422,
        422,
        422,
        422,
        422,
    ),
    ("GET", "/api/v1/policy-measures"): (200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/policy-measures"): (401, 422, 422, 422, 422, 422, 422),
    ("PATCH", "/api/v1/policy-measures/{key}"): (401, 403, 403, 403, 404, 404, 404),
    ("POST", "/api/v1/policy-measures/{key}/withdraw"): (401, 403, 403, 403, 404, 404, 404),
    # 产教融合型企业 registry: enterprises apply, the region's regulators review (the role and
    # region checks past the body's validation are in tests/service/integration_enterprises).
    ("POST", "/api/v1/integration-enterprises"): (401, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/integration-enterprises"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/integration-enterprises/{application_id}"): (
        404,
        404,
        404,
        404,
        404,
        404,
        404,
    ),
    ("POST", "/api/v1/integration-enterprises/{application_id}/review"): (
        401,
        422,
        422,
        422,
        422,
        422,
        422,
    ),
    ("PUT", "/api/v1/enterprises/{code}/tax-years/{year}"): (401, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/enterprises/{code}/incentive-statement"): (401, 422, 422, 422, 422, 422, 422),
    ("POST", "/api/v1/alliances"): (401, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/alliances"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/alliances/{alliance_id}"): (404, 404, 404, 404, 404, 404, 404),
    ("GET", "/api/v1/alliances/{alliance_id}/indicators"): (422, 422, 422, 422, 422, 422, 422),
    ("GET", "/readyz"): None,  # answers for the configured database, not the test one
    ("POST", "/api/v1/auth/token"): (422, 422, 422, 422, 422, 422, 422),
    ("POST", "/api/v1/auth/refresh"): (422, 422, 422, 422, 422, 422, 422),
    ("POST", "/api/v1/auth/logout"): (422, 422, 422, 422, 422, 422, 422),
    ("POST", "/api/v1/auth/register"): (422, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/auth/me"): (401, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/auth/password"): (401, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/catalog/majors"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/catalog/majors/resolve"): (422, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/catalog/majors/{code}"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/catalog/industries"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/catalog/occupations"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/catalog/priority-industries"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/catalog/regions"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/policy-profiles"): (401, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/regions/{code}/policy-profile"): (401, 200, 200, 200, 200, 200, 200),
    ("PUT", "/api/v1/regions/{code}/policy-profile"): (401, 403, 403, 403, 422, 422, 422),
    ("GET", "/api/v1/reports/mismatch"): (401, 403, 422, 403, 422, 422, 422),
    ("GET", "/api/v1/reports/mismatch/what-if"): (401, 403, 422, 403, 422, 422, 422),
    ("GET", "/api/v1/reports/mismatch/changes"): (401, 403, 422, 403, 422, 422, 422),
    ("POST", "/api/v1/organizations"): (401, 403, 403, 403, 422, 422, 422),
    ("GET", "/api/v1/organizations"): (401, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/organizations/{organization_id}"): (401, 404, 404, 404, 404, 404, 404),
    ("PATCH", "/api/v1/organizations/{organization_id}"): (401, 403, 404, 404, 404, 404, 404),
    ("POST", "/api/v1/organizations/{organization_id}/verify"): (401, 403, 403, 403, 404, 404, 404),
    ("POST", "/api/v1/organizations/{organization_id}/suspend"): (
        401,
        403,
        403,
        403,
        404,
        404,
        404,
    ),
    ("GET", "/api/v1/positions"): (200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/positions"): (401, 403, 403, 422, 403, 403, 403),
    ("GET", "/api/v1/positions/mine"): (401, 403, 403, 200, 403, 403, 403),
    ("GET", "/api/v1/positions/compliance-findings"): (401, 403, 403, 403, 200, 200, 200),
    ("GET", "/api/v1/positions/{position_id}"): (404, 404, 404, 404, 404, 404, 404),
    ("PATCH", "/api/v1/positions/{position_id}"): (401, 403, 403, 404, 403, 403, 403),
    ("POST", "/api/v1/positions/{position_id}/publish"): (401, 403, 403, 404, 403, 403, 403),
    ("GET", "/api/v1/positions/{position_id}/compliance"): (401, 403, 403, 404, 403, 403, 403),
    ("POST", "/api/v1/positions/{position_id}/close"): (401, 403, 403, 404, 403, 403, 403),
    ("GET", "/api/v1/reports/apprenticeship-share"): (401, 403, 403, 403, 200, 200, 200),
    ("POST", "/api/v1/demand-forecasts"): (401, 403, 403, 422, 422, 422, 403),
    ("GET", "/api/v1/demand-forecasts"): (200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/imports/{kind}"): (401, 403, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/imports/{kind}/template"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/exports/{kind}"): (401, 403, 403, 200, 200, 200, 200),
    ("GET", "/api/v1/audit"): (401, 403, 403, 403, 200, 200, 200),
    ("POST", "/api/v1/programmes"): (401, 403, 422, 403, 422, 422, 422),
    ("GET", "/api/v1/programmes"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/programmes/{programme_id}"): (404, 404, 404, 404, 404, 404, 404),
    ("PATCH", "/api/v1/programmes/{programme_id}"): (401, 403, 404, 403, 404, 404, 404),
    ("DELETE", "/api/v1/programmes/{programme_id}"): (401, 403, 404, 403, 404, 404, 404),
    ("GET", "/api/v1/programmes/{programme_id}/cohorts"): (401, 404, 404, 404, 404, 404, 404),
    ("PUT", "/api/v1/programmes/{programme_id}/cohorts/{graduation_year}"): (
        401,
        403,
        422,
        403,
        422,
        422,
        422,
    ),
    ("DELETE", "/api/v1/programmes/{programme_id}/cohorts/{graduation_year}"): (
        401,
        403,
        404,
        403,
        404,
        404,
        404,
    ),
    ("GET", "/api/v1/schools/{school_code}/programmes"): (401, 404, 404, 404, 404, 404, 404),
    ("POST", "/api/v1/students"): (401, 403, 422, 403, 403, 403, 403),
    ("GET", "/api/v1/students"): (401, 403, 200, 403, 200, 200, 200),
    ("GET", "/api/v1/students/me"): (401, 404, 403, 403, 403, 403, 403),
    ("PATCH", "/api/v1/students/me"): (401, 404, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/students/{student_id}"): (401, 403, 404, 403, 404, 404, 404),
    ("PATCH", "/api/v1/students/{student_id}"): (401, 403, 404, 403, 403, 403, 403),
    ("POST", "/api/v1/applications"): (401, 422, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/applications"): (401, 404, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/applications/{application_id}"): (401, 404, 404, 404, 404, 404, 404),
    ("POST", "/api/v1/applications/{application_id}/{action}"): (401, 404, 403, 404, 403, 403, 403),
    ("GET", "/api/v1/matching/majors/{code}/alignment"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/schools/{code}/alignment"): (401, 404, 404, 404, 404, 404, 404),
    ("GET", "/api/v1/students/me/recommendations"): (401, 404, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/students/{student_id}/recommendations"): (401, 403, 404, 403, 403, 403, 404),
    ("GET", "/api/v1/positions/{position_id}/candidate-programmes"): (
        401,
        403,
        403,
        404,
        404,
        404,
        404,
    ),
    ("POST", "/api/v1/placement-rounds"): (401, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/placement-rounds/{round_id}"): (401, 404, 404, 404, 404, 404, 404),
    ("PUT", "/api/v1/placement-rounds/{round_id}/choices"): (401, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/placement-rounds/{round_id}/choices"): (401, 404, 404, 404, 404, 404, 404),
    ("PUT", "/api/v1/placement-rounds/{round_id}/rankings/{position_id}"): (
        401,
        404,
        404,
        404,
        404,
        404,
        404,
    ),
    ("GET", "/api/v1/placement-rounds/{round_id}/rankings/{position_id}"): (
        401,
        404,
        404,
        404,
        404,
        404,
        404,
    ),
    ("POST", "/api/v1/placement-rounds/{round_id}/run"): (401, 404, 404, 404, 404, 404, 404),
    ("GET", "/api/v1/placement-rounds/{round_id}/results"): (401, 404, 404, 404, 404, 404, 404),
}


def _operations(client: TestClient) -> list[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


def test_every_route_has_an_entry(client: TestClient) -> None:
    operations = _operations(client)
    assert sorted(set(operations) - set(EXPECTED)) == []
    assert sorted(set(EXPECTED) - set(operations)) == []


def test_every_route_answers_every_role_as_stated(client: TestClient, session: Session) -> None:
    actors = make_actors(session)
    actual: dict[tuple[str, str], Statuses | None] = {}
    for method, path in _operations(client):
        if EXPECTED.get((method, path)) is None:
            actual[(method, path)] = None
            continue
        codes = tuple(send(client, method, path, actors[role]) for role in ROLES)
        actual[(method, path)] = codes  # type: ignore[assignment]
    assert actual == EXPECTED


# ---------------------------------------------------------------- own / same region / other region

# (method, path suffix, body): the organisation routes, crossed with real organisations.
ORG_ROUTES = (
    ("GET", "", None),
    ("PATCH", "", {"staff_count": 120}),
    ("POST", "/verify", None),
    ("POST", "/suspend", None),
)
# For each actor: statuses on (own organisation, one in 500106, one in 110101), per ORG_ROUTES.
ORG_EXPECTED: dict[str, dict[str, tuple[int, int, int]]] = {
    "enterprise": {
        "GET": (200, 404, 404),
        "PATCH": (200, 404, 404),
        "POST /verify": (403, 403, 403),
        "POST /suspend": (403, 403, 403),
    },
    "regulator_region": {
        "GET": (200, 200, 404),
        "PATCH": (200, 200, 404),
        "POST /verify": (409, 200, 404),
        "POST /suspend": (200, 200, 404),
    },
    "regulator_national": {  # belongs to no organisation: "own" is an id that names nothing
        "GET": (404, 200, 200),
        "PATCH": (404, 200, 200),
        "POST /verify": (404, 200, 200),
        "POST /suspend": (404, 200, 200),
    },
}


def test_organisation_scope(client: TestClient, session: Session) -> None:
    """Regulators act only inside their region (500000 covers 500106, not 110101)."""
    actual: dict[str, dict[str, tuple[int, int, int]]] = {}
    for actor_name in ORG_EXPECTED:
        own_org = (
            make_enterprise(session, region_code="500106")
            if actor_name == "enterprise"
            else make_organization(session, OrganizationKind.government, region_code="500000")
        )
        user = make_user(
            session,
            Role.enterprise if actor_name == "enterprise" else Role.regulator,
            None if actor_name == "regulator_national" else own_org,
        )
        same = make_enterprise(session, region_code="500106", status=OrganizationStatus.pending)
        other = make_enterprise(session, region_code="110101", status=OrganizationStatus.pending)
        session.commit()
        headers = auth_headers(user)
        targets = (
            own_org.id if actor_name != "regulator_national" else uuid.uuid4(),
            same.id,
            other.id,
        )
        row: dict[str, tuple[int, int, int]] = {}
        for method, suffix, body in ORG_ROUTES:
            codes: dict[int, int] = {}
            # Own organisation last: suspending it ends the actor's session.
            for index in (1, 2, 0):
                url = f"/api/v1/organizations/{targets[index]}{suffix}"
                codes[index] = client.request(method, url, headers=headers, json=body).status_code
            row[f"{method}{' ' + suffix if suffix else ''}"] = (codes[0], codes[1], codes[2])
        actual[actor_name] = row
    assert actual == ORG_EXPECTED


def test_regulator_cannot_create_outside_its_region(client: TestClient, session: Session) -> None:
    actors = make_actors(session)
    body = {
        "kind": "enterprise",
        "code": make_uscc("110101"),
        "name": "北京某公司",
        "region_code": "110101",
        "industry_code": "3670",
        "staff_count": 10,
    }
    response = client.post("/api/v1/organizations", json=body, headers=actors["regulator_region"])
    assert (response.status_code, response.json()["error"]["message"]) == (
        403,
        "只能录入本部门管辖地区的机构",
    )


@pytest.mark.parametrize(
    ("role", "national", "scope"),
    [
        ("regulator_region", False, "500000"),
        ("regulator_national", True, None),
        ("school", False, None),
    ],
)
def test_me_says_the_scope(
    client: TestClient, session: Session, role: str, national: bool, scope: str | None
) -> None:
    body = client.get("/api/v1/auth/me", headers=make_actors(session)[role]).json()
    assert (body["national"], body["supervision_region_code"]) == (national, scope)
