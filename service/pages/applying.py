"""Applications on the pages: the apply button of a position page, the student's accept /
decline / withdraw and the enterprise's offer / reject — the API's operations."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from models import Role, User
from service.applications import operations as applications
from service.applications.operations import ACTION_LABELS, ENTERPRISE_ACTIONS, TRANSITIONS
from service.applications.schemas import ApplicationAction, ApplicationPublic
from service.errors import AppError
from service.pagination import PageParams
from service.positions.schemas import PositionView

ENABLED = True
STUDENT_ACTIONS = frozenset(ApplicationAction) - ENTERPRISE_ACTIONS


def can_apply(user: User | None, view: PositionView) -> bool:
    return user is not None and user.role == Role.student and view.accepting_applications


def application_state(
    session: Session, user: User | None, position_id: uuid.UUID
) -> ApplicationPublic | None:
    """The signed-in student's application to this position, if any."""
    if user is None or user.role != Role.student:
        return None
    try:
        rows, _ = applications.list_applications(
            session,
            user,
            applications.ApplicationFilters(position_id=position_id),
            PageParams(page=1, page_size=1),
        )
    except AppError:
        return None
    return rows[0] if rows else None


def actions_for(application: ApplicationPublic, role: Role) -> list[tuple[str, str]]:
    """The buttons a party may press on an application in its current state."""
    allowed = ENTERPRISE_ACTIONS if role == Role.enterprise else STUDENT_ACTIONS
    return [
        (action.value, ACTION_LABELS[action])
        for action in ApplicationAction
        if action in allowed and application.status in TRANSITIONS[action][0]
    ]


def parse_action(value: str, role: Role) -> ApplicationAction | None:
    allowed = ENTERPRISE_ACTIONS if role == Role.enterprise else STUDENT_ACTIONS
    action = next((a for a in ApplicationAction if a.value == value), None)
    return action if action in allowed else None
