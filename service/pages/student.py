"""学生 pages: ``/me``, the student's own place (profile, recommendations, applications and
placement choices join it as those domains land)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from models import Role, User
from service.pages.web import PageRoute, render, require_page_roles

router = APIRouter(prefix="/me", route_class=PageRoute, include_in_schema=False)

StudentUser = Annotated[User, Depends(require_page_roles(Role.student))]


@router.get("", response_class=HTMLResponse)
def home(request: Request, _user: StudentUser) -> Response:
    """学生：我的申请与推荐。"""
    return render(request, "student/home.html", {"title": "我的"})
