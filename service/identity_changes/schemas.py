"""Request and response bodies of identity change requests (身份信息变更申请)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models import OrganizationKind
from models.validators import normalize_code
from service.fields import InputModel, NonBlank, UtcDatetime

RequestStatus = Literal["pending", "approved", "refused"]


def _stripped(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


class IdentityChangeCreate(InputModel):
    """An organisation's request: the identity fields it wants changed, and why."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=128, description="新的机构名称")
    code: str | None = Field(
        default=None, max_length=32, description="新的统一社会信用代码或学校标识码"
    )
    region_code: str | None = Field(default=None, description="新的所在地行政区划代码（6位）")
    kind: OrganizationKind | None = Field(default=None, description="新的机构类型")
    reason: NonBlank = Field(min_length=1, max_length=500, description="变更理由（如工商变更登记）")

    @field_validator("code", "region_code")
    @classmethod
    def _normalize_code(cls, value: str | None) -> str | None:
        stripped = _stripped(value)
        return normalize_code(stripped) if stripped else None

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str | None) -> str | None:
        return _stripped(value)

    @field_validator("reason")
    @classmethod
    def _strip_reason(cls, value: str) -> str:
        stripped = value.strip()
        if not stripped:
            raise ValueError("请填写变更理由")
        return stripped


class IdentityChangeRefusal(InputModel):
    """A regulator's refusal: the reason is required (the organisation reads it)."""

    model_config = ConfigDict(extra="forbid")

    reason: NonBlank = Field(min_length=1, max_length=500, description="驳回理由（机构可见）")

    @field_validator("reason")
    @classmethod
    def _strip_reason(cls, value: str) -> str:
        stripped = value.strip()
        if not stripped:
            raise ValueError("请填写驳回理由")
        return stripped


class IdentityChangePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="申请编号")
    organization_id: uuid.UUID = Field(description="申请机构编号")
    changes: dict[str, str] = Field(description="申请变更的字段及新值")
    before: dict[str, str] = Field(description="申请时这些字段的原值")
    reason: str = Field(description="变更理由")
    status: RequestStatus = Field(
        description="状态：pending 待审核 / approved 已批准 / refused 已驳回"
    )
    requested_at: UtcDatetime = Field(description="申请时间")
    decided_at: UtcDatetime | None = Field(description="审核时间")
    decision_reason: str | None = Field(description="驳回理由")


class IdentityChangesPublic(BaseModel):
    data: list[IdentityChangePublic] = Field(description="本页申请")
    count: int = Field(description="符合条件的申请总数")
