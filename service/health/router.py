from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from service import metrics
from service.errors import Forbidden, NotFound
from service.health import operations
from service.http_errors import retry_after_headers
from service.positions import text_index
from service.settings import settings

router = APIRouter(tags=["运行状态"])


_HEALTHY = b'{"status":"ok"}'


@router.get("/healthz", response_model=dict[str, str])
async def healthz() -> Response:
    """进程存活检查。"""
    # On the event loop and already encoded: a probe takes no worker thread (a sync route took
    # two, one to run and one to check its answer against the schema).
    return Response(_HEALTHY, media_type="application/json")


@router.get("/readyz")
def readyz() -> JSONResponse:
    """就绪检查：数据库可达且已迁移到最新版本，否则返回503。``search_index``：应答的工作进程的
    检索索引状态（ready 已建好 / building 建立中，期间由数据库检索 / off 未启用），不影响就绪。"""
    ready, detail = operations.database_ready()
    body = {"status": "ready" if ready else "not_ready", **detail}
    body["search_index"] = text_index.state()
    if ready:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers=retry_after_headers())


_LOOPBACK = frozenset({"127.0.0.1", "::1"})
_PROXIED = (b"x-forwarded-for", b"forwarded", b"x-real-ip")


def _metrics_refusal(request: Request) -> int | None:
    """The status that refuses this reader of /metrics (None: it may read).

    With ``CHANJIAO_METRICS_TOKEN`` set, only ``Authorization: Bearer <token>`` reads (403
    otherwise). Without it, only a client on loopback that did not come through a proxy: a request
    relayed by nginx on the same host also arrives from 127.0.0.1 (404 otherwise, as if there were
    no such page)."""
    token = settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {token.get_secret_value()}"
        return None if hmac.compare_digest(given.encode(), expected.encode()) else 403
    client = request.client.host if request.client is not None else ""
    proxied = any(name in _PROXIED for name, _ in request.scope.get("headers") or [])
    return None if client in _LOOPBACK and not proxied else 404


@router.get("/metrics", include_in_schema=False)
def read_metrics(request: Request) -> Response:
    """Prometheus 指标（文本格式）。"""
    refused = _metrics_refusal(request)
    if refused == 403:
        raise Forbidden("读取指标需要正确的令牌（Authorization: Bearer …）")
    if refused is not None:
        raise NotFound("资源不存在")
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)
