from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from models import Role, User
from service.auth.dependencies import current_user, require_roles
from service.deps import ReadSessionDep, SessionDep
from service.page_dep import PageDep
from service.policy import operations
from service.policy.schemas import PolicyProfilesPublic, RegionPolicyPublic, RegionPolicyUpdate

router = APIRouter(tags=["政策配置"])

RegionCode = Annotated[str, Path(min_length=6, max_length=6, description="行政区划代码（6位）")]


@router.get("/policy-profiles", response_model=PolicyProfilesPublic)
def list_profiles(
    session: ReadSessionDep, _user: Annotated[User, Depends(current_user)], page: PageDep
) -> PolicyProfilesPublic:
    """政策配置列表：各预警规则的阈值及政策依据。"""
    return operations.list_profiles(session, page)


@router.get("/regions/{code}/policy-profile", response_model=RegionPolicyPublic)
def get_region_profile(
    session: ReadSessionDep, _user: Annotated[User, Depends(current_user)], code: RegionCode
) -> RegionPolicyPublic:
    """查看地区生效的政策配置（本地区设置、沿用上级或全国默认）。"""
    return operations.effective_profile(session, code)


@router.put("/regions/{code}/policy-profile", response_model=RegionPolicyPublic)
def assign_region_profile(
    session: SessionDep,
    user: Annotated[User, Depends(require_roles(Role.regulator, Role.admin))],
    code: RegionCode,
    body: RegionPolicyUpdate,
) -> RegionPolicyPublic:
    """为地区指定政策配置（监管部门、管理员）。"""
    return operations.assign_profile(session, user, code, body.profile)
