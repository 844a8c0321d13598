"""The school side: programmes (enrolment plans), graduate cohorts and students."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, ForeignKey, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import JSONType, utcnow


class Programme(SQLModel, table=True):
    """A school's run of a catalogue major in one year, with its enrolment plan."""

    __table_args__ = (UniqueConstraint("school_id", "major_code", "year"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    school_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    major_code: str = Field(foreign_key="major.code", max_length=8, index=True)
    year: int = Field(index=True)
    enrolment_plan: int
    enrolled: int | None = None
    practical_hours_share: float | None = None  # 实践性教学课时占比 (0–1)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class PartnerKind(StrEnum):
    """How an enterprise takes part in a programme."""

    cooperation = "cooperation"  # 校企合作
    order_training = "order_training"  # 订单培养
    apprenticeship = "apprenticeship"  # 学徒制


PARTNER_KIND_LABELS = {
    PartnerKind.cooperation: "校企合作",
    PartnerKind.order_training: "订单培养",
    PartnerKind.apprenticeship: "学徒制",
}


class ProgrammePartner(SQLModel, table=True):
    """An enterprise partner of a programme, in one way (an enterprise may partner in several)."""

    __tablename__ = "programme_partner"

    programme_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("programme.id", ondelete="CASCADE")], primary_key=True
    )
    enterprise_id: uuid.UUID = Field(foreign_key="organization.id", primary_key=True, index=True)
    kind: PartnerKind = Field(sa_type=String(16), primary_key=True)


class Cohort(SQLModel, table=True):
    """The graduates of one school and major in one year, and where they went."""

    __table_args__ = (UniqueConstraint("school_id", "major_code", "graduation_year"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    school_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    major_code: str = Field(foreign_key="major.code", max_length=8, index=True)
    graduation_year: int = Field(index=True)
    graduates: int
    placed: int  # 去向落实人数
    in_field: int  # 对口就业人数
    further_study: int = 0
    avg_monthly_salary: float | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Student(SQLModel, table=True):
    """A student, with minimal personal data (PIPL Art. 6): a name and an optional phone, no ID
    numbers. Name and phone are shown unmasked only to the student, its school and an enterprise
    inside an application the student made (PIPL Art. 23); everywhere else they are masked."""

    __table_args__ = (UniqueConstraint("school_id", "student_no"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    school_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    student_no: str = Field(max_length=32)  # 学号, unique within its school
    name: str = Field(default="", max_length=64)
    phone: str | None = Field(default=None, max_length=20)
    # Entered by the school; personal data like the name and the phone. It decides the under-16
    # rule (no internship or apprenticeship before 16, 禁止使用童工规定).
    birth_date: date | None = None
    major_code: str = Field(foreign_key="major.code", max_length=8, index=True)
    graduation_year: int
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    preferred_regions: list[str] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    certificates: list[str] = Field(  # 职业技能等级证书
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    preferred_kinds: list[str] = Field(  # PositionKind values
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    introduction: str = Field(default="", max_length=500)
    user_id: uuid.UUID | None = Field(default=None, foreign_key="user.id", unique=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
