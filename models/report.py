"""Aggregates of the mismatch report, per (region, major, year), refreshed from a change log.

``exact`` rows hold the figures of the facts located at exactly ``region_code``; ``city``,
``province`` and ``national`` rows are their sums over a code prefix (the roll-up of
``RegionScope``), so a report of any size reads a few thousand rows. Database triggers (migration
0003) append the (region, year) of every write to schools' and forecasts' facts to
``report_change``, and (migration 0029) the id of every position written to
``report_position_change``; ``report_position`` holds what each position contributes to the
demand rows as they stand. The refresh folds both in as differences, and the report corrects
what is still pending, so its figures always equal the direct ones.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String
from sqlmodel import Field, SQLModel


class ReportFigure(SQLModel, table=True):
    """Supply and forecast figures of one major in one region (or roll-up) and year."""

    __tablename__ = "report_figure"

    scope: str = Field(primary_key=True, max_length=8)  # exact / city / province / national
    region_code: str = Field(primary_key=True, max_length=6)
    year: int = Field(primary_key=True)
    major_code: str = Field(primary_key=True, max_length=8)
    sites: int = 0
    cohorts: int = 0  # cohort rows summed (presence of a cohort with no graduates)
    graduates: int = 0
    placed: int = 0
    in_field: int = 0
    forecasts: int = 0  # forecast rows summed
    forecast_headcount: int = 0


class ReportDemand(SQLModel, table=True):
    """Headcount of published positions of one kind asking for k majors, one of them this major."""

    __tablename__ = "report_demand"

    scope: str = Field(primary_key=True, max_length=8)
    region_code: str = Field(primary_key=True, max_length=6)
    year: int = Field(primary_key=True)
    major_code: str = Field(primary_key=True, max_length=8)
    kind: str = Field(primary_key=True, sa_type=String(16))
    k: int = Field(primary_key=True)
    positions: int = 0
    headcount: int = 0


class ReportChange(SQLModel, table=True):
    """A (region, year) whose facts changed since the aggregates were refreshed (from triggers)."""

    __tablename__ = "report_change"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(max_length=6)
    year: int


class ReportAggregateState(SQLModel, table=True):
    """When the aggregates were built in full and last refreshed (absent: never built)."""

    __tablename__ = "report_aggregate_state"

    name: str = Field(primary_key=True, max_length=16)
    built_at: datetime = Field(sa_type=DateTime(timezone=True))
    refreshed_at: datetime = Field(sa_type=DateTime(timezone=True))


class ReportPosition(SQLModel, table=True):
    """One published position's contribution to ``report_demand`` as folded in: per major it asks
    for, its region, start year, kind, k and headcount. The refresh applies (now − this) for the
    positions written since, so its cost follows the writes, not the size of their regions."""

    __tablename__ = "report_position"

    position_id: uuid.UUID = Field(primary_key=True)
    major_code: str = Field(primary_key=True, max_length=8)
    region_code: str = Field(max_length=6)
    year: int
    kind: str = Field(sa_type=String(16))
    k: int
    headcount: int


class ReportPositionChange(SQLModel, table=True):
    """A position written since the demand aggregates were refreshed (from triggers)."""

    __tablename__ = "report_position_change"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    position_id: uuid.UUID
