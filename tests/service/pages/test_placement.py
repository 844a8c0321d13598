"""Placement-round choices on the student's page: ranked by number, errors beside the position."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import PositionKind, Role
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_position,
    make_school,
    make_student,
    make_user,
)
from tests.service.pages.helpers import csrf_of, sign_in

URL = "/api/v1/placement-rounds"


def test_the_student_ranks_a_rounds_positions_by_number(
    client: TestClient, session: Session
) -> None:
    school = make_school(session)
    enterprise = make_enterprise(session)
    lathe = make_position(
        session, enterprise, ["460103"], kind=PositionKind.internship, title="车工"
    )
    network = make_position(
        session, enterprise, ["510202"], kind=PositionKind.internship, title="网络运维"
    )
    welding = make_position(
        session, enterprise, ["460104"], kind=PositionKind.internship, title="焊工"
    )
    user = make_user(session, Role.student, school, username="stu")
    student = make_student(session, school, "460103", user_id=user.id)
    body = {
        "title": "2026年岗位实习双选",
        "deadline_at": datetime(2099, 1, 1, tzinfo=UTC).isoformat(),
        "positions": [{"position_id": str(p.id)} for p in (lathe, network, welding)],
        "student_ids": [str(student.id)],
        "seed": 7,
    }
    created = client.post(
        URL, json=body, headers=auth_headers(make_user(session, Role.school, school))
    )
    assert created.status_code == 201, created.json()
    round_id = created.json()["id"]
    sign_in(client, "stu")

    home = client.get("/me").text
    page = client.get(f"/me/placement/{round_id}")
    token = csrf_of(page.text)
    duplicate = client.post(
        f"/me/placement/{round_id}",
        data={"csrf_token": token, f"rank-{lathe.id}": "1", f"rank-{network.id}": "1"},
    )
    saved = client.post(
        f"/me/placement/{round_id}",
        data={
            "csrf_token": token,
            f"rank-{lathe.id}": "2",
            f"rank-{network.id}": "1",
            f"rank-{welding.id}": "",
        },
        follow_redirects=False,
    )
    stored = client.get(f"{URL}/{round_id}/choices", headers=auth_headers(user)).json()
    again = client.get(f"/me/placement/{round_id}").text

    assert f'href="/me/placement/{round_id}"' in home
    assert page.status_code == 200
    assert duplicate.status_code == 422
    for position in (lathe, network):
        assert (
            f'<p class="field-error" id="rank-{position.id}-error" role="alert">序号 1 重复</p>'
            in duplicate.text
        )
    assert f'id="rank-{welding.id}-error"' not in duplicate.text
    assert 'value="1"' in duplicate.text  # what was typed is kept
    assert saved.status_code == 303
    assert stored["position_ids"] == [str(network.id), str(lathe.id)]
    assert (
        f'name="rank-{network.id}" type="number" min="1" max="3" inputmode="numeric" '
        'size="3" value="1"' in again
    )
    assert (
        f'name="rank-{welding.id}" type="number" min="1" max="3" inputmode="numeric" '
        'size="3" value=""' in again
    )
