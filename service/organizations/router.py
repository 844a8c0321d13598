from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from models import OrganizationKind, OrganizationStatus, Role, User
from service.auth.dependencies import ReadSessionDep, SessionDep, require_roles
from service.organizations import operations
from service.organizations.schemas import (
    OrganizationCreate,
    OrganizationPublic,
    OrganizationsPublic,
    OrganizationUpdate,
)
from service.pagination import PageDep

router = APIRouter(prefix="/organizations", tags=["机构"])

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
