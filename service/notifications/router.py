"""Notifications of the signed-in user, and its mail preferences."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from service.auth.dependencies import CurrentUser, ReadSessionDep, SessionDep
from service.http_errors import error_responses
from service.notifications import operations
from service.notifications.schemas import (
    NotificationPublic,
    NotificationsPage,
    PreferencesPublic,
    PreferencesUpdate,
    ReadAll,
)
from service.page_dep import PageDep

router = APIRouter(prefix="/notifications", tags=["通知"])


@router.get("", response_model=NotificationsPage, responses=error_responses(401, 422))
def list_notifications(
    session: ReadSessionDep,
    user: CurrentUser,
    page: PageDep,
    unread: Annotated[bool, Query(description="仅未读通知")] = False,
) -> NotificationsPage:
    """我的通知，新的在前，附未读数。"""
    return operations.list_notifications(session, user, unread=unread, page=page)


@router.post("/read-all", response_model=ReadAll, responses=error_responses(401))
def read_all(session: SessionDep, user: CurrentUser) -> ReadAll:
    """全部标为已读。"""
    marked = operations.mark_all_read(session, user)
    return ReadAll(marked=marked, unread=operations.unread_count(session, user))


@router.get("/preferences", response_model=PreferencesPublic, responses=error_responses(401))
def read_preferences(session: ReadSessionDep, user: CurrentUser) -> PreferencesPublic:
    """通知设置：各类通知站内始终发送，邮件可按类型开关。"""
    return operations.read_preferences(session, user)


@router.put("/preferences", response_model=PreferencesPublic, responses=error_responses(401, 422))
def update_preferences(
    session: SessionDep, user: CurrentUser, body: PreferencesUpdate
) -> PreferencesPublic:
    """修改通知设置：接收邮件的邮箱，各类通知是否发送邮件。"""
    return operations.update_preferences(session, user, body)


@router.post(
    "/{notification_id}/read",
    response_model=NotificationPublic,
    responses=error_responses(401, 404),
)
def read_one(
    session: SessionDep, user: CurrentUser, notification_id: uuid.UUID
) -> NotificationPublic:
    """将一条通知标为已读。"""
    return operations.mark_read(session, user, notification_id)
