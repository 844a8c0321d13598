"""Interviews and messages reach the other party as notifications (issue 26.1): the student hears
of an interview proposed or moved, the enterprise of the answer, each of a new message; the text
names the position and the time, never the student."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from models import User

from .conftest import World
from .test_interviews import _apply, _propose, _say


def _notices(client: TestClient, world: World, user: User, kind: str) -> list[dict[str, Any]]:
    got = client.get("/api/v1/notifications", headers=world.headers(user))
    assert got.status_code == 200, got.text
    return [n for n in got.json()["data"] if n["kind"] == kind]


def test_an_interview_proposed_moved_and_answered_is_told_to_the_other_party(
    client: TestClient, world: World
) -> None:
    application_id = _apply(client, world)
    interview = _propose(client, world, application_id).json()
    told = _notices(client, world, world.student_user, "interview")
    assert len(told) == 1
    assert told[0]["title"].endswith("邀请您参加面试，请确认或婉拒")
    assert "2099-03-01 14:00（北京时间）" in told[0]["body"]
    assert told[0]["link"] == f"/applications/{application_id}"
    url = f"/api/v1/interviews/{interview['id']}"
    moved = client.patch(
        url,
        json={"starts_at": "2099-03-02T10:00:00+08:00"},
        headers=world.headers(world.enterprise_user),
    )
    assert moved.status_code == 200, moved.text
    told = _notices(client, world, world.student_user, "interview")
    assert told[0]["title"].endswith("面试时间或地点已变更，请重新确认")
    assert "2099-03-02 10:00" in told[0]["body"]
    assert client.post(f"{url}/confirm", headers=world.headers(world.student_user)).is_success
    answered = _notices(client, world, world.enterprise_user, "interview")
    assert [n["title"] for n in answered] == [f"{world.position.title}：申请人已确认参加面试"]
    assert world.student.name not in answered[0]["title"] + answered[0]["body"]


def test_a_message_is_told_to_the_other_party_without_its_text(
    client: TestClient, world: World
) -> None:
    application_id = _apply(client, world)
    sent = _say(client, world.headers(world.student_user), application_id, "请问需要带什么材料？")
    assert sent.status_code == 201, sent.text
    told = _notices(client, world, world.enterprise_user, "message")
    assert [n["title"] for n in told] == [f"{world.position.title}：申请人发来新消息"]
    assert "材料" not in told[0]["body"]
    assert _notices(client, world, world.student_user, "message") == []
    reply = _say(client, world.headers(world.enterprise_user), application_id, "带上简历即可。")
    assert reply.status_code == 201, reply.text
    assert len(_notices(client, world, world.student_user, "message")) == 1
