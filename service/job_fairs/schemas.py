"""Bodies of the job fair endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from models import BoothStatus
from service.fields import REGION_PATTERN, InputModel, UtcDatetime

MAX_CAPACITY = 100_000
MAX_BOOTH_POSITIONS = 20


class JobFairCreate(InputModel):
    """A 双选会: when, where (a venue, an online link or both), for which region, how many."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=128, description="名称")
    description: str = Field(default="", max_length=2000, description="简介")
    starts_at: AwareDatetime = Field(description="开始时间（含时区，不得早于当前时间）")
    ends_at: AwareDatetime = Field(description="结束时间（含时区，须晚于开始时间）")
    venue: str | None = Field(default=None, max_length=200, description="举办地点")
    online_link: HttpUrl | None = Field(default=None, description="线上双选会链接")
    region_code: Annotated[str, Field(pattern=REGION_PATTERN)] = Field(
        description="面向地区（行政区划代码；监管部门须在管辖范围内）"
    )
    capacity: int = Field(ge=1, le=MAX_CAPACITY, description="学生报名名额")

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if not (self.venue or self.online_link):
            raise ValueError("请填写举办地点或线上链接")
        if self.ends_at <= self.starts_at:
            raise ValueError("结束时间须晚于开始时间")
        return self


class BoothPosition(BaseModel):
    id: uuid.UUID = Field(description="岗位编号")
    title: str = Field(description="岗位名称")
    kind: str = Field(description="岗位类型")
    kind_label: str = Field(description="岗位类型（中文）")
    status: str = Field(description="岗位状态")


class BoothPublic(BaseModel):
    id: uuid.UUID = Field(description="展位编号")
    job_fair_id: uuid.UUID = Field(description="双选会编号")
    enterprise_id: uuid.UUID = Field(description="企业编号")
    enterprise_code: str = Field(description="统一社会信用代码")
    enterprise_name: str = Field(description="企业名称")
    status: BoothStatus = Field(description="展位状态")
    status_label: str = Field(description="展位状态（中文）")
    note: str = Field(description="企业备注")
    decision_reason: str | None = Field(description="未通过的原因")
    positions: list[BoothPosition] = Field(description="带来的岗位")
    created_at: UtcDatetime = Field(description="预订时间")


class BoothCreate(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    position_ids: list[uuid.UUID] = Field(
        min_length=1,
        max_length=MAX_BOOTH_POSITIONS,
        description="带到展位的本企业招聘中岗位（1–20个）",
    )
    note: str = Field(default="", max_length=500, description="备注（如展位需求）")


class BoothRefusal(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=500, description="不予通过的原因")


class RegistrationPublic(BaseModel):
    id: uuid.UUID = Field(description="报名编号")
    job_fair_id: uuid.UUID = Field(description="双选会编号")
    student_id: uuid.UUID = Field(description="学生编号")
    student_name: str = Field(description="姓名（本人和本校可见，其他人看到脱敏值）")
    school_name: str = Field(description="学校")
    major_name: str = Field(description="专业")
    created_at: UtcDatetime = Field(description="报名时间")
    checked_in_at: UtcDatetime | None = Field(description="签到时间")


class RegistrationsPublic(BaseModel):
    data: list[RegistrationPublic]
    count: int = Field(description="报名人数")


class JobFairPublic(BaseModel):
    id: uuid.UUID = Field(description="双选会编号")
    title: str = Field(description="名称")
    description: str = Field(description="简介")
    starts_at: UtcDatetime = Field(description="开始时间")
    ends_at: UtcDatetime = Field(description="结束时间")
    when_local: str = Field(description="时间（北京时间）")
    venue: str | None = Field(description="地点")
    online_link: str | None = Field(description="线上链接")
    region_code: str = Field(description="面向地区代码")
    region_name: str = Field(description="面向地区")
    capacity: int = Field(description="报名名额")
    registered: int = Field(description="已报名人数")
    places_left: int = Field(description="剩余名额")
    organizer_name: str = Field(description="主办方")
    upcoming: bool = Field(description="尚未结束")
    is_organizer: bool = Field(description="当前用户是否为主办方")
    my_registration: RegistrationPublic | None = Field(description="当前学生的报名（如有）")
    my_booth: BoothPublic | None = Field(description="当前企业的展位（如有）")
    booths: list[BoothPublic] = Field(
        description="展位：已通过的；主办方看到全部（含待审核、未通过）"
    )


class JobFairsPublic(BaseModel):
    data: list[JobFairPublic]
    count: int = Field(description="符合条件的总数")


class JobFairFigures(BaseModel):
    job_fair_id: uuid.UUID = Field(description="双选会编号")
    ended: bool = Field(description="是否已结束（未结束时为当前数字）")
    booths: int = Field(description="已通过的展位数")
    booths_pending: int = Field(description="待审核的展位数")
    positions: int = Field(description="展位带来的岗位数")
    places: int = Field(description="这些岗位的招聘人数合计")
    registrations: int = Field(description="学生报名人数")
    check_ins: int = Field(description="签到人数")
    applications: int = Field(description="经由本场投递的申请数")
    interviews: int = Field(description="其中进入面试及之后阶段的申请数")
    offers: int = Field(description="其中获得录用通知的申请数（含已接受、已婉拒）")
    accepted: int = Field(description="其中已接受录用的申请数")
