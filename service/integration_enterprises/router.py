from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from models import Role, User
from service.auth.dependencies import OptionalUser, require_roles
from service.deps import ReadSessionDep, SessionDep
from service.integration_enterprises import operations
from service.integration_enterprises.schemas import (
    ApplicationIn,
    ApplicationPublic,
    ApplicationsPublic,
    ReviewIn,
    Status,
)
from service.page_dep import PageDep

router = APIRouter(prefix="/integration-enterprises", tags=["产教融合型企业"])

Enterprise = Annotated[
    User, Depends(require_roles(Role.enterprise, refusal="只有企业账号可以申报产教融合型企业"))
]
Supervisor = Annotated[
    User,
    Depends(
        require_roles(Role.regulator, Role.admin, refusal="只有监管部门可以审核产教融合型企业申报")
    ),
]


@router.post("", response_model=ApplicationPublic, status_code=status.HTTP_201_CREATED)
def apply(session: SessionDep, actor: Enterprise, body: ApplicationIn) -> ApplicationPublic:
    """企业申报产教融合型企业，填报校企合作年数、合作专业、学徒和实习人数、投资额（企业账号）。"""
    return operations.apply(session, body, actor)


@router.get("", response_model=ApplicationsPublic)
def registry(
    session: ReadSessionDep,
    viewer: OptionalUser,
    page: PageDep,
    region: Annotated[
        str | None, Query(min_length=6, max_length=6, description="地区代码（含下级地区）")
    ] = None,
    industry: Annotated[
        str | None,
        Query(pattern=r"^[A-Z]?\d{0,4}$", max_length=5, description="行业代码前缀（GB/T 4754）"),
    ] = None,
    status_filter: Annotated[
        Status | None,
        Query(alias="status", description="submitted / cultivation / certified / refused"),
    ] = None,
) -> ApplicationsPublic:
    """产教融合型企业名录：培育库和已认定企业公开；监管部门另见本地区待审核和未通过的申报。"""
    return operations.registry(
        session, viewer, region=region, industry=industry, status=status_filter, page=page
    )


@router.get("/{application_id}", response_model=ApplicationPublic)
def read(
    session: ReadSessionDep, viewer: OptionalUser, application_id: uuid.UUID
) -> ApplicationPublic:
    """一条申报：申报数据与平台数据对照，审核历史。"""
    return operations.read(session, application_id, viewer)


@router.post("/{application_id}/review", response_model=ApplicationPublic)
def review(
    session: SessionDep, actor: Supervisor, application_id: uuid.UUID, body: ReviewIn
) -> ApplicationPublic:
    """审核：纳入培育库、认定（同时标记为产教融合型企业）或不予通过（须写明理由）（本地区监管部门）。"""
    return operations.review(session, application_id, body, actor)
