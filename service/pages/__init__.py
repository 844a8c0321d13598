"""Web pages for people: server-rendered Jinja2 templates over the same operations as the API."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from service.pages.docs import install_docs
from service.pages.router import router
from service.pages.web import STATIC_DIR


def install_pages(app: FastAPI) -> None:
    """Mounts the pages, their static files and the offline API documentation on ``app``."""
    install_docs(app)
    app.mount("/static/pages", StaticFiles(directory=STATIC_DIR), name="pages-static")
    app.include_router(router)
