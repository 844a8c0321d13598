"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from service.auth.router import router as auth_router
from service.errors import register_error_handlers
from service.health.router import router as health_router
from service.jobs import JOBS
from service.scheduler import LeaseScheduler
from service.settings import settings

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(auth_router)
    return router


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    scheduler = LeaseScheduler(JOBS) if settings.scheduler_enabled else None
    if scheduler is not None:
        scheduler.start()
    try:
        yield
    finally:
        if scheduler is not None:
            scheduler.shutdown()


def create_app() -> FastAPI:
    app = FastAPI(
        title="产教通 chanjiao",
        description="职业教育人才供需信息平台：岗位发布、专业布局与供需预警。",
        version="0.1.0",
        lifespan=lifespan,
    )
    register_error_handlers(app)
    app.include_router(health_router)
    app.include_router(api_router())
    return app
