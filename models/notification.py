"""Notifications in the site, the mail outbox, favourites, saved searches and password resets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import JSONType, utcnow


class Notification(SQLModel, table=True):
    """One message to one user about a change it must know of (read in the site).

    Its text names nothing personal of anyone but its reader (``service/notifications``)."""

    __table_args__ = (Index("ix_notification_user_id_created_at", "user_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id")
    kind: str = Field(max_length=32)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=1000)
    link: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    read_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class NotificationPreference(SQLModel, table=True):
    """Whether a user also gets a kind of notification by mail (in the site it always does)."""

    __tablename__ = "notification_preference"

    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True)
    kind: str = Field(max_length=32, primary_key=True)
    mail: bool = True


class MailOutbox(SQLModel, table=True):
    """A mail to send, written in the transaction of the change it reports; a scheduled job sends
    it, retrying with exponential back-off, and marks it ``failed`` after the last attempt."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(sa_type=Text)
    status: str = Field(default="pending", max_length=16)  # pending / sent / failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Favorite(SQLModel, table=True):
    """A position a student keeps (收藏)."""

    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True)
    position_id: uuid.UUID = Field(foreign_key="position.id", primary_key=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class SavedSearch(SQLModel, table=True):
    """A student's search kept with its own parameters; a daily digest reports its new matches."""

    __tablename__ = "saved_search"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=64)
    params: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    last_run_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class PasswordResetToken(SQLModel, table=True):
    """A mailed one-time link to set a new password: stored as a SHA-256 hash, valid 30 minutes,
    used once."""

    __tablename__ = "password_reset_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
