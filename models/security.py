"""Login and registration throttling counters, and revoked refresh tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel


class ThrottleCounter(SQLModel, table=True):
    """Attempts under one key (``login:user:NAME``, ``login:ip:ADDR`` …) in a fixed window.

    The database store of :mod:`service.throttle`, used when no Redis is configured: every worker
    reads and writes the same rows, so N workers do not allow N times the limit.
    """

    __tablename__ = "throttle_counter"

    key: str = Field(primary_key=True, max_length=160)
    window_start: datetime = Field(sa_type=DateTime(timezone=True))
    hits: int = 0


class RefreshToken(SQLModel, table=True):
    """An issued refresh token (by its id); logout or rotation revokes it."""

    __tablename__ = "refresh_token"

    id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(max_length=64, index=True)
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
