"""Work waiting for the demo's regulator and students, so those pages are not empty in `make demo`:

- two self-registrations (an enterprise and a school) waiting for the city's review (待审核), made
  through the registration operation as the public page makes them;
- the demo enterprise's request to move its registered address (身份信息变更, 待审核);
- a placement round (岗位实习双选) organised by the city's education commission: open internship
  and apprenticeship positions of the city, demo_student and classmates invited, choices open for
  two weeks — not run, so the student can rank positions and the regulator can run and publish it.

Everything goes through the platform's own operations, as the other parts of the demo do.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session, col, select

from models import (
    Organization,
    OrganizationKind,
    Position,
    PositionKind,
    PositionStatus,
    Student,
    User,
)
from models.base import utcnow
from seed.demo.generator import CITY_REGION, make_uscc
from service import clock

# The registrations: (kind, name, district, industry or level, staff count, user name).
REGISTRATIONS = (
    ("enterprise", "重庆渝新精密模具有限公司", "500106", "3525", 120, "yuxin_hr"),
    ("school", "重庆市綦江区职业教育中心", "500110", "中职", None, "qjzj_admin"),
)
MOVED_TO = "500112"  # 渝北区: the demo enterprise's new registered address
ROUND_TITLE = "2027年春季岗位实习双选（第一轮）"
ROUND_POSITIONS = 6
ROUND_STUDENTS = 12
ROUND_DAYS = 14
ROUND_SEED = 2027


def add_waiting(session: Session, users: dict[str, User], seed: int) -> None:
    """Registrations, an identity change and a placement round, all waiting (see module)."""
    rng = random.Random(f"{seed}-waiting")
    _register(session, rng)
    _request_move(session, users["demo_enterprise"])
    _open_round(session, users["demo_regulator"], users["demo_student"])


def _free_school_code(session: Session, rng: random.Random) -> str:
    while True:
        code = "3650" + "".join(rng.choice("0123456789") for _ in range(6))
        if session.exec(select(Organization.id).where(Organization.code == code)).first() is None:
            return code


def _password(rng: random.Random) -> str:
    # Never printed: nobody signs in as these before the regulator verifies them.
    return "Wait-" + "".join(rng.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(12))


def _register(session: Session, rng: random.Random) -> None:
    from service.organizations import operations as organizations
    from service.organizations.schemas import OrganizationFields, RegisterRequest

    for kind, name, region, detail, staff, username in REGISTRATIONS:
        if kind == "enterprise":
            fields = OrganizationFields(
                kind=OrganizationKind.enterprise,
                code=make_uscc(rng, "91", region),
                name=name,
                region_code=region,
                industry_code=str(detail),
                staff_count=staff,
            )
        else:
            fields = OrganizationFields(
                kind=OrganizationKind.school,
                code=_free_school_code(session, rng),
                name=name,
                region_code=region,
                level=str(detail),
            )
        organizations.register(
            session,
            RegisterRequest(
                organization=fields,
                username=username,
                password=_password(rng),
                display_name=name,
            ),
        )


def _request_move(session: Session, enterprise_user: User) -> None:
    from service.identity_changes import operations as identity_changes
    from service.identity_changes.schemas import IdentityChangeCreate

    assert enterprise_user.organization_id is not None
    identity_changes.request_change(
        session,
        enterprise_user,
        enterprise_user.organization_id,
        IdentityChangeCreate(
            region_code=MOVED_TO,
            reason="公司注册地址迁入两江新区（渝北区），营业执照已变更",
        ),
    )


def _open_round(session: Session, regulator: User, demo_student: User) -> None:
    from service.placement import operations as placement
    from service.placement.schemas import RoundCreate, RoundPositionIn

    positions = session.exec(
        select(Position.id)
        .where(
            col(Position.kind).in_([PositionKind.internship, PositionKind.apprenticeship]),
            Position.status == PositionStatus.open,
            col(Position.region_code).startswith(CITY_REGION[:2]),
        )
        .order_by(col(Position.closing_date).desc(), col(Position.id))
        .limit(ROUND_POSITIONS)
    ).all()
    own = session.exec(select(Student).where(Student.user_id == demo_student.id)).one()
    classmates = session.exec(
        select(Student.id)
        .where(Student.school_id == own.school_id, Student.id != own.id)
        .order_by(col(Student.id))
        .limit(ROUND_STUDENTS - 1)
    ).all()
    deadline = clock.local(utcnow()) + timedelta(days=ROUND_DAYS)
    placement.create_round(
        session,
        regulator,
        RoundCreate(
            title=ROUND_TITLE,
            deadline_at=deadline.replace(hour=18, minute=0, second=0, microsecond=0),
            positions=[RoundPositionIn(position_id=p) for p in positions],
            student_ids=[own.id, *classmates],
            seed=ROUND_SEED,
        ),
    )
