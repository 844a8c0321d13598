"""The parts of the request path (service/request_path.py) about bodies and headers: the body
cap's 413, the JSON body check, the security headers' values.

Pure ASGI (no BaseHTTPMiddleware): streaming bodies are counted as they arrive and nothing is
buffered to be measured.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Message, Receive, Send

from service.errors import error_body
from service.fields import CONTROL_CHARACTER_MESSAGE, CONTROL_CHARACTERS

# Swagger UI and ReDoc are served from the installed packages (service/pages/docs.py), with an
# inline bootstrap: no CDN is allowed (issue 24: the policy still named jsDelivr).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# Production is served over HTTPS (behind the proxy that ends TLS): browsers must not fall back.
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
DOCS_PATHS = ("/docs", "/redoc")


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` once a body passes its cap (FastAPI lets HTTPException through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"请求内容过大（上限{limit // 1024} KB）")


async def too_large(send: Send, limit: int) -> None:
    """The 413 of a body above ``limit`` (the connection closed: the rest is not read)."""
    body = json.dumps(
        error_body("too_large", f"请求内容过大（上限{limit // 1024} KB）"), ensure_ascii=False
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# The request bodies' schemas refuse control characters field by field (service.fields.InputModel);
# this check is the same rule for the fields a body does not name, which the schemas ignore.
_CONTROL_CHARACTERS = CONTROL_CHARACTERS
BODY_METHODS = ("POST", "PUT", "PATCH")


def _control_fields(value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, str):
        if _CONTROL_CHARACTERS.search(value):
            found.append(path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            _control_fields(item, f"{path}.{key}" if path else str(key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _control_fields(item, f"{path}.{index}" if path else str(index), found)


async def check_json_body(content_type: bytes, receive: Receive, send: Send) -> Receive | None:
    """A JSON body checked before any route sees it: malformed JSON is 422 ``JSON格式错误`` (not
    FastAPI's English 400), and text holding control characters is refused field by field.

    For a body of another type, ``receive`` itself; for a JSON body, read whole here (through the
    body cap's ``receive``, so it is capped already), a ``receive`` that replays it, or None once
    its 422 is sent."""
    media_type = content_type.split(b";")[0].strip().lower()
    if media_type != b"application/json" and not media_type.endswith(b"+json"):
        return receive
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    if body.strip():
        try:
            data = json.loads(body)
        except ValueError:
            await _json_error(send, "输入数据有误", [{"field": "body", "message": "JSON格式错误"}])
            return None
        found: list[str] = []
        _control_fields(data, "", found)
        if found:
            details = [
                {"field": field, "message": CONTROL_CHARACTER_MESSAGE} for field in found[:20]
            ]
            await _json_error(send, "输入数据有误：文本中含有控制字符", details)
            return None
    replay = iter(messages)

    async def replayed() -> Message:
        message = next(replay, None)
        return message if message is not None else await receive()

    return replayed


async def _json_error(send: Send, message: str, details: list[dict[str, Any]]) -> None:
    body = json.dumps(error_body("validation_error", message, details), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
