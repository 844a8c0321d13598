"""Bodies of the application endpoints."""

from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from models import ApplicationStatus, PositionKind, PositionStatus
from service.fields import InputModel, UtcDatetime


class ApplicationAction(StrEnum):
    review = "review"
    interview = "interview"  # through POST /applications/{id}/interviews, which says when and where
    offer = "offer"
    reject = "reject"
    accept = "accept"
    decline = "decline"
    withdraw = "withdraw"


class ApplicationCreate(InputModel):
    """A student's application; applying consents to share name and phone with the enterprise."""

    model_config = ConfigDict(extra="forbid")

    position_id: uuid.UUID = Field(description="岗位编号")
    message: str = Field(default="", max_length=1000, description="附言")
    job_fair_id: uuid.UUID | None = Field(
        default=None,
        description="经由哪场双选会投递（可选；该岗位须在这场双选会已通过的展位上）",
    )


class ApplicationPosition(BaseModel):
    id: uuid.UUID = Field(description="岗位编号")
    title: str = Field(description="岗位名称")
    kind: PositionKind = Field(description="岗位类型")
    status: PositionStatus = Field(description="岗位状态")
    headcount: int = Field(description="招聘人数")
    enterprise_id: uuid.UUID = Field(description="企业编号")
    enterprise_name: str = Field(description="企业名称")


class ApplicationStudent(BaseModel):
    id: uuid.UUID = Field(description="学生编号")
    school_id: uuid.UUID = Field(description="学校编号")
    school_name: str = Field(description="学校名称")
    name: str = Field(description="姓名（仅本人、本校和该申请的企业可见，其他人看到脱敏值）")
    phone: str | None = Field(description="手机号（同上）")
    masked: bool = Field(description="姓名和手机号是否已脱敏")
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    graduation_year: int = Field(description="毕业年份")
    skills: list[str] = Field(description="技能")
    certificates: list[str] = Field(description="职业技能等级证书")
    introduction: str = Field(description="自我介绍")


class ApplicationPublic(BaseModel):
    id: uuid.UUID = Field(description="申请编号")
    status: ApplicationStatus = Field(description="申请状态")
    status_label: str = Field(description="申请状态（中文）")
    message: str = Field(description="附言")
    consent_at: UtcDatetime = Field(description="学生同意向该企业提供姓名和手机号的时间")
    consent_recipient: str = Field(description="个人信息的接收方（该岗位的企业）")
    created_at: UtcDatetime = Field(description="投递时间")
    updated_at: UtcDatetime = Field(description="最近更新时间")
    job_fair_id: uuid.UUID | None = Field(description="经由的双选会编号（如有）")
    position: ApplicationPosition = Field(description="岗位")
    student: ApplicationStudent = Field(description="学生")


class ApplicationsPublic(BaseModel):
    data: list[ApplicationPublic]
    count: int = Field(description="符合条件的总数")
