"""Bodies of the interview endpoints."""

from __future__ import annotations

import uuid
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from models import InterviewStatus
from service.fields import InputModel, UtcDatetime

MIN_MINUTES = 10
MAX_MINUTES = 8 * 60


class InterviewCreate(InputModel):
    """An interview the enterprise proposes: when (with its time zone), how long, where."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    starts_at: AwareDatetime = Field(
        description="面试开始时间（须含时区，如 2027-03-01T14:00:00+08:00；不得早于当前时间）"
    )
    duration_minutes: int = Field(
        default=30, ge=MIN_MINUTES, le=MAX_MINUTES, description="面试时长（分钟，10–480）"
    )
    place: str | None = Field(
        default=None, max_length=200, description="面试地点（与线上链接二选一或都填）"
    )
    online_link: HttpUrl | None = Field(default=None, description="线上面试链接（http/https）")
    note: str = Field(default="", max_length=1000, description="给学生的说明（如需携带的材料）")

    @model_validator(mode="after")
    def _somewhere(self) -> Self:
        if not (self.place or self.online_link):
            raise ValueError("请填写面试地点或线上面试链接")
        return self


class InterviewUpdate(InputModel):
    """Rescheduling: the fields given replace the old ones; the student confirms again."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    starts_at: AwareDatetime | None = Field(default=None, description="新的面试开始时间（含时区）")
    duration_minutes: int | None = Field(
        default=None, ge=MIN_MINUTES, le=MAX_MINUTES, description="面试时长（分钟）"
    )
    place: str | None = Field(default=None, max_length=200, description="面试地点")
    online_link: HttpUrl | None = Field(default=None, description="线上面试链接")
    note: str | None = Field(default=None, max_length=1000, description="说明")


class InterviewPublic(BaseModel):
    id: uuid.UUID = Field(description="面试编号")
    application_id: uuid.UUID = Field(description="申请编号")
    starts_at: UtcDatetime = Field(description="开始时间（UTC）")
    starts_at_local: str = Field(description="开始时间（北京时间，便于阅读）")
    ends_at: UtcDatetime = Field(description="结束时间（UTC）")
    duration_minutes: int = Field(description="时长（分钟）")
    place: str | None = Field(description="地点")
    online_link: str | None = Field(description="线上链接")
    note: str = Field(description="说明")
    status: InterviewStatus = Field(description="面试状态")
    status_label: str = Field(description="面试状态（中文）")
    sequence: int = Field(description="改期次数（iCalendar SEQUENCE）")
    position_title: str = Field(description="岗位名称")
    enterprise_name: str = Field(description="企业名称")
    created_at: UtcDatetime = Field(description="提出时间")
    updated_at: UtcDatetime = Field(description="最近更新时间")
    ics_url: str = Field(description="日历文件（.ics）下载地址")


class InterviewsPublic(BaseModel):
    data: list[InterviewPublic]
    count: int = Field(description="总数")
