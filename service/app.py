"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from service import openapi
from service.adjustments.router import regions_router as adjustments_regions_router
from service.adjustments.router import router as adjustments_router
from service.alliances.router import router as alliances_router
from service.applications.router import router as applications_router
from service.audit_log.router import router as audit_router
from service.auth import operations as auth_operations
from service.auth.router import router as auth_router
from service.catalog.router import router as catalog_router
from service.db import get_engine
from service.demand.router import router as demand_router
from service.enterprises.router import router as enterprises_router
from service.favorites.router import router as favorites_router
from service.health.router import router as health_router
from service.http_errors import register_error_handlers
from service.identity_changes.router import router as identity_changes_router
from service.integration_enterprises.router import router as integration_router
from service.internships.router import findings_router as internship_findings_router
from service.internships.router import router as internships_router
from service.interviews.router import router as interviews_router
from service.job_fairs.router import router as job_fairs_router
from service.jobs import JOBS
from service.lists.router import measures_router
from service.lists.router import router as lists_router
from service.messages.router import router as messages_router
from service.notifications.router import router as notifications_router
from service.organizations.router import accounts_router
from service.organizations.router import router as organizations_router
from service.pages import install_pages
from service.placement.router import router as placement_router
from service.policy.router import router as policy_router
from service.positions import text_index
from service.positions.router import reports_router as apprenticeship_router
from service.positions.router import router as positions_router
from service.positions.search_cache import ResponseCache
from service.programmes.router import router as programmes_router
from service.programmes.router import schools_router
from service.recommendations import operations as recommendations
from service.recommendations.router import router as matching_router
from service.recovery.router import router as recovery_router
from service.reports.router import router as reports_router
from service.request_path import EdgeMiddleware, IntakeMiddleware
from service.routing import guard_included_routers, remember_sequence_annotations
from service.scheduler import LeaseScheduler
from service.settings import settings
from service.students.router import router as students_router
from service.transfer.router import router as transfer_router

API_PREFIX = "/api/v1"


def api_routers() -> list[APIRouter]:
    """The routers of the API, in the order their paths are matched (each under ``API_PREFIX``).

    Each is included into the application itself, not through one ``/api/v1`` router: FastAPI
    matches a router nested in another one again at each level (service/routing.py)."""
    return [
        auth_router,
        accounts_router,
        catalog_router,
        policy_router,
        reports_router,
        organizations_router,
        identity_changes_router,
        positions_router,
        apprenticeship_router,
        demand_router,
        transfer_router,
        audit_router,
        programmes_router,
        schools_router,
        students_router,
        # Before applications: its POST /applications/{id}/{action} would swallow these
        # sub-routes.
        interviews_router,
        messages_router,
        applications_router,
        job_fairs_router,
        matching_router,
        placement_router,
        lists_router,
        measures_router,
        integration_router,
        enterprises_router,
        alliances_router,
        adjustments_router,
        adjustments_regions_router,
        notifications_router,
        favorites_router,
        recovery_router,
        internships_router,
        internship_findings_router,
    ]


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # Every admitted request (AdmissionMiddleware) gets a thread when it needs one: threads are
    # never what an admitted request, holding its connection, waits for.
    to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
    auth_operations.dummy_hash()  # before the first login, so that no login takes longer
    scheduler = LeaseScheduler(JOBS) if settings.scheduler_enabled else None
    if scheduler is not None:
        scheduler.start()
    if settings.recommendation_prebuild:
        # Built in a thread of this worker: no request ever pays the build (503 until it is done).
        recommendations.start_index(get_engine())
    if settings.search_index:
        # Also in a thread: the database answers word searches until it is ready.
        text_index.start(get_engine())
    try:
        yield
    finally:
        if settings.search_index:
            text_index.stop()
        if settings.recommendation_prebuild:
            recommendations.stop_index()
        if scheduler is not None:
            scheduler.shutdown()


def create_app() -> FastAPI:
    # Refuse to start rather than answer every login with a 500 (issue 15).
    if (problem := settings.secret_problem()) is not None:
        raise RuntimeError(problem)
    app = FastAPI(
        title="产教通 chanjiao",
        description="职业教育人才供需信息平台：岗位发布、专业布局与供需预警。",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served offline by service.pages
        redoc_url=None,
    )
    register_error_handlers(app)
    # Anonymous search answers, per process, while current (service/positions/search_cache.py).
    app.state.search_cache = ResponseCache(
        settings.search_cache_entries, settings.search_cache_bytes
    )
    app.include_router(health_router)
    for router in api_routers():
        app.include_router(router, prefix=API_PREFIX)
    install_pages(app)
    # The service's own layers, two instead of seven (service/request_path.py): inside, the body
    # caps, the JSON check, OPTIONS and admission; outermost, the request id, metrics and access
    # line, the security headers, the 405's Allow and error pages for browsers: a 503 from
    # admission or a 413 gets all of these.
    app.add_middleware(
        IntakeMiddleware,
        json_limit=settings.max_body_bytes,
        upload_limit=settings.import_max_bytes + 64 * 1024,
        routes=app.router.routes,
    )
    if settings.cors_origins:  # closed unless configured
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(EdgeMiddleware, routes=app.router.routes)
    openapi.install(app)
    # Last: the guards are computed from the routes as they are now (service/routing.py).
    guard_included_routers(app)
    remember_sequence_annotations()
    return app
