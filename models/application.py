"""Applications of students to positions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import ApplicationStatus, utcnow


class Application(SQLModel, table=True):
    """A student's application to a position; one per student and position.

    ``consent_at`` records when the student consented to share its name and phone with the
    position's enterprise (PIPL Art. 23: separate consent naming the recipient).
    """

    __table_args__ = (UniqueConstraint("student_id", "position_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    student_id: uuid.UUID = Field(foreign_key="student.id", index=True)
    position_id: uuid.UUID = Field(foreign_key="position.id", index=True)
    status: ApplicationStatus = Field(
        default=ApplicationStatus.submitted, sa_type=String(16), index=True
    )
    message: str = Field(default="", sa_type=Text)
    consent_at: datetime = Field(sa_type=DateTime(timezone=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), index=True
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    # The 双选会 the student applied through (issue 26), for the fair's figures.
    job_fair_id: uuid.UUID | None = Field(default=None, foreign_key="job_fair.id", index=True)
