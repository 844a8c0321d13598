from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models import PositionMajorClass, PositionStatus, Role
from models.base import utcnow
from service.recommendations import index as position_index
from tests.factories import (
    auth_headers,
    count_writes_anew,
    make_enterprise,
    make_position,
    make_programme,
    make_school,
    make_student,
    make_user,
)

B = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    position_index.forget()
    yield
    position_index.forget()


def test_major_alignment_ranks_priority_industries(client: TestClient) -> None:
    response = client.get(f"{B}/matching/majors/520201/alignment")
    assert response.status_code == 200
    body = response.json()
    assert body["major_name"] == "护理"
    assert body["aligned_threshold"] == 0.5
    top = body["industries"][0]
    assert top["industry"] == "护理"
    assert top["components"]["crosswalk"] == 0.85
    assert set(top) >= {"industry", "lists", "score", "components"}
    national = {i["industry_key"] for i in body["industries"]}
    assert "property-services-chongqing" not in national
    regional = client.get(f"{B}/matching/majors/440703/alignment", params={"region": "500000"})
    assert regional.json()["industries"][0]["industry_key"] == "property-services-chongqing"


def test_major_alignment_counts_the_regions_positions(client: TestClient, session: Session) -> None:
    hospital = make_enterprise(session, industry_code="8411")
    make_position(session, hospital, ["520201"], headcount=3)
    make_position(session, hospital, ["520202"], headcount=3)
    body = client.get(f"{B}/matching/majors/520201/alignment", params={"region": "500000"}).json()
    nursing = next(i for i in body["industries"] if i["industry_key"] == "nursing")
    assert nursing["demand_share"] == 0.5
    assert nursing["components"]["demand"] == 1.0


def test_unknown_major_and_region_are_4xx(client: TestClient) -> None:
    assert client.get(f"{B}/matching/majors/999999/alignment").status_code == 404
    bad = client.get(f"{B}/matching/majors/520201/alignment", params={"region": "990000"})
    assert bad.status_code == 422


def test_school_alignment_share(client: TestClient, session: Session) -> None:
    school = make_school(session)
    make_programme(session, school, "520201", 2026)
    make_programme(session, school, "530302", 2026)
    user = make_user(session, Role.school, school)
    response = client.get(f"{B}/schools/{school.code}/alignment", headers=auth_headers(user))
    assert response.status_code == 200
    body = response.json()
    assert (body["programmes"], body["aligned_programmes"], body["aligned_share"]) == (2, 1, 0.5)
    assert [row["aligned"] for row in body["rows"]] == [True, False]
    other = make_user(session, Role.school, make_school(session))
    assert (
        client.get(f"{B}/schools/{school.code}/alignment", headers=auth_headers(other)).status_code
        == 403
    )


def test_recommendations_follow_position_changes(client: TestClient, session: Session) -> None:
    school = make_school(session)
    student_user = make_user(session, Role.student, school)
    make_student(
        session,
        school,
        "520201",
        skills=["急救"],
        preferred_regions=["500000"],
        user_id=student_user.id,
    )
    hospital = make_enterprise(session, industry_code="8411")
    exact = make_position(
        session,
        hospital,
        ["520201"],
        title="护士",
        skills=["急救", "静脉输液"],
        closing_date=date.today() + timedelta(days=30),
    )
    sibling = make_position(session, hospital, ["520202"], title="助产士")
    headers = auth_headers(student_user)
    body = client.get(f"{B}/students/me/recommendations", params={"k": 5}, headers=headers).json()
    assert [r["position_id"] for r in body["data"]] == [str(exact.id), str(sibling.id)]
    first = body["data"][0]
    assert first["reasons"]["major"] == "same_major"
    assert first["reasons"]["matched_skills"] == ["急救"]
    assert first["reasons"]["missing_skills"] == ["静脉输液"]
    assert first["reasons"]["priority_industry"] == "护理"
    # Closing one position and opening a class-level one reach the index without a rebuild.
    exact.status = PositionStatus.closed
    exact.updated_at = utcnow()
    by_class = make_position(session, hospital, [], title="护理员")
    session.add(PositionMajorClass(position_id=by_class.id, class_code="5202"))
    session.flush()
    body = client.get(f"{B}/students/me/recommendations", headers=headers).json()
    assert [r["position_id"] for r in body["data"]] == [str(by_class.id), str(sibling.id)]
    assert body["data"][0]["reasons"]["major"] == "same_class_requested"


def test_school_sees_its_own_students_recommendations(client: TestClient, session: Session) -> None:
    school = make_school(session)
    student = make_student(session, school, "520201")
    teacher = make_user(session, Role.school, school)
    url = f"{B}/students/{student.id}/recommendations"
    assert client.get(url, headers=auth_headers(teacher)).status_code == 200
    stranger = make_user(session, Role.school, make_school(session))
    assert client.get(url, headers=auth_headers(stranger)).status_code == 404
    assert client.get(url, params={"k": 0}, headers=auth_headers(teacher)).status_code == 422


def test_candidate_programmes_for_the_owning_enterprise(
    client: TestClient, session: Session
) -> None:
    factory = make_enterprise(session, industry_code="3491", region_code="500106")
    owner = make_user(session, Role.enterprise, factory)
    position = make_position(
        session, factory, ["460305"], headcount=10, start_date=date(2027, 7, 1)
    )
    near = make_school(session, region_code="500106")
    far = make_school(session, region_code="510104")
    for year in (2024, 2025):
        make_programme(session, near, "460305", year, enrolment_plan=40)
        make_programme(session, far, "460305", year, enrolment_plan=40)
    make_programme(session, near, "520201", 2025, enrolment_plan=400)
    url = f"{B}/positions/{position.id}/candidate-programmes"
    response = client.get(url, headers=auth_headers(owner))
    assert response.status_code == 200
    data = response.json()["data"]
    assert [d["school_name"] for d in data] == [near.name, far.name]
    assert data[0]["reasons"]["coming_cohort"] == 80  # the 2024 and 2025 intakes
    assert data[0]["reasons"]["graduation_years"] == [2027, 2028]
    assert data[0]["reasons"]["distance"] == "same_county"
    # Another enterprise sees the published position but not its candidates (403); a draft it
    # may not see is as absent as a missing position (404).
    rival = auth_headers(make_user(session, Role.enterprise, make_enterprise(session)))
    assert client.get(url, headers=rival).status_code == 403
    draft = make_position(session, factory, ["460305"], status=PositionStatus.draft)
    draft_url = f"{B}/positions/{draft.id}/candidate-programmes"
    missing_url = f"{B}/positions/{uuid.uuid4()}/candidate-programmes"
    hidden, missing = client.get(draft_url, headers=rival), client.get(missing_url, headers=rival)
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.status_code == 404
    assert client.get(draft_url, headers=auth_headers(owner)).status_code == 200


def test_the_index_catches_late_commits_and_suspensions(session: Session) -> None:
    from datetime import date as day

    from matching.recommend import StudentProfile
    from models import OrganizationStatus
    from service.recommendations.operations import index_fingerprint

    def recommended() -> list[str]:
        count_writes_anew(session)  # each step is a transaction of its own
        results, _ = position_index.recommend(
            session,
            index_fingerprint,
            StudentProfile("520201"),
            10,
            day(2026, 11, 23),
            (),
        )
        return [r.position_id for r in results]

    hospital = make_enterprise(session)
    first = make_position(session, hospital, ["520201"])
    assert recommended() == [str(first.id)]
    # A row stamped before the watermark but committed after it (a slower transaction).
    late = make_position(
        session, hospital, ["520201"], updated_at=first.updated_at - timedelta(minutes=1)
    )
    assert sorted(recommended()) == sorted([str(first.id), str(late.id)])
    # Suspending the enterprise touches no position row: the open count tells the index.
    hospital.status = OrganizationStatus.suspended
    session.add(hospital)
    session.flush()
    assert recommended() == []
