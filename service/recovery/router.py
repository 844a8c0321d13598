"""Password resets: by mail, by the school, by the regulator."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from models import Role, User
from service.auth.dependencies import SessionDep, require_roles
from service.http_errors import error_responses
from service.recovery import operations
from service.recovery.schemas import (
    AccountReset,
    PasswordIssued,
    ResetConfirm,
    ResetRequest,
    ResetRequested,
)

router = APIRouter(tags=["账户"])

School = Annotated[User, Depends(require_roles(Role.school))]
Supervisor = Annotated[User, Depends(require_roles(Role.regulator, Role.admin))]


def _address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


@router.post(
    "/auth/password-reset",
    response_model=ResetRequested,
    status_code=202,
    responses=error_responses(422, 429),
)
def request_reset(request: Request, session: SessionDep, body: ResetRequest) -> ResetRequested:
    """忘记密码：按用户名申请，重置链接发到账户登记的邮箱（账户是否存在，回答都相同；限制次数）。"""
    return ResetRequested(
        message=operations.request_reset(session, body.username, _address(request))
    )


@router.post("/auth/password-reset/confirm", status_code=204, responses=error_responses(422))
def confirm_reset(request: Request, session: SessionDep, body: ResetConfirm) -> Response:
    """用邮件中的一次性链接设置新密码（30分钟内有效）；该账户的所有登录随即注销。"""
    operations.confirm_reset(session, body.token, body.new_password, _address(request))
    return Response(status_code=204)


@router.post(
    "/students/{student_id}/password-reset",
    response_model=PasswordIssued,
    responses=error_responses(401, 403, 404, 422),
)
def reset_student(session: SessionDep, actor: School, student_id: uuid.UUID) -> PasswordIssued:
    """学校重置本校学生的密码：生成新的初始密码（只显示这一次），学生的所有登录随即注销。"""
    return operations.reset_student(session, actor, student_id)


@router.post(
    "/organizations/{organization_id}/password-reset",
    response_model=PasswordIssued,
    responses=error_responses(401, 403, 404, 422),
)
def reset_account(
    session: SessionDep, actor: Supervisor, organization_id: uuid.UUID, body: AccountReset
) -> PasswordIssued:
    """监管部门重置本辖区机构账户的密码：生成新的初始密码（只显示这一次），该账户的所有登录随即注销。"""
    return operations.reset_organization_account(session, actor, organization_id, body.username)
