from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from models import Role
from service.fields import InputModel


class Token(BaseModel):
    access_token: str = Field(description="Bearer 访问令牌（短期有效）")
    token_type: str = Field(default="bearer", description="令牌类型")
    refresh_token: str = Field(description="刷新令牌：换取新的访问令牌，注销后失效")
    expires_in: int = Field(description="访问令牌有效秒数")


class RefreshRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=2048, description="刷新令牌")


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="用户编号")
    username: str = Field(description="用户名")
    role: Role = Field(description="角色")
    organization_id: uuid.UUID | None = Field(description="所属机构编号")
    display_name: str | None = Field(description="显示名称")


class PasswordChange(InputModel):
    """A user's change of its own password."""

    model_config = ConfigDict(extra="forbid")

    old_password: str = Field(max_length=128, description="当前密码")
    new_password: str = Field(
        max_length=128, description="新密码（不少于10位，不能是常见密码或包含用户名）"
    )


class Me(UserPublic):
    """The logged-in user, with the region it supervises."""

    supervision_region_code: str | None = Field(
        description="监管范围（行政区划代码，含下级区划）；全国监管或非监管角色为空"
    )
    national: bool = Field(description="是否全国范围的监管部门或管理员（不属于任何机构）")
