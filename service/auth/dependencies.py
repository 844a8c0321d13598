"""Authentication and authorisation dependencies for routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer

from models import Role, User
from service.auth import operations
from service.deps import ReadSessionDep, SessionDep
from service.errors import Forbidden, Unauthorized

__all__ = ["CurrentUser", "OptionalUser", "ReadSessionDep", "SessionDep", "require_roles"]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def optional_user(
    session: ReadSessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User | None:
    """The logged-in user, or None for anonymous requests (an invalid token is still refused).

    Async, like the other dependencies that need no database (these run on the event loop, a
    sync one takes a thread-pool hop): only a token's look-up runs in a worker thread."""
    if token is None:
        return None
    return await run_in_threadpool(operations.user_for_token, session, token)


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise Unauthorized("请先登录")
    return user


def require_roles(
    *roles: Role, refusal: str = "当前角色无权执行此操作"
) -> Callable[[User], Awaitable[User]]:
    """A dependency that admits only users with one of ``roles`` (403 ``refusal`` for others).

    The one way routes check roles: as a dependency it runs before the request's parameters and
    body are validated, so a refused role gets its 403 whatever it sent."""

    async def _check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise Forbidden(refusal)
        return user

    return _check


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]
