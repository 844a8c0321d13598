"""Policy profiles (thresholds as data), their assignment to regions, and warning snapshots."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import JSONType, utcnow


class PolicyProfile(SQLModel, table=True):
    """A set of thresholds for the major warnings (national, anhui-2023, tianjin-2009 …)."""

    __tablename__ = "policy_profile"

    key: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=128)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType, nullable=False))


class RegionPolicy(SQLModel, table=True):
    """The profile a region has chosen; regions without one use their province's, then national."""

    __tablename__ = "region_policy"

    region_code: str = Field(foreign_key="region.code", primary_key=True, max_length=6)
    profile_key: str = Field(foreign_key="policy_profile.key", max_length=32)


class WarningSnapshot(SQLModel, table=True):
    """One stored assessment of a major in a region and year, for year-on-year comparison."""

    __tablename__ = "warning_snapshot"
    __table_args__ = (UniqueConstraint("region_code", "year", "profile_key", "major_code"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    year: int
    profile_key: str = Field(foreign_key="policy_profile.key", max_length=32)
    major_code: str = Field(foreign_key="major.code", max_length=8)
    action: str = Field(sa_type=String(16))
    figures: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    reasons: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    computed_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
