from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from models import Role, User
from service.alliances import operations
from service.alliances.schemas import AllianceIn, AllianceIndicators, AlliancePublic
from service.auth.dependencies import require_roles
from service.deps import ReadSessionDep, SessionDep
from service.fields import Year

router = APIRouter(prefix="/alliances", tags=["市域产教联合体"])

Supervisor = Annotated[
    User,
    Depends(require_roles(Role.regulator, Role.admin, refusal="只有监管部门可以登记联合体")),
]


@router.post("", response_model=AlliancePublic, status_code=status.HTTP_201_CREATED)
def create(session: SessionDep, actor: Supervisor, body: AllianceIn) -> AlliancePublic:
    """登记联合体：牵头园区和政府部门、成员学校、企业、科研机构、主导产业（监管部门）。"""
    return operations.create(session, body, actor)


@router.get("", response_model=list[AlliancePublic])
def list_alliances(
    session: ReadSessionDep,
    region: Annotated[str | None, Query(max_length=6, description="行政区划代码")] = None,
) -> list[AlliancePublic]:
    """联合体列表（公开）。"""
    return operations.list_all(session, region)


@router.get("/{alliance_id}", response_model=AlliancePublic)
def get(session: ReadSessionDep, alliance_id: uuid.UUID) -> AlliancePublic:
    return operations.get(session, alliance_id)


@router.get("/{alliance_id}/indicators", response_model=AllianceIndicators)
def indicators(
    session: ReadSessionDep,
    alliance_id: uuid.UUID,
    year: Annotated[Year, Query(description="年份")],
) -> AllianceIndicators:
    """监测指标 4.1、3.1、4.4：定义与数据（公开）。"""
    return operations.indicators(session, alliance_id, year)
