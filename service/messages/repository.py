"""Queries of application messages."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from models import ApplicationMessage


def thread(session: Session, application_id: uuid.UUID) -> list[ApplicationMessage]:
    return list(
        session.execute(
            select(ApplicationMessage)
            .where(col(ApplicationMessage.application_id) == application_id)
            .order_by(col(ApplicationMessage.created_at), col(ApplicationMessage.id))
        ).scalars()
    )


def bodies_by(session: Session, application_id: uuid.UUID, sender_role: str) -> list[str]:
    return list(
        session.execute(
            select(col(ApplicationMessage.body)).where(
                col(ApplicationMessage.application_id) == application_id,
                col(ApplicationMessage.sender_role) == sender_role,
            )
        ).scalars()
    )


def sent_since(
    session: Session, application_id: uuid.UUID, sender_id: uuid.UUID, since: datetime
) -> tuple[int, datetime | None]:
    """How many messages the sender sent in the thread since ``since``, and the oldest's time."""
    count, oldest = session.execute(
        select(func.count(), func.min(col(ApplicationMessage.created_at))).where(
            col(ApplicationMessage.application_id) == application_id,
            col(ApplicationMessage.sender_id) == sender_id,
            col(ApplicationMessage.created_at) >= since,
        )
    ).one()
    return int(count), oldest
