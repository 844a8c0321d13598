"""The service's clock: today in China, and China's local time of a stored instant.

Closing dates, internship periods, graduation years and the scheduler's midnight are local dates
in China; timestamps are stored in UTC (``models.base.utcnow``). Every "today" of the service is
:func:`today`, read through this module (``clock.today()``) so that a test can move it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today in China."""
    return datetime.now(CHINA).date()


def local(value: datetime) -> datetime:
    """``value`` (an aware instant) in China's local time."""
    return value.astimezone(CHINA)


def aware(value: datetime) -> datetime:
    """A stored instant as an aware UTC datetime (SQLite hands back naive ones, stored in UTC)."""
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
