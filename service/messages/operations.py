"""Messages inside an application: the enterprise of the position and the applicant write; the
student's school reads; nobody else sees the thread (404 like the application).

An enterprise's message is screened like a posting (``rules.screen.check_message``): no fees, no
discrimination, and no mobile number, e-mail or WeChat id unless the student wrote it in the
thread first — 422 with the findings. Each sender may send :data:`RATE_LIMIT` messages an hour in
one application (429 with Retry-After). Control characters are refused by the JSON body
middleware; the length is bounded by the schema.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from models import ApplicationMessage, PositionKind, Role, User
from models.base import utcnow
from rules.screen import check_message
from service import audit, notifications, posting_rules
from service.applications import operations as applications
from service.errors import AppError, NotFound, field_detail
from service.messages import repository
from service.messages.schemas import MessageCreate, MessagePublic

ENTITY = "application_message"
RATE_LIMIT = 20
RATE_WINDOW = timedelta(hours=1)
SENDER_LABELS = {"student": "学生", "enterprise": "企业"}


class TooManyMessages(AppError):
    status_code = 429
    code = "too_many_messages"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            f"发送过于频繁：每份申请每小时最多发送{RATE_LIMIT}条消息，请{minutes}分钟后再试"
        )
        self.retry_after = max(1, retry_after)


def _public(message: ApplicationMessage, viewer: User) -> MessagePublic:
    return MessagePublic(
        id=message.id,
        application_id=message.application_id,
        sender_role=message.sender_role,
        sender_label=SENDER_LABELS.get(message.sender_role, message.sender_role),
        mine=message.sender_id == viewer.id,
        body=message.body,
        created_at=message.created_at,
    )


def thread(session: Session, actor: User, application_id: uuid.UUID) -> list[MessagePublic]:
    """The applicant, the enterprise of the position and the student's school read the thread."""
    row = applications.visible_row(session, actor, application_id)
    if actor.role not in (Role.student, Role.enterprise, Role.school):
        raise NotFound("申请不存在")
    return [_public(m, actor) for m in repository.thread(session, row.application.id)]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def send(
    session: Session, actor: User, application_id: uuid.UUID, data: MessageCreate
) -> MessagePublic:
    """The applicant or the enterprise of the position writes in the application's thread."""
    row = applications.visible_row(session, actor, application_id)
    if applications.is_applicant(actor, row):
        role = "student"
    elif applications.is_employer(actor, row):
        role = "enterprise"
    else:
        raise NotFound("申请不存在")
    now = utcnow()
    count, oldest = repository.sent_since(session, application_id, actor.id, now - RATE_WINDOW)
    if count >= RATE_LIMIT and oldest is not None:
        left = (_aware(oldest) + RATE_WINDOW - now).total_seconds()
        raise TooManyMessages(math.ceil(left))
    findings = check_message(
        data.body,
        str(PositionKind(row.position.kind)),
        posting_rules.load_rules(),
        from_employer=role == "enterprise",
        shared=repository.bodies_by(session, application_id, "student")
        if role == "enterprise"
        else (),
    )
    if findings:
        raise AppError(
            f"消息未发送：{findings[0].message}",
            code="message_refused",
            status_code=422,
            details=[
                field_detail(
                    "body",
                    f.message,
                    code=f.code,
                    category=f.category,
                    rule=f.rule,
                    source=f.source,
                    words=list(f.words),
                    suggestion=f.suggestion,
                )
                for f in findings
            ],
        )
    message = ApplicationMessage(
        application_id=application_id,
        sender_id=actor.id,
        sender_role=role,
        body=data.body,
        created_at=now,
    )
    session.add(message)
    session.flush()
    # The body is not audited: it may hold what the student chose to share.
    audit.record(
        session,
        actor,
        "send",
        ENTITY,
        message.id,
        None,
        {"application_id": str(application_id), "sender_role": role, "length": len(data.body)},
    )
    # The other party hears that there is a message, not what it says (the thread is the place).
    told: list[uuid.UUID | None]
    if role == "student":
        told = [*notifications.staff_of(session, [row.position.enterprise_id])]
        title = f"{row.position.title}：申请人发来新消息"
    else:
        told = [row.student.user_id]
        title = f"{row.position.title}（{row.enterprise_name}）：企业发来新消息"
    notifications.notify(
        session,
        user_ids=told,
        kind=notifications.NotificationKind.message,
        title=title,
        link=f"/applications/{application_id}",
    )
    return _public(message, actor)
