"""The optional 职业分类大典 code of a position: through the API and the import, checked."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import Position
from tests.factories import auth_headers, make_enterprise_user
from tests.service.positions.test_router import URL, draft

IMPORT_HEADER = "enterprise_code,title,kind,headcount,start_date,status,occupation_code\n"


def test_create_update_and_clear_the_occupation(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    headers = auth_headers(user)

    created = client.post(URL, json=draft(occupation_code="6-18-02-01"), headers=headers)
    position_id = created.json()["id"]
    changed = client.patch(
        f"{URL}/{position_id}", json={"occupation_code": "2-02-10-01"}, headers=headers
    )
    cleared = client.patch(f"{URL}/{position_id}", json={"occupation_code": None}, headers=headers)

    assert (created.status_code, created.json()["occupation_code"]) == (
        201,
        "6-18-02-01",
    )
    assert changed.json()["occupation_code"] == "2-02-10-01"
    assert cleared.json()["occupation_code"] is None


def test_unknown_or_malformed_occupations_are_refused(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    headers = auth_headers(user)

    unknown = client.post(URL, json=draft(occupation_code="9-99-99-99"), headers=headers)
    malformed = client.post(URL, json=draft(occupation_code="铸造工"), headers=headers)

    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"] == [
        {"field": "occupation_code", "message": "职业代码不存在（职业分类大典2022）：9-99-99-99"}
    ]
    assert malformed.status_code == 422
    assert session.exec(select(Position)).all() == []


def test_the_import_reads_the_occupation_column(client: TestClient, session: Session) -> None:
    enterprise, user = make_enterprise_user(session)
    good = f"{enterprise.code},铸造学徒,学徒,3,2027-09-01,open,6-18-02-01\n"
    bad = f"{enterprise.code},造型工,学徒,3,2027-09-01,open,9-99-99-99\n"

    refused = client.post(
        "/api/v1/imports/positions",
        files={"file": ("p.csv", (IMPORT_HEADER + good + bad).encode(), "text/csv")},
        headers=auth_headers(user),
    )
    accepted = client.post(
        "/api/v1/imports/positions",
        files={"file": ("p.csv", (IMPORT_HEADER + good).encode(), "text/csv")},
        headers=auth_headers(user),
    )

    assert refused.status_code == 422
    details = refused.json()["error"]["details"]
    assert [(e["row"], e["column"], e["message"]) for e in details] == [
        (3, "occupation_code", "职业代码不存在（职业分类大典2022）：9-99-99-99")
    ]
    assert accepted.status_code == 200
    assert session.exec(select(Position.occupation_code)).all() == ["6-18-02-01"]
