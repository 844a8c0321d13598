"""Each party of an internship hears of what waits for it — the agreement to confirm, a breach in
a log, logs stopped, the end — and no notification names the student."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from models import User
from service.internships import operations
from tests.personal_data import PLANTED_NAME, PLANTED_PHONE
from tests.service.internships.conftest import World

URL = "/api/v1/internships"


def _internship_notices(world: World, user: User) -> list[dict[str, str]]:
    got = world.call("GET", "/api/v1/notifications", user, params={"page_size": 50})
    assert got.status_code == 200, got.text
    notices = [n for n in got.json()["data"] if n["kind"] == "internship"]
    for notice in notices:
        text = notice["title"] + notice["body"]
        assert PLANTED_NAME not in text
        assert PLANTED_PHONE not in text
        assert notice["kind_label"] == "实习与学徒"
    return notices


def test_the_accept_tells_every_party_that_the_agreement_waits(
    world: World, session: Session
) -> None:
    internship_id = world.accepted(session)
    for user in (world.student_user, world.school_user, world.enterprise_user):
        notices = _internship_notices(world, user)
        assert [n["link"] for n in notices] == [f"/internships/{internship_id}"]
        assert "实习协议待确认" in notices[0]["title"]


def test_each_confirmation_tells_the_next_party_and_the_last_what_is_missing(
    world: World, session: Session
) -> None:
    internship_id = world.accepted(session)
    before = len(_internship_notices(world, world.enterprise_user))
    confirmed = world.call("POST", f"{URL}/{internship_id}/agreement/confirm", world.school_user)
    assert confirmed.status_code == 200
    notices = _internship_notices(world, world.enterprise_user)
    assert len(notices) == before + 1
    assert "请实习单位确认" in notices[0]["title"]
    for user in (world.enterprise_user, world.student_user):
        assert (
            world.call("POST", f"{URL}/{internship_id}/agreement/confirm", user).status_code == 200
        )
    last = _internship_notices(world, world.school_user)[0]
    assert "三方协议已全部确认" in last["title"]
    assert "保险" in last["body"]
    assert "指导" in last["body"]


def test_a_breach_in_a_log_and_stopped_logs_reach_the_school(
    world: World, session: Session
) -> None:
    internship_id = world.started(session)
    breach = world.call(
        "POST",
        f"{URL}/{internship_id}/logs",
        world.student_user,
        json={
            "week_start_date": "2026-03-02",
            "content": "跟班生产",
            "total_hours": 54,
            "days_worked": 6,
            "night_shift": True,
            "overtime": True,
        },
    )
    assert breach.status_code == 201
    newest = _internship_notices(world, world.school_user)[0]
    assert "周志发现4项" in newest["title"]
    assert newest["body"].startswith("2026-03-02起一周")
    assert operations.flag_stopped_logs(session, date(2026, 3, 22)) == 1
    newest = _internship_notices(world, world.school_user)[0]
    assert "已两周未填写实习周志" in newest["title"]
    # The student is not told of the school's finding on its own silence.
    assert all("两周" not in n["title"] for n in _internship_notices(world, world.student_user))
