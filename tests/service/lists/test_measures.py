"""Support measures as rows: a region adds its own, regulators edit and withdraw, in Chinese."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import AuditLog, OrganizationKind, PolicyMeasure, Role
from tests.factories import auth_headers, make_organization, make_user
from tests.service.reports.helpers import COUNTY, YEAR

LIST = f"/api/v1/regions/{COUNTY}/lists/policy-support"
MEASURE = {
    "key": "cq-training-subsidy",
    "title": "重庆市产教融合实训基地建设补助",
    "issuer": "重庆市发展和改革委员会",
    "document_no": "渝发改社会〔2024〕1号",
    "clause": "二",
    "kind": "财政",
    "eligible": "市内职业学校",
    "amount_cap_wan_yuan": 500,
    "amount_note": "每个基地不超过 500 万元",
    "region_code": "500000",
}


def actors(session: Session) -> dict[str, dict[str, str]]:
    chongqing = make_organization(session, OrganizationKind.government, region_code="500000")
    beijing = make_organization(session, OrganizationKind.government, region_code="110000")
    school = make_organization(session, OrganizationKind.school, region_code=COUNTY)
    return {
        "chongqing": auth_headers(make_user(session, Role.regulator, chongqing)),
        "beijing": auth_headers(make_user(session, Role.regulator, beijing)),
        "national": auth_headers(make_user(session, Role.regulator)),
        "school": auth_headers(make_user(session, Role.school, school)),
    }


def keys_listed(client: TestClient, code: str = COUNTY) -> list[str]:
    url = f"/api/v1/regions/{code}/lists/policy-support"
    return [m["key"] for m in client.get(url, params={"year": YEAR}).json()["measures"]]


def test_measures_are_rows_seeded_from_the_file(session: Session) -> None:
    keys = session.exec(select(PolicyMeasure.key).order_by(col(PolicyMeasure.sort_order))).all()
    assert keys[:2] == ["training-base-higher", "training-base-secondary"]


def test_a_region_adds_edits_and_withdraws_its_own(client: TestClient, session: Session) -> None:
    who = actors(session)
    before = keys_listed(client)

    created = client.post("/api/v1/policy-measures", json=MEASURE, headers=who["chongqing"])
    listed = keys_listed(client)
    elsewhere = keys_listed(client, "110101")
    edited = client.patch(
        "/api/v1/policy-measures/cq-training-subsidy",
        json={"amount_cap_wan_yuan": 600},
        headers=who["chongqing"],
    )
    hidden = client.patch(
        "/api/v1/policy-measures/cq-training-subsidy",
        json={"amount_cap_wan_yuan": 1},
        headers=who["beijing"],
    )
    withdrawn = client.post(
        "/api/v1/policy-measures/cq-training-subsidy/withdraw", headers=who["chongqing"]
    )

    assert created.status_code == 201
    assert listed == [*before, "cq-training-subsidy"]
    assert "cq-training-subsidy" not in elsewhere
    assert (edited.status_code, edited.json()["amount_cap_wan_yuan"]) == (200, 600)
    assert hidden.status_code == 404
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    assert keys_listed(client) == before
    actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "policy_measure")).all()
    assert sorted(actions) == ["create", "update", "withdraw"]


def test_national_measures_only_by_national_regulators(
    client: TestClient, session: Session
) -> None:
    who = actors(session)
    url = "/api/v1/policy-measures/training-base-higher"

    regional = client.patch(url, json={"amount_cap_wan_yuan": 1}, headers=who["chongqing"])
    school = client.patch(url, json={"amount_cap_wan_yuan": 1}, headers=who["school"])
    national = client.patch(url, json={"amount_cap_wan_yuan": 9000}, headers=who["national"])
    add_national = client.post(
        "/api/v1/policy-measures", json={**MEASURE, "region_code": None}, headers=who["chongqing"]
    )

    assert (regional.status_code, regional.json()["error"]["message"]) == (
        403,
        "全国性措施只能由国家监管部门或管理员维护",
    )
    assert school.status_code == 403
    assert (national.status_code, national.json()["amount_cap_wan_yuan"]) == (200, 9000)
    assert add_national.status_code == 403


def test_bad_measures_are_refused_in_chinese_and_write_nothing(
    client: TestClient, session: Session
) -> None:
    who = actors(session)
    count = len(session.exec(select(PolicyMeasure.key)).all())

    bad_kind = client.post(
        "/api/v1/policy-measures", json={**MEASURE, "kind": "补贴"}, headers=who["chongqing"]
    )
    outside = client.post(
        "/api/v1/policy-measures",
        json={**MEASURE, "region_code": "110000"},
        headers=who["chongqing"],
    )
    unknown_region = client.post(
        "/api/v1/policy-measures",
        json={**MEASURE, "region_code": "990000"},
        headers=who["national"],
    )
    taken = client.post(
        "/api/v1/policy-measures",
        json={**MEASURE, "key": "training-base-higher"},
        headers=who["national"],
    )
    emptied = client.patch(
        "/api/v1/policy-measures/training-base-higher",
        json={"title": None},
        headers=who["national"],
    )

    assert bad_kind.status_code == 422
    assert outside.status_code == 403
    assert outside.json()["error"]["message"] == "只能维护本部门管辖地区的措施"
    assert (unknown_region.status_code, unknown_region.json()["error"]["message"]) == (
        422,
        "地区代码 990000 不存在",
    )
    assert taken.status_code == 409
    assert (emptied.status_code, emptied.json()["error"]["message"]) == (
        422,
        "以下字段不能为空：title",
    )
    assert len(session.exec(select(PolicyMeasure.key)).all()) == count
