"""A small world: a school with a student account (planted name and phone), an enterprise with an
open position, and the other parties."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session

from models import Organization, Position, Role, Student, User
from tests.factories import (
    auth_headers,
    make_enterprise_user,
    make_position,
    make_school,
    make_student,
    make_user,
)
from tests.personal_data import PLANTED_NAME, PLANTED_PHONE

MAJOR = "520201"  # 护理（高职专科）


@dataclass
class World:
    school: Organization
    school_user: User
    student: Student
    student_user: User
    enterprise: Organization
    enterprise_user: User
    position: Position

    def headers(self, user: User) -> dict[str, str]:
        return auth_headers(user)


def make_student_account(
    session: Session, school: Organization, name: str = "李雷", phone: str | None = None
) -> tuple[Student, User]:
    user = make_user(session, Role.student, school)
    student = make_student(session, school, MAJOR, 2027, name=name, phone=phone, user_id=user.id)
    return student, user


@pytest.fixture
def world(session: Session) -> World:
    school = make_school(session)
    student, student_user = make_student_account(session, school, PLANTED_NAME, PLANTED_PHONE)
    enterprise, enterprise_user = make_enterprise_user(session)
    position = make_position(session, enterprise, [MAJOR], headcount=2)
    return World(
        school=school,
        school_user=make_user(session, Role.school, school),
        student=student,
        student_user=student_user,
        enterprise=enterprise,
        enterprise_user=enterprise_user,
        position=position,
    )
