"""Request and response bodies of favourites (收藏) and saved searches (保存的搜索)."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.fields import InputModel
from service.notifications.schemas import UtcDatetime
from service.positions.schemas import PositionPublic, PositionSearch


class FavoritePublic(BaseModel):
    position_id: uuid.UUID = Field(description="岗位编号")
    created_at: UtcDatetime = Field(description="收藏时间")
    available: bool = Field(
        description="岗位是否仍可查看（企业被暂停或岗位下线后为否，仅保留收藏记录）"
    )
    accepting_applications: bool = Field(
        description="是否仍可投递（已关闭、已招满或已过截止日期为否）"
    )
    status_label: str = Field(description="岗位状态（中文），如 招聘中 / 已关闭 / 已招满 / 已截止")
    position: PositionPublic | None = Field(description="岗位（不可查看时为空）")


class FavoritesPage(BaseModel):
    data: list[FavoritePublic] = Field(description="收藏的岗位，新收藏的在前")
    count: int = Field(description="收藏总数")


class SavedSearchCreate(InputModel):
    """A search kept under a name: the filters of the position search, as searched."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, description="名称，如“重庆 数控 实习”")
    search: PositionSearch = Field(description="检索条件（与岗位检索的参数相同）")

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        stripped = value.strip()
        if not stripped:
            raise ValueError("请填写名称")
        return stripped


class SavedSearchPublic(BaseModel):
    id: uuid.UUID = Field(description="编号")
    name: str = Field(description="名称")
    search: dict[str, Any] = Field(description="检索条件")
    query_string: str = Field(description="岗位大厅的检索链接参数（/positions?…）")
    created_at: UtcDatetime = Field(description="保存时间")
    last_run_at: UtcDatetime = Field(description="上次检查新岗位的时间")


class SavedSearchesPublic(BaseModel):
    data: list[SavedSearchPublic] = Field(description="保存的搜索，新的在前")
    count: int = Field(description="总数")
