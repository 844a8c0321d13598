from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from models import ApplicationStatus, Role, User
from service.applications import operations
from service.applications.schemas import (
    ApplicationAction,
    ApplicationCreate,
    ApplicationPublic,
    ApplicationsPublic,
)
from service.auth.dependencies import CurrentUser, ReadSessionDep, SessionDep, require_roles
from service.page_dep import PageDep

router = APIRouter(prefix="/applications", tags=["岗位申请"])

Student = Annotated[User, Depends(require_roles(Role.student))]
Party = Annotated[User, Depends(require_roles(Role.student, Role.enterprise))]


@router.post("", response_model=ApplicationPublic, status_code=201)
def apply(session: SessionDep, actor: Student, body: ApplicationCreate) -> ApplicationPublic:
    """学生投递岗位（须为招聘中且未过报名截止日期）；投递即同意向该企业提供姓名和手机号。"""
    return operations.apply(session, actor, body)


@router.get("", response_model=ApplicationsPublic)
def list_applications(
    session: ReadSessionDep,
    actor: CurrentUser,
    page: PageDep,
    position_id: Annotated[uuid.UUID | None, Query(description="岗位编号")] = None,
    status: Annotated[ApplicationStatus | None, Query(description="申请状态")] = None,
) -> ApplicationsPublic:
    """申请列表：学生看自己的，企业看投递到本企业岗位的，学校看本校学生的。"""
    filters = operations.ApplicationFilters(position_id=position_id, status=status)
    data, count = operations.list_applications(session, actor, filters, page)
    return ApplicationsPublic(data=data, count=count)


@router.get("/{application_id}", response_model=ApplicationPublic)
def read_application(
    session: ReadSessionDep, actor: CurrentUser, application_id: uuid.UUID
) -> ApplicationPublic:
    """查看一份申请（申请的学生、岗位所属企业、学生所在学校）。"""
    return operations.read_application(session, actor, application_id)


@router.post("/{application_id}/{action}", response_model=ApplicationPublic)
def act_on_application(
    session: SessionDep,
    actor: Party,
    application_id: uuid.UUID,
    action: Annotated[
        ApplicationAction,
        Path(
            description="review 审核 / offer 录用 / reject 不录用（企业）；"
            "accept 接受 / decline 婉拒 / withdraw 撤回（学生）"
        ),
    ],
) -> ApplicationPublic:
    """推进申请状态；当前状态不允许该操作时返回409并说明当前状态。"""
    return operations.transition(session, actor, application_id, action)
