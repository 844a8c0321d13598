"""The audit log of writes, and the lease that lets one process run the scheduled jobs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from models.base import JSONType, utcnow


class AuditLog(SQLModel, table=True):
    """Who changed what, when, with the state before and after."""

    __tablename__ = "audit_log"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), index=True)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    actor: str = Field(max_length=64)  # username, or "cli" / "scheduler"
    action: str = Field(max_length=32)
    entity: str = Field(max_length=32, index=True)
    entity_id: str = Field(max_length=64, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType))


class SchedulerLease(SQLModel, table=True):
    """A lease row: the process holding an unexpired lease runs the scheduled jobs."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=128)
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
