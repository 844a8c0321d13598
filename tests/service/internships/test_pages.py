"""The internship pages: each party's forms, through the browser's way of posting."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models import User
from tests.personal_data import PLANTED_NAME
from tests.service.pages.helpers import post_form, sign_in

from .conftest import INSURANCE, MENTORS, World


def _as(world: World, user: User) -> None:
    world.client.cookies.clear()
    assert sign_in(world.client, user.username).status_code == 303


def _post(world: World, internship_id: str, action: str, data: dict[str, Any]) -> Any:
    page = f"/internships/{internship_id}"
    return post_form(world.client, page, f"{page}/{action}", data)


def test_each_party_works_the_internship_through_its_pages(world: World, session: Session) -> None:
    internship_id = world.accepted(session)
    page = f"/internships/{internship_id}"

    _as(world, world.school_user)
    listed = world.client.get("/internships")
    assert listed.status_code == 200
    assert "待签协议" in listed.text
    assert PLANTED_NAME in listed.text
    assert _post(world, internship_id, "start", {}).status_code == 409
    assert _post(world, internship_id, "confirm", {}).status_code == 303
    insurance = {k: INSURANCE[k] for k in ("insurer", "policy_number", "cover_start")}
    short = _post(world, internship_id, "insurance", {**insurance, "cover_end": "2026-05-01"})
    assert short.status_code == 422
    assert "保险终止日期须不早于实习结束日期2026-08-30" in short.text
    assert _post(world, internship_id, "insurance", INSURANCE).status_code == 303
    mentors = {
        f"{side}_{key}": value for side, mentor in MENTORS.items() for key, value in mentor.items()
    }
    assert _post(world, internship_id, "mentors", mentors).status_code == 303

    _as(world, world.enterprise_user)
    assert _post(world, internship_id, "confirm", {}).status_code == 303
    _as(world, world.student_user)
    assert _post(world, internship_id, "confirm", {}).status_code == 303
    _as(world, world.school_user)
    assert _post(world, internship_id, "start", {}).status_code == 303
    assert "进行中" in world.client.get(page).text

    _as(world, world.student_user)
    log = {
        "week_start_date": "2026-03-02",
        "content": "跟班学习",
        "daily_hours": "8，9 8 8 8",
        "overtime": "on",
    }
    assert _post(world, internship_id, "log", log).status_code == 303
    shown = world.client.get(page).text
    assert "日工作时长超标" in shown
    assert "安排加班" in shown

    _as(world, world.regulator)
    regional = world.client.get("/internships").text
    assert "安排加班" in regional
    assert PLANTED_NAME not in regional
    printable = world.client.get(f"{page}/agreement")
    assert "三方协议" in printable.text
    assert "赵师傅" in printable.text
