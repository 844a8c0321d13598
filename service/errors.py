"""Domain exceptions and the one error body: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)


class AppError(Exception):
    """An error the user can act on; carries its HTTP status, a Chinese message and details."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        code: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class Invalid(AppError):
    """Input that parses but breaks a rule (field details say which)."""

    status_code = 422
    code = "invalid"


class Unavailable(AppError):
    """The service is saturated (or its database unreachable) for now: 503 with Retry-After."""

    status_code = 503
    code = "unavailable"


def retry_after_headers() -> dict[str, str]:
    # Imported here: settings are not needed by the many modules that only raise AppErrors.
    from service.settings import settings

    return {"Retry-After": str(settings.retry_after_s)}


def unavailable_response(code: str, message: str) -> JSONResponse:
    return JSONResponse(error_body(code, message), 503, headers=retry_after_headers())


def field_detail(field: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"field": field, "message": message, **extra}


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


# Chinese messages for pydantic's error types; the fallback names the type so nothing is lost.
_PYDANTIC_MESSAGES = {
    "missing": "必填项缺失",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为布尔值（true/false）",
    "string_type": "应为文本",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "date_parsing": "日期格式应为YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为YYYY-MM-DD",
    "date_type": "日期格式应为YYYY-MM-DD",
    "datetime_parsing": "时间格式不正确",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "uuid_parsing": "编号格式不正确",
    "uuid_type": "编号格式不正确",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "json_invalid": "JSON格式错误",
    "model_attributes_type": "应为对象",
    "extra_forbidden": "不允许的字段",
    "too_short": "项目过少",
    "too_long": "项目过多",
}


def pydantic_errors_to_details(errors: Any) -> list[dict[str, Any]]:
    details = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
        kind = err.get("type", "")
        message = _PYDANTIC_MESSAGES.get(kind)
        ctx = err.get("ctx") or {}
        if kind in ("greater_than", "greater_than_equal") and "gt" in ctx:
            message = f"应大于{ctx['gt']}"
        elif kind == "greater_than_equal" and "ge" in ctx:
            message = f"应不小于{ctx['ge']}"
        elif kind in ("less_than", "less_than_equal") and "lt" in ctx:
            message = f"应小于{ctx['lt']}"
        elif kind == "less_than_equal" and "le" in ctx:
            message = f"应不大于{ctx['le']}"
        elif kind in ("enum", "literal_error") and "expected" in ctx:
            message = f"取值应为{ctx['expected']}之一"
        elif kind == "string_too_long" and "max_length" in ctx:
            message = f"长度不能超过{ctx['max_length']}"
        elif kind == "string_too_short" and "min_length" in ctx:
            message = f"长度不能少于{ctx['min_length']}"
        elif kind == "value_error":
            # Our own validators raise ValueError with a Chinese message.
            message = str(ctx.get("error", err.get("msg", "")))
        if message is None:
            message = f"输入无效（{kind}）"
        details.append({"field": ".".join(loc), "message": message, "type": kind})
    return details


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
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        if exc.status_code == 503:
            headers = retry_after_headers()
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
        return unavailable_response("database_busy", "数据库繁忙，请稍后重试")

    @app.exception_handler(OperationalError)
    async def _operational_error(_request: Request, exc: OperationalError) -> JSONResponse:
        # "database is locked" past the busy timeout (another process writing), a server that
        # went away, a statement cancelled: the request can be retried, the input was fine.
        logger.warning("database operational error answered with 503: %s", exc.orig)
        return unavailable_response("database_unavailable", "数据库暂时不可用，请稍后重试")

    @app.exception_handler(DBAPIError)
    async def _dbapi_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            logger.warning("database disconnect answered with 503: %s", exc.orig)
            return unavailable_response("database_unavailable", "数据库暂时不可用，请稍后重试")
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return JSONResponse(error_body("internal_error", "服务器内部错误"), 500)
