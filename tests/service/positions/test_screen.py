"""Issue 28 point 3 and the review mark: every text a person reads is screened, on create, edit,
publish, import and when a published position is edited; the review model marks for regulators."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import Role
from rules.review import REVIEW_THRESHOLD
from rules.screen import PositionFacts
from service.positions import compliance
from tests.factories import auth_headers, make_enterprise_user, make_user
from tests.service.positions.test_router import URL, draft


def categories(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(f["field"], f["category"]) for f in findings]


def test_a_draft_is_screened_when_created_and_edited(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    session.commit()
    headers = auth_headers(user)
    created = client.post(
        URL,
        json=draft(title="普工（只 要 女 生）", skills=["数控编程", "限本市戶籍"]),
        headers=headers,
    )
    assert created.status_code == 201, created.json()
    findings = created.json()["compliance_findings"]
    assert categories(findings) == [("title", "性别歧视"), ("skills", "户籍歧视")]
    assert findings[0]["words"] == ["只 要 女 生"]
    assert findings[1]["suggestion"] == "户籍不限"
    edited = client.patch(
        f"{URL}/{created.json()['id']}",
        json={"title": "普工", "description": "大专以下勿扰"},
        headers=headers,
    )
    assert edited.status_code == 200, edited.json()
    assert categories(edited.json()["compliance_findings"]) == [
        ("description", "学历歧视"),
        ("skills", "户籍歧视"),
    ]


def test_skills_block_publication(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    session.commit()
    headers = auth_headers(user)
    created = client.post(URL, json=draft(skills=["识图", "男士優先"]), headers=headers).json()
    refused = client.post(f"{URL}/{created['id']}/publish", headers=headers)
    assert refused.status_code == 422
    [detail] = refused.json()["error"]["details"]
    assert (detail["field"], detail["category"], detail["words"]) == (
        "skills",
        "性别歧视",
        ["男士優先"],
    )
    assert "第二十七条" in detail["source"]


def test_editing_a_published_position_is_screened(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    session.commit()
    headers = auth_headers(user)
    created = client.post(URL, json=draft(), headers=headers).json()
    assert client.post(f"{URL}/{created['id']}/publish", headers=headers).status_code == 200
    for change in (
        {"description": "只招本科"},
        {"skills": ["識圖", "技校生勿擾"]},
        {"title": "普工18-35岁"},
    ):
        response = client.patch(f"{URL}/{created['id']}", json=change, headers=headers)
        if "title" in change:
            # An age limit warns: the edit goes through and the warning is stored.
            assert response.status_code == 200
            assert categories(response.json()["compliance_findings"]) == [("title", "年龄限制")]
        else:
            assert response.status_code == 422, change
            assert response.json()["error"]["code"] == "compliance_blocked"


def test_an_age_limit_under_16_blocks_publication(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    session.commit()
    headers = auth_headers(user)
    created = client.post(
        URL, json=draft(kind="apprenticeship", description="招收14-18岁学徒"), headers=headers
    ).json()
    refused = client.post(f"{URL}/{created['id']}/publish", headers=headers)
    assert refused.status_code == 422
    [detail] = refused.json()["error"]["details"]
    assert (detail["code"], detail["rule"]) == ("child_labour_age", "min_age")
    assert "禁止使用童工规定" in detail["source"]


def facts(description: str) -> PositionFacts:
    return PositionFacts(
        kind="job",
        title="普工",
        description=description,
        headcount=1,
        monthly_pay=None,
        same_post_wage=None,
        hours_per_day=None,
        hours_per_week=None,
        enterprise_staff_count=None,
        existing_interns=0,
        post_staff_count=None,
    )


def test_the_review_model_marks_what_the_rules_miss_and_never_blocks() -> None:
    # No rule is about party membership; the model trained on the corpus finds it suspect.
    [finding] = compliance.check_facts(facts("负责设备操作与维护。只招党员。"))
    assert (finding.code, finding.severity, finding.category) == (
        "needs_review",
        "warning",
        "待人工复核",
    )
    assert finding.score is not None
    assert finding.score >= REVIEW_THRESHOLD
    assert finding.words == ("只招党员",)
    assert finding.to_dict()["score"] == finding.score
    # Plain postings are not marked; a field the rules found something in is not scored again.
    assert compliance.check_facts(facts("负责设备操作与维护，提供住宿，五险一金。")) == []
    [ruled] = compliance.check_facts(facts("限男性。只招党员。"))
    assert ruled.code == "discriminatory_term"
    assert compliance.check_facts(facts("只招党员。"), review=False) == []


def test_regulators_list_the_postings_marked_for_review(
    client: TestClient, session: Session
) -> None:
    _, user = make_enterprise_user(session)
    session.commit()
    headers = auth_headers(user)
    marked = client.post(URL, json=draft(description="只招党员。"), headers=headers).json()
    plain = client.post(URL, json=draft(title="钳工", description="年龄18-35岁"), headers=headers)
    for created in (marked, plain.json()):
        assert client.post(f"{URL}/{created['id']}/publish", headers=headers).status_code == 200
    regulator = auth_headers(make_user(session, Role.regulator))
    session.commit()
    listed = client.get(
        f"{URL}/compliance-findings", params={"review": "true"}, headers=regulator
    ).json()
    assert [p["id"] for p in listed["data"]] == [marked["id"]]
    [finding] = listed["data"][0]["compliance_findings"]
    assert (finding["category"], finding["code"]) == ("待人工复核", "needs_review")
    assert finding["score"] >= REVIEW_THRESHOLD
    everything = client.get(f"{URL}/compliance-findings", headers=regulator).json()
    assert everything["count"] == 2
