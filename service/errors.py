"""Domain exceptions and the one error body: ``{"error": {"code", "message", "details"}}``.

Plain Python, so that a command that only raises or catches these (most of the CLI) does not load
the web framework; the HTTP side — handlers, OpenAPI entries, 503 answers — is
:mod:`service.http_errors`."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """An error the user can act on; carries its HTTP status, a Chinese message and details."""

    status_code = 400
    code = "bad_request"
    # True when the writes flushed before the error must still be committed (an audit row of a
    # refused action): the request's session commits them, then the error is answered.
    keep_writes = False

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
