"""The HTTP side of the errors: one handler per kind of failure, all answering the one body of
:mod:`service.errors`, the OpenAPI entries for it, and 503 with Retry-After."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from service import metrics
from service.errors import AppError, error_body, pydantic_errors_to_details

logger = logging.getLogger(__name__)


def retry_after_headers() -> dict[str, str]:
    # Imported here: settings are not needed by the many modules that only raise AppErrors.
    from service.settings import settings

    return {"Retry-After": str(settings.retry_after_s)}


def unavailable_response(code: str, message: str) -> JSONResponse:
    return JSONResponse(error_body(code, message), 503, headers=retry_after_headers())


class ErrorContent(BaseModel):
    code: str = Field(description="错误代码")
    message: str = Field(description="错误说明（中文）")
    details: list[dict[str, Any]] = Field(description="逐项说明（字段与原因）")


class ErrorBody(BaseModel):
    """The one error body of the API."""

    error: ErrorContent


_RESPONSE_TEXT = {
    400: "请求有误",
    401: "未登录或登录凭证无效",
    403: "无权执行此操作",
    404: "资源不存在或不可见",
    409: "与现有数据冲突",
    413: "请求内容过大",
    422: "输入数据有误",
    429: "尝试次数过多（见 Retry-After）",
    503: "服务繁忙或数据库不可用（见 Retry-After）",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses an operation can answer, all with the error body."""
    return {
        status: {"model": ErrorBody, "description": _RESPONSE_TEXT.get(status, "错误")}
        for status in statuses
    }


_STATUS_MESSAGES = {
    401: ("unauthorized", "未登录或登录已过期"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "资源不存在"),
    405: ("method_not_allowed", "不支持的请求方法"),
    413: ("too_large", "请求内容过大"),
}


def register_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else {}
        if exc.status_code == 503:
            metrics.count_unavailable(exc.code)
            headers = retry_after_headers()
        if (retry_after := getattr(exc, "retry_after", None)) is not None:
            headers["Retry-After"] = str(retry_after)
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details), exc.status_code, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = pydantic_errors_to_details(exc.errors())
        return JSONResponse(error_body("validation_error", "输入数据有误", details), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _STATUS_MESSAGES.get(exc.status_code, ("http_error", str(exc.detail)))
        return JSONResponse(
            error_body(code, message), exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(IntegrityError)
    async def _integrity_error(_request: Request, exc: IntegrityError) -> JSONResponse:
        # The operations check natural keys before writing; a concurrent request can still win
        # the race between that check and the insert (PostgreSQL runs them in parallel).
        logger.info("integrity error answered with 409: %s", exc.orig)
        return JSONResponse(
            error_body("conflict", "数据已被其他请求修改或已存在，请刷新后重试"), 409
        )

    @app.exception_handler(PoolTimeoutError)
    async def _pool_timeout(_request: Request, exc: PoolTimeoutError) -> JSONResponse:
        # Admission keeps requests within the pool; a wait here means something else held it.
        logger.warning("pool time-out answered with 503: %s", exc)
        metrics.count_unavailable("database_busy")
        return unavailable_response("database_busy", "数据库繁忙，请稍后重试")

    @app.exception_handler(OperationalError)
    async def _operational_error(_request: Request, exc: OperationalError) -> JSONResponse:
        # "database is locked" past the busy timeout (another process writing), a server that
        # went away, a statement cancelled: the request can be retried, the input was fine.
        logger.warning("database operational error answered with 503: %s", exc.orig)
        metrics.count_unavailable("database_unavailable")
        return unavailable_response("database_unavailable", "数据库暂时不可用，请稍后重试")

    @app.exception_handler(DBAPIError)
    async def _dbapi_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            logger.warning("database disconnect answered with 503: %s", exc.orig)
            metrics.count_unavailable("database_unavailable")
            return unavailable_response("database_unavailable", "数据库暂时不可用，请稍后重试")
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return JSONResponse(error_body("internal_error", "服务器内部错误"), 500)
