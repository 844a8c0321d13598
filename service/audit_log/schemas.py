from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from service.fields import UtcDatetime


@dataclass(frozen=True)
class AuditFilters:
    entity: str | None = None
    entity_id: str | None = None
    action: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditEntryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="记录编号")
    at: UtcDatetime = Field(description="时间")
    actor_id: uuid.UUID | None = Field(description="操作账户编号（命令行与定时任务为空）")
    actor: str = Field(description="操作者（用户名或 cli / scheduler 等）")
    action: str = Field(description="动作，如 create、update、publish_refused")
    entity: str = Field(description="对象类型，如 organization、position")
    entity_id: str = Field(description="对象编号")
    before: dict[str, Any] | None = Field(description="修改前")
    after: dict[str, Any] | None = Field(description="修改后")


class AuditEntriesPublic(BaseModel):
    data: list[AuditEntryPublic] = Field(description="本页记录（新的在前）")
    count: int = Field(description="符合条件的记录总数")
