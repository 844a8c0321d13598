"""Queries of interviews."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlmodel import Session, col

from models import Interview, InterviewStatus


def of_application(session: Session, application_id: uuid.UUID) -> list[Interview]:
    return list(
        session.execute(
            select(Interview)
            .where(col(Interview.application_id) == application_id)
            .order_by(col(Interview.starts_at), col(Interview.id))
        ).scalars()
    )


def locked(session: Session, interview_id: uuid.UUID) -> Interview | None:
    return session.get(Interview, interview_id, with_for_update=True, populate_existing=True)


def get(session: Session, interview_id: uuid.UUID) -> Interview | None:
    return session.get(Interview, interview_id)


def cancel_proposed(session: Session, application_id: uuid.UUID) -> None:
    """A new proposal replaces the one still waiting for an answer."""
    session.execute(
        update(Interview)
        .where(
            col(Interview.application_id) == application_id,
            col(Interview.status) == InterviewStatus.proposed.value,
        )
        .values(status=InterviewStatus.cancelled.value)
        .execution_options(synchronize_session="fetch")
    )
