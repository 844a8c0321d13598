"""No input makes a 500: every operation of the OpenAPI schema is sent malformed values.

As an admin (so authorisation does not stop the request before validation), each route gets junk in
its path parameters, its query parameters and its JSON body — wrong types, out-of-range numbers
(integers beyond 64 bits overflow a PostgreSQL column), very long strings, nulls — and must answer
with a 4xx in the one error shape (or a 2xx where the junk is harmless, e.g. a search for "中文").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models import Role
from tests.apps import shared_app
from tests.factories import (
    auth_headers,
    import_file_bytes,
    make_enterprise_user,
    make_position,
    make_programme,
    make_school,
    make_student,
    make_uscc,
    make_user,
)

JUNK_SCALARS: list[Any] = [
    "abc",
    "-1",
    "0",
    "9" * 40,
    "中文",
    "x" * 5000,
    "2026-13-45",
    "' OR 1=1 --",
]
JUNK_VALUES: list[Any] = [
    None,
    -1,
    10**30,
    1e308,
    "x" * 5000,
    "",
    [],
    {},
    True,
    "2026-02-30",
    ["x" * 100] * 3,
]
PATH_JUNK = ["not-a-uuid", "0" * 36, "中文", "9" * 40]


SPEC = shared_app().openapi()


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in SPEC["paths"].items():
        if not path.startswith("/api/"):
            continue  # /healthz and /readyz take no input
        for method, operation in operations.items():
            yield method.upper(), path, operation


OPERATIONS = list(_operations())


def _body_properties(operation: dict[str, Any]) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref")
    if ref:
        schema = SPEC["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return dict(schema.get("properties", {}))


def _fill_path(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def _assert_clean(response: Any, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, where
        assert {"code", "message", "details"} <= set(body["error"]), where


@pytest.fixture
def admin_headers(session: Session) -> dict[str, str]:
    return auth_headers(make_user(session, Role.admin))


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    OPERATIONS,
    ids=[f"{m} {p}" for m, p, _ in OPERATIONS],
)
def test_malformed_input_never_makes_a_500(
    client: TestClient,
    admin_headers: dict[str, str],
    method: str,
    path: str,
    operation: dict[str, Any],
) -> None:
    parameters = operation.get("parameters", [])
    query_names = [p["name"] for p in parameters if p["in"] == "query"]
    concrete_paths = [_fill_path(path, junk) for junk in PATH_JUNK] if "{" in path else [path]
    properties = _body_properties(operation)
    for url in concrete_paths:
        for value in JUNK_SCALARS:
            # At most 8 parameters a request: a long junk value in every one of a route's many
            # filters would pass httpx's URL length limit before reaching the service.
            for start in range(0, max(len(query_names), 1), 8):
                params = dict.fromkeys(query_names[start : start + 8], value)
                response = client.request(method, url, params=params, headers=admin_headers)
                _assert_clean(response, f"{method} {url} ?{value!r:.30}")
        if method in ("POST", "PUT", "PATCH") and "requestBody" in operation:
            bodies: list[Any] = [[], "text", 12, {"unexpected": "field"}]
            bodies += [dict.fromkeys(properties, junk) for junk in JUNK_VALUES]
            for body in bodies:
                response = client.request(method, url, json=body, headers=admin_headers)
                _assert_clean(response, f"{method} {url} body={str(body)[:60]}")
                response = client.request(
                    method,
                    url,
                    content=b"{not json",
                    headers={**admin_headers, "Content-Type": "application/json"},
                )
            _assert_clean(response, f"{method} {url} broken JSON")


def _valid_bodies(
    session: Session,
) -> list[tuple[str, str, dict[str, str], Callable[[], dict[str, Any]]]]:
    """(method, url, headers, a maker of fresh valid bodies) of the main write endpoints.

    Each body is new (its natural key unused), so that junk reaches the database instead of stopping
    at a duplicate check.
    """
    counter = itertools.count()
    enterprise, enterprise_user = make_enterprise_user(session)
    admin = make_user(session, Role.admin)
    position = lambda: {  # noqa: E731
        "kind": "internship",
        "title": f"数控车床实习生{next(counter)}",
        "description": "负责数控车床操作",
        "majors": ["460103"],
        "skills": ["车削"],
        "headcount": 2,
        "monthly_pay": 4000,
        "same_post_wage": 4500,
        "post_staff_count": 40,
        "hours_per_day": 8,
        "hours_per_week": 40,
        "start_date": "2027-03-01",
        "end_date": "2027-08-31",
        "closing_date": "2027-02-01",
        "order_training": False,
    }
    organization = lambda: {  # noqa: E731
        "kind": "enterprise",
        "code": make_uscc("500106"),
        "name": "重庆测试精工有限公司",
        "region_code": "500106",
        "industry_code": "3670",
        "staff_count": 200,
    }
    forecast = lambda: {  # noqa: E731
        "major": "460103",
        "region_code": "500106",
        "year": 2027 + next(counter) % 20,
        "headcount": 40,
    }
    school = make_school(session)
    programme = make_programme(session, school, "460103", 2022)
    programme_body = lambda: {  # noqa: E731
        "school_code": school.code,
        "major": "数控技术",
        "year": 1990 + next(counter) % 110,
        "enrolment_plan": 60,
        "practical_hours_share": 0.6,
        "partners": [{"enterprise_code": enterprise.code, "kind": "cooperation"}],
    }
    cohort = lambda: {"graduates": 50, "placed": 40, "in_field": 30, "further_study": 5}  # noqa: E731
    student_user = make_user(session, Role.student, school)
    make_student(session, school, "520201", user_id=student_user.id)
    student = lambda: {  # noqa: E731
        "student_no": f"J{next(counter)}",
        "name": "张三",
        "phone": "13800001111",
        "major": "520201",
        "graduation_year": 2027,
        "skills": ["护理"],
        "preferred_regions": ["500106"],
    }
    application = lambda: {  # noqa: E731
        "position_id": str(make_position(session, enterprise).id),
        "message": "希望参加面试",
    }
    return [
        ("POST", "/api/v1/programmes", auth_headers(admin), programme_body),
        ("PUT", f"/api/v1/programmes/{programme.id}/cohorts/2024", auth_headers(admin), cohort),
        (
            "POST",
            "/api/v1/students",
            auth_headers(make_user(session, Role.school, school)),
            student,
        ),
        ("POST", "/api/v1/applications", auth_headers(student_user), application),
        ("POST", "/api/v1/positions", auth_headers(enterprise_user), position),
        ("POST", "/api/v1/organizations", auth_headers(admin), organization),
        ("POST", "/api/v1/demand-forecasts", auth_headers(enterprise_user), forecast),
        (
            "PATCH",
            f"/api/v1/organizations/{enterprise.id}",
            auth_headers(admin),
            lambda: {"name": "新名", "staff_count": 10},
        ),
    ]


def test_junk_in_any_single_field_of_a_valid_body_is_a_4xx(
    client: TestClient, session: Session
) -> None:
    cases = _valid_bodies(session)
    session.commit()
    failures: list[str] = []
    for method, url, headers, fresh in cases:
        # A valid body is accepted, so the junk below is what gets refused.
        first = client.request(method, url, json=fresh(), headers=headers)
        assert first.status_code in (200, 201), f"{method} {url}: {first.text[:300]}"
        for field in fresh():
            for junk in JUNK_VALUES:
                body = {**fresh(), field: junk}
                where = f"{method} {url} {field}={str(junk)[:40]}"
                try:
                    response = client.request(method, url, json=body, headers=headers)
                except Exception as error:  # the test client re-raises what became a 500
                    failures.append(f"{where}: {type(error).__name__}")
                    continue
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
                else:
                    _assert_clean(response, where)
    assert failures == [], "\n".join(failures)


def test_an_imported_count_beyond_any_column_is_a_bad_row_not_a_500(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, Role.admin)
    session.commit()
    content = import_file_bytes(
        ["kind", "code", "name", "region_code", "industry_code", "staff_count"],
        [["企业", make_uscc("500106"), "重庆超大数字有限公司", "500106", "3670", "9" * 31]],
    )
    response = client.post(
        "/api/v1/imports/organizations",
        files={"file": ("organizations.csv", content, "text/csv")},
        headers=auth_headers(admin),
    )
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert (detail["row"], detail["column"], detail["message"]) == (
        2,
        "staff_count",
        "在岗职工总数应不大于10000000",
    )
