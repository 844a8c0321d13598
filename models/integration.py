"""产教融合型企业: an enterprise's yearly investment in vocational education and taxes paid."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, DateTime, Numeric, UniqueConstraint
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
