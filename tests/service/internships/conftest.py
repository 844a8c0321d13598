"""A small world: a school with a student account (planted name and phone, adult), an enterprise
with an open 岗位实习 position, the student's accepted offer, and the region's regulators."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models import Organization, OrganizationKind, PositionKind, Role, Student, User
from service import clock
from tests.factories import (
    auth_headers,
    make_enterprise_user,
    make_organization,
    make_position,
    make_school,
    make_student,
    make_user,
)
from tests.personal_data import PLANTED_NAME, PLANTED_PHONE

MAJOR = "520201"  # 护理（高职专科）
TODAY = date(2026, 4, 1)
START = date(2026, 3, 2)  # a Monday
END = date(2026, 8, 30)

MENTORS = {
    "school_mentor": {"name": "王老师", "title": "讲师", "phone": "023-65550001"},
    "enterprise_mentor": {"name": "赵师傅", "title": "车间主任", "phone": "13800000002"},
}
INSURANCE = {
    "insurer": "中国人民财产保险股份有限公司重庆市分公司",
    "policy_number": "PZAP202600001",
    "cover_start": "2026-03-01",
    "cover_end": "2026-08-31",
}


@dataclass
class World:
    school: Organization
    school_user: User
    student: Student
    student_user: User
    enterprise: Organization
    enterprise_user: User
    regulator: User
    other_regulator: User
    national: User
    client: TestClient

    def h(self, user: User) -> dict[str, str]:
        return auth_headers(user)

    def accepted(self, session: Session, kind: PositionKind = PositionKind.internship) -> str:
        """The student applies, the enterprise offers, the student accepts: the internship id."""
        position = make_position(
            session,
            self.enterprise,
            [MAJOR],
            kind=kind,
            start_date=START,
            end_date=END,
            headcount=3,
            monthly_pay=4000.0,
            same_post_wage=5000.0,
            hours_per_day=8.0,
            hours_per_week=40.0,
        )
        applied = self.client.post(
            "/api/v1/applications",
            json={"position_id": str(position.id)},
            headers=self.h(self.student_user),
        )
        assert applied.status_code == 201, applied.text
        application_id = applied.json()["id"]
        for user, action in ((self.enterprise_user, "offer"), (self.student_user, "accept")):
            done = self.client.post(
                f"/api/v1/applications/{application_id}/{action}", headers=self.h(user)
            )
            assert done.status_code == 200, done.text
        listed = self.client.get("/api/v1/internships", headers=self.h(self.student_user)).json()
        ids = [i["id"] for i in listed["data"] if i["application_id"] == application_id]
        return ids[0] if ids else ""

    def call(self, method: str, url: str, user: User, **kwargs: Any) -> Any:
        return self.client.request(method, url, headers=self.h(user), **kwargs)

    def ready(self, internship_id: str) -> None:
        """Agreement confirmed by all, insurance and mentors recorded."""
        base = f"/api/v1/internships/{internship_id}"
        for user in (self.school_user, self.enterprise_user, self.student_user):
            assert self.call("POST", f"{base}/agreement/confirm", user).status_code == 200
        assert (
            self.call("PUT", f"{base}/insurance", self.school_user, json=INSURANCE).status_code
            == 200
        )
        assert (
            self.call("PUT", f"{base}/mentors", self.school_user, json=MENTORS).status_code == 200
        )

    def started(self, session: Session) -> str:
        internship_id = self.accepted(session)
        self.ready(internship_id)
        started = self.call("POST", f"/api/v1/internships/{internship_id}/start", self.school_user)
        assert started.status_code == 200, started.text
        return internship_id


@pytest.fixture
def world(session: Session, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    school = make_school(session)
    student_user = make_user(session, Role.student, school)
    student = make_student(
        session,
        school,
        MAJOR,
        2027,
        name=PLANTED_NAME,
        phone=PLANTED_PHONE,
        user_id=student_user.id,
        birth_date=date(2005, 5, 1),
    )
    enterprise, enterprise_user = make_enterprise_user(session)
    government = make_organization(session, OrganizationKind.government, region_code="500000")
    elsewhere = make_organization(session, OrganizationKind.government, region_code="110000")
    return World(
        school=school,
        school_user=make_user(session, Role.school, school),
        student=student,
        student_user=student_user,
        enterprise=enterprise,
        enterprise_user=enterprise_user,
        regulator=make_user(session, Role.regulator, government),
        other_regulator=make_user(session, Role.regulator, elsewhere),
        national=make_user(session, Role.regulator),
        client=client,
    )


def new_id() -> str:
    return str(uuid.uuid4())
