"""The 产教融合型企业 incentive statement, checked against a three-year example worked by hand.

2023: investment 1 000 000 → credit 300 000. VAT 2 000 000 → 教育费附加 60 000, 地方教育附加 40 000.
      Credited 100 000 (60 000 + 40 000); 200 000 carried forward.
2024: no investment; VAT 1 500 000 + consumption tax 500 000 → 60 000 + 40 000. 200 000 available,
      100 000 credited, 100 000 carried forward.
2025: investment 100 000 → credit 30 000; 130 000 available. VAT 3 000 000 → 90 000 + 60 000
      = 150 000. Credited 130 000 (90 000 against 教育费附加, 40 000 against 地方教育附加);
      nothing carried; 20 000 still payable.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from models import EnterpriseTaxYear, Organization, OrganizationKind, Role
from service.enterprises import incentive
from tests.factories import auth_headers, make_enterprise, make_user

YEARS = {
    2023: {"qualifying_investment": "1000000", "vat_paid": "2000000", "consumption_tax_paid": "0"},
    2024: {"qualifying_investment": "0", "vat_paid": "1500000", "consumption_tax_paid": "500000"},
    2025: {"qualifying_investment": "100000", "vat_paid": "3000000", "consumption_tax_paid": "0"},
}


def test_the_worked_example() -> None:
    worked = incentive.work(
        [incentive.TaxYear(y, *(Decimal(v) for v in f.values())) for y, f in YEARS.items()]
    )

    assert [
        (w.year, w.new_credit, w.carried_in, w.credited_education, w.credited_local,
         w.carried_forward, w.surcharges_payable)
        for w in worked
    ] == [
        (2023, Decimal("300000"), 0, Decimal("60000"), Decimal("40000"), Decimal("200000"), 0),
        (2024, 0, Decimal("200000"), Decimal("60000"), Decimal("40000"), Decimal("100000"), 0),
        (2025, Decimal("30000"), Decimal("100000"), Decimal("90000"), Decimal("40000"), 0,
         Decimal("20000")),
    ]  # fmt: skip


@pytest.fixture
def enterprise(session: Session) -> Organization:
    return make_enterprise(session, region_code="500106", is_integration_enterprise=True)


def put_years(client: TestClient, code: str, headers: dict[str, str]) -> None:
    for year, figures in YEARS.items():
        response = client.put(
            f"/api/v1/enterprises/{code}/tax-years/{year}",
            json={**figures, "source": f"{year}年完税证明"},
            headers=headers,
        )
        assert response.status_code == 200, response.text


def test_the_statement_shows_every_year_rate_and_source(
    client: TestClient, session: Session, enterprise: Organization
) -> None:
    put_years(
        client, enterprise.code, auth_headers(make_user(session, Role.enterprise, enterprise))
    )
    regulator = make_user(
        session,
        Role.regulator,
        make_enterprise(session, kind=OrganizationKind.government, region_code="500100"),
    )

    response = client.get(
        f"/api/v1/enterprises/{enterprise.code}/incentive-statement",
        params={"year": 2025},
        headers=auth_headers(regulator),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["rates"] == {
        "credit": "0.30",
        "education_surcharge": "0.03",
        "local_education_surcharge": "0.02",
    }
    assert [source.split("：")[0] for source in body["sources"]] == [
        "投资额抵免比例 30%",
        "教育费附加 3%",
        "地方教育附加 2%",
    ]
    assert "财税〔2019〕46号" in body["sources"][0]
    assert "财综〔2010〕98号" in body["sources"][2]
    assert [
        (y["year"], y["available"], y["credited"], y["carried_forward"], y["source"])
        for y in body["years"]
    ] == [
        (2023, "300000.00", "100000.00", "200000.00", "2023年完税证明"),
        (2024, "200000.00", "100000.00", "100000.00", "2024年完税证明"),
        (2025, "130000.00", "130000.00", "0.00", "2025年完税证明"),
    ]
    assert {k: body["current"][k] for k in ("tax_base", "education_surcharge", "local_surcharge",
                                             "credited_local", "surcharges_payable")} == {
        "tax_base": "3000000.00",
        "education_surcharge": "90000.00",
        "local_surcharge": "60000.00",
        "credited_local": "40000.00",
        "surcharges_payable": "20000.00",
    }  # fmt: skip


def test_an_earlier_year_stops_there(
    client: TestClient, session: Session, enterprise: Organization
) -> None:
    own = auth_headers(make_user(session, Role.enterprise, enterprise))
    put_years(client, enterprise.code, own)

    response = client.get(
        f"/api/v1/enterprises/{enterprise.code}/incentive-statement",
        params={"year": 2024},
        headers=own,
    )

    assert response.status_code == 200
    assert response.json()["current"]["carried_forward"] == "100000.00"
    assert [y["year"] for y in response.json()["years"]] == [2023, 2024]


def test_others_are_refused_and_bad_input_writes_nothing(
    client: TestClient, session: Session, enterprise: Organization
) -> None:
    other = auth_headers(make_user(session, Role.enterprise, make_enterprise(session)))
    far = make_enterprise(session, kind=OrganizationKind.government, region_code="110000")
    far_regulator = auth_headers(make_user(session, Role.regulator, far))
    own = auth_headers(make_user(session, Role.enterprise, enterprise))
    url = f"/api/v1/enterprises/{enterprise.code}"

    foreign = client.put(f"{url}/tax-years/2024", json=YEARS[2024], headers=other)
    negative = client.put(
        f"{url}/tax-years/2024", json={**YEARS[2024], "vat_paid": "-1"}, headers=own
    )
    early = client.put(f"{url}/tax-years/2018", json=YEARS[2024], headers=own)
    missing = client.get(f"{url}/incentive-statement", params={"year": 2024}, headers=own)
    put_years(client, enterprise.code, own)
    peeking = client.get(f"{url}/incentive-statement", params={"year": 2024}, headers=far_regulator)
    unknown = client.get(
        "/api/v1/enterprises/nope/incentive-statement", params={"year": 2024}, headers=own
    )

    assert (foreign.status_code, foreign.json()["error"]["message"]) == (
        403,
        "只有企业本身可以填报其投资和纳税数据",
    )
    assert negative.status_code == 422
    assert (early.status_code, early.json()["error"]["details"][0]["field"]) == (422, "year")
    assert (missing.status_code, missing.json()["error"]["message"]) == (
        404,
        "企业尚未填报 2024 年的投资和纳税数据",
    )
    assert (peeking.status_code, peeking.json()["error"]["message"]) == (
        403,
        "只有企业本身及其所在地区的监管部门可以查看抵免计算单",
    )
    assert (unknown.status_code, unknown.json()["error"]["message"]) == (404, "企业 nope 不存在")
    count = session.exec(select(func.count()).select_from(EnterpriseTaxYear)).one()
    assert count == 3


@pytest.mark.parametrize(
    ("status", "shown"),
    [(None, "未申报"), ("submitted", "已申报（待审核）"), ("refused", "未通过")],
)
def test_only_registry_enterprises_get_a_statement(
    client: TestClient, session: Session, status: str | None, shown: str
) -> None:
    """Issue 24: 财税〔2019〕46号 limits the credit to the registry (培育库 or 认定)."""
    from models import IntegrationApplication

    outside = make_enterprise(session, region_code="500106")
    if status is not None:
        session.add(
            IntegrationApplication(
                enterprise_id=outside.id,
                region_code="500106",
                status=status,
                cooperation_years=3,
                partner_programmes=1,
                apprentices=0,
                interns=0,
                investment=Decimal("1000"),
            )
        )
        session.flush()
    headers = auth_headers(make_user(session, Role.enterprise, outside))
    put_years(client, outside.code, headers)
    response = client.get(
        f"/api/v1/enterprises/{outside.code}/incentive-statement",
        params={"year": 2025},
        headers=headers,
    )
    assert response.status_code == 422
    assert shown in response.json()["error"]["message"]
    application = session.exec(
        select(IntegrationApplication).where(IntegrationApplication.enterprise_id == outside.id)
    ).first()
    if application is not None:
        application.status = "cultivation"
        session.add(application)
        session.flush()
        again = client.get(
            f"/api/v1/enterprises/{outside.code}/incentive-statement",
            params={"year": 2025},
            headers=headers,
        )
        assert again.status_code == 200
