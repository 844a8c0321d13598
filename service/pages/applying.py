"""Applications on the pages: the apply button of a position page, the student's accept /
decline / withdraw and the enterprise's offer / reject — the API's operations."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from models import Role, User
from service.applications import operations as applications
from service.applications.operations import (
    ACTION_LABELS,
    ENTERPRISE_ACTIONS,
    INDIRECT_ACTIONS,
    TRANSITIONS,
)
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
        if action in allowed
        and action not in INDIRECT_ACTIONS
        and application.status in TRANSITIONS[action][0]
    ]


# What happened (said of "…申请的岗位“title”") and what comes next, after each action.
_STUDENT_DONE = {
    "apply": ("已投递申请", "企业审核后会在这里更新状态；收到录用通知后，请在此接受或婉拒。"),
    ApplicationAction.accept.value: (
        "已接受录用",
        "请按岗位的到岗日期和企业的通知报到；申请列表中会保留这条录用记录。",
    ),
    ApplicationAction.decline.value: ("已婉拒录用", "可以回到岗位大厅继续寻找其他岗位。"),
    ApplicationAction.withdraw.value: ("已撤回申请", "可以回到岗位大厅继续寻找其他岗位。"),
}
_ENTERPRISE_DONE = {
    ApplicationAction.review.value: ("已开始审核", "审核后可发录用通知或不予录用。"),
    ApplicationAction.offer.value: (
        "已发录用通知",
        "等待学生接受或婉拒，结果会显示在本页的申请列表中。",
    ),
    ApplicationAction.reject.value: ("已不予录用", "学生会在其申请列表中看到结果。"),
}


def done_message(
    session: Session, user: User, done: str | None, application_id: uuid.UUID | None
) -> str | None:
    """The sentence shown after an action: what happened, to which application, what next."""
    if not done:
        return None
    table = _ENTERPRISE_DONE if user.role == Role.enterprise else _STUDENT_DONE
    what, next_step = table.get(done, ("已完成操作", ""))
    about = ""
    if application_id is not None:
        try:
            application = applications.read_application(session, user, application_id)
        except AppError:
            application = None
        if application is not None:
            title = application.position.title
            if user.role == Role.enterprise:
                about = f"：{application.student.name}申请的“{title}”"
            else:
                about = f"：{application.position.enterprise_name}的“{title}”"
    return f"{what}{about}。{next_step}"


def parse_action(value: str, role: Role) -> ApplicationAction | None:
    allowed = ENTERPRISE_ACTIONS if role == Role.enterprise else STUDENT_ACTIONS
    action = next((a for a in ApplicationAction if a.value == value), None)
    return action if action in allowed and action not in INDIRECT_ACTIONS else None
