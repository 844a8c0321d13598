"""企业 pages: a draft, the compliance preview beside its fields, publishing once it is fixed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import DemandForecast, Position, PositionStatus, Role
from tests.factories import make_enterprise, make_position, make_user
from tests.service.pages.helpers import post_form, sign_in

FORM = {
    "kind": "job",
    "title": "数控车床操作员",
    "description": "负责数控车床操作，限男性",
    "majors": "460103",
    "skills": "数控编程、设备维护",
    "headcount": "3",
    "monthly_pay": "5600",
    "start_date": "2027-03-01",
}


def status_of(session: Session, position: Position) -> PositionStatus:
    session.refresh(position)
    return PositionStatus(position.status)


def signed_in_enterprise(client: TestClient, session: Session):
    enterprise = make_enterprise(session)
    make_user(session, Role.enterprise, enterprise, username="hr1")
    sign_in(client, "hr1")
    return enterprise


def test_a_blocked_draft_is_fixed_and_published(client: TestClient, session: Session) -> None:
    signed_in_enterprise(client, session)

    created = post_form(client, "/enterprise/positions/new", "/enterprise/positions/new", FORM)
    assert created.status_code == 303
    position = session.exec(select(Position).where(Position.title == "数控车床操作员")).one()
    assert created.headers["location"] == f"/enterprise/positions/{position.id}?saved=1"
    page = f"/enterprise/positions/{position.id}"

    preview = client.get(page).text
    assert "有阻止发布的问题，请按提示修改" in preview
    description_notes = preview.split('id="f-description"')[1].split("</div>")[0]
    assert '<span class="badge blocking">阻止发布</span> 岗位描述含有性别歧视用语“限男性”' in (
        description_notes
    )

    refused = post_form(client, page, f"{page}/publish", {})
    assert refused.status_code == 422
    assert "岗位不符合发布规定，请按提示修改后再发布" in refused.text
    assert status_of(session, position) == PositionStatus.draft

    fixed = post_form(client, page, page, {**FORM, "description": "负责数控车床操作"})
    assert fixed.status_code == 303
    assert "可以发布" in client.get(page).text

    published = post_form(client, page, f"{page}/publish", {})
    assert published.status_code == 303
    assert published.headers["location"] == f"{page}?published=1"
    assert status_of(session, position) == PositionStatus.open
    assert "数控车床操作员" in client.get("/positions").text


def test_field_errors_come_back_next_to_the_fields(client: TestClient, session: Session) -> None:
    signed_in_enterprise(client, session)

    response = post_form(
        client,
        "/enterprise/positions/new",
        "/enterprise/positions/new",
        {**FORM, "headcount": "0", "start_date": "", "majors": "不存在的专业名称"},
    )

    assert response.status_code == 422
    text = response.text
    assert re.search(r'id="headcount-error" role="alert">应不小于1</p>', text)
    assert re.search(r'id="start_date-error" role="alert">必填项缺失</p>', text)
    assert 'value="数控车床操作员"' in text  # what was typed stays
    assert session.exec(select(Position)).all() == []


def test_positions_are_listed_by_status(client: TestClient, session: Session) -> None:
    enterprise = signed_in_enterprise(client, session)
    make_position(session, enterprise, title="已发布岗位")
    make_position(session, enterprise, title="草稿岗位", status=PositionStatus.draft)
    make_position(session, make_enterprise(session), title="别家岗位")

    everything = client.get("/enterprise").text
    drafts = client.get("/enterprise?status=draft").text

    assert "共 2 个岗位" in everything
    assert "别家岗位" not in everything
    assert "共 1 个岗位" in drafts
    assert "草稿岗位" in drafts


def test_another_enterprises_draft_is_not_found(client: TestClient, session: Session) -> None:
    signed_in_enterprise(client, session)
    other = make_position(session, make_enterprise(session), status=PositionStatus.draft)

    assert client.get(f"/enterprise/positions/{other.id}").status_code == 404


def test_a_forecast_is_published_from_its_form(client: TestClient, session: Session) -> None:
    signed_in_enterprise(client, session)
    form = {
        "major": "数控技术",
        "major_level": "高职专科",
        "region_code": "500106",
        "year": "2027",
        "headcount": "12",
    }

    bad = post_form(
        client, "/enterprise/forecasts", "/enterprise/forecasts", {**form, "region_code": "999999"}
    )
    good = post_form(client, "/enterprise/forecasts", "/enterprise/forecasts", form)

    assert bad.status_code == 422
    assert 'id="region_code-error" role="alert">行政区划代码不存在：999999</p>' in bad.text
    assert good.status_code == 303
    forecast = session.exec(select(DemandForecast)).one()
    assert (forecast.major_code, forecast.year, forecast.headcount) == ("460103", 2027, 12)
    assert "数控技术（460103）" in client.get("/enterprise/forecasts").text
