"""After applying (issue 26): interviews and the messages of an application, and 双选会 job fairs
with their booths and registrations."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import JSONType, utcnow


class InterviewStatus(StrEnum):
    proposed = "proposed"  # waiting for the student
    confirmed = "confirmed"
    declined = "declined"
    cancelled = "cancelled"  # the application ended before it took place


INTERVIEW_STATUS_LABELS = {
    InterviewStatus.proposed: "待确认",
    InterviewStatus.confirmed: "已确认",
    InterviewStatus.declined: "已婉拒",
    InterviewStatus.cancelled: "已取消",
}


class Interview(SQLModel, table=True):
    """An interview the enterprise proposes on an application; the student confirms or declines.

    Rescheduling changes it in place: ``sequence`` grows (iCalendar SEQUENCE) and it waits for the
    student's confirmation again.
    """

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    application_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("application.id", ondelete="CASCADE")], index=True
    )
    starts_at: datetime = Field(sa_type=DateTime(timezone=True))
    duration_minutes: int
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    place: str | None = Field(default=None, max_length=200)
    online_link: str | None = Field(default=None, max_length=500)
    note: str = Field(default="", sa_type=Text)
    status: InterviewStatus = Field(default=InterviewStatus.proposed, sa_type=String(16))
    sequence: int = 0
    proposed_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    answered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ApplicationMessage(SQLModel, table=True):
    """A message between the enterprise and the applicant inside one application."""

    __tablename__ = "application_message"
    __table_args__ = (Index("ix_application_message_thread", "application_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    application_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("application.id", ondelete="CASCADE")]
    )
    sender_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    sender_role: str = Field(max_length=16)  # student / enterprise
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class BoothStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"


BOOTH_STATUS_LABELS = {
    BoothStatus.pending: "待审核",
    BoothStatus.approved: "已通过",
    BoothStatus.refused: "未通过",
}


class JobFair(SQLModel, table=True):
    """A 双选会 organised by a school or a regulator: enterprises book booths, students sign up."""

    __tablename__ = "job_fair"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    title: str = Field(max_length=128)
    description: str = Field(default="", sa_type=Text)
    starts_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
    ends_at: datetime = Field(sa_type=DateTime(timezone=True))
    venue: str | None = Field(default=None, max_length=200)
    online_link: str | None = Field(default=None, max_length=500)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    capacity: int
    # The organising school or body (None for a national regulator) and the account that created it.
    organizer_id: uuid.UUID | None = Field(default=None, foreign_key="organization.id", index=True)
    created_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class JobFairBooth(SQLModel, table=True):
    """An enterprise's booth at a fair, with the open positions it brings; the organiser decides."""

    __tablename__ = "job_fair_booth"
    __table_args__ = (UniqueConstraint("job_fair_id", "enterprise_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    job_fair_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("job_fair.id", ondelete="CASCADE")], index=True
    )
    enterprise_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    position_ids: list[str] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    note: str = Field(default="", max_length=500)
    status: BoothStatus = Field(default=BoothStatus.pending, sa_type=String(16))
    decision_reason: str | None = Field(default=None, max_length=500)
    decided_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class JobFairRegistration(SQLModel, table=True):
    """A student signed up for a fair; the organiser checks it in at the door."""

    __tablename__ = "job_fair_registration"
    __table_args__ = (UniqueConstraint("job_fair_id", "student_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    job_fair_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("job_fair.id", ondelete="CASCADE")], index=True
    )
    student_id: uuid.UUID = Field(foreign_key="student.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    checked_in_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    checked_in_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")


__all__ = [
    "BOOTH_STATUS_LABELS",
    "INTERVIEW_STATUS_LABELS",
    "ApplicationMessage",
    "BoothStatus",
    "Interview",
    "InterviewStatus",
    "JobFair",
    "JobFairBooth",
    "JobFairRegistration",
]
