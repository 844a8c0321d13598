from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from models import OrganizationKind, OrganizationStatus, Role, User
from service import throttle
from service.auth.dependencies import CurrentUser, ReadSessionDep, SessionDep, require_roles
from service.auth.router import client_address
from service.auth.schemas import Me, UserPublic
from service.http_errors import error_responses
from service.organizations import operations
from service.organizations.schemas import (
    OrganizationCreate,
    OrganizationPublic,
    OrganizationsPublic,
    OrganizationUpdate,
    RegisterRequest,
    RegisterResult,
)
from service.page_dep import PageDep

router = APIRouter(prefix="/organizations", tags=["机构"])
# The account's own: self-registration of an organisation with its first account, and who am I.
accounts_router = APIRouter(prefix="/auth", tags=["账户"])

Supervisor = Annotated[User, Depends(require_roles(Role.regulator, Role.admin))]
AnyUser = Annotated[User, Depends(require_roles(*Role))]
Manager = Annotated[
    User, Depends(require_roles(Role.enterprise, Role.school, Role.regulator, Role.admin))
]


@router.post("", response_model=OrganizationPublic, status_code=201)
def create_organization(
    session: SessionDep, actor: Supervisor, body: OrganizationCreate
) -> OrganizationPublic:
    """创建机构（监管部门或管理员录入，录入即视为审核通过）。"""
    organization = operations.create_organization(session, actor, body)
    return OrganizationPublic.model_validate(organization)


@router.get("", response_model=OrganizationsPublic)
def list_organizations(
    session: ReadSessionDep,
    viewer: AnyUser,
    page: PageDep,
    kind: Annotated[OrganizationKind | None, Query(description="机构类型")] = None,
    status: Annotated[OrganizationStatus | None, Query(description="机构状态")] = None,
    region: Annotated[
        str | None, Query(description="行政区划代码（含下级区划）", pattern=r"^\d{6}$")
    ] = None,
) -> OrganizationsPublic:
    """机构列表（监管部门和管理员可见全部，其他用户仅见本机构）。"""
    rows, count = operations.list_organizations(
        session, viewer, kind=kind, status=status, region=region, page=page
    )
    return OrganizationsPublic(
        data=[OrganizationPublic.model_validate(row) for row in rows], count=count
    )


@router.get("/{organization_id}", response_model=OrganizationPublic)
def read_organization(
    session: ReadSessionDep, viewer: AnyUser, organization_id: uuid.UUID
) -> OrganizationPublic:
    """查看机构详情。"""
    return OrganizationPublic.model_validate(
        operations.read_organization(session, viewer, organization_id)
    )


@router.patch("/{organization_id}", response_model=OrganizationPublic)
def update_organization(
    session: SessionDep, actor: Manager, organization_id: uuid.UUID, body: OrganizationUpdate
) -> OrganizationPublic:
    """修改机构信息（本机构用户、监管部门或管理员）。"""
    return OrganizationPublic.model_validate(
        operations.update_organization(session, actor, organization_id, body)
    )


@router.post("/{organization_id}/verify", response_model=OrganizationPublic)
def verify_organization(
    session: SessionDep, actor: Supervisor, organization_id: uuid.UUID
) -> OrganizationPublic:
    """审核通过机构（监管部门或管理员）。"""
    return OrganizationPublic.model_validate(
        operations.verify_organization(session, actor, organization_id)
    )


@router.post("/{organization_id}/suspend", response_model=OrganizationPublic)
def suspend_organization(
    session: SessionDep, actor: Supervisor, organization_id: uuid.UUID
) -> OrganizationPublic:
    """暂停机构（监管部门或管理员）：暂停后不能登录和发布岗位。"""
    return OrganizationPublic.model_validate(
        operations.suspend_organization(session, actor, organization_id)
    )


@accounts_router.post(
    "/register", response_model=RegisterResult, status_code=202, responses=error_responses(409, 429)
)
def register(request: Request, session: SessionDep, body: RegisterRequest) -> RegisterResult:
    """自助注册：提交企业或学校（待审核）及其第一个账户，经所在地监管部门审核后方可登录（按来源地址限制次数）。"""
    throttle.check_and_hit(throttle.REGISTER_PER_ADDRESS, client_address(request))
    organization = operations.register(session, body)
    return RegisterResult(
        status="submitted", reference=organization.id, message=operations.REGISTRATION_MESSAGE
    )


@accounts_router.get("/me", response_model=Me, responses=error_responses(401))
def me(session: ReadSessionDep, user: CurrentUser) -> Me:
    """当前登录用户及其监管范围（不属于任何机构的监管部门为全国范围）。"""
    scope = (
        operations.supervision_scope(session, user)
        if user.role in (Role.regulator, Role.admin)
        else None
    )
    national = user.role in (Role.regulator, Role.admin) and scope is None
    return Me(
        **UserPublic.model_validate(user).model_dump(),
        supervision_region_code=scope.code if scope is not None else None,
        national=national,
    )
