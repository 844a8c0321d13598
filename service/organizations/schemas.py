"""Request and response bodies of the organisation endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models import OrganizationKind, OrganizationStatus
from models.base import MAX_COUNT
from models.validators import normalize_code
from service.fields import Documented, InputModel, NonNegative, Password, RegionCode, UtcDatetime

SchoolLevel = Annotated[str, Documented(enum=["中职", "高职专科", "职教本科"])]


def _strip(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


class OrganizationFields(InputModel):
    """The fields an organisation gives about itself (self-registration uses exactly these)."""

    model_config = ConfigDict(extra="forbid")

    kind: OrganizationKind = Field(
        description="机构类型：enterprise 企业 / school 学校 / park 园区 / government 政府"
    )
    code: str = Field(
        min_length=1,
        max_length=32,
        description="企业为统一社会信用代码（18位），学校为学校标识码（10位数字）",
    )
    name: str = Field(min_length=1, max_length=128, description="机构名称")
    region_code: RegionCode = Field(description="所在地行政区划代码（GB/T 2260，6位）")
    industry_code: str | None = Field(
        default=None, description="所属行业代码（GB/T 4754-2017），企业必填"
    )
    level: SchoolLevel | None = Field(
        default=None, description="办学层次（学校必填）：中职 / 高职专科 / 职教本科"
    )
    staff_count: NonNegative | None = Field(
        default=None, le=MAX_COUNT, description="在岗职工总数（企业必填，不小于0）"
    )

    @field_validator("code", "region_code")
    @classmethod
    def _normalize_code(cls, value: str) -> str:
        return normalize_code(value)

    @field_validator("industry_code")
    @classmethod
    def _normalize_optional_code(cls, value: str | None) -> str | None:
        stripped = _strip(value)
        return normalize_code(stripped) if stripped else None

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        stripped = value.strip()
        if not stripped:
            raise ValueError("机构名称不能为空")
        return stripped

    @field_validator("level")
    @classmethod
    def _strip_level(cls, value: str | None) -> str | None:
        return _strip(value)


class OrganizationCreate(OrganizationFields):
    """An organisation a regulator or an admin loads (verified by that act)."""

    is_integration_enterprise: bool = Field(default=False, description="是否产教融合型企业")


class OrganizationUpdate(InputModel):
    """Changes to an organisation; kind and code are its identity and do not change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=128, description="机构名称")
    region_code: RegionCode | None = Field(default=None, description="所在地行政区划代码")
    industry_code: str | None = Field(default=None, description="所属行业代码（GB/T 4754-2017）")
    level: SchoolLevel | None = Field(default=None, description="办学层次（学校）")
    staff_count: int | None = Field(
        default=None, ge=0, le=MAX_COUNT, description="在岗职工总数（企业）"
    )
    is_integration_enterprise: bool | None = Field(
        default=None, description="是否产教融合型企业（仅监管部门和管理员可修改）"
    )

    @field_validator("region_code", "industry_code")
    @classmethod
    def _normalize_code(cls, value: str | None) -> str | None:
        stripped = _strip(value)
        return normalize_code(stripped) if stripped else None

    @field_validator("name", "level")
    @classmethod
    def _strip_text(cls, value: str | None) -> str | None:
        return _strip(value)


class OrganizationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="机构编号")
    kind: OrganizationKind = Field(description="机构类型")
    code: str = Field(description="统一社会信用代码或学校标识码")
    name: str = Field(description="机构名称")
    region_code: str = Field(description="所在地行政区划代码")
    industry_code: str | None = Field(description="所属行业代码")
    level: str | None = Field(description="办学层次（学校）")
    staff_count: int | None = Field(description="在岗职工总数（企业）")
    status: OrganizationStatus = Field(
        description="状态：pending 待审核 / verified 已审核 / suspended 已暂停"
    )
    is_integration_enterprise: bool = Field(description="是否产教融合型企业")
    created_at: UtcDatetime = Field(description="创建时间")
    verified_at: UtcDatetime | None = Field(description="审核通过时间")


class OrganizationsPublic(BaseModel):
    data: list[OrganizationPublic] = Field(description="本页机构")
    count: int = Field(description="符合条件的机构总数")


class RegisterRequest(InputModel):
    """Self-registration of an enterprise or a school with its first account."""

    model_config = ConfigDict(extra="forbid")

    organization: OrganizationFields = Field(description="注册的机构（企业或学校）")
    username: str = Field(
        min_length=3,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.@-]+$",
        description="用户名（3–64位字母、数字或 _ . @ -）",
    )
    password: Password = Field(
        max_length=128, description="密码（不少于10位，不能是常见密码或包含用户名）"
    )
    display_name: str | None = Field(default=None, max_length=64, description="显示名称")


class RegisterResult(BaseModel):
    """The same answer whether or not the user name was free: registration reveals no accounts."""

    status: Literal["submitted"] = Field(description="注册申请已提交，待所在地监管部门审核")
    reference: uuid.UUID = Field(description="受理编号（即待审核机构的编号），咨询审核进度时提供")
    message: str = Field(description="提示")
