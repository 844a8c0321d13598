from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from service.auth import operations
from service.auth.dependencies import CurrentUser, ReadSessionDep, SessionDep
from service.auth.schemas import (
    PasswordChange,
    RegisterRequest,
    RegisterResult,
    Token,
    UserPublic,
)
from service.organizations.schemas import OrganizationPublic

router = APIRouter(prefix="/auth", tags=["账户"])


@router.post("/token", response_model=Token)
def login(session: ReadSessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """登录：用户名和密码换取访问令牌。"""
    return Token(access_token=operations.authenticate(session, form.username, form.password))


@router.post("/register", response_model=RegisterResult, status_code=201)
def register(session: SessionDep, body: RegisterRequest) -> RegisterResult:
    """自助注册：创建企业或学校（待审核）及其第一个账户。"""
    organization, user = operations.register(session, body)
    return RegisterResult(
        organization=OrganizationPublic.model_validate(organization),
        user=UserPublic.model_validate(user),
    )


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    """当前登录用户。"""
    return UserPublic.model_validate(user)


@router.post("/password", status_code=204)
def change_password(session: SessionDep, user: CurrentUser, body: PasswordChange) -> None:
    """修改密码：提供当前密码和新密码（学生首次登录后请修改初始密码）。"""
    operations.change_password(session, user, body.old_password, body.new_password)
