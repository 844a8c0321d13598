"""The 产教融合型企业 registry: apply, review 培育库 → 认定 / refuse, public registry, evidence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import (
    Application,
    ApplicationStatus,
    AuditLog,
    IntegrationApplication,
    Organization,
    OrganizationKind,
    PartnerKind,
    PositionKind,
    PositionStatus,
    ProgrammePartner,
    Role,
)
from service.integration_enterprises import repository as registry_repository
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_position,
    make_programme,
    make_school,
    make_student,
    make_user,
)

URL = "/api/v1/integration-enterprises"
CLAIM = {
    "cooperation_years": 6,
    "partner_programmes": 3,
    "apprentices": 40,
    "interns": 25,
    "investment": "1200000.00",
    "statement": "与3所职业院校共建产业学院",
}


def regulator(session: Session, region_code: str) -> dict[str, str]:
    government = make_organization(session, OrganizationKind.government, region_code=region_code)
    return auth_headers(make_user(session, Role.regulator, government))


def enterprise_account(
    session: Session, region_code: str = "500106", industry_code: str = "3670"
) -> tuple[Organization, dict[str, str]]:
    enterprise = make_enterprise(session, region_code=region_code, industry_code=industry_code)
    return enterprise, auth_headers(make_user(session, Role.enterprise, enterprise))


def test_apply_cultivate_certify_sets_the_flag_and_keeps_history(
    client: TestClient, session: Session
) -> None:
    enterprise, headers = enterprise_account(session)
    chongqing = regulator(session, "500000")

    applied = client.post(URL, json=CLAIM, headers=headers)
    entry = applied.json()["id"]
    hidden = client.get(f"{URL}/{entry}")
    skip = client.post(f"{URL}/{entry}/review", json={"decision": "certified"}, headers=chongqing)
    cultivated = client.post(
        f"{URL}/{entry}/review", json={"decision": "cultivation"}, headers=chongqing
    )
    public = client.get(f"{URL}/{entry}")
    certified = client.post(
        f"{URL}/{entry}/review",
        json={"decision": "certified", "reason": "复核通过"},
        headers=chongqing,
    )
    again = client.post(URL, json=CLAIM, headers=headers)

    assert (applied.status_code, applied.json()["status"]) == (201, "submitted")
    assert hidden.status_code == 404
    assert skip.status_code == 409
    assert skip.json()["error"]["message"] == (
        "当前状态为“已申报（待审核）”，不能改为“已认定”（可选：入库培育（培育库）、未通过）"
    )
    assert (cultivated.status_code, public.status_code) == (200, 200)
    assert public.json()["status_label"] == "入库培育（培育库）"
    body = certified.json()
    assert body["status"] == "certified"
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in body["history"]] == [
        (None, "submitted", ""),
        ("submitted", "cultivation", ""),
        ("cultivation", "certified", "复核通过"),
    ]
    session.refresh(enterprise)
    assert enterprise.is_integration_enterprise is True
    assert again.status_code == 409
    actions = session.exec(
        select(AuditLog.action).where(
            AuditLog.entity.in_(["integration_application", "organization"])  # type: ignore[attr-defined]
        )
    ).all()
    assert sorted(actions) == ["apply", "certify_integration_enterprise", "review", "review"]


def test_refusal_needs_a_reason_and_another_region_cannot_review(
    client: TestClient, session: Session
) -> None:
    _, headers = enterprise_account(session)
    beijing = regulator(session, "110000")
    chongqing = regulator(session, "500000")
    entry = client.post(URL, json=CLAIM, headers=headers).json()["id"]

    outside = client.post(
        f"{URL}/{entry}/review", json={"decision": "cultivation"}, headers=beijing
    )
    by_enterprise = client.post(
        f"{URL}/{entry}/review", json={"decision": "cultivation"}, headers=headers
    )
    no_reason = client.post(
        f"{URL}/{entry}/review", json={"decision": "refused"}, headers=chongqing
    )
    refused = client.post(
        f"{URL}/{entry}/review",
        json={"decision": "refused", "reason": "合作年数不足，平台无合作专业记录"},
        headers=chongqing,
    )
    reapplied = client.post(URL, json=CLAIM, headers=headers)

    assert outside.status_code == 404
    assert by_enterprise.status_code == 403
    assert (no_reason.status_code, no_reason.json()["error"]["message"]) == (
        422,
        "不予通过须写明理由",
    )
    assert (refused.json()["status"], refused.json()["refusal_reason"]) == (
        "refused",
        "合作年数不足，平台无合作专业记录",
    )
    assert reapplied.status_code == 201


def test_bad_claims_are_refused_in_chinese_and_write_nothing(
    client: TestClient, session: Session
) -> None:
    _, headers = enterprise_account(session)
    school = make_school(session)
    school_user = auth_headers(make_user(session, Role.school, school))

    negative = client.post(URL, json={**CLAIM, "interns": -1}, headers=headers)
    by_school = client.post(URL, json=CLAIM, headers=school_user)
    anonymous = client.post(URL, json=CLAIM)

    assert negative.status_code == 422
    assert (by_school.status_code, by_school.json()["error"]["message"]) == (
        403,
        "只有企业账号可以申报产教融合型企业",
    )
    assert anonymous.status_code == 401
    assert session.exec(select(IntegrationApplication)).all() == []


def test_registry_filters_and_shows_the_platforms_evidence(
    client: TestClient, session: Session
) -> None:
    chongqing = regulator(session, "500000")
    vehicles, vehicle_headers = enterprise_account(session, "500106", "3670")
    software, software_headers = enterprise_account(session, "500107", "6513")
    beijing, beijing_headers = enterprise_account(session, "110101", "3670")
    school = make_school(session, region_code="500106")
    programme = make_programme(session, school, "460702", 2025)
    session.add(ProgrammePartner(
        programme_id=programme.id, enterprise_id=vehicles.id, kind=PartnerKind.order_training
    ))  # fmt: skip
    session.add(ProgrammePartner(
        programme_id=programme.id, enterprise_id=vehicles.id, kind=PartnerKind.apprenticeship
    ))  # fmt: skip
    apprentice_post = make_position(
        session, vehicles, kind=PositionKind.apprenticeship, headcount=8, title="装调学徒"
    )
    make_position(session, vehicles, kind=PositionKind.job, headcount=5, title="装调工")
    make_position(session, vehicles, headcount=9, title="草稿岗位", status=PositionStatus.draft)
    student = make_student(session, school, "460702")
    session.add(Application(
        student_id=student.id, position_id=apprentice_post.id,
        status=ApplicationStatus.accepted, consent_at=datetime.now(UTC),
    ))  # fmt: skip
    session.flush()
    ids = {}
    for name, headers in (
        ("vehicles", vehicle_headers),
        ("software", software_headers),
        ("beijing", beijing_headers),
    ):
        ids[name] = client.post(URL, json=CLAIM, headers=headers).json()["id"]
    for name in ("vehicles", "software"):
        client.post(
            f"{URL}/{ids[name]}/review", json={"decision": "cultivation"}, headers=chongqing
        )

    public = client.get(URL).json()
    city = client.get(URL, params={"region": "500100", "industry": "36"}).json()
    regulator_view = client.get(URL, params={"status": "submitted"}, headers=chongqing).json()
    bad = client.get(URL, params={"industry": "汽车"})
    unknown_region = client.get(URL, params={"region": "999999"})
    second_page = client.get(URL, params={"page": 2, "page_size": 1}).json()
    national_headers = auth_headers(make_user(session, Role.regulator))
    national = client.get(URL, params={"status": "submitted"}, headers=national_headers)

    assert public["count"] == 2
    assert sorted(e["enterprise_code"] for e in public["data"]) == sorted(
        [vehicles.code, software.code]
    )
    assert [e["enterprise_code"] for e in city["data"]] == [vehicles.code]
    evidence = city["data"][0]["evidence"]
    assert evidence == {
        "partner_programmes": 1,
        "partnerships_by_kind": {"apprenticeship": 1, "order_training": 1},
        "positions_by_kind": {
            "apprenticeship": {"positions": 1, "headcount": 8},
            "job": {"positions": 1, "headcount": 5},
        },
        "placed_apprentices": 1,
        "placed_interns": 0,
    }
    assert city["data"][0]["claim"]["partner_programmes"] == 3
    # The Beijing application is not Chongqing's to see.
    assert regulator_view["count"] == 0
    assert beijing.region_code == "110101"
    assert bad.status_code == 422
    assert (unknown_region.status_code, unknown_region.json()["error"]["message"]) == (
        422,
        "地区代码 999999 不存在",
    )
    assert (second_page["count"], len(second_page["data"])) == (2, 1)
    assert [e["enterprise_code"] for e in national.json()["data"]] == [beijing.code]
    own_view = client.get(URL, params={"status": "submitted"}, headers=beijing_headers).json()
    assert [e["enterprise_code"] for e in own_view["data"]] == [beijing.code]


def test_two_applications_at_the_same_moment_leave_one(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two simultaneous applications passes the read check (neither sees the
    other yet); the database's partial unique index refuses it with a 409, nothing written."""
    enterprise, headers = enterprise_account(session)
    first = client.post(URL, json=CLAIM, headers=headers)
    monkeypatch.setattr(registry_repository, "active_application", lambda *args: None)
    second = client.post(URL, json=CLAIM, headers=headers)

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["error"]["message"] == "本企业已有进行中的申报，不能重复申报"
    rows = session.exec(
        select(IntegrationApplication).where(IntegrationApplication.enterprise_id == enterprise.id)
    ).all()
    assert len(rows) == 1
