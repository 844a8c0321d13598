"""企业 pages beyond posting: majors shown by name after saving, the work place by region names,
the 产教融合型企业 application and the identity-change request — each saying what happened."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import IdentityChangeRequest, Position, Role
from tests.factories import make_enterprise, make_user
from tests.service.pages.helpers import post_form, sign_in


def signed_in(client: TestClient, session: Session):
    enterprise = make_enterprise(session, name="重庆渝中精工有限公司")
    make_user(session, Role.enterprise, enterprise, username="hr9")
    sign_in(client, "hr9")
    return enterprise


def test_a_position_shows_its_majors_by_name_and_its_place_by_region_names(
    client: TestClient, session: Session
) -> None:
    signed_in(client, session)
    form = {
        "kind": "job",
        "title": "数控编程员",
        "major_codes": "460103",
        "majors": "护理",
        "major_level": "高职专科",
        "headcount": "2",
        "start_date": "2027-03-01",
        "region_province": "500000",
        "region_city": "500100",
        "region_county": "500112",
    }
    created = post_form(client, "/enterprise/positions/new", "/enterprise/positions/new", form)
    position = session.exec(select(Position).where(Position.title == "数控编程员")).one()
    assert position.region_code == "500112"
    page = client.get(created.headers["location"]).text

    assert 'value="460103" checked> 数控技术<span class="muted">（高职专科）</span>' in page
    assert "护理<span" in page
    assert '<option value="500112" selected>渝北区</option>' in page
    assert "已保存岗位“数控编程员”（草稿，尚未公开）。" in page
    assert "下一步：" in page


def test_an_enterprise_applies_to_the_registry_and_asks_for_an_identity_change(
    client: TestClient, session: Session
) -> None:
    enterprise = signed_in(client, session)
    applied = post_form(
        client,
        "/enterprise/registry",
        "/enterprise/registry",
        {
            "cooperation_years": "3",
            "partner_programmes": "2",
            "apprentices": "10",
            "interns": "20",
            "investment": "500000",
            "statement": "与两所学校共建实训基地",
        },
    )
    assert applied.headers["location"] == "/enterprise/registry?done=1"
    registry = client.get(applied.headers["location"]).text
    assert "已提交产教融合型企业申报，状态：已申报（待审核）。" in registry
    assert '<span class="badge">已申报（待审核）</span>' in registry

    bad = post_form(
        client, "/enterprise/organization", "/enterprise/organization/identity-changes", {}
    )
    assert bad.status_code == 422
    asked = post_form(
        client,
        "/enterprise/organization",
        "/enterprise/organization/identity-changes",
        {"name": "重庆渝中智造有限公司", "reason": "2026年11月完成工商变更登记"},
    )
    assert asked.headers["location"] == "/enterprise/organization?done=1"
    page = client.get(asked.headers["location"]).text
    assert "已提交身份信息变更申请，状态：待审核。" in page
    assert "机构名称：重庆渝中精工有限公司 → 重庆渝中智造有限公司" in page
    request = session.exec(select(IdentityChangeRequest)).one()
    assert request.organization_id == enterprise.id


def test_the_new_enterprise_pages_ask_for_sign_in_and_refuse_other_roles(
    client: TestClient, session: Session
) -> None:
    for path in ("/enterprise/registry", "/enterprise/organization"):
        anonymous = client.get(path, follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"].startswith("/login?next=")
    make_user(session, Role.regulator, username="reg9")
    sign_in(client, "reg9")
    for path in ("/enterprise/registry", "/enterprise/organization"):
        refused = client.get(path)
        assert refused.status_code == 403
        assert "此页面仅供企业用户使用" in refused.text
