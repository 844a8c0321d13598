"""The public search: text, filters with region and industry roll-up, sorting, stable pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from matching.search_text import query_terms
from models import Organization, OrganizationStatus, Position, PositionKind, PositionStatus
from service import clock
from tests.factories import make_enterprise, make_position

URL = "/api/v1/positions"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ONE_DAY = timedelta(days=1)


def ids(response_json: dict[str, Any]) -> list[str]:
    return [row["id"] for row in response_json["data"]]


def published(
    session: Session,
    enterprise: Organization,
    minutes: int,
    majors: tuple[str, ...] = (),
    **fields: Any,
) -> Position:
    return make_position(
        session, enterprise, majors, published_at=T0 + timedelta(minutes=minutes), **fields
    )


@pytest.fixture
def city(session: Session) -> dict[str, Position]:
    machinery = make_enterprise(session, region_code="500106", industry_code="3670")  # C 制造业
    software = make_enterprise(session, region_code="500112", industry_code="6511")  # I 信息技术
    chengdu = make_enterprise(session, region_code="510104", industry_code="3670")
    suspended = make_enterprise(session, status=OrganizationStatus.suspended)
    return {
        "cnc": published(
            session,
            machinery,
            1,
            ("460103",),
            title="数控车床操作工",
            description="FANUC系统编程",
            monthly_pay=6500.0,
            closing_date=date(2036, 5, 1),
        ),
        "weld": published(
            session,
            machinery,
            2,
            kind=PositionKind.apprenticeship,
            title="焊接学徒",
            description="跟随师傅学习数控切割与焊接",
            monthly_pay=4000.0,
            closing_date=date(2036, 4, 1),
        ),
        "java": published(
            session,
            software,
            3,
            ("510203",),
            title="Java开发实习生",
            description="参与后台开发",
            kind=PositionKind.internship,
            monthly_pay=None,
            closing_date=None,
        ),
        "closed": published(
            session,
            machinery,
            4,
            title="数控铣工",
            status=PositionStatus.closed,
            monthly_pay=7000.0,
        ),
        "chengdu": published(session, chengdu, 5, title="数控编程员", monthly_pay=8000.0),
        "draft": make_position(session, machinery, title="数控草稿", status=PositionStatus.draft),
        "hidden": published(session, suspended, 6, title="数控暂停企业岗位"),
    }


def test_default_lists_open_positions_newest_first(
    client: TestClient, city: dict[str, Position]
) -> None:
    body = client.get(URL).json()
    assert ids(body) == [str(city[k].id) for k in ("chengdu", "java", "weld", "cnc")]
    assert body["count"] == 4


def test_text_search_needs_every_word(client: TestClient, city: dict[str, Position]) -> None:
    # With words the default order is relevance; sort=newest keeps the publication order.
    newest = client.get(URL, params={"q": "数控", "sort": "newest"}).json()
    assert ids(newest) == [str(city[k].id) for k in ("chengdu", "weld", "cnc")]
    # Two words: both must appear, in the title or the description.
    assert ids(client.get(URL, params={"q": "数控 焊接"}).json()) == [str(city["weld"].id)]
    assert ids(client.get(URL, params={"q": "fanuc"}).json()) == [str(city["cnc"].id)]
    assert client.get(URL, params={"q": "100%_"}).json() == {
        "data": [],
        "count": 0,
        "count_capped": False,
        "count_display": "0",
    }


def test_closed_positions_with_open_only_false(
    client: TestClient, city: dict[str, Position]
) -> None:
    body = client.get(URL, params={"q": "数控", "open_only": "false", "sort": "newest"}).json()
    assert ids(body) == [str(city[k].id) for k in ("chengdu", "closed", "weld", "cnc")]


def test_region_filter_rolls_up(client: TestClient, city: dict[str, Position]) -> None:
    chongqing_city = client.get(URL, params={"region": "500100"}).json()
    assert chongqing_city["count"] == 3
    county = client.get(URL, params={"region": "500112"}).json()
    assert ids(county) == [str(city["java"].id)]
    province = client.get(URL, params={"region": "510000"}).json()
    assert ids(province) == [str(city["chengdu"].id)]
    unknown = client.get(URL, params={"region": "510999"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"][0]["field"] == "region"


def test_industry_filter_by_code_prefix_and_section(
    client: TestClient, city: dict[str, Position]
) -> None:
    assert client.get(URL, params={"industry": "36"}).json()["count"] == 3
    assert client.get(URL, params={"industry": "C"}).json()["count"] == 3
    assert ids(client.get(URL, params={"industry": "I"}).json()) == [str(city["java"].id)]
    assert client.get(URL, params={"industry": "36a"}).status_code == 422


def test_kind_major_and_min_pay(client: TestClient, city: dict[str, Position]) -> None:
    assert ids(client.get(URL, params={"kind": "apprenticeship"}).json()) == [str(city["weld"].id)]
    assert ids(client.get(URL, params={"major": "460103"}).json()) == [str(city["cnc"].id)]
    assert ids(client.get(URL, params={"min_pay": 6500}).json()) == [
        str(city[k].id) for k in ("chengdu", "cnc")
    ]


def test_sort_by_pay_and_closing_date_puts_missing_values_last(
    client: TestClient, city: dict[str, Position]
) -> None:
    by_pay = client.get(URL, params={"sort": "pay"}).json()
    assert ids(by_pay) == [str(city[k].id) for k in ("chengdu", "cnc", "weld", "java")]
    by_closing = client.get(URL, params={"sort": "closing"}).json()
    assert ids(by_closing)[:2] == [str(city["weld"].id), str(city["cnc"].id)]
    assert set(ids(by_closing)[2:]) == {str(city["java"].id), str(city["chengdu"].id)}
    assert client.get(URL, params={"sort": "random"}).status_code == 422


def test_pages_are_stable_on_ties(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    same_time = [
        make_position(session, company, title=f"同时发布{i}", published_at=T0, monthly_pay=5000.0)
        for i in range(7)
    ]
    expected = sorted(str(p.id) for p in same_time)
    seen: list[str] = []
    for page in (1, 2, 3):
        body = client.get(URL, params={"sort": "pay", "page": page, "page_size": 3}).json()
        assert body["count"] == 7
        seen += ids(body)
    assert seen == expected


def test_anonymous_results_hide_internal_figures(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    make_position(session, company, same_post_wage=6000.0, post_staff_count=40)
    [row] = client.get(URL).json()["data"]
    assert (row["same_post_wage"], row["post_staff_count"], row["compliance_findings"]) == (
        None,
        None,
        [],
    )


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("数控车床操作工", ["数控车床", "操作工"]),
        ("  Java 开发 ", ["java", "开发"]),
        ("焊工，学徒！", ["焊工", "学徒"]),
        ("数控的技术", ["数控", "技术"]),
        ("车", ["车"]),
        ("", []),
        ("，。", []),
    ],
)
def test_search_terms(query: str, terms: list[str]) -> None:
    assert query_terms(query) == terms


def test_the_open_filter_leaves_out_positions_past_their_closing_date(
    client: TestClient, session: Session
) -> None:
    # Open in the database (the nightly job has not run yet) but past its closing date in China.
    company = make_enterprise(session)
    today = clock.today()
    past = published(session, company, 1, title="已过截止日期的岗位", closing_date=today - ONE_DAY)
    due = published(session, company, 2, title="今天截止的岗位", closing_date=today)

    body = client.get(URL).json()
    assert ids(body) == [str(due.id)]
    assert body["data"][0]["accepting_applications"] is True
    assert body["data"][0]["status_label"] == "招聘中"
    for params in ({"q": "岗位"}, {"q": "岗位", "sort": "closing"}, {"sort": "pay"}):
        assert ids(client.get(URL, params=params).json()) == [str(due.id)]

    everything = client.get(URL, params={"open_only": "false"}).json()
    shown = {row["id"]: row for row in everything["data"]}
    late = shown[str(past.id)]
    assert (late["status"], late["status_label"], late["accepting_applications"]) == (
        "open",
        "已截止",
        False,
    )
    one = client.get(f"{URL}/{past.id}").json()
    assert (one["status_label"], one["accepting_applications"]) == ("已截止", False)
