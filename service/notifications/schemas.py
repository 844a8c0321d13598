"""Request and response bodies of notifications (通知)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from service.fields import InputModel
from service.notifications.kinds import NotificationKind


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
"""A timestamp that leaves the API with its UTC offset, on SQLite as on PostgreSQL."""


class NotificationPublic(BaseModel):
    id: uuid.UUID = Field(description="通知编号")
    kind: str = Field(description="通知类型")
    kind_label: str = Field(description="通知类型（中文）")
    title: str = Field(description="标题")
    body: str = Field(description="内容")
    link: str | None = Field(description="相关页面（站内路径）")
    created_at: UtcDatetime = Field(description="发出时间")
    read: bool = Field(description="是否已读")
    read_at: UtcDatetime | None = Field(description="阅读时间")


class NotificationsPage(BaseModel):
    data: list[NotificationPublic] = Field(description="本页通知，新的在前")
    count: int = Field(description="符合条件的通知总数")
    unread: int = Field(description="未读通知数")


class ReadAll(BaseModel):
    marked: int = Field(description="本次标为已读的通知数")
    unread: int = Field(description="剩余未读通知数")


class PreferencePublic(BaseModel):
    kind: str = Field(description="通知类型")
    label: str = Field(description="通知类型（中文）")
    in_site: bool = Field(description="站内通知（始终发送）")
    mail: bool = Field(description="是否同时发送邮件")


class PreferencesPublic(BaseModel):
    email: str | None = Field(description="接收邮件的电子邮箱（未填写则不发邮件）")
    mail_available: bool = Field(description="平台是否已配置邮件发送（未配置时只有站内通知）")
    preferences: list[PreferencePublic] = Field(description="各类通知的设置")


EMAIL_PATTERN = (
    r'^ *$|^ *[^@\s<>,;"\x00-\x1f\x7f]+@[^@\s<>,;"\x00-\x1f\x7f]+\.[^@\s<>,;"\x00-\x1f\x7f]+ *$'
)


class PreferencesUpdate(InputModel):
    """Mail on or off per kind, and the address mail goes to."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(
        default=None,
        max_length=254,
        # The shape notifications.operations.email_problem checks, stated in the schema.
        json_schema_extra={"pattern": EMAIL_PATTERN},
        description="电子邮箱（空字符串表示删除；不填则不变）",
    )
    mail: dict[NotificationKind, bool] | None = Field(
        default=None, description='按通知类型开关邮件提醒，如 {"application_offered": false}'
    )
