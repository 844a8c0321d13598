from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.health import operations
from service.http_errors import retry_after_headers

router = APIRouter(tags=["运行状态"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """进程存活检查。"""
    return {"status": "ok"}


@router.get("/readyz")
def readyz() -> JSONResponse:
    """就绪检查：数据库可达且已迁移到最新版本，否则返回503。"""
    ready, detail = operations.database_ready()
    body = {"status": "ready" if ready else "not_ready", **detail}
    if ready:
        return JSONResponse(body)
    return JSONResponse(body, status_code=503, headers=retry_after_headers())
