"""Interviews and messages on an application (issue 26): the state machine with ``interview``,
the .ics file, screening and rate-limiting of messages, who sees what."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import (
    ApplicationMessage,
    ApplicationStatus,
    OrganizationKind,
    Role,
)
from service.applications.operations import TRANSITIONS
from service.applications.schemas import ApplicationAction
from service.messages import operations as messages
from tests.factories import (
    auth_headers,
    make_enterprise_user,
    make_organization,
    make_school,
    make_user,
)

from .conftest import World, make_student_account

APPS = "/api/v1/applications"


def _apply(client: TestClient, world: World) -> str:
    response = client.post(
        APPS,
        json={"position_id": str(world.position.id)},
        headers=world.headers(world.student_user),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _future(days: int = 3) -> str:
    moment = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    return moment.astimezone().isoformat()


def _propose(client: TestClient, world: World, application_id: str, **extra: Any) -> Any:
    body = {
        "starts_at": "2099-03-01T14:00:00+08:00",
        "duration_minutes": 45,
        "place": "重庆市渝中区解放碑1号, 3楼; 人事部",
        "note": "请带简历\n和身份证复印件",
        **extra,
    }
    return client.post(
        f"{APPS}/{application_id}/interviews",
        json=body,
        headers=world.headers(world.enterprise_user),
    )


def test_transition_matrix_has_interview_between_reviewing_and_offered() -> None:
    allowed, target = TRANSITIONS[ApplicationAction.interview]
    assert target == ApplicationStatus.interview
    assert allowed == {
        ApplicationStatus.submitted,
        ApplicationStatus.reviewing,
        ApplicationStatus.interview,
    }
    for action in (ApplicationAction.offer, ApplicationAction.reject, ApplicationAction.withdraw):
        assert ApplicationStatus.interview in TRANSITIONS[action][0]
    assert ApplicationStatus.interview not in TRANSITIONS[ApplicationAction.accept][0]


def test_propose_confirm_then_offer(client: TestClient, world: World) -> None:
    application_id = _apply(client, world)
    student, enterprise = world.headers(world.student_user), world.headers(world.enterprise_user)
    assert client.post(f"{APPS}/{application_id}/review", headers=enterprise).status_code == 200
    proposed = _propose(client, world, application_id)
    assert proposed.status_code == 201, proposed.text
    interview = proposed.json()
    assert (interview["status"], interview["status_label"]) == ("proposed", "待确认")
    assert interview["starts_at"].startswith("2099-03-01T06:00:00")
    assert interview["starts_at_local"] == "2099-03-01 14:00"
    application = client.get(f"{APPS}/{application_id}", headers=student).json()
    assert (application["status"], application["status_label"]) == ("interview", "面试")
    # The enterprise cannot answer for the student; the student answers once.
    url = f"/api/v1/interviews/{interview['id']}"
    assert client.post(f"{url}/confirm", headers=enterprise).status_code == 403
    confirmed = client.post(f"{url}/confirm", headers=student)
    assert confirmed.json()["status"] == "confirmed"
    again = client.post(f"{url}/decline", headers=student)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "面试当前状态为“已确认”，不能再次答复"
    listed = client.get(f"{APPS}/{application_id}/interviews", headers=student).json()
    assert [i["id"] for i in listed["data"]] == [interview["id"]]
    offered = client.post(f"{APPS}/{application_id}/offer", headers=enterprise)
    assert offered.json()["status"] == "offered"
    # The application moved on: the interview can no longer be rescheduled.
    late = client.patch(url, json={"starts_at": "2099-03-02T10:00:00+08:00"}, headers=enterprise)
    assert late.status_code == 409


def test_reschedule_bumps_the_sequence_and_asks_again(client: TestClient, world: World) -> None:
    application_id = _apply(client, world)
    student, enterprise = world.headers(world.student_user), world.headers(world.enterprise_user)
    interview = _propose(client, world, application_id).json()
    url = f"/api/v1/interviews/{interview['id']}"
    assert client.post(f"{url}/decline", headers=student).json()["status"] == "declined"
    moved = client.patch(
        url,
        json={"starts_at": "2099-03-05T09:30:00+08:00", "online_link": "https://meet.example.cn/x"},
        headers=enterprise,
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["status"], body["sequence"], body["starts_at_local"]) == (
        "proposed",
        1,
        "2099-03-05 09:30",
    )
    assert client.post(f"{url}/confirm", headers=student).json()["status"] == "confirmed"


def test_past_time_naive_time_and_no_place_are_refused_in_chinese(
    client: TestClient, world: World
) -> None:
    application_id = _apply(client, world)
    past = _propose(client, world, application_id, starts_at="2020-01-01T09:00:00+08:00")
    assert past.status_code == 422
    assert past.json()["error"]["message"] == "面试时间不能早于当前时间"
    naive = _propose(client, world, application_id, starts_at="2099-01-01T09:00:00")
    assert naive.status_code == 422
    nowhere = _propose(client, world, application_id, place=None)
    assert nowhere.status_code == 422
    assert "请填写面试地点或线上面试链接" in nowhere.text
    # Nothing was written: the application is still submitted.
    headers = world.headers(world.student_user)
    assert client.get(f"{APPS}/{application_id}", headers=headers).json()["status"] == "submitted"


def test_the_generic_action_route_does_not_take_interview(client: TestClient, world: World) -> None:
    application_id = _apply(client, world)
    response = client.post(
        f"{APPS}/{application_id}/interview", headers=world.headers(world.enterprise_user)
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "interview_needs_details"


def test_a_rejected_application_takes_no_interview(client: TestClient, world: World) -> None:
    application_id = _apply(client, world)
    enterprise = world.headers(world.enterprise_user)
    assert client.post(f"{APPS}/{application_id}/reject", headers=enterprise).status_code == 200
    response = _propose(client, world, application_id)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "申请当前状态为“未通过”，不能安排面试"


def _status_and_sequence(client: TestClient, world: World, interview_id: str) -> tuple[str, int]:
    body = client.get(
        f"/api/v1/interviews/{interview_id}", headers=world.headers(world.student_user)
    ).json()
    return body["status"], body["sequence"]


@pytest.mark.parametrize(
    ("action", "who"), [("withdraw", "student_user"), ("reject", "enterprise_user")]
)
def test_an_application_that_ends_cancels_its_interviews_to_come(
    client: TestClient, world: World, action: str, who: str
) -> None:
    application_id = _apply(client, world)
    waiting = _propose(client, world, application_id).json()
    url = f"/api/v1/interviews/{waiting['id']}"
    assert client.post(f"{url}/confirm", headers=world.headers(world.student_user)).is_success
    ended = client.post(
        f"{APPS}/{application_id}/{action}", headers=world.headers(getattr(world, who))
    )
    assert ended.status_code == 200, ended.text
    assert _status_and_sequence(client, world, waiting["id"]) == ("cancelled", 1)
    calendar = client.get(f"{url}.ics", headers=world.headers(world.student_user)).text
    assert "STATUS:CANCELLED" in calendar
    assert "SEQUENCE:1" in calendar


def test_a_filled_position_cancels_the_interviews_of_the_applications_it_closes(
    client: TestClient, world: World, session: Session
) -> None:
    enterprise = world.headers(world.enterprise_user)
    first = _apply(client, world)
    _, other_user = make_student_account(session, world.school, "韩梅梅")
    second = client.post(
        APPS, json={"position_id": str(world.position.id)}, headers=auth_headers(other_user)
    ).json()["id"]
    _, third_user = make_student_account(session, world.school, "王芳")
    third = client.post(
        APPS, json={"position_id": str(world.position.id)}, headers=auth_headers(third_user)
    ).json()["id"]
    interview = _propose(client, world, third).json()
    for application_id, user in ((first, world.student_user), (second, other_user)):
        assert client.post(f"{APPS}/{application_id}/offer", headers=enterprise).is_success
        assert client.post(f"{APPS}/{application_id}/accept", headers=auth_headers(user)).is_success
    closed = client.get(f"{APPS}/{third}", headers=auth_headers(third_user)).json()
    assert closed["status"] == "closed"
    body = client.get(f"/api/v1/interviews/{interview['id']}", headers=auth_headers(third_user))
    assert body.json()["status"] == "cancelled"


def _unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    assert text.endswith("\r\n")
    physical = text.split("\r\n")[:-1]
    for line in physical:
        assert len(line.encode("utf-8")) <= 75
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def _unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            assert value[i] not in ";,", f"unescaped {value[i]!r} in {value!r}"
            out.append(value[i])
            i += 1
    return "".join(out)


def test_ics_is_rfc_5545(client: TestClient, world: World) -> None:
    application_id = _apply(client, world)
    interview = _propose(client, world, application_id).json()
    response = client.get(
        f"/api/v1/interviews/{interview['id']}.ics", headers=world.headers(world.student_user)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    lines = _unfold(response.content.decode("utf-8"))
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    props = dict(line.split(":", 1) for line in lines)
    assert props["VERSION"] == "2.0"
    assert props["UID"] == f"{interview['id']}@chanjiao"
    assert props["DTSTART"] == "20990301T060000Z"
    assert props["DTEND"] == "20990301T064500Z"
    assert props["SEQUENCE"] == "0"
    assert props["STATUS"] == "TENTATIVE"
    assert datetime.strptime(props["DTSTAMP"], "%Y%m%dT%H%M%SZ")
    assert _unescape(props["LOCATION"]) == "重庆市渝中区解放碑1号, 3楼; 人事部"
    assert "说明：请带简历\n和身份证复印件" in _unescape(props["DESCRIPTION"])
    assert _unescape(props["SUMMARY"]).startswith("面试：")
    assert [line for line in lines if line.startswith("BEGIN:")] == [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
    ]


def test_other_regions_regulator_and_strangers_see_nothing(
    client: TestClient, world: World, session: Session
) -> None:
    application_id = _apply(client, world)
    interview = _propose(client, world, application_id).json()
    far = make_organization(session, OrganizationKind.government, region_code="110000")
    near = make_organization(session, OrganizationKind.government, region_code="500000")
    other_school = make_school(session)
    _, stranger = make_enterprise_user(session)
    _, other_student = make_student_account(session, other_school)
    expected = [
        (auth_headers(make_user(session, Role.regulator, far)), 404),
        (auth_headers(make_user(session, Role.regulator, near)), 200),
        (auth_headers(stranger), 404),
        (auth_headers(other_student), 404),
        (world.headers(world.school_user), 200),
    ]
    for path in (
        f"{APPS}/{application_id}/interviews",
        f"/api/v1/interviews/{interview['id']}",
        f"/api/v1/interviews/{interview['id']}.ics",
    ):
        assert [client.get(path, headers=h).status_code for h, _ in expected] == [
            code for _, code in expected
        ]


# ---------------------------------------------------------------- messages


def _say(client: TestClient, headers: dict[str, str], application_id: str, body: str) -> Any:
    return client.post(f"{APPS}/{application_id}/messages", json={"body": body}, headers=headers)


def test_thread_between_the_parties_the_school_reads(
    client: TestClient, world: World, session: Session
) -> None:
    application_id = _apply(client, world)
    student, enterprise = world.headers(world.student_user), world.headers(world.enterprise_user)
    school = world.headers(world.school_user)
    assert _say(client, enterprise, application_id, "请问你下周二有空吗？").status_code == 201
    assert _say(client, student, application_id, "有空，谢谢").status_code == 201
    assert _say(client, school, application_id, "学校").status_code == 403
    thread = client.get(f"{APPS}/{application_id}/messages", headers=school).json()
    assert [(m["sender_label"], m["body"], m["mine"]) for m in thread["data"]] == [
        ("企业", "请问你下周二有空吗？", False),
        ("学生", "有空，谢谢", False),
    ]
    mine = client.get(f"{APPS}/{application_id}/messages", headers=student).json()
    assert [m["mine"] for m in mine["data"]] == [False, True]
    _, stranger = make_enterprise_user(session)
    assert (
        client.get(f"{APPS}/{application_id}/messages", headers=auth_headers(stranger)).status_code
        == 404
    )
    assert _say(client, auth_headers(stranger), application_id, "你好").status_code == 404
    regulator = auth_headers(make_user(session, Role.regulator))
    assert client.get(f"{APPS}/{application_id}/messages", headers=regulator).status_code == 403


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("入职前需交押金500元", "fee_charged", "消息未发送：消息含有违规收费用语“押金”"),
        ("本岗位只要男生", "discriminatory_term", "消息未发送：消息含有性别歧视用语“只要男生”"),
        ("我们会打你电话138 1234 5678", "student_contact", "消息未发送：消息含有手机号"),
        ("发到 li.lei@example.com 吧", "student_contact", "消息未发送：消息含有电子邮箱"),
        ("加我微信：hr_wang2024", "student_contact", "消息未发送：消息含有微信号"),
    ],
)
def test_an_enterprise_message_is_screened(
    client: TestClient, world: World, session: Session, text: str, code: str, message: str
) -> None:
    application_id = _apply(client, world)
    response = _say(client, world.headers(world.enterprise_user), application_id, text)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"].startswith(message)
    assert [d["code"] for d in error["details"]] == [code]
    assert session.exec(select(ApplicationMessage)).all() == []


def test_contact_details_the_student_shared_may_be_repeated(
    client: TestClient, world: World
) -> None:
    application_id = _apply(client, world)
    student, enterprise = world.headers(world.student_user), world.headers(world.enterprise_user)
    assert _say(client, student, application_id, "我的电话是13812345678").status_code == 201
    ok = _say(client, enterprise, application_id, "好的，面试前会打 138-1234-5678 联系你")
    assert ok.status_code == 201, ok.text
    refused = _say(client, enterprise, application_id, "或者 13900001111")
    assert refused.status_code == 422


def test_length_and_control_characters(client: TestClient, world: World) -> None:
    application_id = _apply(client, world)
    headers = world.headers(world.student_user)
    assert _say(client, headers, application_id, "长" * 1001).status_code == 422
    assert _say(client, headers, application_id, "   ").status_code == 422
    assert _say(client, headers, application_id, "你好\x07").status_code == 422


def test_rate_limit_is_429_with_retry_after(client: TestClient, world: World) -> None:
    application_id = _apply(client, world)
    headers = world.headers(world.student_user)
    for n in range(messages.RATE_LIMIT):
        assert _say(client, headers, application_id, f"第{n}条").status_code == 201
    refused = _say(client, headers, application_id, "再来一条")
    assert refused.status_code == 429
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3600
    assert refused.json()["error"]["message"].startswith("发送过于频繁")
    # The other party is counted on its own.
    other = _say(client, world.headers(world.enterprise_user), application_id, "收到")
    assert other.status_code == 201
    _ = uuid
