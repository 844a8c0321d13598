"""Identity change by review: the organisation asks, its region's regulator approves or refuses."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from models import AuditLog, IdentityChangeRequest, Organization, OrganizationKind, Role
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_uscc,
    make_user,
)

URL = "/api/v1/identity-changes"


def _world(session: Session) -> dict[str, Any]:
    enterprise = make_enterprise(session, region_code="500106", name="重庆智造科技有限公司")
    chongqing = make_organization(session, OrganizationKind.government, region_code="500000")
    beijing = make_organization(session, OrganizationKind.government, region_code="110000")
    world = {
        "org": enterprise,
        "member": auth_headers(make_user(session, Role.enterprise, enterprise)),
        "stranger": auth_headers(make_user(session, Role.enterprise, make_enterprise(session))),
        "chongqing": auth_headers(make_user(session, Role.regulator, chongqing)),
        "beijing": auth_headers(make_user(session, Role.regulator, beijing)),
        "national": auth_headers(make_user(session, Role.regulator)),
    }
    session.commit()
    return world


def _ask(client: TestClient, world: dict[str, Any], **body: Any) -> Any:
    return client.post(
        f"/api/v1/organizations/{world['org'].id}/identity-changes",
        json=body,
        headers=world["member"],
    )


def _requests(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(IdentityChangeRequest)).one())


def test_a_rename_is_applied_only_when_the_regions_regulator_approves(
    client: TestClient, session: Session
) -> None:
    world = _world(session)
    asked = _ask(client, world, name="重庆智造集团有限公司", reason="工商变更登记")
    assert asked.status_code == 201
    request = asked.json()
    assert (request["status"], request["changes"], request["before"]) == (
        "pending",
        {"name": "重庆智造集团有限公司"},
        {"name": "重庆智造科技有限公司"},
    )
    session.refresh(world["org"])
    assert world["org"].name == "重庆智造科技有限公司"  # nothing changes before the review

    pending = {
        who: client.get(URL, params={"status": "pending"}, headers=world[who]).json()["count"]
        for who in ("chongqing", "beijing", "national", "member", "stranger")
    }
    assert pending == {"chongqing": 1, "beijing": 0, "national": 1, "member": 1, "stranger": 0}
    other_region = client.post(f"{URL}/{request['id']}/approve", headers=world["beijing"])
    assert other_region.status_code == 404
    by_member = client.post(f"{URL}/{request['id']}/approve", headers=world["member"])
    assert by_member.status_code == 403

    approved = client.post(f"{URL}/{request['id']}/approve", headers=world["chongqing"])
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    session.refresh(world["org"])
    assert world["org"].name == "重庆智造集团有限公司"
    entry = session.exec(
        select(AuditLog).where(
            AuditLog.entity_id == str(world["org"].id), AuditLog.action == "identity_change"
        )
    ).one()
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["name"], entry.after["name"]) == (
        "重庆智造科技有限公司",
        "重庆智造集团有限公司",
    )
    seen = client.get(f"{URL}/{request['id']}", headers=world["member"]).json()
    assert (seen["status"], seen["decision_reason"]) == ("approved", None)
    again = client.post(f"{URL}/{request['id']}/approve", headers=world["chongqing"])
    assert (again.status_code, again.json()["error"]["message"]) == (
        409,
        "该申请已审核，不能再次处理",
    )


def test_a_refusal_needs_a_reason_and_the_organisation_reads_it(
    client: TestClient, session: Session
) -> None:
    world = _world(session)
    request = _ask(client, world, name="重庆市教育委员会", reason="更名").json()

    blank = client.post(
        f"{URL}/{request['id']}/refuse", json={"reason": "  "}, headers=world["chongqing"]
    )
    assert blank.status_code == 422
    assert [(d["field"], d["message"]) for d in blank.json()["error"]["details"]] == [
        ("reason", "请填写驳回理由")
    ]
    refused = client.post(
        f"{URL}/{request['id']}/refuse",
        json={"reason": "名称与政府机关相同，不予变更"},
        headers=world["chongqing"],
    )
    assert refused.status_code == 200
    mine = client.get(URL, headers=world["member"]).json()["data"]
    assert [(r["status"], r["decision_reason"]) for r in mine] == [
        ("refused", "名称与政府机关相同，不予变更")
    ]
    session.refresh(world["org"])
    assert world["org"].name == "重庆智造科技有限公司"


def test_bad_requests_answer_in_chinese_and_write_nothing(
    client: TestClient, session: Session
) -> None:
    world = _world(session)
    taken = make_enterprise(session)
    session.commit()
    answers = [
        _ask(client, world, name="重庆智造科技有限公司", reason="无变化"),
        _ask(client, world, code="91500106MA5H0HLK5X", reason="换照"),
        _ask(client, world, region_code="999999", reason="搬迁"),
        _ask(client, world, kind="school", reason="改制"),
        _ask(client, world, code=taken.code, reason="换照"),
        _ask(client, world, name="新名称", reason=""),
    ]
    assert [(a.status_code, a.json()["error"]["details"][0]["field"]) for a in answers] == [
        (422, "name"),
        (422, "code"),
        (422, "region_code"),
        (422, "kind"),
        (409, "code"),
        (422, "reason"),
    ]
    assert answers[1].json()["error"]["details"][0]["message"] == (
        "统一社会信用代码校验位错误：应为E，实际为X"
    )
    other = client.post(
        f"/api/v1/organizations/{world['org'].id}/identity-changes",
        json={"name": "冒名公司", "reason": "x"},
        headers=world["stranger"],
    )
    assert other.status_code == 404
    assert _requests(session) == 0

    assert _ask(client, world, name="新名称一", reason="更名").status_code == 201
    second = _ask(client, world, name="新名称二", reason="更名")
    assert (second.status_code, second.json()["error"]["message"]) == (
        409,
        "该机构已有待审核的身份变更申请",
    )
    assert _requests(session) == 1


def test_a_move_to_another_region_needs_a_regulator_of_both(
    client: TestClient, session: Session
) -> None:
    world = _world(session)
    request = _ask(
        client, world, region_code="110101", code=make_uscc("110101"), reason="迁址北京"
    ).json()
    # The destination's regulator sees the request and may refuse it, but neither side approves.
    assert client.get(URL, headers=world["beijing"]).json()["count"] == 1
    refused_approvals = [
        client.post(f"{URL}/{request['id']}/approve", headers=world[who])
        for who in ("chongqing", "beijing")
    ]
    assert [a.status_code for a in refused_approvals] == [403, 403]
    assert refused_approvals[0].json()["error"]["message"] == (
        "跨地区迁移须由同时管辖迁出地和迁入地的监管部门审核"
    )
    approved = client.post(f"{URL}/{request['id']}/approve", headers=world["national"])
    assert approved.status_code == 200
    session.refresh(world["org"])
    assert world["org"].region_code == "110101"
    # Now Beijing's organisation: Chongqing's regulator no longer sees it.
    gone = client.get(f"/api/v1/organizations/{world['org'].id}", headers=world["chongqing"])
    assert gone.status_code == 404


def test_own_accounts_still_cannot_patch_identity_fields(
    client: TestClient, session: Session
) -> None:
    world = _world(session)
    response = client.patch(
        f"/api/v1/organizations/{world['org'].id}",
        json={"name": "重庆市教育委员会"},
        headers=world["member"],
    )
    assert response.status_code == 403
    assert "身份变更申请" in response.json()["error"]["message"]


def test_staff_count_changes_are_shown_to_the_regions_regulators(
    client: TestClient, session: Session
) -> None:
    world = _world(session)
    org_id = world["org"].id
    changed = client.patch(
        f"/api/v1/organizations/{org_id}", json={"staff_count": 9000000}, headers=world["member"]
    )
    assert changed.status_code == 200
    params = {"action": "staff_count_change", "entity": "organization"}
    seen = {
        who: client.get("/api/v1/audit", params=params, headers=world[who]).json()
        for who in ("chongqing", "beijing")
    }
    assert [(e["entity_id"], e["before"], e["after"]) for e in seen["chongqing"]["data"]] == [
        (str(org_id), {"staff_count": 500}, {"staff_count": 9000000})
    ]
    assert seen["beijing"]["count"] == 0
    # Organization is re-read so that the unchanged identity is checked too.
    assert session.get(Organization, org_id) is not None
