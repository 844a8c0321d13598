"""Positions (学徒 / 实习 / 就业) and published talent-demand forecasts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from models.base import JSONType, PositionKind, PositionStatus, utcnow


class Position(SQLModel, table=True):
    """A posting by an enterprise; its demand counts once published (open, closed or filled)."""

    __table_args__ = (UniqueConstraint("enterprise_id", "title", "start_date"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    enterprise_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    kind: PositionKind = Field(sa_type=String(16), index=True)
    title: str = Field(max_length=128)
    description: str = Field(default="", sa_type=Text)
    requirements: str = Field(default="", sa_type=Text)  # 任职要求, screened like the description
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    headcount: int
    monthly_pay: float | None = Field(default=None, index=True)
    same_post_wage: float | None = None  # the enterprise's wage for the same post
    post_staff_count: int | None = None  # staff on this kind of post (intern 20 % rule)
    hours_per_day: float | None = None
    hours_per_week: float | None = None
    start_date: date = Field(index=True)
    end_date: date | None = None
    closing_date: date | None = Field(default=None, index=True)
    status: PositionStatus = Field(default=PositionStatus.draft, sa_type=String(16), index=True)
    order_training: bool = False  # 订单培养
    # 职业分类大典 (2022) code of the post, optional: 人才需求清单 counts demand by it too.
    occupation_code: str | None = Field(default=None, foreign_key="occupation.code", max_length=16)
    compliance_findings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    published_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), index=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), index=True
    )
    # Indexed: the recommendation index re-reads the rows written since its watermark.
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True), index=True
    )
    # The words of the title, and of the description, requirements, skills and wanted majors'
    # names, cut by jieba at write time and separated by spaces (matching.search_text.index_words).
    # The index over them is the backend's own (SEARCH_INDEX_OBJECTS).
    search_title: str = Field(default="", sa_type=Text)
    search_body: str = Field(default="", sa_type=Text)


# The full-text index over search_title and search_body, outside SQLModel's metadata because it
# differs by backend (migration 0002): on SQLite the FTS5 table position_fts (its shadow tables
# start with the same name) kept in step by triggers; on PostgreSQL the generated tsvector column
# position.search_vector and its GIN index. Alembic's comparison leaves these alone.
SEARCH_FTS_TABLE = "position_fts"
# The FTS5 table's key beside the position's id (an INTEGER PRIMARY KEY, which VACUUM keeps).
SEARCH_FTS_KEY_TABLE = "position_fts_key"
SEARCH_VECTOR_COLUMN = "search_vector"
SEARCH_VECTOR_INDEX = "ix_position_search_vector"


def is_search_index_object(type_: str, name: str | None) -> bool:
    """Whether a reflected schema object is part of the backend's full-text index."""
    if name is None:
        return False
    if type_ == "table":
        return name == SEARCH_FTS_TABLE or name.startswith(SEARCH_FTS_TABLE + "_")
    if type_ == "column":
        return name == SEARCH_VECTOR_COLUMN
    return type_ == "index" and name == SEARCH_VECTOR_INDEX


class SearchGeneration(SQLModel, table=True):
    """How many writes have touched what the public search shows: a response cached under one
    sum of ``writes`` is current while the sum is unchanged (service/positions/search_cache.py).

    Triggers count the writes (migrations/search_generation.py): on SQLite every row written to
    slot 0; on PostgreSQL each writing transaction once, in the slot of its server process
    (``pg_backend_pid()``), so that concurrent writers never wait for one another's row. The sum
    only grows; the nightly compaction folds the process slots into slot 0 without changing it.
    """

    __tablename__ = "search_generation"

    slot: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    writes: int = Field(default=0, sa_type=BigInteger)


class SearchRegionGeneration(SQLModel, table=True):
    """How many writes have touched the positions of one region (migration 0025): a search's
    kept answer for region R is current while ``SearchGeneration``'s sum and the sum of these
    rows over the codes inside R are unchanged; an unfiltered search sums every row.

    Triggers count (migrations/search_region_generation.py) under the position's region code
    before and after the write; on PostgreSQL each (transaction, region) once, in the slot of its
    server process. The sums only grow; the nightly compaction folds the slots into slot 0.
    """

    __tablename__ = "search_region_generation"

    region_code: str = Field(primary_key=True, max_length=6)
    slot: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    writes: int = Field(default=0, sa_type=BigInteger)


class SearchChange(SQLModel, table=True):
    """A position written (migration 0030): appended by triggers on the positions, the majors
    they ask for and their enterprises (migrations/search_changes.py), read by each process's
    search index past the last row it applied (service/positions/text_index.py). A row without
    a position id means "anything may have changed" (a TRUNCATE). Rows older than a day are
    deleted by the nightly job."""

    __tablename__ = "search_change"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: int | None = Field(default=None, primary_key=True)
    position_id: uuid.UUID | None = Field(default=None)
    # PostgreSQL: the writing transaction (pg_current_xact_id), to find the rows of transactions
    # that were in flight when a reader last looked (sequence order is not commit order there).
    xid: int | None = Field(default=None, sa_type=BigInteger, index=True)
    changed_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(), server_default=text("CURRENT_TIMESTAMP"), nullable=False),
    )


class PositionMajor(SQLModel, table=True):
    """A major a position asks for; a position asking for k majors gives headcount / k to each."""

    __tablename__ = "position_major"

    position_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("position.id", ondelete="CASCADE")], primary_key=True
    )
    major_code: str = Field(foreign_key="major.code", primary_key=True, max_length=8, index=True)


class PositionMajorClass(SQLModel, table=True):
    """A 专业类 a position asks for as a whole (any major of the class will do); its demand counts
    for each of the class's majors at the profile's ``class_demand_discount``."""

    __tablename__ = "position_major_class"

    position_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("position.id", ondelete="CASCADE")], primary_key=True
    )
    class_code: str = Field(primary_key=True, max_length=4, index=True)


class DemandForecast(SQLModel, table=True):
    """人才需求发布: a headcount an enterprise, park or government expects to need."""

    __tablename__ = "demand_forecast"
    __table_args__ = (UniqueConstraint("publisher_id", "target_code", "region_code", "year"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    publisher_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    # A major, a 专业类 (class_code) or an occupation; target_code repeats the one given so the
    # natural key is unique on both databases (NULLs are distinct in a PostgreSQL unique
    # constraint).
    major_code: str | None = Field(default=None, foreign_key="major.code", max_length=8, index=True)
    class_code: str | None = Field(default=None, max_length=4, index=True)
    occupation_code: str | None = Field(default=None, foreign_key="occupation.code", max_length=16)
    target_code: str = Field(max_length=16)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    year: int = Field(index=True)
    headcount: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
