"""Internships and apprenticeships after an accepted offer (issue 27): the tripartite agreement,
insurance, mentors, weekly logs, findings and evaluations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, DateTime, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import JSONType, utcnow


class InternshipStatus(StrEnum):
    awaiting_agreement = "awaiting_agreement"
    ready = "ready"
    in_progress = "in_progress"
    completed = "completed"
    ended_early = "ended_early"


INTERNSHIP_STATUS_LABELS = {
    InternshipStatus.awaiting_agreement: "待签协议",
    InternshipStatus.ready: "待开始",
    InternshipStatus.in_progress: "进行中",
    InternshipStatus.completed: "已完成",
    InternshipStatus.ended_early: "提前终止",
}


class Internship(SQLModel, table=True):
    """One student's 岗位实习 or 学徒 on a position, made when the student accepts the offer.

    The agreement's terms, its confirmations, the insurance, the mentors and the evaluations are
    JSON documents validated by the API's schemas (service/internships/schemas.py); mentors are
    staff data. ``agreement_version`` grows with every change of terms, which clears every
    confirmation.
    """

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    application_id: uuid.UUID = Field(foreign_key="application.id", unique=True)
    student_id: uuid.UUID = Field(foreign_key="student.id", index=True)
    position_id: uuid.UUID = Field(foreign_key="position.id", index=True)
    school_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    enterprise_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    kind: str = Field(sa_type=String(16))
    status: InternshipStatus = Field(
        default=InternshipStatus.awaiting_agreement, sa_type=String(24), index=True
    )
    start_date: date
    end_date: date
    terms: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))
    agreement_version: int = 1
    confirmations: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    insurance: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType))
    mentors: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType))
    enterprise_evaluation: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType))
    school_evaluation: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType))
    started_on: date | None = None
    ended_on: date | None = None
    end_reason: str | None = Field(default=None, max_length=32)
    end_note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class InternshipLog(SQLModel, table=True):
    """A student's weekly log (实习周志): one per internship and week."""

    __tablename__ = "internship_log"
    __table_args__ = (UniqueConstraint("internship_id", "week_start_date"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    internship_id: uuid.UUID = Field(foreign_key="internship.id", index=True)
    week_start_date: date
    content: str = Field(sa_type=Text)
    days_worked: int
    total_hours: float
    max_daily_hours: float
    daily_hours: list[float] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    night_shift: bool = False
    overtime: bool = False
    comments: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class InternshipFinding(SQLModel, table=True):
    """A breach of the internship rules found in a log, or logs stopped for two weeks.

    ``reference_date`` keys it: the log's week, or the last day covered by a log when logs
    stopped, so that checking again finds nothing new.
    """

    __tablename__ = "internship_finding"
    __table_args__ = (UniqueConstraint("internship_id", "code", "reference_date"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    internship_id: uuid.UUID = Field(foreign_key="internship.id", index=True)
    log_id: uuid.UUID | None = Field(default=None, foreign_key="internship_log.id")
    code: str = Field(max_length=32)
    reference_date: date
    message: str = Field(max_length=500)
    rule: str = Field(max_length=64)
    source: str = Field(sa_type=Text)
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), index=True
    )
