"""三张清单: the versions a regulator drafted and published, and the support measures behind
政策支持清单."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import JSONType, utcnow


class ListVersion(SQLModel, table=True):
    """One version of a region's list for a year: its content frozen when drafted.

    A draft becomes published once, keeping its number; the public reads the newest published one.
    """

    __tablename__ = "list_version"
    __table_args__ = (UniqueConstraint("region_code", "kind", "year", "version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    kind: str = Field(max_length=16)
    year: int
    version: int
    status: str = Field(max_length=16)  # draft / published
    content: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    published_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    published_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class PolicyMeasure(SQLModel, table=True):
    """A support measure of 政策支持清单: national (no region) or a region's own.

    Seeded from ``seed/data/policy_support.json`` (rows not yet there only, so a regulator's edits
    survive a reload); withdrawn measures are kept with the time they were withdrawn.
    """

    __tablename__ = "policy_measure"

    key: str = Field(primary_key=True, max_length=64)
    title: str = Field(max_length=200)
    issuer: str = Field(max_length=200)
    document_no: str = Field(max_length=100)
    clause: str = Field(max_length=100)
    kind: str = Field(max_length=8)
    eligible: str = Field(max_length=200)
    amount_cap_wan_yuan: int | None = None
    amount_note: str = Field(max_length=500)
    region_code: str | None = Field(
        default=None, foreign_key="region.code", max_length=6, index=True
    )
    sort_order: int = 0  # the order of the list: the file's order, then as added
    updated_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    withdrawn_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
