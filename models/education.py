"""The school side: programmes (enrolment plans), graduate cohorts and students."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, UniqueConstraint
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
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


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
