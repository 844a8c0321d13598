from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from models import Role, User
from service.auth.dependencies import CurrentUser, ReadSessionDep, SessionDep, require_roles
from service.interviews import operations
from service.interviews.schemas import (
    InterviewCreate,
    InterviewPublic,
    InterviewsPublic,
    InterviewUpdate,
)

router = APIRouter(tags=["面试"])

Enterprise = Annotated[
    User, Depends(require_roles(Role.enterprise, refusal="只有岗位所属企业可以安排面试"))
]
Student = Annotated[
    User, Depends(require_roles(Role.student, refusal="只有申请的学生本人可以答复面试"))
]


@router.post(
    "/applications/{application_id}/interviews", response_model=InterviewPublic, status_code=201
)
def propose_interview(
    session: SessionDep, actor: Enterprise, application_id: uuid.UUID, body: InterviewCreate
) -> InterviewPublic:
    """企业为申请安排面试（时间含时区、时长、地点或线上链接、说明）；申请进入“面试”状态。"""
    return operations.propose(session, actor, application_id, body)


@router.get("/applications/{application_id}/interviews", response_model=InterviewsPublic)
def list_interviews(
    session: ReadSessionDep, actor: CurrentUser, application_id: uuid.UUID
) -> InterviewsPublic:
    """一份申请的面试安排（能查看该申请的人可见）。"""
    data = operations.list_for_application(session, actor, application_id)
    return InterviewsPublic(data=data, count=len(data))


@router.get("/interviews/{interview_id}.ics", response_class=Response)
def interview_calendar(
    session: ReadSessionDep, actor: CurrentUser, interview_id: uuid.UUID
) -> Response:
    """下载面试的日历文件（iCalendar，RFC 5545）。"""
    body = operations.calendar_file(session, actor, interview_id)
    return Response(
        content=body.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="interview-{interview_id}.ics"'},
    )


@router.get("/interviews/{interview_id:uuid}", response_model=InterviewPublic)
def read_interview(
    session: ReadSessionDep, actor: CurrentUser, interview_id: uuid.UUID
) -> InterviewPublic:
    """查看一次面试安排。"""
    return operations.read(session, actor, interview_id)


@router.patch("/interviews/{interview_id:uuid}", response_model=InterviewPublic)
def reschedule_interview(
    session: SessionDep, actor: Enterprise, interview_id: uuid.UUID, body: InterviewUpdate
) -> InterviewPublic:
    """企业改期或修改面试安排；改期后需学生重新确认。"""
    return operations.reschedule(session, actor, interview_id, body)


@router.post("/interviews/{interview_id}/confirm", response_model=InterviewPublic)
def confirm_interview(
    session: SessionDep, actor: Student, interview_id: uuid.UUID
) -> InterviewPublic:
    """学生确认参加面试。"""
    return operations.confirm(session, actor, interview_id)


@router.post("/interviews/{interview_id}/decline", response_model=InterviewPublic)
def decline_interview(
    session: SessionDep, actor: Student, interview_id: uuid.UUID
) -> InterviewPublic:
    """学生婉拒面试（企业可改期后重新邀请）。"""
    return operations.decline(session, actor, interview_id)
