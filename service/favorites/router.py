"""Favourites (收藏) and saved searches (保存的搜索) of students."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from models import Role, User
from service.auth.dependencies import ReadSessionDep, SessionDep, require_roles
from service.favorites import operations
from service.favorites.schemas import (
    FavoritePublic,
    FavoritesPage,
    SavedSearchCreate,
    SavedSearchesPublic,
    SavedSearchPublic,
)
from service.http_errors import error_responses
from service.page_dep import PageDep

router = APIRouter(tags=["收藏与保存的搜索"])

Student = Annotated[
    User, Depends(require_roles(Role.student, refusal="只有学生可以收藏岗位和保存搜索"))
]


@router.get("/favorites", response_model=FavoritesPage, responses=error_responses(401, 403, 422))
def list_favorites(session: ReadSessionDep, user: Student, page: PageDep) -> FavoritesPage:
    """我收藏的岗位，新收藏的在前；已关闭、已招满、已截止的岗位标明状态。"""
    return operations.list_favorites(session, user, page)


@router.put(
    "/favorites/{position_id}",
    response_model=FavoritePublic,
    responses=error_responses(401, 403, 404),
)
def add_favorite(session: SessionDep, user: Student, position_id: uuid.UUID) -> FavoritePublic:
    """收藏岗位（重复收藏无变化）。"""
    return operations.add_favorite(session, user, position_id)


@router.delete("/favorites/{position_id}", status_code=204, responses=error_responses(401, 403))
def remove_favorite(session: SessionDep, user: Student, position_id: uuid.UUID) -> Response:
    """取消收藏（未收藏时无变化）。"""
    operations.remove_favorite(session, user, position_id)
    return Response(status_code=204)


@router.post(
    "/saved-searches",
    response_model=SavedSearchPublic,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
)
def save_search(session: SessionDep, user: Student, body: SavedSearchCreate) -> SavedSearchPublic:
    """保存搜索：每天检查一次符合条件的新岗位，有新岗位时发通知。"""
    return operations.save_search(session, user, body)


@router.get(
    "/saved-searches", response_model=SavedSearchesPublic, responses=error_responses(401, 403)
)
def list_saved_searches(session: ReadSessionDep, user: Student) -> SavedSearchesPublic:
    """我保存的搜索。"""
    return operations.list_saved_searches(session, user)


@router.delete(
    "/saved-searches/{search_id}", status_code=204, responses=error_responses(401, 403, 404)
)
def delete_saved_search(session: SessionDep, user: Student, search_id: uuid.UUID) -> Response:
    """删除保存的搜索。"""
    operations.delete_saved_search(session, user, search_id)
    return Response(status_code=204)
