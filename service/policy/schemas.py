"""Request and response bodies of the policy-profile endpoints."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.fields import InputModel


class PolicyProfilePublic(BaseModel):
    """A stored set of warning thresholds and the policy source of each rule."""

    key: str = Field(description="政策配置编号，如 national、anhui-2023、tianjin-2009")
    name: str = Field(description="政策配置名称")
    description: str = Field(description="适用说明")
    params: dict[str, Any] = Field(description="全部阈值字段及各规则的政策依据（sources）")


class PolicyProfilesPublic(BaseModel):
    data: list[PolicyProfilePublic] = Field(description="本页政策配置")
    count: int = Field(description="政策配置总数")


class RegionPolicyUpdate(InputModel):
    model_config = ConfigDict(extra="forbid")

    profile: str = Field(min_length=1, max_length=32, description="要采用的政策配置编号")


class RegionPolicyPublic(BaseModel):
    """The profile a region's reports use, and where that choice comes from."""

    region_code: str = Field(description="行政区划代码")
    region_name: str = Field(description="地区名称")
    profile_key: str = Field(description="生效的政策配置编号")
    profile_name: str = Field(description="生效的政策配置名称")
    source: Literal["own", "inherited", "default"] = Field(
        description="own 本地区设置 / inherited 沿用上级地区设置 / default 全国默认"
    )
    source_region_code: str | None = Field(description="设置所在的地区代码（default 时为空）")
