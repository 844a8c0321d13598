"""The pages of both roles: a school drafts, reads the evidence, submits; the regulator approves."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import AuditLog, MajorProposal
from tests.service.adjustments.helpers import build, open_window
from tests.service.pages.helpers import post_form, sign_in
from tests.service.reports.helpers import CITY, YEAR


def test_a_school_submits_against_a_warning_and_the_regulator_approves(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world)
    client.headers.clear()
    assert sign_in(client, world.accounts["school"].username).status_code == 303
    page = client.get("/school/adjustments")
    assert page.status_code == 200
    assert "受理中" in page.text

    missing = post_form(
        client, "/school/adjustments", "/school/adjustments",
        {"year": str(YEAR), "kind": "open", "major": "林业技术"},
    )  # fmt: skip
    assert missing.status_code == 422
    assert "新增须填写招生计划" in missing.text

    created = post_form(
        client, "/school/adjustments", "/school/adjustments",
        {"year": str(YEAR), "kind": "open", "major": "林业技术", "planned_enrolment": "40",
         "partners": "重庆某林场\n重庆某园林公司", "reason": "服务乡村振兴"},
    )  # fmt: skip
    assert created.status_code == 303
    url = created.headers["location"]
    detail = client.get(url).text
    assert "与供需预警相反" in detail
    assert "在设置雷同的专业上增加布点" in detail
    assert "布点数 3 → 4" in detail

    refused = post_form(client, url, f"{url}/submit", {})
    assert refused.status_code == 422
    assert "申请与供需预警相反，须填写书面说明" in refused.text
    saved = post_form(client, url, url, {"justification": "订单培养，企业定向录用"})
    assert saved.status_code == 303
    submitted = post_form(client, url, f"{url}/submit", {})
    assert submitted.status_code == 303
    assert "已提交，依据已冻结" in client.get(submitted.headers["location"]).text

    proposal_id = url.rsplit("/", 1)[1]
    client.cookies.clear()
    assert sign_in(client, world.accounts["regulator"].username).status_code == 303
    listing = client.get("/regulator/adjustments", params={"region": CITY, "year": YEAR})
    assert listing.status_code == 200
    assert "与预警相反" in listing.text
    assert "林业技术" in listing.text
    assert re.search(r"预警撤并但目前未提交申请的专业（3）", listing.text)
    page_url = f"/regulator/adjustments/{proposal_id}"
    no_reason = post_form(client, page_url, f"{page_url}/refuse", {"refuse_comment": ""})
    assert no_reason.status_code == 422
    approved = post_form(client, page_url, f"{page_url}/approve", {"approve_comment": "同意"})
    assert approved.status_code == 303
    assert "已批准，学校的招生计划已变更" in client.get(approved.headers["location"]).text
    session.expire_all()
    stored = session.get(MajorProposal, uuid.UUID(proposal_id))
    assert stored is not None
    assert stored.status == "approved"
    filing = client.get(
        "/regulator/adjustments/files/filing.csv", params={"region": CITY, "year": YEAR}
    )
    assert filing.status_code == 200
    assert "林业技术" in filing.content.decode("utf-8-sig")

    client.cookies.clear()
    sign_in(client, world.accounts["school"].username)
    told = client.get("/school/adjustments").text
    assert "审核通知" in told
    assert "已批准：同意" in told
    assert session.exec(select(AuditLog).where(AuditLog.entity == "school_notice")).first()
