"""Bodies of the student endpoints. Name and phone are filled masked or not by the operations."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from models import PositionKind
from service.catalog.schemas import MajorResolutionPublic
from service.fields import InputModel, UtcDatetime

PHONE_PATTERN = r"^\+?[0-9][0-9-]{6,19}$"
MIN_YEAR = 1990
MAX_YEAR = 2100

Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Certificate = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
RegionCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=PHONE_PATTERN)]


class StudentCreate(InputModel):
    """A student a school registers; the account is created with it."""

    model_config = ConfigDict(extra="forbid")

    student_no: str = Field(
        min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="学号"
    )
    name: Name = Field(description="姓名（个人信息，仅本人、本校及其投递的企业可见）")
    phone: Phone | None = Field(default=None, description="手机号（个人信息）")
    birth_date: date | None = Field(
        default=None, description="出生日期（个人信息，学校填写；未满16周岁不得实习或当学徒）"
    )
    major: str = Field(min_length=1, max_length=64, description="专业代码或名称（按学校层次识别）")
    graduation_year: int = Field(ge=MIN_YEAR, le=MAX_YEAR, description="毕业年份")
    skills: list[Skill] = Field(default_factory=list, max_length=50, description="技能")
    preferred_regions: list[RegionCode] = Field(
        default_factory=list, max_length=20, description="意向地区（行政区划代码）"
    )


class StudentUpdate(InputModel):
    """A school's edit of its student; every field optional."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = Field(default=None, description="姓名")
    phone: Phone | None = Field(default=None, description="手机号（null 清除）")
    birth_date: date | None = Field(default=None, description="出生日期（null 清除）")
    major: str | None = Field(default=None, min_length=1, max_length=64, description="专业")
    graduation_year: int | None = Field(default=None, ge=MIN_YEAR, le=MAX_YEAR)
    skills: list[Skill] | None = Field(default=None, max_length=50, description="技能")
    preferred_regions: list[RegionCode] | None = Field(default=None, max_length=20)


class ProfileUpdate(InputModel):
    """What a student edits of its own profile."""

    model_config = ConfigDict(extra="forbid")

    phone: Phone | None = Field(default=None, description="手机号（null 清除）")
    skills: list[Skill] | None = Field(default=None, max_length=50, description="技能")
    certificates: list[Certificate] | None = Field(
        default=None, max_length=20, description="职业技能等级证书"
    )
    preferred_regions: list[RegionCode] | None = Field(
        default=None, max_length=20, description="意向地区（行政区划代码）"
    )
    preferred_kinds: list[PositionKind] | None = Field(
        default=None, max_length=3, description="意向岗位类型：apprenticeship / internship / job"
    )
    introduction: str | None = Field(default=None, max_length=500, description="自我介绍")


class StudentPublic(BaseModel):
    id: uuid.UUID = Field(description="学生编号")
    school_id: uuid.UUID = Field(description="学校编号")
    school_name: str = Field(description="学校名称")
    student_no: str = Field(description="学号")
    name: str = Field(description="姓名（无权查看者看到脱敏后的值，如 张*）")
    phone: str | None = Field(description="手机号（无权查看者看到脱敏后的值，如 138****1234）")
    birth_date: date | None = Field(
        default=None, description="出生日期（个人信息；无权查看者看到 null）"
    )
    masked: bool = Field(description="姓名、手机号和出生日期是否已脱敏")
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    graduation_year: int = Field(description="毕业年份")
    skills: list[str] = Field(description="技能")
    certificates: list[str] = Field(description="职业技能等级证书")
    preferred_regions: list[str] = Field(description="意向地区")
    preferred_kinds: list[PositionKind] = Field(description="意向岗位类型")
    introduction: str = Field(description="自我介绍")
    username: str | None = Field(description="登录用户名")
    updated_at: UtcDatetime = Field(description="更新时间")


class StudentsPublic(BaseModel):
    data: list[StudentPublic]
    count: int = Field(description="符合条件的总数")


class StudentCreated(BaseModel):
    student: StudentPublic = Field(description="新建的学生")
    username: str = Field(description="登录用户名：学校标识码-学号")
    initial_password: str = Field(description="初始密码（只显示这一次，请转交学生并提醒修改）")
    major_resolution: MajorResolutionPublic = Field(description="专业识别结果")


class InitialPassword(BaseModel):
    """The account made for one imported student; the password is shown once."""

    student_no: str = Field(description="学号")
    school_code: str = Field(description="学校标识码")
    username: str = Field(description="登录用户名")
    initial_password: str = Field(description="初始密码（只显示这一次）")
