"""Placement rounds through the API: who may do what, deadlines, the run, each side's results."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import (
    Application,
    ApplicationStatus,
    AuditLog,
    Notification,
    Organization,
    OrganizationKind,
    PlacementRound,
    Position,
    PositionKind,
    Role,
    Student,
    User,
)
from service import clock
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_position,
    make_school,
    make_student,
    make_user,
)

URL = "/api/v1/placement-rounds"
FUTURE = datetime(2099, 1, 1, tzinfo=UTC)


@dataclass
class World:
    """A school with four students, two enterprises with two internship positions between them."""

    session: Session
    school: Organization
    school_user: User
    enterprise: Organization
    enterprise_user: User
    other_enterprise: Organization
    other_user: User
    lathe: Position  # enterprise, 1 place
    welding: Position  # enterprise, 2 places
    network: Position  # other_enterprise, 1 place
    students: list[Student] = field(default_factory=list)
    student_users: list[User] = field(default_factory=list)

    def h(self, user: User) -> dict[str, str]:
        return auth_headers(user)


@pytest.fixture
def world(session: Session) -> World:
    school = make_school(session)
    enterprise = make_enterprise(session)
    other = make_enterprise(session)
    w = World(
        session=session,
        school=school,
        school_user=make_user(session, Role.school, school),
        enterprise=enterprise,
        enterprise_user=make_user(session, Role.enterprise, enterprise),
        other_enterprise=other,
        other_user=make_user(session, Role.enterprise, other),
        lathe=make_position(
            session,
            enterprise,
            ["460103"],
            kind=PositionKind.internship,
            headcount=1,
            skills=["数控车床", "CAD"],
        ),
        welding=make_position(
            session, enterprise, ["460104"], kind=PositionKind.apprenticeship, headcount=2
        ),
        network=make_position(
            session, other, ["510202"], kind=PositionKind.internship, headcount=1
        ),
    )
    majors = ["460103", "460104", "510202", "510203"]
    for index, major in enumerate(majors):
        user = make_user(session, Role.student, school)
        w.student_users.append(user)
        w.students.append(
            make_student(
                session,
                school,
                major,
                user_id=user.id,
                skills=["CAD"] if index == 0 else [],
                student_no=f"2026{index:04d}",
            )
        )
    return w


def create(client: TestClient, w: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "2026年岗位实习双选",
        "deadline_at": FUTURE.isoformat(),
        "positions": [
            {"position_id": str(w.lathe.id)},
            {"position_id": str(w.welding.id)},
            {"position_id": str(w.network.id)},
        ],
        "student_ids": [str(s.id) for s in w.students],
        "seed": 7,
    }
    body.update(overrides)
    response = client.post(URL, json=body, headers=w.h(w.school_user))
    assert response.status_code == 201, response.json()
    result: dict[str, Any] = response.json()
    return result


def close_deadline(w: World, round_id: str) -> None:
    row = w.session.get(PlacementRound, uuid.UUID(round_id))
    assert row is not None
    row.deadline_at = datetime.now(UTC) - timedelta(minutes=1)
    w.session.add(row)
    w.session.flush()


def choose(client: TestClient, w: World, round_id: str, index: int, *positions: Position) -> Any:
    return client.put(
        f"{URL}/{round_id}/choices",
        json={"position_ids": [str(p.id) for p in positions]},
        headers=w.h(w.student_users[index]),
    )


def rank(client: TestClient, w: World, round_id: str, position: Position, order: list[Any]) -> Any:
    user = w.enterprise_user if position.enterprise_id == w.enterprise.id else w.other_user
    return client.put(
        f"{URL}/{round_id}/rankings/{position.id}",
        json={"student_ids": order},
        headers=w.h(user),
    )


def sid(w: World, index: int) -> str:
    return str(w.students[index].id)


def publish(client: TestClient, w: World, round_id: str) -> dict[str, Any]:
    response = client.post(f"{URL}/{round_id}/publish", headers=w.h(w.school_user))
    assert response.status_code == 200, response.json()
    result: dict[str, Any] = response.json()
    return result


def _placement_notifications(w: World) -> list[tuple[uuid.UUID, str]]:
    found = w.session.exec(select(Notification).where(Notification.kind == "placement_published"))
    return sorted((n.user_id, n.title) for n in found.all())


def test_results_are_hidden_until_the_organiser_publishes(client: TestClient, world: World) -> None:
    """Issue 23: after the run only the organiser sees the results; publishing shows each side
    its part, makes the offers and sends the notifications, once."""
    w = world
    rid = create(client, w)["id"]
    choose(client, w, rid, 0, w.lathe)
    choose(client, w, rid, 3, w.network)
    rank(client, w, rid, w.lathe, [sid(w, 0)])
    rank(client, w, rid, w.network, [sid(w, 3)])
    close_deadline(w, rid)
    not_run = client.post(f"{URL}/{rid}/publish", headers=w.h(w.school_user))
    assert not_run.status_code == 409
    assert not_run.json()["error"]["message"] == "本轮尚未运行分配，运行后才能公布结果"

    run = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user))
    assert run.status_code == 200
    assert len(run.json()["assignments"]) == 2
    round_ = client.get(f"{URL}/{rid}", headers=w.h(w.school_user)).json()
    assert round_["status"] == "run"
    # Hidden from the student, the enterprises (the school here is the organiser) ...
    for user in (w.student_users[0], w.enterprise_user, w.other_user):
        hidden = client.get(f"{URL}/{rid}/results", headers=w.h(user))
        assert hidden.status_code == 409
        assert hidden.json()["error"]["message"] == "本轮结果尚未公布"
    # ... no offer made, nobody notified yet.
    assert _applications(w) == {}
    assert _placement_notifications(w) == []
    # Only the organiser publishes (as only it runs).
    for user in (w.student_users[0], w.enterprise_user):
        refused = client.post(f"{URL}/{rid}/publish", headers=w.h(user))
        assert refused.status_code == 403

    published = publish(client, w, rid)
    assert published["assignments"] == run.json()["assignments"]
    assert client.get(f"{URL}/{rid}", headers=w.h(w.school_user)).json()["status"] == "completed"
    mine = client.get(f"{URL}/{rid}/results", headers=w.h(w.student_users[0])).json()
    assert mine["assignments"] == [{"student_id": sid(w, 0), "position_id": str(w.lathe.id)}]
    theirs = client.get(f"{URL}/{rid}/results", headers=w.h(w.other_user)).json()
    assert theirs["assignments"] == [{"student_id": sid(w, 3), "position_id": str(w.network.id)}]
    s = w.students
    assert {k: str(a.status) for k, a in _applications(w).items()} == {
        (s[0].id, w.lathe.id): "offered",
        (s[3].id, w.network.id): "offered",
    }
    sent = _placement_notifications(w)
    title = "双选轮次“2026年岗位实习双选”结果已公布"
    assert (w.student_users[0].id, f"{title}：你获得了录用通知，请在“我的申请”中接受或婉拒") in sent
    assert (w.student_users[1].id, f"{title}：本轮未分配到岗位") in sent
    assert (w.school_user.id, f"{title}：本校2名学生获分配") in sent
    assert (w.enterprise_user.id, f"{title}：贵单位岗位获分配1人") in sent
    assert len(sent) == 7  # four students, the school, the two enterprises

    # Twice: refused in Chinese, nothing sent again; nor is a published round run again.
    twice = client.post(f"{URL}/{rid}/publish", headers=w.h(w.school_user))
    assert twice.status_code == 409
    assert twice.json()["error"]["message"] == "本轮结果已公布，不能重复公布"
    rerun = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user))
    assert rerun.status_code == 409
    assert rerun.json()["error"]["message"] == "结果已公布，不能再运行分配"
    assert len(_placement_notifications(w)) == 7
    publishes = select(AuditLog).where(AuditLog.entity == "placement_round")
    actions = [a.action for a in w.session.exec(publishes).all()]
    assert sorted(actions) == ["create", "publish", "run"]


def test_create_round(client: TestClient, world: World) -> None:
    created = create(client, world)
    assert created["title"] == "2026年岗位实习双选"
    assert created["owner_id"] == str(world.school.id)
    assert created["seed"] == 7
    assert created["status"] == "open"
    assert created["student_count"] == 4
    assert created["deadline_at"] == "2099-01-01T00:00:00Z"
    assert sorted((p["position_id"], p["capacity"]) for p in created["positions"]) == sorted(
        [(str(world.lathe.id), 1), (str(world.welding.id), 2), (str(world.network.id), 1)]
    )
    assert created["run_at"] is None
    entries = world.session.exec(select(AuditLog).where(AuditLog.entity == "placement_round")).all()
    assert [(e.action, e.entity_id) for e in entries] == [("create", created["id"])]


def test_full_round_stable_and_each_side_sees_its_own(client: TestClient, world: World) -> None:
    w = world
    rid = create(client, w)["id"]
    assert choose(client, w, rid, 0, w.lathe, w.welding).status_code == 200
    assert choose(client, w, rid, 1, w.lathe, w.welding).status_code == 200
    assert choose(client, w, rid, 2, w.network, w.lathe).status_code == 200
    assert choose(client, w, rid, 3, w.network).status_code == 200
    # The last list counts: student 1 changes its mind before the deadline.
    changed = choose(client, w, rid, 1, w.welding, w.lathe)
    assert changed.json()["position_ids"] == [str(w.welding.id), str(w.lathe.id)]
    assert rank(client, w, rid, w.lathe, [sid(w, 1), sid(w, 2), sid(w, 0)]).status_code == 200
    assert rank(client, w, rid, w.welding, [sid(w, 0), sid(w, 1)]).status_code == 200
    assert rank(client, w, rid, w.network, [sid(w, 3), sid(w, 2)]).status_code == 200
    close_deadline(w, rid)

    run = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user))
    assert run.status_code == 200
    body = run.json()
    expected = sorted(
        [
            {"student_id": sid(w, 0), "position_id": str(w.welding.id)},
            {"student_id": sid(w, 1), "position_id": str(w.welding.id)},
            {"student_id": sid(w, 2), "position_id": str(w.lathe.id)},
            {"student_id": sid(w, 3), "position_id": str(w.network.id)},
        ],
        key=lambda a: a["student_id"],
    )
    assert body["side"] == "organiser"
    assert body["assignments"] == expected
    assert body["unassigned"] == []
    assert body["unfilled"] == {}
    assert body["blocking_pairs"] == []
    assert body["seed"] == 7

    # Same inputs and seed: the same result.
    again = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user)).json()
    assert again["assignments"] == expected
    assert client.get(f"{URL}/{rid}", headers=w.h(w.school_user)).json()["status"] == "run"

    publish(client, w, rid)
    mine = client.get(f"{URL}/{rid}/results", headers=w.h(w.student_users[2])).json()
    assert (mine["side"], mine["assignments"], mine["unassigned"]) == (
        "student",
        [{"student_id": sid(w, 2), "position_id": str(w.lathe.id)}],
        [],
    )
    assert mine["lottery"] == {}
    assert mine["blocking_pairs"] == []
    theirs = client.get(f"{URL}/{rid}/results", headers=w.h(w.other_user)).json()
    assert (theirs["side"], theirs["assignments"]) == (
        "enterprise",
        [{"student_id": sid(w, 3), "position_id": str(w.network.id)}],
    )
    ours = client.get(f"{URL}/{rid}/results", headers=w.h(w.enterprise_user)).json()
    assert [a["student_id"] for a in ours["assignments"]] == sorted(
        [sid(w, 0), sid(w, 1), sid(w, 2)]
    )
    stranger = make_user(w.session, Role.enterprise, make_enterprise(w.session))
    refused = client.get(f"{URL}/{rid}/results", headers=w.h(stranger))
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "不是本轮的参与方"


def test_deadline_rules(client: TestClient, world: World) -> None:
    w = world
    rid = create(client, w)["id"]
    early = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user))
    assert (early.status_code, early.json()["error"]["message"]) == (409, "志愿截止后才能运行分配")
    not_yet = client.get(f"{URL}/{rid}/results", headers=w.h(w.school_user))
    assert (not_yet.status_code, not_yet.json()["error"]["message"]) == (409, "本轮尚未运行分配")
    close_deadline(w, rid)
    late = choose(client, w, rid, 0, w.lathe)
    assert (late.status_code, late.json()["error"]["message"]) == (409, "志愿填报已截止")
    # Enterprises may still rank until the run; then the round's inputs are frozen.
    assert rank(client, w, rid, w.lathe, [sid(w, 0)]).status_code == 200
    assert client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user)).status_code == 200
    frozen = rank(client, w, rid, w.lathe, [sid(w, 1)])
    assert (frozen.status_code, frozen.json()["error"]["message"]) == (
        409,
        "本轮已完成分配，不能再修改排序",
    )
    response = client.post(
        URL,
        json={
            "title": "过期",
            "deadline_at": "2000-01-01T00:00:00+08:00",
            "positions": [{"position_id": str(w.lathe.id)}],
            "student_ids": [sid(w, 0)],
        },
        headers=w.h(w.school_user),
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "deadline_at"


def test_who_may_do_what(client: TestClient, world: World) -> None:
    w = world
    body = {
        "title": "x",
        "deadline_at": FUTURE.isoformat(),
        "positions": [{"position_id": str(w.lathe.id)}],
        "student_ids": [sid(w, 0)],
    }
    assert client.post(URL, json=body, headers=w.h(w.enterprise_user)).status_code == 403
    assert client.post(URL, json=body, headers=w.h(w.student_users[0])).status_code == 403
    # A park organises rounds across schools.
    park = make_organization(w.session, OrganizationKind.park)
    park_user = make_user(w.session, Role.regulator, park)
    assert client.post(URL, json=body, headers=w.h(park_user)).status_code == 201
    # A school invites only its own students.
    other_school = make_school(w.session)
    outsider = make_student(w.session, other_school, "510203")
    refused = client.post(
        URL,
        json={**body, "student_ids": [sid(w, 0), str(outsider.id)]},
        headers=w.h(w.school_user),
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == [
        {"field": "student_ids.1", "message": "学校只能邀请本校学生"}
    ]
    rid = create(client, w, student_ids=[sid(w, 0), sid(w, 1)])["id"]
    # A student not invited cannot choose; an enterprise ranks only its own positions.
    assert choose(client, w, rid, 3, w.lathe).status_code == 403
    wrong = client.put(
        f"{URL}/{rid}/rankings/{w.lathe.id}", json={"student_ids": []}, headers=w.h(w.other_user)
    )
    assert (wrong.status_code, wrong.json()["error"]["message"]) == (403, "只能为本企业的岗位排序")
    outside = make_position(w.session, w.enterprise, kind=PositionKind.internship)
    missing = rank(client, w, rid, outside, [])
    assert (missing.status_code, missing.json()["error"]["message"]) == (404, "岗位不在本轮")
    # Only the organiser runs the round.
    close_deadline(w, rid)
    assert client.post(f"{URL}/{rid}/run", headers=w.h(w.enterprise_user)).status_code == 403
    assert client.get(f"{URL}/{uuid.uuid4()}/results", headers=w.h(w.school_user)).status_code == (
        404
    )


def test_invalid_lists(client: TestClient, world: World) -> None:
    w = world
    job = make_position(w.session, w.enterprise, kind=PositionKind.job)
    refused = client.post(
        URL,
        json={
            "title": "x",
            "deadline_at": FUTURE.isoformat(),
            "positions": [
                {"position_id": str(job.id)},
                {"position_id": str(w.lathe.id), "capacity": 5},
                {"position_id": str(uuid.uuid4())},
            ],
            "student_ids": [sid(w, 0)],
        },
        headers=w.h(w.school_user),
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == [
        {"field": "positions.0.position_id", "message": "只有学徒和实习岗位可以参加双选"},
        {"field": "positions.1.capacity", "message": "名额不能超过岗位招聘人数1"},
        {"field": "positions.2.position_id", "message": "岗位不存在"},
    ]
    rid = create(client, w, positions=[{"position_id": str(w.lathe.id)}])["id"]
    bad = choose(client, w, rid, 0, w.lathe, w.lathe, w.network)
    assert bad.status_code == 422
    assert bad.json()["error"]["details"] == [
        {"field": "position_ids.1", "message": "岗位重复"},
        {"field": "position_ids.2", "message": "岗位不在本轮"},
    ]
    stranger = make_student(w.session, w.school, "510203")
    bad_rank = rank(client, w, rid, w.lathe, [sid(w, 0), [sid(w, 0)], str(stranger.id)])
    assert bad_rank.status_code == 422
    assert [d["field"] for d in bad_rank.json()["error"]["details"]] == [
        "student_ids.1",
        "student_ids.2",
    ]


def test_recommender_ranking_keeps_scores_and_reasons(client: TestClient, world: World) -> None:
    w = world
    rid = create(client, w)["id"]
    for index in range(4):
        assert choose(client, w, rid, index, w.lathe).status_code == 200
    early = client.put(
        f"{URL}/{rid}/rankings/{w.lathe.id}",
        json={"method": "recommender"},
        headers=w.h(w.enterprise_user),
    )
    assert early.status_code == 409
    close_deadline(w, rid)
    w.students[0].preferred_regions = ["500100"]
    w.students[1].preferred_regions = ["110000"]
    w.students[3].major_code = "510202"
    w.session.add_all(w.students)
    w.session.flush()
    ranked = client.put(
        f"{URL}/{rid}/rankings/{w.lathe.id}",
        json={"method": "recommender"},
        headers=w.h(w.enterprise_user),
    )
    assert ranked.status_code == 200
    entries = ranked.json()["entries"]
    by_student = {e["student_id"]: e for e in entries}
    first = by_student[sid(w, 0)]
    assert (first["rank"], first["score"], first["source"]) == (1, 0.8575, "recommender")
    assert first["reasons"] == [
        "专业对口（专业1）",
        "具备岗位技能：CAD",
        "欠缺技能：数控车床",
        "岗位在意向地区内",
        "服务重点产业：节能与新能源汽车",
        "综合0.8575 = 0.5×专业1 + 0.3×技能0.65 + 0.1×地区1 + 0.1×薪酬0.625",
    ]
    # A preferred region in another province: the recommender would skip the position; chosen
    # in a round, it scores 0 for the region.
    second = by_student[sid(w, 1)]
    assert (second["rank"], second["score"]) == (2, 0.4125)
    assert second["reasons"] == [
        "同一专业类（专业0.7）",
        "未具备岗位所列技能",
        "欠缺技能：数控车床、CAD",
        "岗位不在意向地区所在省份",
        "服务重点产业：节能与新能源汽车",
        "综合0.4125 = 0.5×专业0.7 + 0.3×技能0 + 0.1×地区0 + 0.1×薪酬0.625",
    ]
    # Students 2 and 3 (the same major) score the same: a tie, settled by the round's lottery.
    # Their major part is text relatedness, whose weights depend on what else the database
    # holds, so its value is not pinned; what is: the tie, the parts that do not depend on it,
    # the major part between "unrelated" (0) and "same class" (0.7), and the score as the sum
    # its own reasons state.
    tied = [by_student[sid(w, n)] for n in (2, 3)]
    assert [entry["rank"] for entry in tied] == [3, 3]
    assert tied[0]["score"] == tied[1]["score"]
    assert tied[0]["reasons"] == tied[1]["reasons"]
    major_reason, *rest, formula = tied[0]["reasons"]
    assert rest == [
        "未具备岗位所列技能",
        "欠缺技能：数控车床、CAD",
        "学生未填意向地区",
        "服务重点产业：节能与新能源汽车",
    ]
    parts = re.fullmatch(
        r"综合([\d.]+) = 0\.5×专业([\d.]+) \+ 0\.3×技能0 \+ 0\.1×地区0\.5 \+ 0\.1×薪酬0\.625",
        formula,
    )
    assert parts is not None
    score, major = float(parts[1]), float(parts[2])
    assert major_reason == f"岗位内容与专业相关（专业{major:g}）"
    assert 0 < major < 0.7
    assert score == tied[0]["score"]
    # The major part is shown rounded to 4 decimals, the score is summed before rounding.
    assert score == pytest.approx(0.5 * major + 0.1 * 0.5 + 0.1 * 0.625, abs=1e-4)
    stored = client.get(f"{URL}/{rid}/rankings/{w.lathe.id}", headers=w.h(w.school_user))
    assert stored.json()["entries"] == entries
    run = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user)).json()
    assert run["assignments"] == [{"student_id": sid(w, 0), "position_id": str(w.lathe.id)}]
    assert set(run["lottery"]) == {sid(w, 2), sid(w, 3)}


def test_headcounts_hold_across_rounds(client: TestClient, world: World) -> None:
    w = world
    first = create(client, w, positions=[{"position_id": str(w.welding.id)}])["id"]
    choose(client, w, first, 0, w.welding)
    rank(client, w, first, w.welding, [sid(w, 0)])
    close_deadline(w, first)
    assert (
        len(client.post(f"{URL}/{first}/run", headers=w.h(w.school_user)).json()["assignments"])
        == 1
    )
    # welding has 2 places; the first round took one, so the second can give one more only.
    second = create(client, w, positions=[{"position_id": str(w.welding.id)}])["id"]
    for index in (1, 2):
        choose(client, w, second, index, w.welding)
    rank(client, w, second, w.welding, [sid(w, 2), sid(w, 1)])
    close_deadline(w, second)
    result = client.post(f"{URL}/{second}/run", headers=w.h(w.school_user)).json()
    assert result["assignments"] == [{"student_id": sid(w, 2), "position_id": str(w.welding.id)}]
    assert result["unassigned"] == sorted([sid(w, 0), sid(w, 1), sid(w, 3)])


def _applications(w: World) -> dict[tuple[uuid.UUID, uuid.UUID], Application]:
    w.session.expire_all()
    return {(a.student_id, a.position_id): a for a in w.session.exec(select(Application)).all()}


def test_publish_turns_assignments_into_offers_and_headcounts_hold(
    client: TestClient, world: World
) -> None:
    w = world
    # Outside the round, a student already holds one of welding's two places.
    outsider = make_student(w.session, w.school, "460104", student_no="20269999")
    w.session.add(
        Application(
            student_id=outsider.id,
            position_id=w.welding.id,
            status=ApplicationStatus.accepted,
            consent_at=datetime.now(UTC),
        )
    )
    w.session.flush()
    rid = create(client, w)["id"]
    applied = client.post(
        "/api/v1/applications",
        json={"position_id": str(w.welding.id)},
        headers=w.h(w.student_users[1]),
    )
    assert applied.status_code == 201
    choose(client, w, rid, 0, w.lathe)
    choose(client, w, rid, 1, w.welding)
    choose(client, w, rid, 2, w.welding, w.lathe)
    choose(client, w, rid, 3, w.network)
    rank(client, w, rid, w.lathe, [sid(w, 2), sid(w, 0)])
    rank(client, w, rid, w.welding, [sid(w, 2), sid(w, 1)])
    rank(client, w, rid, w.network, [sid(w, 3)])
    close_deadline(w, rid)
    deadline = w.session.get(PlacementRound, uuid.UUID(rid))
    assert deadline is not None
    consent = deadline.deadline_at.replace(tzinfo=None)

    first = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user)).json()
    # Running again before publishing: the same result, still no offer.
    again = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user)).json()
    assert again["assignments"] == first["assignments"]
    assert len(_applications(w)) == 2
    publish(client, w, rid)
    expected = sorted(
        [
            {"student_id": sid(w, 0), "position_id": str(w.lathe.id)},
            {"student_id": sid(w, 2), "position_id": str(w.welding.id)},
            {"student_id": sid(w, 3), "position_id": str(w.network.id)},
        ],
        key=lambda a: a["student_id"],
    )
    # welding has one place left: student 1 (ranked after student 2) gets none.
    assert first["assignments"] == expected
    assert first["unassigned"] == [sid(w, 1)]
    s = w.students
    apps = _applications(w)
    assert {k: str(a.status) for k, a in apps.items()} == {
        (outsider.id, w.welding.id): "accepted",
        (s[1].id, w.welding.id): "submitted",
        (s[0].id, w.lathe.id): "offered",
        (s[2].id, w.welding.id): "offered",
        (s[3].id, w.network.id): "offered",
    }
    # The choice in the round is the consent, given as of the deadline, to that enterprise.
    for key in [(s[0].id, w.lathe.id), (s[2].id, w.welding.id), (s[3].id, w.network.id)]:
        assert apps[key].consent_at.replace(tzinfo=None) == consent
        assert apps[key].message == "双选轮次：2026年岗位实习双选"
    offers = select(AuditLog).where(AuditLog.entity == "application", AuditLog.action == "offer")
    assert len(w.session.exec(offers).all()) == 3

    # Publishing again is refused: no second application or offer.
    again_published = client.post(f"{URL}/{rid}/publish", headers=w.h(w.school_user))
    assert again_published.status_code == 409
    assert len(_applications(w)) == 5
    assert len(w.session.exec(offers).all()) == 3

    # Student 2 accepts: welding is full (2 of 2) and student 1's application closes.
    accepted = client.post(
        f"/api/v1/applications/{apps[(s[2].id, w.welding.id)].id}/accept",
        headers=w.h(w.student_users[2]),
    )
    assert accepted.status_code == 200
    apps = _applications(w)
    assert str(apps[(s[1].id, w.welding.id)].status) == "closed"
    welding_accepted = [
        a for (_, p), a in apps.items() if p == w.welding.id and str(a.status) == "accepted"
    ]
    assert len(welding_accepted) == w.welding.headcount == 2
    # A published round is not run again (its offers are out).
    third = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user))
    assert third.status_code == 409
    assert len(_applications(w)) == 5
    assert len(w.session.exec(offers).all()) == 3


def test_students_holding_a_place_of_the_kind_are_skipped(client: TestClient, world: World) -> None:
    """Issue 24 point 8: a student with an accepted internship is not placed on another
    internship; its apprenticeship choice still counts, and the skip is reported."""
    w = world
    elsewhere = make_enterprise(w.session, name="已实习企业有限公司")
    held = make_position(
        w.session, elsewhere, ["460103"], kind=PositionKind.internship, title="数控实习"
    )
    accepted = Application(
        student_id=w.students[0].id,
        position_id=held.id,
        status=ApplicationStatus.accepted,
        consent_at=held.created_at,
    )
    w.session.add(accepted)
    w.session.flush()
    rid = create(client, w)["id"]
    assert choose(client, w, rid, 0, w.lathe, w.welding).status_code == 200
    assert choose(client, w, rid, 2, w.network).status_code == 200
    assert rank(client, w, rid, w.lathe, [sid(w, 0)]).status_code == 200
    assert rank(client, w, rid, w.welding, [sid(w, 0)]).status_code == 200
    assert rank(client, w, rid, w.network, [sid(w, 2)]).status_code == 200
    close_deadline(w, rid)
    body = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user)).json()
    assert {(a["student_id"], a["position_id"]) for a in body["assignments"]} == {
        (sid(w, 0), str(w.welding.id)),
        (sid(w, 2), str(w.network.id)),
    }
    assert body["skipped"] == [
        {
            "student_id": sid(w, 0),
            "kind": "internship",
            "kind_label": "实习",
            "held_application_id": str(accepted.id),
            "reason": (
                "已接受实习岗位“数控实习”（已实习企业有限公司，2025-07-01起），"
                "本轮的实习志愿不参加分配"
            ),
        }
    ]
    publish(client, w, rid)
    mine = client.get(f"{URL}/{rid}/results", headers=w.h(w.student_users[0])).json()
    assert [s["kind"] for s in mine["skipped"]] == ["internship"]
    other = client.get(f"{URL}/{rid}/results", headers=w.h(w.student_users[2])).json()
    assert other["skipped"] == []
    theirs = client.get(f"{URL}/{rid}/results", headers=w.h(w.enterprise_user)).json()
    assert theirs["skipped"] == []


def test_a_student_under_16_is_skipped_with_the_reason(client: TestClient, world: World) -> None:
    """Issue 28: a student under 16 chose an internship; the run passes over that choice, says so
    with the reason and its source, and the place goes to the next student."""
    w = world
    young = w.students[0]
    today = clock.today()
    young.birth_date = today.replace(year=today.year - 14)
    w.session.add(young)
    w.session.flush()
    rid = create(client, w)["id"]
    assert choose(client, w, rid, 0, w.lathe).status_code == 200
    assert choose(client, w, rid, 1, w.lathe).status_code == 200
    assert rank(client, w, rid, w.lathe, [sid(w, 0), sid(w, 1)]).status_code == 200
    close_deadline(w, rid)

    body = client.post(f"{URL}/{rid}/run", headers=w.h(w.school_user)).json()
    assert body["assignments"] == [{"student_id": sid(w, 1), "position_id": str(w.lathe.id)}]
    assert sid(w, 0) in body["unassigned"]
    [skipped] = body["age_skipped"]
    assert (skipped["student_id"], skipped["position_id"]) == (sid(w, 0), str(w.lathe.id))
    assert "未满16周岁" in skipped["reason"]
    assert "禁止使用童工规定" in skipped["source"]
    # The student and its school read it; the enterprise does not learn the student's age.
    publish(client, w, rid)
    own = client.get(f"{URL}/{rid}/results", headers=w.h(w.student_users[0])).json()
    assert [s["position_id"] for s in own["age_skipped"]] == [str(w.lathe.id)]
    school = client.get(f"{URL}/{rid}/results", headers=w.h(w.school_user)).json()
    assert len(school["age_skipped"]) == 1
    enterprise = client.get(f"{URL}/{rid}/results", headers=w.h(w.enterprise_user)).json()
    assert enterprise["age_skipped"] == []
    assert _applications(w).keys() == {(w.students[1].id, w.lathe.id)}
