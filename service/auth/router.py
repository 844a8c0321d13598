from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from service.auth import operations
from service.auth.dependencies import CurrentUser, ReadSessionDep, SessionDep, oauth2_scheme
from service.auth.schemas import (
    PasswordChange,
    RefreshRequest,
    Token,
)
from service.db import write_from_here
from service.http_errors import error_responses

router = APIRouter(prefix="/auth", tags=["账户"])


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


@router.post("/token", response_model=Token, responses=error_responses(401, 429))
def login(
    request: Request,
    read_session: ReadSessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """登录：用户名和密码换取访问令牌和刷新令牌（按账户和来源地址限制尝试次数）。"""
    user = operations.authenticate(
        read_session, form.username, form.password, client_address(request)
    )
    # The write transaction begins after the throttle's counting (see write_from_here).
    return operations.issue_tokens(write_from_here(request, read_session), user)


@router.post("/refresh", response_model=Token, responses=error_responses(401))
def refresh(session: SessionDep, body: RefreshRequest) -> Token:
    """用刷新令牌换取新的访问令牌（旧刷新令牌随即失效）。"""
    return operations.refresh(session, body.refresh_token)


@router.post("/logout", status_code=204, responses=error_responses(401))
def logout(session: SessionDep, body: RefreshRequest) -> Response:
    """注销：刷新令牌及随其签发的访问令牌立即失效。"""
    operations.logout(session, body.refresh_token)
    return Response(status_code=204)


@router.post("/password", status_code=204, responses=error_responses(401))
def change_password(
    session: SessionDep,
    user: CurrentUser,
    body: PasswordChange,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> None:
    """修改密码：提供当前密码和新密码（学生首次登录后请修改初始密码）；其他设备上的登录随即全部注销。"""
    operations.change_password(
        session, user, body.old_password, body.new_password, operations.token_id_of(token)
    )


@router.post("/logout-all", status_code=204, responses=error_responses(401))
def logout_all(session: SessionDep, user: CurrentUser) -> Response:
    """退出所有设备：本账户的全部刷新令牌和访问令牌立即失效（包括当前登录）。"""
    operations.logout_everywhere(session, user)
    return Response(status_code=204)
