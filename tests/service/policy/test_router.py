"""Policy profiles: listing them, the profile a region uses, assigning one to a region."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session, col

from models import AuditLog, OrganizationKind, PolicyProfile, RegionPolicy, Role
from tests.factories import auth_headers, make_organization, make_school, make_user


@pytest.fixture
def regulator(session: Session) -> dict[str, str]:
    return auth_headers(make_user(session, Role.regulator))


def test_profiles_are_listed_with_their_thresholds(
    client: TestClient, regulator: dict[str, str]
) -> None:
    response = client.get("/api/v1/policy-profiles", headers=regulator)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(p["key"], p["name"]) for p in body["data"]] == [
        ("anhui-2023", "安徽省"),
        ("national", "全国默认"),
        ("tianjin-2009", "天津市"),
    ]
    anhui = body["data"][0]
    assert anhui["params"]["destination_consecutive_years"] == 3
    assert anhui["params"]["sources"]["destination_persistent"].endswith("暂停招生")
    assert anhui["description"].startswith("安徽：连续3年")


def test_profiles_are_paginated(client: TestClient, regulator: dict[str, str]) -> None:
    response = client.get(
        "/api/v1/policy-profiles", params={"page": 2, "page_size": 2}, headers=regulator
    )
    assert [p["key"] for p in response.json()["data"]] == ["tianjin-2009"]


def test_listing_needs_a_login(client: TestClient) -> None:
    assert client.get("/api/v1/policy-profiles").status_code == 401


def test_a_regulator_assigns_a_profile_and_the_province_passes_it_down(
    client: TestClient, session: Session, regulator: dict[str, str]
) -> None:
    response = client.put(
        "/api/v1/regions/340000/policy-profile", json={"profile": "anhui-2023"}, headers=regulator
    )

    assert response.status_code == 200
    assert response.json() == {
        "region_code": "340000",
        "region_name": "安徽省",
        "profile_key": "anhui-2023",
        "profile_name": "安徽省",
        "source": "own",
        "source_region_code": "340000",
    }
    county = client.get("/api/v1/regions/340102/policy-profile", headers=regulator).json()
    assert (county["profile_key"], county["source"], county["source_region_code"]) == (
        "anhui-2023",
        "inherited",
        "340000",
    )
    other = client.get("/api/v1/regions/500106/policy-profile", headers=regulator).json()
    assert (other["profile_key"], other["source"], other["source_region_code"]) == (
        "national",
        "default",
        None,
    )
    assert session.get(RegionPolicy, "340000") is not None
    audit = session.execute(
        select(col(AuditLog.action), col(AuditLog.before), col(AuditLog.after)).where(
            col(AuditLog.entity) == "region_policy"
        )
    ).all()
    assert [tuple(a) for a in audit] == [
        ("assign_policy_profile", None, {"profile_key": "anhui-2023"})
    ]


def test_a_city_choice_overrides_its_province_and_can_be_changed(
    client: TestClient, session: Session, regulator: dict[str, str]
) -> None:
    session.add(RegionPolicy(region_code="340000", profile_key="anhui-2023"))
    session.add(RegionPolicy(region_code="340100", profile_key="tianjin-2009"))
    session.flush()

    county = client.get("/api/v1/regions/340102/policy-profile", headers=regulator).json()
    assert (county["profile_key"], county["source_region_code"]) == ("tianjin-2009", "340100")

    response = client.put(
        "/api/v1/regions/340100/policy-profile", json={"profile": "national"}, headers=regulator
    )
    assert (response.json()["profile_key"], response.json()["source"]) == ("national", "own")
    assert session.get(RegionPolicy, "340100").profile_key == "national"  # type: ignore[union-attr]


def test_an_admin_may_assign(client: TestClient, session: Session) -> None:
    headers = auth_headers(make_user(session, Role.admin))
    response = client.put(
        "/api/v1/regions/120000/policy-profile", json={"profile": "tianjin-2009"}, headers=headers
    )
    assert response.status_code == 200


def test_a_school_may_not_assign(client: TestClient, session: Session) -> None:
    headers = auth_headers(make_user(session, Role.school, make_school(session)))
    response = client.put(
        "/api/v1/regions/500000/policy-profile", json={"profile": "national"}, headers=headers
    )
    assert response.status_code == 403


def test_a_regulator_of_a_region_may_set_only_its_own_area(
    client: TestClient, session: Session
) -> None:
    bureau = make_organization(session, OrganizationKind.government, region_code="500000")
    headers = auth_headers(make_user(session, Role.regulator, bureau))

    inside = client.put(
        "/api/v1/regions/500106/policy-profile", json={"profile": "anhui-2023"}, headers=headers
    )
    assert inside.status_code == 200

    outside = client.put(
        "/api/v1/regions/340000/policy-profile", json={"profile": "anhui-2023"}, headers=headers
    )
    assert outside.status_code == 403
    assert outside.json()["error"]["details"] == [
        {"field": "code", "message": "地区“安徽省”不在本机构管辖范围内"}
    ]


@pytest.mark.parametrize(
    ("code", "body", "status", "details"),
    [
        ("340000", {"profile": "mars"}, 422, [("profile", "政策配置“mars”不存在")]),
        ("999999", {"profile": "national"}, 404, [("code", "地区代码“999999”不存在")]),
        ("340000", {}, 422, [("profile", "必填项缺失")]),
        ("340000", {"profile": "national", "x": 1}, 422, [("x", "不允许的字段")]),
    ],
)
def test_bad_assignments_are_refused_with_chinese_details(
    client: TestClient,
    regulator: dict[str, str],
    code: str,
    body: dict[str, object],
    status: int,
    details: list[tuple[str, str]],
) -> None:
    response = client.put(f"/api/v1/regions/{code}/policy-profile", json=body, headers=regulator)
    assert response.status_code == status
    assert [(d["field"], d["message"]) for d in response.json()["error"]["details"]] == details


def test_a_stored_profile_with_bad_thresholds_is_refused(
    client: TestClient, session: Session, regulator: dict[str, str]
) -> None:
    session.add(PolicyProfile(key="broken", name="坏配置", params={"oversupply_ratio": 0.5}))
    session.flush()
    response = client.put(
        "/api/v1/regions/340000/policy-profile", json={"profile": "broken"}, headers=regulator
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_policy_profile"
