"""Drafting and publishing the lists: frozen versions, who may publish, what the public reads."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import AuditLog, DemandForecast, OrganizationKind, PositionKind, Role
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_position,
    make_user,
)
from tests.service.lists.test_lists import scenario
from tests.service.reports.helpers import COUNTY, PLAIN, YEAR

URL = "/api/v1/regions/{code}/lists/{kind}"


def regulator(session: Session, region_code: str = "500000") -> dict[str, str]:
    government = make_organization(
        session, OrganizationKind.government, region_code=region_code, name="重庆市教育委员会"
    )
    return auth_headers(make_user(session, Role.regulator, government))


def test_publish_freezes_a_version_that_the_public_reads(
    client: TestClient, session: Session
) -> None:
    scenario(session)
    headers = regulator(session)
    base = URL.format(code=COUNTY, kind="talent-demand")

    draft = client.post(f"{base}/versions", params={"year": YEAR}, headers=headers)
    public_before = client.get(f"{base}/versions", params={"year": YEAR})
    published = client.post(f"{base}/versions/1/publish", params={"year": YEAR}, headers=headers)
    # New data after publication: the public still reads the published figures.
    enterprise = make_enterprise(session, region_code=COUNTY)
    make_position(session, enterprise, [PLAIN], headcount=20, start_date=date(YEAR, 3, 1))
    public = client.get(base, params={"year": YEAR}).json()
    live = client.get(base, params={"year": YEAR, "version": "draft"}, headers=headers).json()
    again = client.post(f"{base}/versions/1/publish", params={"year": YEAR}, headers=headers)
    versions = client.get(f"{base}/versions", params={"year": YEAR}).json()

    assert (draft.status_code, draft.json()["status"], draft.json()["version"]) == (
        201,
        "draft",
        1,
    )
    assert public_before.json() == []
    assert published.status_code == 200
    assert (public["status"], public["version"], public["publisher"]) == (
        "published",
        1,
        "重庆市教育委员会",
    )
    assert public["published_at"] == published.json()["published_at"]
    assert {r["major_code"]: r["demand"] for r in public["talent_demand"]}[PLAIN] == 80.0
    assert live["status"] == "draft"
    assert {r["major_code"]: r["demand"] for r in live["talent_demand"]}[PLAIN] == 100.0
    assert again.status_code == 409
    assert [(v["version"], v["status"]) for v in versions] == [(1, "published")]
    actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "list_version")).all()
    assert sorted(actions) == ["list_draft", "list_publish"]


def test_drafts_are_hidden_from_the_public_and_other_regions(
    client: TestClient, session: Session
) -> None:
    own = regulator(session)
    other = regulator(session, "110000")
    school = make_organization(session, OrganizationKind.school, region_code=COUNTY)
    school_user = auth_headers(make_user(session, Role.school, school))
    base = URL.format(code=COUNTY, kind="industry")
    client.post(f"{base}/versions", params={"year": YEAR}, headers=own)

    refused_other = client.post(f"{base}/versions", params={"year": YEAR}, headers=other)
    refused_school = client.post(f"{base}/versions", params={"year": YEAR}, headers=school_user)
    publish_other = client.post(f"{base}/versions/1/publish", params={"year": YEAR}, headers=other)
    hidden = client.get(f"{base}/versions/1", params={"year": YEAR})
    seen = client.get(f"{base}/versions/1", params={"year": YEAR}, headers=own)
    listed = client.get(f"{base}/versions", params={"year": YEAR}, headers=own)
    draft_view = client.get(base, params={"year": YEAR, "version": "draft"})

    assert refused_other.status_code == 403
    assert refused_other.json()["error"]["message"].startswith("只能拟定和发布本部门管辖地区的清单")
    assert refused_school.status_code == 403
    assert publish_other.status_code == 403
    assert hidden.status_code == 404
    assert (seen.status_code, seen.json()["status"]) == (200, "draft")
    assert [v["status"] for v in listed.json()] == ["draft"]
    assert draft_view.status_code == 401
    assert client.get(base, params={"year": YEAR}).json()["status"] == "live"


def test_published_version_as_html_says_so(client: TestClient, session: Session) -> None:
    headers = regulator(session)
    base = URL.format(code=COUNTY, kind="policy-support")
    client.post(f"{base}/versions", params={"year": YEAR}, headers=headers)
    client.post(f"{base}/versions/1/publish", params={"year": YEAR}, headers=headers)

    page = client.get(base, params={"year": YEAR, "format": "html"}).text

    assert "第 1 版" in page
    assert "由重庆市教育委员会发布" in page


def test_an_older_draft_cannot_be_published_over_a_newer_version(
    client: TestClient, session: Session
) -> None:
    headers = regulator(session)
    base = URL.format(code=COUNTY, kind="industry")
    for _ in range(2):
        client.post(f"{base}/versions", params={"year": YEAR}, headers=headers)
    client.post(f"{base}/versions/2/publish", params={"year": YEAR}, headers=headers)

    older = client.post(f"{base}/versions/1/publish", params={"year": YEAR}, headers=headers)

    assert (older.status_code, older.json()["error"]["message"]) == (
        409,
        "已发布更新的第 2 版，第 1 版不能再发布",
    )
    assert client.get(base, params={"year": YEAR}).json()["version"] == 2
    listed = client.get(f"{base}/versions", params={"year": YEAR}, headers=headers).json()
    assert [(v["version"], v["status"]) for v in listed] == [(1, "draft"), (2, "published")]


def test_unknown_version_and_bad_year_write_nothing(client: TestClient, session: Session) -> None:
    headers = regulator(session)
    base = URL.format(code=COUNTY, kind="industry")

    missing = client.post(f"{base}/versions/3/publish", params={"year": YEAR}, headers=headers)
    bad_year = client.post(f"{base}/versions", params={"year": 1900}, headers=headers)

    assert (missing.status_code, missing.json()["error"]["message"]) == (
        404,
        "沙坪坝区2025年产业发展清单没有第 3 版",
    )
    assert bad_year.status_code == 422
    assert client.get(f"{base}/versions", params={"year": YEAR}, headers=headers).json() == []


def test_talent_demand_by_occupation(client: TestClient, session: Session) -> None:
    enterprise = make_enterprise(session, region_code=COUNTY)
    start = date(YEAR, 3, 1)
    make_position(session, enterprise, headcount=6, start_date=start, occupation_code="6-18-02-01")
    make_position(
        session,
        enterprise,
        headcount=4,
        start_date=start,
        occupation_code="6-18-02-01",
        kind=PositionKind.internship,
        title="铸造实习",
    )
    make_position(
        session, enterprise, headcount=3, start_date=start, occupation_code="2-02-10-01",
        title="通信工程师",
    )  # fmt: skip
    make_position(
        session, enterprise, headcount=50, start_date=date(YEAR + 1, 3, 1),
        occupation_code="2-02-10-01", title="明年的岗位",
    )  # fmt: skip
    session.add(
        DemandForecast(
            publisher_id=enterprise.id,
            occupation_code="2-02-10-01",
            target_code="2-02-10-01",
            region_code=COUNTY,
            year=YEAR,
            headcount=5,
        )
    )
    session.flush()

    body = client.get(URL.format(code="500100", kind="talent-demand"), params={"year": YEAR}).json()

    rows = [
        (r["rank"], r["occupation_code"], r["occupation_name"], r["position_demand"],
         r["forecast_demand"], r["demand"], r["internship_places"])
        for r in body["talent_demand_by_occupation"]
    ]  # fmt: skip
    assert rows == [
        (1, "2-02-10-01", "通信工程技术人员", 3, 5, 8, 0),
        (2, "6-18-02-01", "铸造工", 6, 0, 6, 4),
    ]
