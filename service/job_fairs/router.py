from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from models import Role, User
from service.auth.dependencies import CurrentUser, ReadSessionDep, SessionDep, require_roles
from service.fields import REGION_PATTERN
from service.job_fairs import operations
from service.job_fairs.schemas import (
    BoothCreate,
    BoothPublic,
    BoothRefusal,
    JobFairCreate,
    JobFairFigures,
    JobFairPublic,
    JobFairsPublic,
    RegistrationPublic,
    RegistrationsPublic,
)
from service.page_dep import PageDep

router = APIRouter(prefix="/job-fairs", tags=["双选会"])

Organizer = Annotated[
    User,
    Depends(
        require_roles(Role.school, Role.regulator, Role.admin, refusal="双选会由学校或监管部门举办")
    ),
]
Enterprise = Annotated[
    User, Depends(require_roles(Role.enterprise, refusal="只有企业可以预订展位"))
]
Student = Annotated[User, Depends(require_roles(Role.student, refusal="只有学生可以报名双选会"))]


@router.post("", response_model=JobFairPublic, status_code=201)
def create_job_fair(session: SessionDep, actor: Organizer, body: JobFairCreate) -> JobFairPublic:
    """学校或监管部门举办双选会（名称、时间、地点或线上链接、面向地区、报名名额）。"""
    return operations.create(session, actor, body)


@router.get("", response_model=JobFairsPublic)
def list_job_fairs(
    session: ReadSessionDep,
    actor: CurrentUser,
    page: PageDep,
    region: Annotated[
        str | None, Query(pattern=REGION_PATTERN, description="面向地区（含下辖地区）")
    ] = None,
    upcoming: Annotated[bool, Query(description="只看尚未结束的")] = False,
    mine: Annotated[bool, Query(description="只看本单位主办的")] = False,
) -> JobFairsPublic:
    """双选会列表（登录用户可见），按开始时间排序。"""
    data, count = operations.list_fairs(session, actor, region, upcoming, mine, page)
    return JobFairsPublic(data=data, count=count)


@router.get("/{job_fair_id}", response_model=JobFairPublic)
def read_job_fair(
    session: ReadSessionDep, actor: CurrentUser, job_fair_id: uuid.UUID
) -> JobFairPublic:
    """双选会详情：已通过的展位及其岗位；主办方看到全部展位。"""
    return operations.read(session, actor, job_fair_id)


@router.post("/{job_fair_id}/booths", response_model=BoothPublic, status_code=201)
def book_booth(
    session: SessionDep, actor: Enterprise, job_fair_id: uuid.UUID, body: BoothCreate
) -> BoothPublic:
    """已认证企业预订展位并选择带来的招聘中岗位，待主办方审核。"""
    return operations.book_booth(session, actor, job_fair_id, body)


@router.post("/{job_fair_id}/booths/{booth_id}/approve", response_model=BoothPublic)
def approve_booth(
    session: SessionDep, actor: Organizer, job_fair_id: uuid.UUID, booth_id: uuid.UUID
) -> BoothPublic:
    """主办方通过展位。"""
    return operations.approve_booth(session, actor, job_fair_id, booth_id)


@router.post("/{job_fair_id}/booths/{booth_id}/refuse", response_model=BoothPublic)
def refuse_booth(
    session: SessionDep,
    actor: Organizer,
    job_fair_id: uuid.UUID,
    booth_id: uuid.UUID,
    body: BoothRefusal,
) -> BoothPublic:
    """主办方不予通过展位（须说明原因）。"""
    return operations.refuse_booth(session, actor, job_fair_id, booth_id, body)


@router.post("/{job_fair_id}/registrations", response_model=RegistrationPublic, status_code=201)
def register(session: SessionDep, actor: Student, job_fair_id: uuid.UUID) -> RegistrationPublic:
    """学生报名双选会（名额有限，报满即止）。"""
    return operations.register(session, actor, job_fair_id)


@router.get("/{job_fair_id}/registrations", response_model=RegistrationsPublic)
def list_registrations(
    session: ReadSessionDep, actor: Organizer, job_fair_id: uuid.UUID
) -> RegistrationsPublic:
    """主办方查看报名名单（非本校学生姓名脱敏）。"""
    data = operations.list_registrations(session, actor, job_fair_id)
    return RegistrationsPublic(data=data, count=len(data))


@router.post(
    "/{job_fair_id}/registrations/{registration_id}/check-in", response_model=RegistrationPublic
)
def check_in(
    session: SessionDep, actor: Organizer, job_fair_id: uuid.UUID, registration_id: uuid.UUID
) -> RegistrationPublic:
    """主办方为报名学生签到。"""
    return operations.check_in(session, actor, job_fair_id, registration_id)


@router.get("/{job_fair_id}/figures", response_model=JobFairFigures)
def figures(session: ReadSessionDep, actor: Organizer, job_fair_id: uuid.UUID) -> JobFairFigures:
    """双选会数据：展位、岗位、报名、签到，以及经由本场的申请和录用。"""
    return operations.figures(session, actor, job_fair_id)
