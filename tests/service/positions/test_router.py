"""Positions through the API: drafts, major resolution, publication, closing and visibility."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import (
    AuditLog,
    OrganizationStatus,
    Position,
    PositionKind,
    PositionMajor,
    PositionStatus,
    Role,
)
from service import clock
from tests.factories import auth_headers, make_enterprise_user, make_position, make_user

URL = "/api/v1/positions"


def draft(**changes: Any) -> dict[str, Any]:
    today = clock.today()
    body: dict[str, Any] = {
        "kind": "job",
        "title": "数控车床操作工",
        "description": "负责数控车床的编程与操作，参与首件检验。",
        "majors": ["460103"],
        "skills": ["数控编程", " 数控编程 ", "识图"],
        "headcount": 5,
        "monthly_pay": 6500,
        "hours_per_day": 8,
        "hours_per_week": 40,
        "start_date": str(today + timedelta(days=60)),
        "closing_date": str(today + timedelta(days=30)),
    }
    body.update(changes)
    return body


def test_create_saves_a_draft_with_resolved_majors(client: TestClient, session: Session) -> None:
    company, user = make_enterprise_user(session)
    response = client.post(
        URL,
        json=draft(majors=["数控技术专业", "460103", "机械设计与制造"], major_level="高职专科"),
        headers=auth_headers(user),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["status_label"] == "草稿"
    assert body["kind_label"] == "就业"
    assert body["enterprise_name"] == company.name
    assert body["region_code"] == company.region_code  # defaults to the enterprise's
    assert body["region_name"] == "沙坪坝区"
    assert body["skills"] == ["数控编程", "识图"]
    assert [m["code"] for m in body["majors"]] == ["460101", "460103"]
    assert [(r["input"], r["code"], r["method"]) for r in body["major_resolutions"]] == [
        ("数控技术专业", "460103", "exact"),
        ("460103", "460103", "code"),
        ("机械设计与制造", "460101", "exact"),
    ]
    stored = session.exec(
        select(PositionMajor.major_code).where(PositionMajor.position_id == uuid.UUID(body["id"]))
    ).all()
    assert sorted(stored) == ["460101", "460103"]
    entry = session.exec(select(AuditLog).where(AuditLog.entity_id == body["id"])).one()
    assert (entry.action, entry.actor) == ("create", user.username)
    assert entry.after is not None
    assert entry.after["majors"] == ["460103", "460101"]


def test_unresolved_major_is_422_naming_candidates(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    session.commit()
    response = client.post(
        URL, json=draft(majors=["460103", "新能源汽车修理"]), headers=auth_headers(user)
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"] == "需求专业无法识别"
    [detail] = error["details"]
    assert detail["field"] == "majors.1"
    assert detail["message"].startswith("无法在专业目录中确定专业“新能源汽车修理”，可能是：")
    assert detail["candidates"]
    assert all(set(c) == {"code", "name", "level", "score"} for c in detail["candidates"])
    assert session.exec(select(Position)).all() == []


def test_a_name_shared_by_two_levels_needs_the_level(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    response = client.post(URL, json=draft(majors=["数控技术"]), headers=auth_headers(user))
    assert response.status_code == 422
    [detail] = response.json()["error"]["details"]
    assert sorted((c["code"], c["level"]) for c in detail["candidates"]) == [
        ("260103", "职教本科"),
        ("460103", "高职专科"),
    ]
    assert "数控技术（460103，高职专科）" in detail["message"]


def test_cross_field_problems_are_reported_together(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    today = clock.today()
    body = draft(
        region_code="500199",
        start_date=str(today + timedelta(days=10)),
        end_date=str(today + timedelta(days=5)),
        closing_date=str(today + timedelta(days=8)),
    )
    response = client.post(URL, json=body, headers=auth_headers(user))
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "end_date", "message": "结束日期不能早于到岗日期"},
        {"field": "closing_date", "message": "报名截止日期不能晚于结束日期"},
        {"field": "region_code", "message": "行政区划代码不存在：500199"},
    ]


def test_schema_errors_are_422_in_chinese(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    body = draft(headcount=0, hours_per_day=25, kind="parttime", salary=1)
    response = client.post(URL, json=body, headers=auth_headers(user))
    assert response.status_code == 422
    assert [(d["field"], d["message"]) for d in response.json()["error"]["details"]] == [
        ("kind", "取值应为'apprenticeship', 'internship' or 'job'之一"),
        ("headcount", "应不小于1"),
        ("hours_per_day", "应不大于24.0"),
        ("salary", "不允许的字段"),
    ]


def test_duplicate_title_and_start_is_409(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    assert client.post(URL, json=draft(), headers=auth_headers(user)).status_code == 201
    again = client.post(URL, json=draft(), headers=auth_headers(user))
    assert again.status_code == 409
    assert again.json()["error"]["details"] == [
        {"field": "title", "message": "同一到岗日期下岗位名称不能重复"}
    ]


def test_publish_opens_a_clean_draft(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session)
    created = client.post(URL, json=draft(), headers=auth_headers(user)).json()
    response = client.post(f"{URL}/{created['id']}/publish", headers=auth_headers(user))
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["compliance_findings"]) == ("open", [])
    assert body["published_at"] is not None
    actions = session.exec(
        select(AuditLog.action)
        .where(AuditLog.entity_id == created["id"])
        .order_by(col(AuditLog.at))
    ).all()
    assert actions == ["create", "publish"]
    again = client.post(f"{URL}/{created['id']}/publish", headers=auth_headers(user))
    assert again.status_code == 409


def test_discriminatory_wording_blocks_with_the_words_and_source(
    client: TestClient, session: Session
) -> None:
    _, user = make_enterprise_user(session)
    created = client.post(
        URL,
        json=draft(title="储备干部（限男性）", description="要求985/211院校毕业，本地户籍优先"),
        headers=auth_headers(user),
    ).json()
    session.commit()
    response = client.post(f"{URL}/{created['id']}/publish", headers=auth_headers(user))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "compliance_blocked"
    assert error["message"] == "岗位不符合发布规定，请按提示修改后再发布"
    assert [(d["field"], d["code"], d["severity"]) for d in error["details"]] == [
        ("title", "discriminatory_term", "blocking"),
        ("description", "discriminatory_term", "blocking"),
        ("description", "discriminatory_term", "blocking"),
    ]
    assert "“限男性”" in error["details"][0]["message"]
    assert "“985”、“211”" in error["details"][1]["message"]
    assert [d["category"] for d in error["details"]] == ["性别歧视", "学历歧视", "户籍歧视"]
    assert error["details"][0]["words"] == ["限男性"]
    assert error["details"][0]["context"] == ["储备干部（限男性）"]
    assert error["details"][0]["suggestion"] == "性别不限"
    assert all(d["source"] and d["rule"] == "discriminatory_terms" for d in error["details"])
    position = session.get(Position, uuid.UUID(created["id"]))
    assert position is not None
    session.refresh(position)
    assert (position.status, position.published_at) == (PositionStatus.draft, None)


def test_internship_rules_block_pay_hours_and_intern_share(
    client: TestClient, session: Session
) -> None:
    company, user = make_enterprise_user(session, staff_count=100)
    make_position(session, company, kind=PositionKind.internship, headcount=6, title="已有实习")
    body = draft(
        kind="internship",
        title="装配实习生",
        headcount=5,
        monthly_pay=3000,
        same_post_wage=4000,
        post_staff_count=20,
        hours_per_day=9,
        hours_per_week=45,
    )
    created = client.post(URL, json=body, headers=auth_headers(user)).json()
    response = client.post(f"{URL}/{created['id']}/publish", headers=auth_headers(user))
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [(d["code"], d["field"]) for d in details] == [
        ("hours_per_day_exceeded", "hours_per_day"),
        ("hours_per_week_exceeded", "hours_per_week"),
        ("internship_pay_below_share", "monthly_pay"),
        ("intern_share_of_staff_exceeded", "headcount"),
        ("intern_share_of_post_exceeded", "headcount"),
    ]
    assert details[3]["message"] == (
        "实习学生11人（已有6人，本岗位5人），超过企业在岗职工总数100人的10%（10人）"
    )


def test_warnings_publish_and_stay_visible_to_owner_and_regulators(
    client: TestClient, session: Session
) -> None:
    company, user = make_enterprise_user(session, staff_count=100)
    body = draft(kind="internship", title="质检实习生", headcount=2, monthly_pay=3000)
    created = client.post(URL, json=body, headers=auth_headers(user)).json()
    published = client.post(f"{URL}/{created['id']}/publish", headers=auth_headers(user)).json()
    assert published["status"] == "open"
    assert [f["code"] for f in published["compliance_findings"]] == [
        "same_post_wage_missing",
        "post_staff_count_missing",
    ]
    assert all(f["severity"] == "warning" for f in published["compliance_findings"])

    anonymous = client.get(f"{URL}/{created['id']}").json()
    assert anonymous["compliance_findings"] == []
    regulator = make_user(session, Role.regulator)
    listed = client.get(f"{URL}/compliance-findings", headers=auth_headers(regulator)).json()
    assert listed["count"] == 1
    assert [p["id"] for p in listed["data"]] == [created["id"]]
    assert len(listed["data"][0]["compliance_findings"]) == 2
    blocking_only = client.get(
        f"{URL}/compliance-findings",
        params={"severity": "blocking"},
        headers=auth_headers(regulator),
    ).json()
    assert blocking_only == {"data": [], "count": 0}
    assert client.get(f"{URL}/compliance-findings", headers=auth_headers(user)).status_code == 403


def test_only_verified_enterprises_publish(client: TestClient, session: Session) -> None:
    _, user = make_enterprise_user(session, status=OrganizationStatus.pending)
    created = client.post(URL, json=draft(), headers=auth_headers(user))
    assert created.status_code == 201
    response = client.post(f"{URL}/{created.json()['id']}/publish", headers=auth_headers(user))
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "机构尚未通过审核，暂不能发布岗位"


def test_past_closing_date_cannot_be_published(client: TestClient, session: Session) -> None:
    company, user = make_enterprise_user(session)
    position = make_position(
        session,
        company,
        status=PositionStatus.draft,
        start_date=clock.today(),
        closing_date=clock.today() - timedelta(days=1),
    )
    response = client.post(f"{URL}/{position.id}/publish", headers=auth_headers(user))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "closing_date"


def test_close_and_lifecycle_conflicts(client: TestClient, session: Session) -> None:
    company, user = make_enterprise_user(session)
    position = make_position(session, company, status=PositionStatus.open)
    closed = client.post(f"{URL}/{position.id}/close", headers=auth_headers(user))
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert client.post(f"{URL}/{position.id}/close", headers=auth_headers(user)).status_code == 409
    edit = client.patch(f"{URL}/{position.id}", json={"headcount": 3}, headers=auth_headers(user))
    assert edit.status_code == 409
    assert edit.json()["error"]["message"] == "已关闭或已招满的岗位不能修改"


def test_editing_an_open_position_rechecks_the_rules(client: TestClient, session: Session) -> None:
    company, user = make_enterprise_user(session)
    position = make_position(session, company, status=PositionStatus.open, title="电工")
    session.commit()
    blocked = client.patch(
        f"{URL}/{position.id}",
        json={"description": "限女性，需交押金500元"},
        headers=auth_headers(user),
    )
    assert blocked.status_code == 422
    assert [d["code"] for d in blocked.json()["error"]["details"]] == [
        "discriminatory_term",
        "fee_charged",
    ]
    session.refresh(position)
    assert position.description == "负责设备操作与维护"

    fine = client.patch(
        f"{URL}/{position.id}",
        json={"description": "负责配电房巡检", "majors": ["460103"], "monthly_pay": None},
        headers=auth_headers(user),
    )
    assert fine.status_code == 200
    assert (fine.json()["description"], fine.json()["monthly_pay"]) == ("负责配电房巡检", None)
    assert [m["code"] for m in fine.json()["majors"]] == ["460103"]
    entry = session.exec(
        select(AuditLog).where(AuditLog.entity_id == str(position.id), AuditLog.action == "update")
    ).one()
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["majors"], entry.after["majors"]) == ([], ["460103"])
    assert (entry.before["monthly_pay"], entry.after["monthly_pay"]) == (5000.0, None)


def test_published_positions_are_public_drafts_are_not(
    client: TestClient, session: Session
) -> None:
    company, user = make_enterprise_user(session)
    open_one = make_position(session, company, ["460103"], same_post_wage=7000)
    draft_one = make_position(session, company, status=PositionStatus.draft)
    public = client.get(f"{URL}/{open_one.id}")
    assert public.status_code == 200
    assert public.json()["majors"] == [{"code": "460103", "name": "数控技术", "level": "高职专科"}]
    assert public.json()["same_post_wage"] is None  # internal figure, owner and regulators only
    assert (
        client.get(f"{URL}/{open_one.id}", headers=auth_headers(user)).json()["same_post_wage"]
        == 7000
    )
    assert client.get(f"{URL}/{draft_one.id}").status_code == 404
    assert client.get(f"{URL}/{draft_one.id}", headers=auth_headers(user)).status_code == 200
    _, stranger = make_enterprise_user(session)
    assert client.get(f"{URL}/{draft_one.id}", headers=auth_headers(stranger)).status_code == 404


def test_positions_of_a_suspended_enterprise_leave_the_public_view(
    client: TestClient, session: Session
) -> None:
    company, _ = make_enterprise_user(session, status=OrganizationStatus.suspended)
    position = make_position(session, company)
    regulator = make_user(session, Role.regulator)
    session.commit()  # the 404 below rolls back to here
    assert client.get(f"{URL}/{position.id}").status_code == 404
    assert client.get(f"{URL}/{position.id}", headers=auth_headers(regulator)).status_code == 200


def test_mine_lists_own_positions_with_drafts(client: TestClient, session: Session) -> None:
    company, user = make_enterprise_user(session)
    other, _ = make_enterprise_user(session)
    mine = [
        make_position(session, company, status=PositionStatus.draft),
        make_position(session, company),
    ]
    make_position(session, other)
    body = client.get(f"{URL}/mine", headers=auth_headers(user)).json()
    assert body["count"] == 2
    assert {p["id"] for p in body["data"]} == {str(p.id) for p in mine}
    drafts = client.get(
        f"{URL}/mine", params={"status": "draft"}, headers=auth_headers(user)
    ).json()
    assert [p["id"] for p in drafts["data"]] == [str(mine[0].id)]


def test_the_compliance_preview_shows_what_publication_would_refuse(
    client: TestClient, session: Session
) -> None:
    _, user = make_enterprise_user(session)
    session.commit()
    headers = auth_headers(user)
    blocked = client.post(URL, json=draft(title="数控操作工（限男性）"), headers=headers).json()
    clean = client.post(URL, json=draft(title="数控车床调试员"), headers=headers).json()

    preview = client.get(f"{URL}/{blocked['id']}/compliance", headers=headers)
    assert preview.status_code == 200
    body = preview.json()
    assert body["publishable"] is False
    assert [(f["field"], f["code"], f["severity"]) for f in body["findings"]] == [
        ("title", "discriminatory_term", "blocking")
    ]
    assert "限男性" in body["findings"][0]["message"]
    # The preview changes nothing: the position is still a draft, carrying the findings of its
    # words screened when it was created (issue 28), which do not block a draft.
    stored = session.get(Position, uuid.UUID(blocked["id"]))
    assert stored is not None
    session.refresh(stored)
    assert stored.status == PositionStatus.draft
    assert [(f["field"], f["category"]) for f in stored.compliance_findings] == [
        ("title", "性别歧视")
    ]

    ok = client.get(f"{URL}/{clean['id']}/compliance", headers=headers).json()
    assert ok == {"publishable": True, "findings": []}


def test_the_compliance_preview_of_another_enterprises_draft_is_not_found(
    client: TestClient, session: Session
) -> None:
    _, owner = make_enterprise_user(session)
    _, other = make_enterprise_user(session)
    session.commit()
    created = client.post(URL, json=draft(), headers=auth_headers(owner)).json()
    response = client.get(f"{URL}/{created['id']}/compliance", headers=auth_headers(other))
    assert response.status_code == 404
