from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from models import Role
from service.organizations.schemas import OrganizationFields, OrganizationPublic


class Token(BaseModel):
    access_token: str = Field(description="Bearer 令牌")
    token_type: str = Field(default="bearer", description="令牌类型")


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="用户编号")
    username: str = Field(description="用户名")
    role: Role = Field(description="角色")
    organization_id: uuid.UUID | None = Field(description="所属机构编号")
    display_name: str | None = Field(description="显示名称")


class RegisterRequest(BaseModel):
    """Self-registration of an enterprise or a school with its first account."""

    model_config = ConfigDict(extra="forbid")

    organization: OrganizationFields = Field(description="注册的机构（企业或学校）")
    username: str = Field(
        min_length=3,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.@-]+$",
        description="用户名（3–64位字母、数字或 _ . @ -）",
    )
    password: str = Field(max_length=128, description="密码（不少于8位）")
    display_name: str | None = Field(default=None, max_length=64, description="显示名称")


class RegisterResult(BaseModel):
    organization: OrganizationPublic = Field(description="新注册的机构（待审核）")
    user: UserPublic = Field(description="机构的第一个账户")


class PasswordChange(BaseModel):
    """A user's change of its own password."""

    model_config = ConfigDict(extra="forbid")

    old_password: str = Field(max_length=128, description="当前密码")
    new_password: str = Field(max_length=128, description="新密码（不少于8位）")
