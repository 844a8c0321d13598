"""Bodies of the message endpoints."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from service.fields import InputModel, UtcDatetime

MAX_LENGTH = 1000


class MessageCreate(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: str = Field(
        min_length=1, max_length=MAX_LENGTH, description="消息内容（1–1000字，不含控制字符）"
    )


class MessagePublic(BaseModel):
    id: uuid.UUID = Field(description="消息编号")
    application_id: uuid.UUID = Field(description="申请编号")
    sender_role: str = Field(description="发送方：student 学生 / enterprise 企业")
    sender_label: str = Field(description="发送方（中文）")
    mine: bool = Field(description="是否为当前用户发送")
    body: str = Field(description="内容")
    created_at: UtcDatetime = Field(description="发送时间")


class MessagesPublic(BaseModel):
    data: list[MessagePublic]
    count: int = Field(description="消息数")
