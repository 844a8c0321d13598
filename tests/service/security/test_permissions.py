"""Every route × every role, with the exact status: generated from the app's own route table.

A route missing from ``EXPECTED`` fails :func:`test_every_route_has_an_entry`, so a new route
cannot land without its permissions being stated. The ids in the paths name nothing that exists:
this table pins the gates (401 anonymous, 403 wrong role, 404 not visible, 422 past the gate);
``test_organisation_scope`` crosses real objects: own, same region, other region.

Every role check is a route's ``require_roles`` dependency, which runs before the body and the
parameters are validated: a refused role gets its 403 even for the empty body sent here, so a
role check removed from a route changes its row. ``test_every_403_is_a_role_check_of_the_route``
ties the table's 403 cells to the roles each route's check refuses, and no other 403 is allowed.

Columns: anonymous, student, school, enterprise, regulator of 500000 (a government body),
national regulator (no organisation), admin.
"""

from __future__ import annotations

import inspect
import uuid
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import (
    Application,
    IdentityChangeRequest,
    OrganizationKind,
    OrganizationStatus,
    PositionKind,
    PositionStatus,
    PriorityIndustry,
    Role,
)
from models.base import utcnow
from service import audit
from service.auth.dependencies import require_roles
from tests.factories import (
    auth_headers,
    import_file_bytes,
    make_cohort,
    make_enterprise,
    make_organization,
    make_position,
    make_programme,
    make_school,
    make_school_code,
    make_student,
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
    ("POST", "/api/v1/regions/{code}/lists/{kind}/versions"): (401, 403, 403, 403, 422, 422, 422),
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
        403,
        403,
        403,
        422,
        422,
        422,
    ),
    ("GET", "/api/v1/policy-measures"): (200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/policy-measures"): (401, 403, 403, 403, 422, 422, 422),
    ("PATCH", "/api/v1/policy-measures/{key}"): (401, 403, 403, 403, 404, 404, 404),
    ("POST", "/api/v1/policy-measures/{key}/withdraw"): (401, 403, 403, 403, 404, 404, 404),
    # 产教融合型企业 registry: enterprises apply, the region's regulators review (the region
    # checks past the body's validation are in tests/service/integration_enterprises).
    ("POST", "/api/v1/integration-enterprises"): (401, 403, 403, 422, 403, 403, 403),
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
        403,
        403,
        403,
        422,
        422,
        422,
    ),
    ("PUT", "/api/v1/enterprises/{code}/tax-years/{year}"): (401, 403, 403, 422, 403, 403, 422),
    ("GET", "/api/v1/enterprises/{code}/incentive-statement"): (401, 403, 403, 422, 422, 422, 422),
    ("POST", "/api/v1/alliances"): (401, 403, 403, 403, 422, 422, 422),
    ("GET", "/api/v1/alliances"): (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/alliances/{alliance_id}"): (404, 404, 404, 404, 404, 404, 404),
    ("GET", "/api/v1/alliances/{alliance_id}/indicators"): (422, 422, 422, 422, 422, 422, 422),
    # Internships and apprenticeships (issue 27): parties act, regulators read their region's.
    ("GET", "/api/v1/internships"): (401, 404, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/internships/{internship_id}"): (401, 404, 404, 404, 404, 404, 404),
    ("GET", "/api/v1/internships/{internship_id}/agreement"): (401, 404, 404, 404, 404, 404, 404),
    ("PUT", "/api/v1/internships/{internship_id}/agreement"): (401, 403, 404, 404, 403, 403, 403),
    ("POST", "/api/v1/internships/{internship_id}/agreement/confirm"): (
        401,
        404,
        404,
        404,
        403,
        403,
        403,
    ),
    ("PUT", "/api/v1/internships/{internship_id}/insurance"): (401, 403, 422, 422, 403, 403, 403),
    ("PUT", "/api/v1/internships/{internship_id}/mentors"): (401, 403, 422, 422, 403, 403, 403),
    ("POST", "/api/v1/internships/{internship_id}/start"): (401, 403, 404, 404, 403, 403, 403),
    ("POST", "/api/v1/internships/{internship_id}/logs"): (401, 422, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/internships/{internship_id}/logs"): (401, 404, 404, 404, 404, 404, 404),
    ("POST", "/api/v1/internships/{internship_id}/logs/{log_id}/comments"): (
        401,
        403,
        422,
        422,
        403,
        403,
        403,
    ),
    ("GET", "/api/v1/internships/{internship_id}/findings"): (401, 403, 404, 404, 404, 404, 404),
    ("POST", "/api/v1/internships/{internship_id}/evaluations"): (
        401,
        403,
        422,
        422,
        403,
        403,
        403,
    ),
    ("POST", "/api/v1/internships/{internship_id}/complete"): (401, 403, 404, 403, 403, 403, 403),
    ("POST", "/api/v1/internships/{internship_id}/end"): (401, 403, 422, 422, 403, 403, 403),
    ("GET", "/api/v1/internships/{internship_id}/certificate"): (401, 404, 404, 404, 404, 404, 404),
    ("GET", "/api/v1/internship-findings"): (401, 403, 200, 200, 200, 200, 200),
    ("GET", "/readyz"): None,  # answers for the configured database, not the test one
    ("POST", "/api/v1/auth/token"): (422, 422, 422, 422, 422, 422, 422),
    ("POST", "/api/v1/auth/refresh"): (422, 422, 422, 422, 422, 422, 422),
    ("POST", "/api/v1/auth/logout"): (422, 422, 422, 422, 422, 422, 422),
    ("POST", "/api/v1/auth/register"): (422, 422, 422, 422, 422, 422, 422),
    ("GET", "/api/v1/auth/me"): (401, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/auth/password"): (401, 422, 422, 422, 422, 422, 422),
    ("POST", "/api/v1/auth/logout-all"): (401, 204, 204, 204, 204, 204, 204),
    # Notifications (issue 26): every account its own.
    ("GET", "/api/v1/notifications"): (401, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/notifications/read-all"): (401, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/notifications/preferences"): (401, 200, 200, 200, 200, 200, 200),
    ("PUT", "/api/v1/notifications/preferences"): (401, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/notifications/{notification_id}/read"): (401, 404, 404, 404, 404, 404, 404),
    # Favourites and saved searches: students only.
    ("GET", "/api/v1/favorites"): (401, 200, 403, 403, 403, 403, 403),
    ("PUT", "/api/v1/favorites/{position_id}"): (401, 404, 403, 403, 403, 403, 403),
    ("DELETE", "/api/v1/favorites/{position_id}"): (401, 204, 403, 403, 403, 403, 403),
    ("POST", "/api/v1/saved-searches"): (401, 422, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/saved-searches"): (401, 200, 403, 403, 403, 403, 403),
    ("DELETE", "/api/v1/saved-searches/{search_id}"): (401, 404, 403, 403, 403, 403, 403),
    # Account recovery: by mail (anonymous), by the school, by the regulator.
    ("POST", "/api/v1/auth/password-reset"): (422, 422, 422, 422, 422, 422, 422),
    ("POST", "/api/v1/auth/password-reset/confirm"): (422, 422, 422, 422, 422, 422, 422),
    ("POST", "/api/v1/students/{student_id}/password-reset"): (401, 403, 404, 403, 403, 403, 403),
    ("POST", "/api/v1/organizations/{organization_id}/password-reset"): (
        401,
        403,
        403,
        403,
        422,
        422,
        422,
    ),
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
    # Identity changes by review: the organisation's accounts ask, regulators decide.
    ("POST", "/api/v1/organizations/{organization_id}/identity-changes"): (
        401,
        403,
        422,
        422,
        403,
        403,
        403,
    ),
    ("GET", "/api/v1/identity-changes"): (401, 403, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/identity-changes/{request_id}"): (401, 403, 404, 404, 404, 404, 404),
    ("POST", "/api/v1/identity-changes/{request_id}/approve"): (401, 403, 403, 403, 404, 404, 404),
    ("POST", "/api/v1/identity-changes/{request_id}/refuse"): (401, 403, 403, 403, 422, 422, 422),
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
    ("GET", "/api/v1/schools/{school_code}/outcomes"): (401, 404, 404, 404, 404, 404, 404),
    ("PUT", "/api/v1/schools/{school_code}/outcomes/opt-in"): (401, 403, 422, 403, 403, 403, 403),
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
    # Interviews, messages (issue 26): the parties of the application; the school reads messages.
    ("POST", "/api/v1/applications/{application_id}/interviews"): (
        401,
        403,
        403,
        422,
        403,
        403,
        403,
    ),
    ("GET", "/api/v1/applications/{application_id}/interviews"): (
        401,
        404,
        404,
        404,
        404,
        404,
        404,
    ),
    ("GET", "/api/v1/interviews/{interview_id}.ics"): (401, 404, 404, 404, 404, 404, 404),
    ("GET", "/api/v1/interviews/{interview_id}"): (401, 404, 404, 404, 404, 404, 404),
    ("PATCH", "/api/v1/interviews/{interview_id}"): (401, 403, 403, 404, 403, 403, 403),
    ("POST", "/api/v1/interviews/{interview_id}/confirm"): (401, 404, 403, 403, 403, 403, 403),
    ("POST", "/api/v1/interviews/{interview_id}/decline"): (401, 404, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/applications/{application_id}/messages"): (
        401,
        404,
        404,
        404,
        403,
        403,
        403,
    ),
    ("POST", "/api/v1/applications/{application_id}/messages"): (
        401,
        422,
        403,
        422,
        403,
        403,
        403,
    ),
    # 双选会: organised by schools and regulators, listed to everyone signed in.
    ("POST", "/api/v1/job-fairs"): (401, 403, 422, 403, 422, 422, 422),
    ("GET", "/api/v1/job-fairs"): (401, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/v1/job-fairs/{job_fair_id}"): (401, 404, 404, 404, 404, 404, 404),
    ("POST", "/api/v1/job-fairs/{job_fair_id}/booths"): (401, 403, 403, 422, 403, 403, 403),
    ("POST", "/api/v1/job-fairs/{job_fair_id}/booths/{booth_id}/approve"): (
        401,
        403,
        404,
        403,
        404,
        404,
        404,
    ),
    ("POST", "/api/v1/job-fairs/{job_fair_id}/booths/{booth_id}/refuse"): (
        401,
        403,
        422,
        403,
        422,
        422,
        422,
    ),
    ("POST", "/api/v1/job-fairs/{job_fair_id}/registrations"): (
        401,
        404,
        403,
        403,
        403,
        403,
        403,
    ),
    ("GET", "/api/v1/job-fairs/{job_fair_id}/registrations"): (
        401,
        403,
        404,
        403,
        404,
        404,
        404,
    ),
    ("POST", "/api/v1/job-fairs/{job_fair_id}/registrations/{registration_id}/check-in"): (
        401,
        403,
        404,
        403,
        404,
        404,
        404,
    ),
    ("GET", "/api/v1/job-fairs/{job_fair_id}/figures"): (401, 403, 404, 403, 404, 404, 404),
    # The public page of a verified enterprise.
    ("GET", "/api/v1/enterprises/{code}/profile"): (404, 404, 404, 404, 404, 404, 404),
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
    ("POST", "/api/v1/placement-rounds"): (401, 403, 422, 403, 422, 422, 403),
    ("GET", "/api/v1/placement-rounds/{round_id}"): (401, 404, 404, 404, 404, 404, 404),
    ("PUT", "/api/v1/placement-rounds/{round_id}/choices"): (401, 422, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/placement-rounds/{round_id}/choices"): (401, 404, 403, 403, 403, 403, 403),
    ("PUT", "/api/v1/placement-rounds/{round_id}/rankings/{position_id}"): (
        401,
        403,
        403,
        404,
        403,
        403,
        403,
    ),
    ("GET", "/api/v1/placement-rounds/{round_id}/rankings/{position_id}"): (
        401,
        403,
        404,
        404,
        404,
        404,
        404,
    ),
    ("POST", "/api/v1/placement-rounds/{round_id}/run"): (401, 403, 404, 403, 404, 404, 404),
    ("POST", "/api/v1/placement-rounds/{round_id}/publish"): (401, 403, 404, 403, 404, 404, 404),
    ("GET", "/api/v1/placement-rounds/{round_id}/results"): (401, 404, 404, 404, 404, 404, 404),
    # 专业动态调整 (issue 29): the region's regulator opens windows and decides (an admin does
    # not); schools propose; drafts stay with their school; the region's view is the regulators'.
    ("POST", "/api/v1/adjustment-windows"): (401, 403, 403, 403, 422, 422, 403),
    ("GET", "/api/v1/adjustment-windows"): (401, 403, 200, 403, 200, 200, 200),
    ("GET", "/api/v1/adjustment-windows/{window_id}"): (401, 403, 404, 403, 404, 404, 404),
    ("GET", "/api/v1/adjustment-windows/{window_id}/unacted"): (401, 403, 403, 403, 404, 404, 404),
    ("POST", "/api/v1/major-proposals"): (401, 403, 422, 403, 403, 403, 403),
    ("GET", "/api/v1/major-proposals"): (401, 403, 200, 403, 200, 200, 200),
    ("GET", "/api/v1/major-proposals/{proposal_id}"): (401, 403, 404, 403, 404, 404, 404),
    ("PATCH", "/api/v1/major-proposals/{proposal_id}"): (401, 403, 404, 403, 403, 403, 403),
    ("POST", "/api/v1/major-proposals/{proposal_id}/submit"): (401, 403, 404, 403, 403, 403, 403),
    ("POST", "/api/v1/major-proposals/{proposal_id}/approve"): (401, 403, 403, 403, 404, 404, 403),
    ("POST", "/api/v1/major-proposals/{proposal_id}/return"): (401, 403, 403, 403, 422, 422, 403),
    ("POST", "/api/v1/major-proposals/{proposal_id}/refuse"): (401, 403, 403, 403, 422, 422, 403),
    ("GET", "/api/v1/regions/{code}/adjustments"): (401, 403, 403, 403, 422, 422, 422),
}


def _operations(client: TestClient) -> list[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


def test_every_route_has_an_entry(client: TestClient) -> None:
    operations = _operations(client)
    assert sorted(set(operations) - set(EXPECTED)) == []
    assert sorted(set(EXPECTED) - set(operations)) == []


# The columns' roles (anonymous has none).
COLUMN_ROLES: dict[str, Role] = {
    "student": Role.student,
    "school": Role.school,
    "enterprise": Role.enterprise,
    "regulator_region": Role.regulator,
    "regulator_national": Role.regulator,
    "admin": Role.admin,
}


def _role_checks(dependant: Dependant) -> list[frozenset[Role]]:
    """The roles admitted by each ``require_roles`` check among a route's dependencies."""
    found = []
    for sub in dependant.dependencies:
        call = sub.call
        if getattr(call, "__qualname__", "") == f"{require_roles.__name__}.<locals>._check":
            found.append(frozenset(inspect.getclosurevars(cast(Any, call)).nonlocals["roles"]))
        found += _role_checks(sub)
    return found


def _api_routes(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every API route with its full path (FastAPI keeps an included router's routes in it; a
    change there leaves this list short, and the test below fails)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path_format, route))
        elif (router := getattr(route, "original_router", None)) is not None:
            found += _api_routes(router.routes, prefix + route.include_context.prefix)
    return found


def test_every_403_is_a_role_check_of_the_route(client: TestClient) -> None:
    """A role gets 403 in the table exactly when the route's role check refuses it."""
    app = cast(FastAPI, client.app)
    refused: dict[tuple[str, str], Statuses | None] = {}
    for path, route in _api_routes(app.routes):
        checks = _role_checks(route.dependant)
        assert len(checks) <= 1, path  # one check per route
        for method in route.methods or ():
            if (statuses := EXPECTED.get((method, path))) is None:
                continue
            admitted = checks[0] if checks else frozenset(Role)
            refused[(method, path)] = tuple(  # type: ignore[assignment]
                (403 if COLUMN_ROLES[role] not in admitted else statuses[i])
                if role in COLUMN_ROLES
                else statuses[i]
                for i, role in enumerate(ROLES)
            )
    assert refused == {key: value for key, value in EXPECTED.items() if value is not None}


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


# ------------------------------------------- every domain: same region / other region, per route
#
# A regional regulator (of 500000, a government body) and a national one (no organisation) act on
# objects of the same region (500106) and of another (110101). Every route a regulator passes the
# role gate of (its EXPECTED status is not 401/403) has an entry below, in SCOPE_CASES (crossed
# here), in SCOPE_CROSSED_ELSEWHERE (the test that crosses it) or in SCOPE_NOT_REGIONAL (why no
# region applies) — a new route regulators can reach fails ``test_every_regulator_route_is_scoped``.
# A list route answers "200+" when the region's object is in the answer, "200-" when it is not.

Cell = int | str
ScopeStatuses = tuple[Cell, Cell, Cell, Cell]  # regional: same, other; national: same, other
Built = tuple[str, dict[str, Any], str | None]  # url, request keyword arguments, list marker

SCOPE_CROSSED_ELSEWHERE = {
    ("POST", "/api/v1/organizations/{organization_id}/password-reset"): (
        "tests/service/recovery: test_a_regulator_resets_only_its_regions_organisation_accounts"
    ),
    ("POST", "/api/v1/adjustment-windows"): (
        "tests/service/adjustments: test_only_the_regions_regulator_opens_one_window_a_year"
    ),
    ("GET", "/api/v1/adjustment-windows"): (
        "tests/service/adjustments: test_only_the_regions_regulator_opens_one_window_a_year"
    ),
    ("GET", "/api/v1/adjustment-windows/{window_id}"): (
        "tests/service/adjustments: test_another_regions_regulator_sees_and_decides_nothing"
    ),
    ("GET", "/api/v1/adjustment-windows/{window_id}/unacted"): (
        "tests/service/adjustments: "
        "test_flagged_majors_without_a_proposal_by_the_close_are_listed_for_the_regulator"
    ),
    ("GET", "/api/v1/major-proposals"): (
        "tests/service/adjustments: test_another_regions_regulator_sees_and_decides_nothing"
    ),
    ("GET", "/api/v1/major-proposals/{proposal_id}"): (
        "tests/service/adjustments: test_another_regions_regulator_sees_and_decides_nothing"
    ),
    ("POST", "/api/v1/major-proposals/{proposal_id}/approve"): (
        "tests/service/adjustments: test_another_regions_regulator_sees_and_decides_nothing"
    ),
    ("POST", "/api/v1/major-proposals/{proposal_id}/return"): (
        "tests/service/adjustments: test_another_regions_regulator_sees_and_decides_nothing"
    ),
    ("POST", "/api/v1/major-proposals/{proposal_id}/refuse"): (
        "tests/service/adjustments: test_another_regions_regulator_sees_and_decides_nothing"
    ),
    ("GET", "/api/v1/regions/{code}/adjustments"): (
        "tests/service/adjustments: "
        "test_the_regions_view_counts_decisions_the_41_figure_and_warnings"
    ),
    ("GET", "/api/v1/internships"): (
        "tests/service/internships: test_each_party_sees_its_own_and_regulators_their_region"
    ),
    ("GET", "/api/v1/internships/{internship_id}"): (
        "tests/service/internships: test_each_party_sees_its_own_and_regulators_their_region"
    ),
    ("GET", "/api/v1/internships/{internship_id}/agreement"): (
        "tests/service/internships: test_regulators_read_only_their_regions_internships"
    ),
    ("GET", "/api/v1/internships/{internship_id}/logs"): (
        "tests/service/internships: test_regulators_read_only_their_regions_internships"
    ),
    ("GET", "/api/v1/internships/{internship_id}/findings"): (
        "tests/service/internships: test_regulators_read_only_their_regions_internships"
    ),
    ("GET", "/api/v1/internships/{internship_id}/certificate"): (
        "tests/service/internships: test_regulators_read_only_their_regions_internships"
    ),
    ("GET", "/api/v1/internship-findings"): (
        "tests/service/internships: test_logs_are_checked_and_a_breach_becomes_a_finding"
    ),
    ("POST", "/api/v1/organizations"): "test_regulator_cannot_create_outside_its_region",
    ("GET", "/api/v1/organizations/{organization_id}"): "test_organisation_scope",
    ("PATCH", "/api/v1/organizations/{organization_id}"): "test_organisation_scope",
    ("POST", "/api/v1/organizations/{organization_id}/verify"): "test_organisation_scope",
    ("POST", "/api/v1/organizations/{organization_id}/suspend"): "test_organisation_scope",
    ("POST", "/api/v1/identity-changes/{request_id}/approve"): (
        "tests/service/identity_changes: test_a_move_to_another_region_needs_a_regulator_of_both"
    ),
    ("POST", "/api/v1/regions/{code}/lists/{kind}/versions"): (
        "tests/service/lists: test_drafts_are_hidden_from_the_public_and_other_regions"
    ),
    ("GET", "/api/v1/regions/{code}/lists/{kind}/versions"): (
        "tests/service/lists: test_drafts_are_hidden_from_the_public_and_other_regions"
    ),
    ("GET", "/api/v1/regions/{code}/lists/{kind}/versions/{version}"): (
        "tests/service/lists: test_drafts_are_hidden_from_the_public_and_other_regions"
    ),
    ("POST", "/api/v1/regions/{code}/lists/{kind}/versions/{version}/publish"): (
        "tests/service/lists: test_drafts_are_hidden_from_the_public_and_other_regions"
    ),
    ("POST", "/api/v1/policy-measures"): (
        "tests/service/lists: test_national_measures_only_by_national_regulators"
    ),
    ("PATCH", "/api/v1/policy-measures/{key}"): (
        "tests/service/lists: test_a_region_adds_edits_and_withdraws_its_own"
    ),
    ("POST", "/api/v1/policy-measures/{key}/withdraw"): (
        "tests/service/lists: test_a_region_adds_edits_and_withdraws_its_own"
    ),
    ("GET", "/api/v1/integration-enterprises"): (
        "tests/service/integration_enterprises: "
        "test_registry_filters_and_shows_the_platforms_evidence"
    ),
    ("GET", "/api/v1/integration-enterprises/{application_id}"): (
        "tests/service/integration_enterprises: "
        "test_refusal_needs_a_reason_and_another_region_cannot_review"
    ),
    ("POST", "/api/v1/integration-enterprises/{application_id}/review"): (
        "tests/service/integration_enterprises: "
        "test_refusal_needs_a_reason_and_another_region_cannot_review"
    ),
    ("GET", "/api/v1/applications/{application_id}/interviews"): (
        "tests/service/interviews: test_other_regions_regulator_and_strangers_see_nothing"
    ),
    ("GET", "/api/v1/interviews/{interview_id}.ics"): (
        "tests/service/interviews: test_other_regions_regulator_and_strangers_see_nothing"
    ),
    ("GET", "/api/v1/interviews/{interview_id}"): (
        "tests/service/interviews: test_other_regions_regulator_and_strangers_see_nothing"
    ),
    ("POST", "/api/v1/job-fairs"): (
        "tests/service/job_fairs: test_a_regulator_creates_only_inside_its_region"
    ),
    ("GET", "/api/v1/job-fairs/{job_fair_id}/figures"): (
        "tests/service/job_fairs: test_figures_count_what_came_through_the_fair"
    ),
}
SCOPE_NOT_REGIONAL = {
    ("GET", "/api/v1/job-fairs"): "双选会: listed to everyone signed in",
    ("GET", "/api/v1/job-fairs/{job_fair_id}"): "双选会: shown to everyone signed in",
    ("POST", "/api/v1/job-fairs/{job_fair_id}/booths/{booth_id}/approve"): "the organiser only",
    ("POST", "/api/v1/job-fairs/{job_fair_id}/booths/{booth_id}/refuse"): "the organiser only",
    ("GET", "/api/v1/job-fairs/{job_fair_id}/registrations"): "the organiser only",
    ("POST", "/api/v1/job-fairs/{job_fair_id}/registrations/{registration_id}/check-in"): (
        "the organiser only"
    ),
    ("GET", "/api/v1/enterprises/{code}/profile"): "public page of a verified enterprise",
    ("GET", "/healthz"): "public",
    ("GET", "/readyz"): "public",
    ("POST", "/api/v1/auth/token"): "the caller's own account",
    ("POST", "/api/v1/auth/refresh"): "the caller's own account",
    ("POST", "/api/v1/auth/logout"): "the caller's own account",
    ("POST", "/api/v1/auth/register"): "anonymous self-registration",
    ("GET", "/api/v1/auth/me"): "the caller's own account",
    ("POST", "/api/v1/auth/password"): "the caller's own account",
    ("POST", "/api/v1/auth/logout-all"): "the caller's own account",
    ("GET", "/api/v1/notifications"): "the caller's own account",
    ("POST", "/api/v1/notifications/read-all"): "the caller's own account",
    ("GET", "/api/v1/notifications/preferences"): "the caller's own account",
    ("PUT", "/api/v1/notifications/preferences"): "the caller's own account",
    ("POST", "/api/v1/notifications/{notification_id}/read"): "the caller's own account",
    ("POST", "/api/v1/auth/password-reset"): "anonymous, by user name",
    ("POST", "/api/v1/auth/password-reset/confirm"): "anonymous, by a mailed token",
    ("GET", "/api/v1/catalog/majors"): "public reference catalogue",
    ("GET", "/api/v1/catalog/majors/resolve"): "public reference catalogue",
    ("GET", "/api/v1/catalog/majors/{code}"): "public reference catalogue",
    ("GET", "/api/v1/catalog/industries"): "public reference catalogue",
    ("GET", "/api/v1/catalog/occupations"): "public reference catalogue",
    ("GET", "/api/v1/catalog/priority-industries"): "public reference catalogue",
    ("GET", "/api/v1/catalog/regions"): "public reference catalogue",
    ("GET", "/api/v1/policy-profiles"): "policy texts, the same for everyone",
    ("GET", "/api/v1/regions/{code}/policy-profile"): "which policy a region follows: public",
    ("GET", "/api/v1/regions/{code}/lists/{kind}"): "三张清单: public",
    ("GET", "/api/v1/policy-measures"): "政策支持清单 measures: public",
    ("GET", "/api/v1/alliances"): "public",
    ("GET", "/api/v1/alliances/{alliance_id}"): "public",
    ("GET", "/api/v1/alliances/{alliance_id}/indicators"): "public",
    ("GET", "/api/v1/positions"): "published positions: public",
    ("GET", "/api/v1/demand-forecasts"): "public",
    ("GET", "/api/v1/imports/{kind}/template"): "an empty file",
    ("GET", "/api/v1/matching/majors/{code}/alignment"): "public reference analysis",
    ("GET", "/api/v1/students/{student_id}/recommendations"): "admins only among supervisors",
    ("POST", "/api/v1/placement-rounds"): "crossed below (organiser: the regulator's body)",
    ("GET", "/api/v1/placement-rounds/{round_id}"): "the round's organiser and parties only",
    ("GET", "/api/v1/placement-rounds/{round_id}/rankings/{position_id}"): "the organiser",
    ("POST", "/api/v1/placement-rounds/{round_id}/run"): "the organiser",
    ("POST", "/api/v1/placement-rounds/{round_id}/publish"): "the organiser",
    ("GET", "/api/v1/placement-rounds/{round_id}/results"): "the round's organiser and parties",
}


def _scope_world(session: Session) -> dict[str, Any]:
    """Per region, one of everything a regulator can reach; unverified schools keep their
    programmes out of the public lists."""
    world: dict[str, Any] = {}
    for region in ("500106", "110101"):
        school = make_school(
            session,
            region_code=region,
            status=OrganizationStatus.pending,
            code=make_school_code(region[:2]),
        )
        enterprise = make_enterprise(session, region_code=region)
        programme = make_programme(session, school, "460103", 2025)
        spare = make_programme(session, school, "460104", 2025)  # no cohorts: it may be deleted
        make_cohort(session, school, "460103", 2024, 40, 30)
        student = make_student(session, school, "460103")
        draft = make_position(session, enterprise, ["460103"], status=PositionStatus.draft)
        internship = make_position(session, enterprise, ["460103"], kind=PositionKind.internship)
        application = Application(
            student_id=student.id, position_id=internship.id, consent_at=utcnow()
        )
        member = make_user(session, Role.enterprise, enterprise)
        session.add(application)
        change = IdentityChangeRequest(
            organization_id=enterprise.id,
            changes={"name": "新名称有限公司"},
            before={"name": enterprise.name},
            reason="更名",
            requested_by=member.id,
        )
        session.add(change)
        session.flush()
        audit.record(session, member, "update", "organization", enterprise.id, None, enterprise)
        world[region] = {
            "region": region,
            "school": school,
            "enterprise": enterprise,
            "programme": programme,
            "spare": spare,
            "student": student,
            "draft": draft,
            "internship": internship,
            "application": application,
            "change": change,
            "park": make_organization(session, OrganizationKind.park, region_code=region),
        }
    government = make_organization(session, OrganizationKind.government, region_code="500000")
    world["regulator_region"] = auth_headers(make_user(session, Role.regulator, government))
    world["regulator_national"] = auth_headers(make_user(session, Role.regulator))
    world["industry"] = session.exec(select(PriorityIndustry.key)).first()
    session.commit()
    return world


def _organisation_file(region: str) -> dict[str, Any]:
    rows = [["enterprise", make_uscc(region), "导入测试企业有限公司", region, "3670", "", 80]]
    headers = ["kind", "code", "name", "region_code", "industry_code", "level", "staff_count"]
    return {"files": {"file": ("orgs.csv", import_file_bytes(headers, rows), "text/csv")}}


def _round(o: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "双选",
        "deadline_at": "2099-01-01T00:00:00+08:00",
        "positions": [{"position_id": str(o["internship"].id)}],
        "student_ids": [str(o["student"].id)],
    }


SCOPE_CASES: dict[tuple[str, str], tuple[Any, ScopeStatuses]] = {
    ("GET", "/api/v1/organizations"): (
        lambda o, w: ("/api/v1/organizations", {}, str(o["enterprise"].id)),
        ("200+", "200-", "200+", "200+"),
    ),
    ("GET", "/api/v1/students"): (
        lambda o, w: (
            "/api/v1/students",
            {"params": {"school": o["school"].code}},
            str(o["student"].id),
        ),
        ("200+", "200-", "200+", "200+"),
    ),
    ("GET", "/api/v1/students/{student_id}"): (
        lambda o, w: (f"/api/v1/students/{o['student'].id}", {}, None),
        (200, 404, 200, 200),
    ),
    ("GET", "/api/v1/applications"): (
        lambda o, w: ("/api/v1/applications", {}, str(o["application"].id)),
        ("200+", "200-", "200+", "200+"),
    ),
    ("GET", "/api/v1/applications/{application_id}"): (
        lambda o, w: (f"/api/v1/applications/{o['application'].id}", {}, None),
        (200, 404, 200, 200),
    ),
    ("POST", "/api/v1/programmes"): (
        lambda o, w: (
            "/api/v1/programmes",
            {
                "json": {
                    "school_code": o["school"].code,
                    "major": "460103",
                    "year": 2026,
                    "enrolment_plan": 40,
                }
            },
            None,
        ),
        (201, 403, 201, 201),
    ),
    ("GET", "/api/v1/programmes"): (
        lambda o, w: (
            "/api/v1/programmes",
            {"params": {"school": o["school"].code}},
            str(o["programme"].id),
        ),
        ("200+", "200-", "200+", "200+"),
    ),
    ("GET", "/api/v1/programmes/{programme_id}"): (
        lambda o, w: (f"/api/v1/programmes/{o['programme'].id}", {}, None),
        (200, 404, 200, 200),
    ),
    ("PATCH", "/api/v1/programmes/{programme_id}"): (
        lambda o, w: (
            f"/api/v1/programmes/{o['programme'].id}",
            {"json": {"enrolment_plan": 45}},
            None,
        ),
        (200, 404, 200, 200),
    ),
    ("DELETE", "/api/v1/programmes/{programme_id}"): (
        lambda o, w: (f"/api/v1/programmes/{o['spare'].id}", {}, None),
        (204, 404, 204, 204),
    ),
    ("GET", "/api/v1/programmes/{programme_id}/cohorts"): (
        lambda o, w: (f"/api/v1/programmes/{o['programme'].id}/cohorts", {}, None),
        (200, 404, 200, 200),
    ),
    ("PUT", "/api/v1/programmes/{programme_id}/cohorts/{graduation_year}"): (
        lambda o, w: (
            f"/api/v1/programmes/{o['programme'].id}/cohorts/2025",
            {"json": {"graduates": 40, "placed": 30, "in_field": 20}},
            None,
        ),
        (201, 404, 201, 201),
    ),
    ("DELETE", "/api/v1/programmes/{programme_id}/cohorts/{graduation_year}"): (
        lambda o, w: (f"/api/v1/programmes/{o['programme'].id}/cohorts/2024", {}, None),
        (204, 404, 204, 204),
    ),
    ("GET", "/api/v1/schools/{school_code}/programmes"): (
        lambda o, w: (f"/api/v1/schools/{o['school'].code}/programmes", {}, None),
        (200, 404, 200, 200),
    ),
    ("GET", "/api/v1/schools/{code}/alignment"): (
        lambda o, w: (f"/api/v1/schools/{o['school'].code}/alignment", {}, None),
        (200, 404, 200, 200),
    ),
    ("GET", "/api/v1/schools/{school_code}/outcomes"): (
        lambda o, w: (f"/api/v1/schools/{o['school'].code}/outcomes", {}, None),
        (200, 404, 200, 200),
    ),
    ("GET", "/api/v1/positions/{position_id}"): (
        lambda o, w: (f"/api/v1/positions/{o['draft'].id}", {}, None),
        (200, 404, 200, 200),
    ),
    ("GET", "/api/v1/positions/compliance-findings"): (
        lambda o, w: (
            "/api/v1/positions/compliance-findings",
            {"params": {"region": o["region"]}},
            None,
        ),
        (200, 403, 200, 200),
    ),
    ("GET", "/api/v1/positions/{position_id}/candidate-programmes"): (
        lambda o, w: (f"/api/v1/positions/{o['internship'].id}/candidate-programmes", {}, None),
        (200, 403, 200, 200),  # another region's open position is public: seen, not theirs
    ),
    ("GET", "/api/v1/reports/mismatch"): (
        lambda o, w: (
            "/api/v1/reports/mismatch",
            {"params": {"region": o["region"], "year": 2025}},
            None,
        ),
        (200, 403, 200, 200),
    ),
    ("GET", "/api/v1/reports/mismatch/what-if"): (
        lambda o, w: (
            "/api/v1/reports/mismatch/what-if",
            {"params": {"region": o["region"], "year": 2025, "major": "460103"}},
            None,
        ),
        (200, 403, 200, 200),
    ),
    ("GET", "/api/v1/reports/mismatch/changes"): (
        lambda o, w: (
            "/api/v1/reports/mismatch/changes",
            {"params": {"region": o["region"], "year": 2025}},
            None,
        ),
        (404, 403, 404, 404),  # past the gate: no warning snapshot of that year yet
    ),
    ("GET", "/api/v1/reports/apprenticeship-share"): (
        lambda o, w: (
            "/api/v1/reports/apprenticeship-share",
            {"params": {"region": o["region"]}},
            None,
        ),
        (200, 403, 200, 200),
    ),
    ("POST", "/api/v1/demand-forecasts"): (
        lambda o, w: (
            "/api/v1/demand-forecasts",
            {"json": {"major": "460103", "region_code": o["region"], "year": 2027, "headcount": 5}},
            None,
        ),
        (201, 403, 403, 403),  # a national regulator has no body to publish for
    ),
    ("POST", "/api/v1/imports/{kind}"): (
        lambda o, w: ("/api/v1/imports/organizations", _organisation_file(o["region"]), None),
        (200, 403, 200, 200),
    ),
    ("GET", "/api/v1/exports/{kind}"): (
        lambda o, w: ("/api/v1/exports/organizations", {}, o["enterprise"].code),
        ("200+", "200-", "200+", "200+"),
    ),
    ("GET", "/api/v1/audit"): (
        lambda o, w: ("/api/v1/audit", {"params": {"action": "update"}}, str(o["enterprise"].id)),
        ("200+", "200-", "200+", "200+"),
    ),
    ("POST", "/api/v1/alliances"): (
        lambda o, w: (
            "/api/v1/alliances",
            {
                "json": {
                    "name": "联合体",
                    "region_code": o["region"],
                    "park_code": o["park"].code,
                    "government_code": o["park"].code,
                    "school_codes": [o["school"].code],
                    "enterprise_codes": [o["enterprise"].code],
                    "lead_industries": [w["industry"]],
                }
            },
            None,
        ),
        (422, 403, 422, 422),  # past the scope the body is checked: no such government
    ),
    ("PUT", "/api/v1/regions/{code}/policy-profile"): (
        lambda o, w: (
            f"/api/v1/regions/{o['region']}/policy-profile",
            {"json": {"profile": "national"}},
            None,
        ),
        (200, 403, 200, 200),
    ),
    ("GET", "/api/v1/enterprises/{code}/incentive-statement"): (
        lambda o, w: (
            f"/api/v1/enterprises/{o['enterprise'].code}/incentive-statement",
            {"params": {"year": 2025}},
            None,
        ),
        # Past the gate: the enterprise is not in the 产教融合型企业 registry (422 naming its
        # standing); another region's enterprise is refused as any enterprise's statement is to
        # others (403: its code is public, its figures are not).
        (422, 403, 422, 422),
    ),
    ("GET", "/api/v1/identity-changes"): (
        lambda o, w: ("/api/v1/identity-changes", {}, str(o["change"].id)),
        ("200+", "200-", "200+", "200+"),
    ),
    ("GET", "/api/v1/identity-changes/{request_id}"): (
        lambda o, w: (f"/api/v1/identity-changes/{o['change'].id}", {}, None),
        (200, 404, 200, 200),
    ),
    ("POST", "/api/v1/identity-changes/{request_id}/refuse"): (
        lambda o, w: (
            f"/api/v1/identity-changes/{o['change'].id}/refuse",
            {"json": {"reason": "材料不全"}},
            None,
        ),
        (200, 404, 200, 200),
    ),
}
SCOPE_CASES_EXTRA: dict[str, tuple[Any, ScopeStatuses]] = {
    # Not a route of its own: a round's positions and students must be of the organiser's region.
    "POST /api/v1/placement-rounds": (
        lambda o, w: ("/api/v1/placement-rounds", {"json": _round(o)}, None),
        (201, 403, 403, 403),  # a national regulator has no body to organise for
    ),
}


def test_every_regulator_route_is_scoped(client: TestClient) -> None:
    regulator = ROLES.index("regulator_region")
    reachable = {
        operation
        for operation in _operations(client)
        if (EXPECTED.get(operation) or (0,) * 7)[regulator] not in (401, 403)
    }
    stated = set(SCOPE_CASES) | set(SCOPE_CROSSED_ELSEWHERE) | set(SCOPE_NOT_REGIONAL)
    assert sorted(reachable - stated) == []
    assert sorted(set(SCOPE_CASES) - reachable) == []


def _cell(response: Any, marker: str | None) -> Cell:
    if marker is None:
        return int(response.status_code)
    sign = "+" if marker in response.text else "-"
    return f"{response.status_code}{sign}"


def test_regulators_act_only_inside_their_region(client: TestClient, session: Session) -> None:
    cases = {f"{m} {p}": case for (m, p), case in SCOPE_CASES.items()} | SCOPE_CASES_EXTRA
    actual: dict[str, ScopeStatuses] = {}
    for name, (build, _expected) in cases.items():
        method = name.split(" ", 1)[0]
        cells: list[Cell] = []
        for actor in ("regulator_region", "regulator_national"):
            world = _scope_world(session)  # fresh objects: a delete must not meet a deleted one
            for region in ("500106", "110101"):
                url, kwargs, marker = build(world[region], world)
                response = client.request(method, url, headers=world[actor], **kwargs)
                cells.append(_cell(response, marker))
        actual[name] = (cells[0], cells[1], cells[2], cells[3])
    expected = {name: statuses for name, (_build, statuses) in cases.items()}
    assert {k: v for k, v in actual.items() if v != expected[k]} == {}
