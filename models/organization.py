"""Organisations (enterprises, schools, parks, governments) and their users."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, String
from sqlmodel import Field, SQLModel

from models.base import JSONType, OrganizationKind, OrganizationStatus, Role, utcnow


class Organization(SQLModel, table=True):
    """An enterprise (统一社会信用代码), a school (学校标识码), a park or a government body."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: OrganizationKind = Field(sa_type=String(16), index=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=128)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    industry_code: str | None = Field(default=None, foreign_key="industry.code", max_length=5)
    level: str | None = Field(default=None, max_length=8)  # schools: 中职 / 高职专科 / 职教本科
    staff_count: int | None = None  # enterprises: 在岗职工总数
    status: OrganizationStatus = Field(
        default=OrganizationStatus.pending, sa_type=String(16), index=True
    )
    is_integration_enterprise: bool = False  # 产教融合型企业
    # Schools: its cohorts' figures are compared with the platform's accepted places (opt-in).
    outcomes_opt_in: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    verified_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class User(SQLModel, table=True):
    """An account; every role but admin and regulator belongs to an organisation."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=256)
    role: Role = Field(sa_type=String(16))
    organization_id: uuid.UUID | None = Field(
        default=None, foreign_key="organization.id", index=True
    )
    display_name: str | None = Field(default=None, max_length=64)
    # Where notifications are mailed and password-reset links sent (optional, validated).
    email: str | None = Field(default=None, max_length=254)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class IdentityChangeRequest(SQLModel, table=True):
    """A verified organisation's request to change its identity (名称、代码、所在地、类型).

    A regulator of its region approves it (the change is applied then) or refuses it with a reason.
    """

    __tablename__ = "identity_change_request"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organization_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    # The requested values (only the fields asked to change) and the values when requested.
    changes: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    before: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    # The region asked for, when the request moves the organisation (the destination's regulators
    # see the request too).
    to_region_code: str | None = Field(default=None, max_length=6)
    reason: str = Field(max_length=500)
    status: str = Field(default="pending", max_length=16, index=True)
    requested_by: uuid.UUID = Field(foreign_key="user.id")
    requested_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    decided_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    decision_reason: str | None = Field(default=None, max_length=500)
