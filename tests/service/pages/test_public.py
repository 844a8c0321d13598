"""岗位大厅 and a position's page: no sign-in, filters with errors by the field, offline docs."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import PositionKind, PositionStatus, Role
from service import clock
from tests.factories import make_enterprise, make_position, make_user
from tests.service.pages.helpers import sign_in

NURSING = "520201"  # 护理, 高职专科


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/positions/[0-9a-f-]+">([^<]+)</a></h3>', html)


def test_the_hall_is_the_home_page_and_lists_published_positions(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session, name="重庆护联医院")
    make_position(
        session, enterprise, [NURSING], title="护理学徒", kind=PositionKind.apprenticeship
    )
    make_position(session, enterprise, title="草稿岗位", status=PositionStatus.draft)

    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="zh-CN">' in response.text
    assert "共 1 个岗位" in response.text
    assert titles(response.text) == ["护理学徒"]
    assert "重庆护联医院" in response.text


def test_filters_narrow_sort_and_page_the_results(client: TestClient, session: Session) -> None:
    enterprise = make_enterprise(session)
    for index in range(22):
        make_position(session, enterprise, title=f"数控操作员{index:02d}", monthly_pay=4000 + index)
    make_position(
        session, enterprise, [NURSING], title="护士", kind=PositionKind.internship, monthly_pay=3000
    )

    by_kind = client.get("/positions", params={"kind": "internship"})
    by_major_code = client.get("/positions", params={"major": NURSING})
    ambiguous_name = client.get("/positions", params={"major": "护理"})
    by_pay = client.get("/positions", params={"min_pay": "4020", "sort": "pay"})
    second_page = client.get("/positions", params={"q": "数控", "sort": "pay", "page": "2"})

    assert titles(by_kind.text) == ["护士"]
    assert titles(by_major_code.text) == ["护士"]
    assert titles(ambiguous_name.text) == []
    assert "320201" in ambiguous_name.text
    assert "720201" in ambiguous_name.text
    assert "共 2 个岗位" in by_pay.text
    assert titles(by_pay.text) == ["数控操作员21", "数控操作员20"]
    assert "共 22 个岗位" in second_page.text
    assert titles(second_page.text) == ["数控操作员01", "数控操作员00"]
    assert "第 2 / 2 页" in second_page.text
    assert 'href="/positions?q=%E6%95%B0%E6%8E%A7&amp;sort=pay&amp;page=1" rel="prev"' in (
        second_page.text
    )


def test_bad_filters_are_explained_next_to_their_fields(client: TestClient) -> None:
    response = client.get("/positions", params={"min_pay": "很多", "region": "12"})

    assert response.status_code == 200
    assert '<p class="field-error" id="min_pay-error" role="alert">应为数字</p>' in response.text
    assert 'id="f-min_pay" name="min_pay" type="number" value="很多"' in response.text
    assert 'aria-invalid="true" aria-describedby="min_pay-error"' in response.text
    assert '<p class="field-error" id="region-error" role="alert">格式不正确</p>' in response.text


def test_a_position_page_shows_its_facts_and_asks_visitors_to_sign_in(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session, name="重庆长安学徒制企业")
    position = make_position(
        session,
        enterprise,
        [NURSING],
        title="护理员",
        monthly_pay=5200,
        start_date=date(2026, 3, 1),
        closing_date=date(2026, 2, 1),
        skills=["急救", "护理评估"],
        order_training=True,
    )

    page = client.get(f"/positions/{position.id}").text

    for text in (
        "<h1>护理员</h1>",
        "重庆长安学徒制企业",
        "5,200 元/月",
        "护理（520201，高职专科）",
        "2026-03-01",
        "2026-02-01",
        "急救、护理评估",
        "订单培养",
        "✓ 通过发布合规检查",
        f'href="/login?next=/positions/{position.id}"',
    ):
        assert text in page


def test_a_signed_in_student_is_offered_to_apply(client: TestClient, session: Session) -> None:
    enterprise = make_enterprise(session)
    position = make_position(session, enterprise, title="学徒")
    make_user(session, Role.student, username="stu1")
    sign_in(client, "stu1")

    page = client.get(f"/positions/{position.id}").text

    assert "登录后申请" not in page
    assert ("申请该岗位" in page) or ("在线申请功能即将开放" in page)


def test_drafts_and_unknown_ids_are_a_page_not_found(client: TestClient, session: Session) -> None:
    draft = make_position(session, make_enterprise(session), status=PositionStatus.draft)

    for url in (f"/positions/{draft.id}", "/positions/6a1f4f0e-0000-4000-8000-000000000000"):
        response = client.get(url)
        assert response.status_code == 404
        assert "<h1>岗位不存在</h1>" in response.text
    assert client.get("/positions/not-an-id").status_code == 422


def test_api_docs_load_their_assets_from_the_app(client: TestClient) -> None:
    swagger = client.get("/docs").text
    redoc = client.get("/redoc").text

    assert '<script src="/static/api-docs/swagger-ui-bundle.js"></script>' in swagger
    assert (
        '<link type="text/css" rel="stylesheet" href="/static/api-docs/swagger-ui.css">' in swagger
    )
    assert '<script src="/static/api-docs/redoc.standalone.js"> </script>' in redoc
    assert "https://" not in swagger + redoc
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert client.get(f"/static/api-docs/{asset}").status_code == 200


def test_an_error_answered_outside_the_page_routes_reaches_a_browser_as_a_chinese_page(
    client: TestClient,
) -> None:
    # The body limit answers before any route runs, in the API's JSON.
    oversized = client.post(
        "/login",
        content=b"x" * (2 * 1024 * 1024),
        headers={"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert oversized.status_code == 413
    assert oversized.headers["content-type"].startswith("text/html")
    assert "请求内容过大" in oversized.text
    assert '"error"' not in oversized.text
    assert 'href="/"' in oversized.text  # a way back

    # A program calling the API, or a client that does not ask for HTML, still gets JSON.
    api = client.post(
        "/api/v1/auth/token",
        content=b"x" * (2 * 1024 * 1024),
        headers={"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert api.headers["content-type"].startswith("application/json")
    plain = client.post("/login", content=b"x" * (2 * 1024 * 1024))
    assert plain.json()["error"]["message"] == "请求内容过大（上限1024 KB）"


def test_a_position_past_its_closing_date_is_closed_for_applying_on_the_pages(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session)
    today = clock.today()
    past = make_position(
        session, enterprise, title="报名已截止的岗位", closing_date=today - timedelta(days=1)
    )
    make_position(session, enterprise, title="仍在报名的岗位", closing_date=today)
    make_user(session, Role.student, username="stu1")

    assert titles(client.get("/positions").text) == ["仍在报名的岗位"]
    visitor = client.get(f"/positions/{past.id}").text
    assert "已截止" in visitor
    assert "登录后申请" not in visitor
    sign_in(client, "stu1")
    page = client.get(f"/positions/{past.id}").text
    assert "已截止" in page
    assert f"报名已于 {today - timedelta(days=1)} 截止" in page
    assert "申请该岗位" not in page
    assert 'action="/positions/' not in page
