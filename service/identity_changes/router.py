"""Identity change requests: organisations ask, their region's regulators decide."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from models import IdentityChangeRequest, Role, User
from service.auth.dependencies import ReadSessionDep, SessionDep, require_roles
from service.http_errors import error_responses
from service.identity_changes import operations
from service.identity_changes.schemas import (
    IdentityChangeCreate,
    IdentityChangePublic,
    IdentityChangeRefusal,
    IdentityChangesPublic,
)
from service.page_dep import PageDep

router = APIRouter(tags=["机构"])

Member = Annotated[User, Depends(require_roles(Role.enterprise, Role.school))]
Viewer = Annotated[
    User, Depends(require_roles(Role.enterprise, Role.school, Role.regulator, Role.admin))
]
Supervisor = Annotated[User, Depends(require_roles(Role.regulator, Role.admin))]


def _public(request: IdentityChangeRequest) -> IdentityChangePublic:
    return IdentityChangePublic.model_validate(request)


@router.post(
    "/organizations/{organization_id}/identity-changes",
    response_model=IdentityChangePublic,
    status_code=201,
    responses=error_responses(401, 403, 404, 409, 422),
)
def request_change(
    session: SessionDep, actor: Member, organization_id: uuid.UUID, body: IdentityChangeCreate
) -> IdentityChangePublic:
    """申请变更本机构的名称、代码、所在地或类型（经所在地监管部门审核后生效）。"""
    return _public(operations.request_change(session, actor, organization_id, body))


@router.get(
    "/identity-changes",
    response_model=IdentityChangesPublic,
    responses=error_responses(401, 403, 422),
)
def list_changes(
    session: ReadSessionDep,
    viewer: Viewer,
    page: PageDep,
    status: Annotated[
        Literal["pending", "approved", "refused"] | None, Query(description="申请状态")
    ] = None,
    organization_id: Annotated[uuid.UUID | None, Query(description="机构编号")] = None,
) -> IdentityChangesPublic:
    """身份变更申请列表（机构账户见本机构的，监管部门见本辖区的），新的在前。"""
    rows, count = operations.list_requests(
        session, viewer, status=status, organization_id=organization_id, page=page
    )
    return IdentityChangesPublic(data=[_public(row) for row in rows], count=count)


@router.get(
    "/identity-changes/{request_id}",
    response_model=IdentityChangePublic,
    responses=error_responses(401, 403, 404),
)
def read_change(
    session: ReadSessionDep, viewer: Viewer, request_id: uuid.UUID
) -> IdentityChangePublic:
    """查看一项身份变更申请及其审核结果。"""
    return _public(operations.read_request(session, viewer, request_id))


@router.post(
    "/identity-changes/{request_id}/approve",
    response_model=IdentityChangePublic,
    responses=error_responses(401, 403, 404, 409),
)
def approve_change(
    session: SessionDep, actor: Supervisor, request_id: uuid.UUID
) -> IdentityChangePublic:
    """批准身份变更申请：变更随即生效并记入审计日志（所在地监管部门或管理员）。"""
    return _public(operations.approve(session, actor, request_id))


@router.post(
    "/identity-changes/{request_id}/refuse",
    response_model=IdentityChangePublic,
    responses=error_responses(401, 403, 404, 409, 422),
)
def refuse_change(
    session: SessionDep, actor: Supervisor, request_id: uuid.UUID, body: IdentityChangeRefusal
) -> IdentityChangePublic:
    """驳回身份变更申请（须填写理由，机构可见）。"""
    return _public(operations.refuse(session, actor, request_id, body.reason))
