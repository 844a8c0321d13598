"""Issue 28 point 3: the requirements text (任职要求) is screened like the description — on create,
on edit of a published position, on publish and on import — and shown on the position's page."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import Position
from service.transfer.columns import TransferKind
from service.transfer.schemas import ImportInvalid
from tests.factories import auth_headers, import_file_bytes, make_enterprise_user
from tests.service.pages.helpers import post_form
from tests.service.pages.test_enterprise import FORM, signed_in_enterprise
from tests.service.positions.test_router import URL, draft
from tests.service.transfer.test_operations import E1, load, problems_of, run


def found(findings: list[dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
    return [(f["field"], f["category"], f["words"]) for f in findings]


def test_an_unfair_requirement_draws_the_descriptions_finding(
    client: TestClient, session: Session
) -> None:
    _, user = make_enterprise_user(session)
    session.commit()
    headers = auth_headers(user)
    in_description = client.post(URL, json=draft(description="限男性"), headers=headers).json()
    created = client.post(
        URL, json=draft(title="钳工", requirements="限男性，本地户籍"), headers=headers
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["requirements"] == "限男性，本地户籍"
    [description_finding] = in_description["compliance_findings"]
    findings = body["compliance_findings"]
    assert found(findings) == [
        ("requirements", "性别歧视", ["限男性"]),
        ("requirements", "户籍歧视", ["本地户籍"]),
    ]
    assert findings[0]["message"] == description_finding["message"].replace("岗位描述", "任职要求")
    assert findings[0]["source"] == description_finding["source"]
    refused = client.post(f"{URL}/{body['id']}/publish", headers=headers)
    assert refused.status_code == 422
    assert {d["field"] for d in refused.json()["error"]["details"]} == {"requirements"}


def test_a_fair_requirement_publishes_and_an_unfair_edit_is_refused(
    client: TestClient, session: Session
) -> None:
    _, user = make_enterprise_user(session)
    session.commit()
    headers = auth_headers(user)
    fair = "中职及以上学历，持电工证者优先，男女不限"
    created = client.post(URL, json=draft(requirements=fair), headers=headers).json()
    assert created["compliance_findings"] == []
    published = client.post(f"{URL}/{created['id']}/publish", headers=headers)
    assert published.status_code == 200, published.json()
    assert published.json()["requirements"] == fair
    edited = client.patch(
        f"{URL}/{created['id']}", json={"requirements": "本地户籍优先"}, headers=headers
    )
    assert edited.status_code == 422
    assert edited.json()["error"]["code"] == "compliance_blocked"
    [detail] = edited.json()["error"]["details"]
    assert (detail["field"], detail["category"]) == ("requirements", "户籍歧视")
    session.expire_all()
    stored = session.get(Position, uuid.UUID(created["id"]))
    assert stored is not None
    assert stored.requirements == fair
    # Null leaves the text alone; the page shows it.
    kept = client.patch(f"{URL}/{created['id']}", json={"requirements": None}, headers=headers)
    assert kept.status_code == 200
    assert kept.json()["requirements"] == fair
    page = client.get(f"/positions/{created['id']}").text
    assert "<h2>任职要求</h2>" in page
    assert fair in page
    # The words are searchable.
    hits = client.get(URL, params={"q": "电工证"}).json()
    assert [p["id"] for p in hits["data"]] == [created["id"]]


def test_requirements_refuse_control_characters_and_overlong_text(
    client: TestClient, session: Session
) -> None:
    _, user = make_enterprise_user(session)
    session.commit()
    headers = auth_headers(user)
    for bad in ("电工证\x07", "要" * 2001):
        response = client.post(URL, json=draft(requirements=bad), headers=headers)
        assert response.status_code == 422, bad
        assert [d["field"] for d in response.json()["error"]["details"]] == ["requirements"]


def test_import_screens_the_requirements_column(session: Session) -> None:
    load(session, TransferKind.organizations)
    headers = ["企业统一社会信用代码", "岗位名称", "岗位类型", "招聘人数", "开始日期", "状态"]
    headers = [*headers, "任职要求"]
    rows = [
        [E1, "装配工", "job", "3", "2027-09-01", "open", "限男性"],
        [E1, "电工", "job", "2", "2027-09-01", "open", "持电工证者优先"],
    ]
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.positions, import_file_bytes(headers, rows))
    [(row, column, message)] = problems_of(error)
    assert (row, column) == (2, "requirements")
    assert "任职要求含有性别歧视用语“限男性”" in message
    assert run(session, TransferKind.positions, import_file_bytes(headers, rows[1:])).inserted == 1
    stored = session.exec(select(Position).where(Position.title == "电工")).one()
    assert (stored.requirements, stored.compliance_findings) == ("持电工证者优先", [])


def test_the_form_shows_the_requirements_findings_inline(
    client: TestClient, session: Session
) -> None:
    signed_in_enterprise(client, session)
    form = {**FORM, "description": "负责数控车床操作", "requirements": "本地户籍"}
    created = post_form(client, "/enterprise/positions/new", "/enterprise/positions/new", form)
    assert created.status_code == 303
    page = client.get(created.headers["location"]).text
    notes = page.split('id="f-requirements"')[1].split("</div>")[0]
    assert "本地户籍</textarea>" in notes
    blocking = '<span class="badge blocking">阻止发布</span>'
    assert f"{blocking} 任职要求含有户籍歧视用语“本地户籍”" in notes
