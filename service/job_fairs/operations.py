"""双选会: a school or a regulator organises a fair; verified enterprises book booths with their
open positions and the organiser approves or refuses each; students sign up while places are
left and the organiser checks them in; after the fair its figures count the booths, positions,
registrations, check-ins and the applications and offers made through it (an application
records the fair, ``job_fair_id``, when the student applies from the fair's page).

Capacity is law: a registration locks the fair's row first (PostgreSQL ``FOR UPDATE``; SQLite's
write transactions begin IMMEDIATE and run one at a time), then counts.

The organiser of a fair is its organising body's accounts (the school, or the regulator's
government or park body; national regulators for a fair they created without one); admins act
for any organiser.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col

from models import (
    BOOTH_STATUS_LABELS,
    BoothStatus,
    JobFair,
    JobFairBooth,
    JobFairRegistration,
    Organization,
    OrganizationStatus,
    PositionKind,
    PositionStatus,
    Role,
    Student,
    User,
)
from models.base import POSITION_KIND_LABELS, utcnow
from service import audit, clock, notifications
from service import position_access as access
from service.catalog import operations as catalog
from service.errors import AppError, Conflict, Forbidden, NotFound, field_detail
from service.job_fairs import repository
from service.job_fairs.schemas import (
    BoothCreate,
    BoothPosition,
    BoothPublic,
    BoothRefusal,
    JobFairCreate,
    JobFairFigures,
    JobFairPublic,
    RegistrationPublic,
)
from service.organizations import operations as organizations
from service.pagination import PageParams
from service.students import operations as students
from service.students import privacy

ENTITY = "job_fair"


def _get(session: Session, fair_id: uuid.UUID) -> JobFair:
    fair = repository.get(session, fair_id)
    if fair is None:
        raise NotFound("双选会不存在")
    return fair


def is_organizer(actor: User | None, fair: JobFair) -> bool:
    if actor is None:
        return False
    if actor.role == Role.admin:
        return True
    return actor.role in (Role.school, Role.regulator) and (
        actor.organization_id == fair.organizer_id
    )


def _ensure_organizer(actor: User, fair: JobFair) -> None:
    if not is_organizer(actor, fair):
        raise Forbidden("只有双选会的主办方可以执行此操作")


def _ended(fair: JobFair) -> bool:
    return _aware(fair.ends_at) <= utcnow()


def _aware(value: datetime) -> datetime:
    return clock.aware(value)


# ---------------------------------------------------------------- views


def _booth_public(
    booth: JobFairBooth, enterprise: Organization, positions: dict[uuid.UUID, Any]
) -> BoothPublic:
    status = BoothStatus(booth.status)
    shown = [positions[uuid.UUID(p)] for p in booth.position_ids if uuid.UUID(p) in positions]
    return BoothPublic(
        id=booth.id,
        job_fair_id=booth.job_fair_id,
        enterprise_id=enterprise.id,
        enterprise_code=enterprise.code,
        enterprise_name=enterprise.name,
        status=status,
        status_label=BOOTH_STATUS_LABELS[status],
        note=booth.note,
        decision_reason=booth.decision_reason,
        positions=[
            BoothPosition(
                id=p.id,
                title=p.title,
                kind=str(p.kind),
                kind_label=POSITION_KIND_LABELS[PositionKind(p.kind)],
                status=str(p.status),
            )
            for p in shown
        ],
        created_at=booth.created_at,
    )


def _registration_public(
    viewer: User, registration: JobFairRegistration, student: Student, school: str, major: str
) -> RegistrationPublic:
    seen = students.sees_personal_data(viewer, student)
    return RegistrationPublic(
        id=registration.id,
        job_fair_id=registration.job_fair_id,
        student_id=student.id,
        student_name=student.name if seen else privacy.mask_name(student.name),
        school_name=school,
        major_name=major,
        created_at=registration.created_at,
        checked_in_at=registration.checked_in_at,
    )


def _views(
    session: Session, viewer: User, fairs: list[JobFair], detail: bool
) -> list[JobFairPublic]:
    counts = repository.registered_counts(session, [f.id for f in fairs])
    regions = repository.region_names(session, [f.region_code for f in fairs])
    organisers = repository.organization_names(
        session, [f.organizer_id for f in fairs if f.organizer_id is not None]
    )
    student = (
        students.student_of(session, viewer) if detail and viewer.role == Role.student else None
    )
    out = []
    for fair in fairs:
        organizer = is_organizer(viewer, fair)
        booths: list[BoothPublic] = []
        mine: BoothPublic | None = None
        registration: RegistrationPublic | None = None
        if detail:
            rows = repository.booths(session, fair.id)
            ids = [uuid.UUID(p) for booth, _ in rows for p in booth.position_ids]
            positions = repository.positions(session, ids)
            for booth, enterprise in rows:
                view = _booth_public(booth, enterprise, positions)
                if viewer.role == Role.enterprise and viewer.organization_id == enterprise.id:
                    mine = view
                if organizer or booth.status == BoothStatus.approved:
                    booths.append(view)
            if student is not None:
                found = repository.registrations(session, fair.id, student.id)
                if found:
                    registration = _registration_public(viewer, *found[0])
        registered = counts.get(fair.id, 0)
        out.append(
            JobFairPublic(
                id=fair.id,
                title=fair.title,
                description=fair.description,
                starts_at=_aware(fair.starts_at),
                ends_at=_aware(fair.ends_at),
                when_local=(
                    f"{clock.local(_aware(fair.starts_at)):%Y-%m-%d %H:%M}—"
                    f"{clock.local(_aware(fair.ends_at)):%H:%M}"
                ),
                venue=fair.venue,
                online_link=fair.online_link,
                region_code=fair.region_code,
                region_name=regions.get(fair.region_code, fair.region_code),
                capacity=fair.capacity,
                registered=registered,
                places_left=max(0, fair.capacity - registered),
                organizer_name=(
                    organisers.get(fair.organizer_id, "")
                    if fair.organizer_id is not None
                    else "国家监管部门"
                ),
                upcoming=not _ended(fair),
                is_organizer=organizer,
                my_registration=registration,
                my_booth=mine,
                booths=booths,
            )
        )
    return out


# ---------------------------------------------------------------- fairs


def _state(fair: JobFair) -> dict[str, Any]:
    return {
        "title": fair.title,
        "starts_at": fair.starts_at,
        "ends_at": fair.ends_at,
        "region_code": fair.region_code,
        "capacity": fair.capacity,
    }


def create(session: Session, actor: User, data: JobFairCreate) -> JobFairPublic:
    """A school (for its own region or one inside it) or a regulator (inside its region)."""
    catalog.region_scope(session, data.region_code, field_name="region_code")
    if data.starts_at <= utcnow():
        raise AppError(
            "双选会开始时间不能早于当前时间",
            code="job_fair_in_the_past",
            status_code=422,
            details=[field_detail("starts_at", "请选择将来的时间")],
        )
    if actor.role == Role.school:
        school = session.get(Organization, actor.organization_id)
        if school is None or not data.region_code.startswith(
            catalog.region_scope(session, school.region_code).prefix
        ):
            raise AppError(
                "学校只能为本校所在地区举办双选会",
                code="invalid",
                status_code=422,
                details=[field_detail("region_code", "请填写本校所在地区或其下辖地区")],
            )
    else:
        organizations.ensure_region_in_scope(session, actor, data.region_code, "region_code")
    fair = JobFair(
        title=data.title,
        description=data.description,
        starts_at=clock.aware(data.starts_at),
        ends_at=clock.aware(data.ends_at),
        venue=data.venue or None,
        online_link=str(data.online_link) if data.online_link else None,
        region_code=data.region_code,
        capacity=data.capacity,
        organizer_id=actor.organization_id,
        created_by=actor.id,
    )
    session.add(fair)
    session.flush()
    audit.record(session, actor, "create", ENTITY, fair.id, None, _state(fair))
    return _views(session, actor, [fair], detail=True)[0]


def list_fairs(
    session: Session,
    viewer: User,
    region: str | None,
    upcoming: bool,
    mine: bool,
    page: PageParams,
) -> tuple[list[JobFairPublic], int]:
    """Every signed-in user sees every fair; ``region`` keeps those for a region and inside it,
    ``upcoming`` those not ended, ``mine`` those the viewer organises."""
    conditions: list[Any] = []
    if region:
        scope = catalog.region_scope(session, region)
        conditions.append(scope.contains(JobFair.region_code))
    if upcoming:
        conditions.append(repository.upcoming_condition(utcnow()))
    if mine:
        if viewer.role not in (Role.school, Role.regulator):
            conditions.append(col(JobFair.id).is_(None))
        elif viewer.organization_id is None:
            conditions.append(col(JobFair.organizer_id).is_(None))
        else:
            conditions.append(col(JobFair.organizer_id) == viewer.organization_id)
    fairs, total = repository.search(session, conditions, page.offset, page.page_size)
    return _views(session, viewer, fairs, detail=False), total


def read(session: Session, viewer: User, fair_id: uuid.UUID) -> JobFairPublic:
    return _views(session, viewer, [_get(session, fair_id)], detail=True)[0]


# ---------------------------------------------------------------- booths


def book_booth(session: Session, actor: User, fair_id: uuid.UUID, data: BoothCreate) -> BoothPublic:
    """A verified enterprise books one booth per fair with some of its open positions (a refused
    booking may be made again); it waits for the organiser's approval."""
    fair = _get(session, fair_id)
    enterprise = session.get(Organization, actor.organization_id)
    if enterprise is None or enterprise.status != OrganizationStatus.verified:
        raise Forbidden("企业通过审核后才能预订双选会展位")
    if _ended(fair):
        raise Conflict("双选会已结束，不能预订展位", code="job_fair_ended")
    ids = list(dict.fromkeys(data.position_ids))
    found = repository.positions(session, ids)
    problems = []
    for n, position_id in enumerate(ids):
        position = found.get(position_id)
        if position is None or position.enterprise_id != enterprise.id:
            problems.append(field_detail(f"position_ids.{n}", "岗位不存在或不属于本企业"))
        elif position.status != PositionStatus.open:
            problems.append(field_detail(f"position_ids.{n}", f"岗位“{position.title}”不在招聘中"))
    if problems:
        raise AppError(
            "展位只能带本企业招聘中的岗位", code="invalid", status_code=422, details=problems
        )
    booth = repository.booth_of(session, fair.id, enterprise.id)
    before = audit.snapshot(booth) if booth is not None else None
    if booth is not None and booth.status != BoothStatus.refused:
        raise Conflict(
            "本企业已预订这场双选会的展位",
            code="booth_exists",
            details=[field_detail("job_fair_id", f"展位状态：{BOOTH_STATUS_LABELS[booth.status]}")],
        )
    if booth is None:
        booth = JobFairBooth(job_fair_id=fair.id, enterprise_id=enterprise.id)
    booth.position_ids = [str(i) for i in ids]
    booth.note = data.note
    booth.status = BoothStatus.pending
    booth.decision_reason = None
    booth.decided_by = None
    booth.decided_at = None
    session.add(booth)
    session.flush()
    audit.record(session, actor, "book", "job_fair_booth", booth.id, before, booth)
    return _booth_public(booth, enterprise, found)


def _decide(
    session: Session,
    actor: User,
    fair_id: uuid.UUID,
    booth_id: uuid.UUID,
    target: BoothStatus,
    reason: str | None,
) -> BoothPublic:
    fair = _get(session, fair_id)
    booth = repository.locked_booth(session, booth_id)
    if booth is None or booth.job_fair_id != fair.id:
        raise NotFound("展位不存在")
    _ensure_organizer(actor, fair)
    if booth.status != BoothStatus.pending:
        label = BOOTH_STATUS_LABELS[BoothStatus(booth.status)]
        raise Conflict(f"展位当前状态为“{label}”，不能再次审核", code="invalid_transition")
    before = audit.snapshot(booth)
    booth.status = target
    booth.decision_reason = reason
    booth.decided_by = actor.id
    booth.decided_at = utcnow()
    session.add(booth)
    session.flush()
    audit.record(session, actor, target.value, "job_fair_booth", booth.id, before, booth)
    decided = "展位申请已通过" if target == BoothStatus.approved else "展位申请未通过"
    notifications.notify(
        session,
        user_ids=notifications.staff_of(session, [booth.enterprise_id]),
        kind=notifications.NotificationKind.job_fair,
        title=f"{fair.title}：{decided}",
        body=f"原因：{reason}" if reason else "",
        link=f"/fairs/{fair.id}",
    )
    enterprise = session.get(Organization, booth.enterprise_id)
    assert enterprise is not None
    ids = [uuid.UUID(p) for p in booth.position_ids]
    return _booth_public(booth, enterprise, repository.positions(session, ids))


def approve_booth(
    session: Session, actor: User, fair_id: uuid.UUID, booth_id: uuid.UUID
) -> BoothPublic:
    return _decide(session, actor, fair_id, booth_id, BoothStatus.approved, None)


def refuse_booth(
    session: Session, actor: User, fair_id: uuid.UUID, booth_id: uuid.UUID, data: BoothRefusal
) -> BoothPublic:
    return _decide(session, actor, fair_id, booth_id, BoothStatus.refused, data.reason)


# ---------------------------------------------------------------- registrations


def register(session: Session, actor: User, fair_id: uuid.UUID) -> RegistrationPublic:
    """A student signs up while places are left (the fair's row locked, then counted)."""
    student = students.student_of(session, actor)
    if repository.get(session, fair_id) is None:
        raise NotFound("双选会不存在")
    fair = repository.locked(session, fair_id)
    if fair is None:
        raise NotFound("双选会不存在")
    if _ended(fair):
        raise Conflict("双选会已结束，不能报名", code="job_fair_ended")
    if repository.registration_of(session, fair.id, student.id) is not None:
        raise Conflict("已报名这场双选会", code="already_registered")
    if repository.registration_count(session, fair.id) >= fair.capacity:
        raise Conflict(
            "双选会报名名额已满",
            code="job_fair_full",
            details=[field_detail("job_fair_id", f"名额{fair.capacity}人，已全部报满")],
        )
    registration = JobFairRegistration(job_fair_id=fair.id, student_id=student.id)
    session.add(registration)
    session.flush()
    audit.record(
        session,
        actor,
        "register",
        "job_fair_registration",
        registration.id,
        None,
        {"job_fair_id": str(fair.id), "student_id": str(student.id)},
    )
    return _registration_public(actor, *repository.registrations(session, fair.id, student.id)[0])


def list_registrations(
    session: Session, actor: User, fair_id: uuid.UUID
) -> list[RegistrationPublic]:
    """The organiser's list for the door (names masked but for its own students)."""
    fair = _get(session, fair_id)
    _ensure_organizer(actor, fair)
    return [_registration_public(actor, *row) for row in repository.registrations(session, fair.id)]


def check_in(
    session: Session, actor: User, fair_id: uuid.UUID, registration_id: uuid.UUID
) -> RegistrationPublic:
    """The organiser checks a registered student in (once)."""
    fair = _get(session, fair_id)
    registration = repository.locked_registration(session, registration_id)
    if registration is None or registration.job_fair_id != fair.id:
        raise NotFound("报名记录不存在")
    _ensure_organizer(actor, fair)
    if registration.checked_in_at is not None:
        raise Conflict("该学生已签到", code="already_checked_in")
    registration.checked_in_at = utcnow()
    registration.checked_in_by = actor.id
    session.add(registration)
    session.flush()
    audit.record(
        session,
        actor,
        "check_in",
        "job_fair_registration",
        registration.id,
        None,
        {"job_fair_id": str(fair.id), "student_id": str(registration.student_id)},
    )
    row = repository.registrations(session, fair.id, registration.student_id)[0]
    return _registration_public(actor, *row)


# ---------------------------------------------------------------- figures


def figures(session: Session, actor: User, fair_id: uuid.UUID) -> JobFairFigures:
    """The organiser's (and its region's supervisors') figures of a fair."""
    fair = _get(session, fair_id)
    if not is_organizer(actor, fair) and not organizations.supervises(
        session, actor, fair.region_code
    ):
        raise Forbidden("只有主办方和所在地区的监管部门可以查看双选会数据")
    rows = repository.booths(session, fair.id)
    approved = [booth for booth, _ in rows if booth.status == BoothStatus.approved]
    ids = list({uuid.UUID(p) for booth in approved for p in booth.position_ids})
    positions = repository.positions(session, ids)
    counted = repository.figures(session, fair.id)
    return JobFairFigures(
        job_fair_id=fair.id,
        ended=_ended(fair),
        booths=len(approved),
        booths_pending=sum(1 for booth, _ in rows if booth.status == BoothStatus.pending),
        positions=len(positions),
        places=sum(p.headcount for p in positions.values()),
        **counted,
    )


def positions_at(session: Session, viewer: User, fair_id: uuid.UUID) -> list[uuid.UUID]:
    """The positions of a fair's approved booths the viewer may see (for the fair's page)."""
    fair = _get(session, fair_id)
    ids = [
        uuid.UUID(p)
        for booth, _ in repository.booths(session, fair.id)
        if booth.status == BoothStatus.approved
        for p in booth.position_ids
    ]
    found = repository.positions(session, ids)
    return [i for i in ids if i in found and access.visible(session, viewer, found[i])]
