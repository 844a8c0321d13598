"""Request and response bodies of password resets (找回密码、重置密码)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from service.fields import InputModel


class ResetRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64, description="用户名")


class ResetRequested(BaseModel):
    message: str = Field(description="结果说明（账户是否存在，回答都相同）")


class ResetConfirm(InputModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=128, description="邮件链接中的重置令牌")
    new_password: str = Field(
        max_length=128, description="新密码（不少于10位，不能是常见密码或包含用户名）"
    )


class AccountReset(InputModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64, description="要重置密码的本机构账户用户名")


class PasswordIssued(BaseModel):
    """A new password set by a school or a regulator: shown this once, never stored in clear."""

    username: str = Field(description="账户用户名")
    new_password: str = Field(
        description="新的初始密码（只显示这一次，请当面或以安全方式转交，并提醒登录后修改）"
    )
    sessions_revoked: int = Field(description="随之注销的登录数")
