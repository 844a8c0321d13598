"""双选会 (issue 26): creation, booths, registrations with capacity (also under a race),
check-in, applying through the fair and its figures; the public enterprise page and the
enterprise filter of the search."""

from __future__ import annotations

import threading
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import OrganizationKind, OrganizationStatus, Role, User
from service.db import session_scope
from service.errors import Conflict
from service.job_fairs import operations as fairs
from service.job_fairs import repository as fair_repository
from service.job_fairs.schemas import JobFairCreate
from tests.factories import (
    auth_headers,
    make_enterprise_user,
    make_organization,
    make_position,
    make_school,
    make_student,
    make_user,
)

from .conftest import MAJOR, World, make_student_account

URL = "/api/v1/job-fairs"


def _fair(**extra: Any) -> dict[str, Any]:
    return {
        "title": "2027届春季双选会",
        "starts_at": "2099-03-01T09:00:00+08:00",
        "ends_at": "2099-03-01T16:00:00+08:00",
        "venue": "学校体育馆",
        "region_code": "500106",
        "capacity": 2,
        **extra,
    }


def _create(client: TestClient, world: World, **extra: Any) -> dict[str, Any]:
    response = client.post(URL, json=_fair(**extra), headers=world.headers(world.school_user))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_whole_fair_flow_and_figures(client: TestClient, world: World, session: Session) -> None:
    fair = _create(client, world)
    school, student = world.headers(world.school_user), world.headers(world.student_user)
    enterprise = world.headers(world.enterprise_user)
    assert fair["is_organizer"] is True
    assert (fair["registered"], fair["places_left"], fair["region_name"]) == (0, 2, "沙坪坝区")
    booked = client.post(
        f"{URL}/{fair['id']}/booths",
        json={"position_ids": [str(world.position.id)], "note": "需要两张桌子"},
        headers=enterprise,
    )
    assert booked.status_code == 201, booked.text
    booth = booked.json()
    assert (booth["status"], booth["status_label"]) == ("pending", "待审核")
    # Not approved yet: students do not see it, nor may they apply through the fair.
    assert client.get(f"{URL}/{fair['id']}", headers=student).json()["booths"] == []
    early = client.post(
        "/api/v1/applications",
        json={"position_id": str(world.position.id), "job_fair_id": fair["id"]},
        headers=student,
    )
    assert early.status_code == 422
    assert early.json()["error"]["code"] == "not_at_job_fair"
    other_school = make_school(session)
    outsider = auth_headers(make_user(session, Role.school, other_school))
    approve = f"{URL}/{fair['id']}/booths/{booth['id']}/approve"
    assert client.post(approve, headers=outsider).status_code == 403
    assert client.post(approve, headers=school).json()["status"] == "approved"
    # The enterprise hears of the decision (issue 26.1).
    told = client.get("/api/v1/notifications", headers=enterprise).json()["data"]
    assert [(n["kind"], n["title"]) for n in told if n["kind"] == "job_fair"] == [
        ("job_fair", f"{fair['title']}：展位申请已通过")
    ]
    seen = client.get(f"{URL}/{fair['id']}", headers=student).json()
    assert [b["positions"][0]["title"] for b in seen["booths"]] == [world.position.title]
    registered = client.post(f"{URL}/{fair['id']}/registrations", headers=student)
    assert registered.status_code == 201
    again = client.post(f"{URL}/{fair['id']}/registrations", headers=student)
    assert again.status_code == 409
    applied = client.post(
        "/api/v1/applications",
        json={"position_id": str(world.position.id), "job_fair_id": fair["id"]},
        headers=student,
    )
    assert applied.status_code == 201, applied.text
    assert applied.json()["job_fair_id"] == fair["id"]
    application_id = applied.json()["id"]
    assert (
        client.post(f"/api/v1/applications/{application_id}/offer", headers=enterprise).status_code
        == 200
    )
    names = client.get(f"{URL}/{fair['id']}/registrations", headers=school).json()
    assert names["count"] == 1
    registration_id = names["data"][0]["id"]
    check = f"{URL}/{fair['id']}/registrations/{registration_id}/check-in"
    assert client.post(check, headers=school).json()["checked_in_at"] is not None
    assert client.post(check, headers=school).status_code == 409
    figures = client.get(f"{URL}/{fair['id']}/figures", headers=school).json()
    assert {k: v for k, v in figures.items() if k not in ("job_fair_id",)} == {
        "ended": False,
        "booths": 1,
        "booths_pending": 0,
        "positions": 1,
        "places": 2,
        "registrations": 1,
        "check_ins": 1,
        "applications": 1,
        "interviews": 0,
        "offers": 1,
        "accepted": 0,
    }


def test_figures_count_what_came_through_the_fair(
    client: TestClient, world: World, session: Session
) -> None:
    fair = _create(client, world)
    near = make_organization(session, OrganizationKind.government, region_code="500000")
    far = make_organization(session, OrganizationKind.government, region_code="110000")
    path = f"{URL}/{fair['id']}/figures"
    near_h = auth_headers(make_user(session, Role.regulator, near))
    far_h = auth_headers(make_user(session, Role.regulator, far))
    assert client.get(path, headers=near_h).status_code == 200
    assert client.get(path, headers=far_h).status_code == 403
    assert (
        client.get(path, headers=auth_headers(make_user(session, Role.regulator))).status_code
        == 200
    )


def test_a_regulator_creates_only_inside_its_region(client: TestClient, session: Session) -> None:
    body = make_organization(session, OrganizationKind.government, region_code="500000")
    regulator = auth_headers(make_user(session, Role.regulator, body))
    inside = client.post(URL, json=_fair(region_code="500106"), headers=regulator)
    assert inside.status_code == 201
    outside = client.post(URL, json=_fair(region_code="110101"), headers=regulator)
    assert outside.status_code == 403
    national = auth_headers(make_user(session, Role.regulator))
    assert client.post(URL, json=_fair(region_code="110101"), headers=national).status_code == 201
    listed = client.get(URL, params={"region": "500000", "upcoming": True}, headers=regulator)
    assert [f["id"] for f in listed.json()["data"]] == [inside.json()["id"]]


def test_bad_fairs_are_refused_in_chinese(client: TestClient, world: World) -> None:
    headers = world.headers(world.school_user)
    past = client.post(URL, json=_fair(starts_at="2020-01-01T09:00:00+08:00"), headers=headers)
    assert past.status_code == 422
    assert past.json()["error"]["message"] == "双选会开始时间不能早于当前时间"
    backwards = client.post(URL, json=_fair(ends_at="2099-02-01T09:00:00+08:00"), headers=headers)
    assert backwards.status_code == 422
    assert "结束时间须晚于开始时间" in backwards.text


def test_only_verified_enterprises_with_open_positions_book(
    client: TestClient, world: World, session: Session
) -> None:
    fair = _create(client, world)
    pending, pending_user = make_enterprise_user(session, status=OrganizationStatus.pending)
    refused = client.post(
        f"{URL}/{fair['id']}/booths",
        json={"position_ids": [str(world.position.id)]},
        headers=auth_headers(pending_user),
    )
    assert refused.status_code == 403
    _, other_user = make_enterprise_user(session)
    foreign = client.post(
        f"{URL}/{fair['id']}/booths",
        json={"position_ids": [str(world.position.id)]},
        headers=auth_headers(other_user),
    )
    assert foreign.status_code == 422
    assert foreign.json()["error"]["details"][0]["field"] == "position_ids.0"
    _ = pending


def test_capacity_is_enforced(client: TestClient, world: World, session: Session) -> None:
    fair = _create(client, world, capacity=1)
    _, other = make_student_account(session, world.school, "韩梅梅")
    assert (
        client.post(
            f"{URL}/{fair['id']}/registrations", headers=world.headers(world.student_user)
        ).status_code
        == 201
    )
    full = client.post(f"{URL}/{fair['id']}/registrations", headers=auth_headers(other))
    assert full.status_code == 409
    assert full.json()["error"]["message"] == "双选会报名名额已满"


def test_two_students_race_for_the_last_place(fresh_db_url: str) -> None:
    with session_scope(fresh_db_url) as session:
        school = make_school(session)
        organiser = make_user(session, Role.school, school)
        fair = fairs.create(
            session,
            organiser,
            JobFairCreate.model_validate(_fair(capacity=2)),
        )
        first_user = make_user(session, Role.student, school)
        make_student(session, school, MAJOR, user_id=first_user.id)
        fairs.register(session, first_user, fair.id)
        racers: list[User] = []
        for _ in range(2):
            user = make_user(session, Role.student, school)
            make_student(session, school, MAJOR, user_id=user.id)
            racers.append(user)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def register(user: User) -> None:
        barrier.wait()
        try:
            with session_scope(fresh_db_url) as session:
                fairs.register(session, user, fair.id)
            outcome = "registered"
        except Conflict as conflict:
            outcome = conflict.message
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=register, args=(u,)) for u in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["registered", "双选会报名名额已满"])
    with session_scope(fresh_db_url) as session:
        assert fair_repository.registration_count(session, fair.id) == 2


# ---------------------------------------------------------------- enterprise pages


def test_public_profile_of_a_verified_enterprise(
    client: TestClient, world: World, session: Session
) -> None:
    profile = client.get(f"/api/v1/enterprises/{world.enterprise.code}/profile")
    assert profile.status_code == 200, profile.text
    body = profile.json()
    assert body["name"] == world.enterprise.name
    assert body["region_name"] == "沙坪坝区"
    assert body["registry_status_label"] == "未申报"
    assert [p["id"] for p in body["open_positions"]] == [str(world.position.id)]
    assert body["open_positions_count"] == 1
    pending, _ = make_enterprise_user(session, status=OrganizationStatus.pending)
    assert client.get(f"/api/v1/enterprises/{pending.code}/profile").status_code == 404
    assert client.get(f"/api/v1/enterprises/{world.school.code}/profile").status_code == 404
    assert client.get("/api/v1/enterprises/nothing/profile").status_code == 404


def test_search_filters_by_enterprise_and_links_its_page(
    client: TestClient, world: World, session: Session
) -> None:
    other, _ = make_enterprise_user(session)
    make_position(session, other, [MAJOR])
    found = client.get("/api/v1/positions", params={"enterprise": world.enterprise.code}).json()
    assert [p["id"] for p in found["data"]] == [str(world.position.id)]
    assert found["data"][0]["enterprise_code"] == world.enterprise.code
    assert found["data"][0]["enterprise_profile_url"] == (
        f"/api/v1/enterprises/{world.enterprise.code}/profile"
    )
    bad = client.get("/api/v1/positions", params={"enterprise": "x"})
    assert bad.status_code == 422
    _ = uuid
