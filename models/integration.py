"""产教融合型企业: an enterprise's yearly investment in vocational education and taxes paid."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, DateTime, ForeignKey, Index, Numeric, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.base import JSONType, utcnow


class EnterpriseTaxYear(SQLModel, table=True):
    """One year's qualifying investment and the VAT and consumption tax an enterprise paid (元)."""

    __tablename__ = "enterprise_tax_year"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    enterprise_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    year: int
    qualifying_investment: Decimal = Field(sa_type=Numeric(16, 2))
    vat_paid: Decimal = Field(sa_type=Numeric(16, 2))
    consumption_tax_paid: Decimal = Field(sa_type=Numeric(16, 2))
    source: str = Field(default="", max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Alliance(SQLModel, table=True):
    """市域产教联合体: a park and a government leading schools, enterprises and institutes."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=128, unique=True)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    park_id: uuid.UUID = Field(foreign_key="organization.id")
    government_id: uuid.UUID = Field(foreign_key="organization.id")
    school_codes: list[str] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    enterprise_codes: list[str] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    research_institutions: list[str] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    lead_industries: list[str] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class IntegrationApplication(SQLModel, table=True):
    """An enterprise's application to be a 产教融合型企业: its claimed evidence and where it stands.

    ``status`` moves submitted → cultivation (培育库) → certified (认定), or to refused with a
    reason; each move is kept in ``integration_application_event``.
    """

    __tablename__ = "integration_application"
    # One open application per enterprise, also when two arrive at the same moment: the check in
    # the operation reads before either is written, this index refuses the second.
    __table_args__ = (
        Index(
            "uq_integration_application_open",
            "enterprise_id",
            unique=True,
            sqlite_where=text("status <> 'refused'"),
            postgresql_where=text("status <> 'refused'"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    enterprise_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    status: str = Field(max_length=16, index=True)
    cooperation_years: int
    partner_programmes: int
    apprentices: int
    interns: int
    investment: Decimal = Field(sa_type=Numeric(16, 2))
    statement: str = Field(default="", sa_type=Text)
    refusal_reason: str | None = Field(default=None, max_length=500)
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class IntegrationApplicationEvent(SQLModel, table=True):
    """One step of an application's history: who moved it from which state to which, and why."""

    __tablename__ = "integration_application_event"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    application_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("integration_application.id", ondelete="CASCADE")], index=True
    )
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    reason: str = Field(default="", max_length=500)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
