"""Request and response bodies of the talent-demand forecasts (人才需求发布)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models import MajorLevel
from service.catalog.schemas import MajorResolutionPublic
from service.fields import InputModel, UtcDatetime


class DemandForecastCreate(InputModel):
    """A headcount the publisher expects to need: of a major or of an occupation, not both."""

    model_config = ConfigDict(extra="forbid")

    major: str | None = Field(
        default=None,
        max_length=64,
        description=(
            "专业代码或名称（按职业教育专业目录识别），或专业类代码、名称（如 5102、计算机类）"
        ),
    )
    major_level: MajorLevel | None = Field(
        default=None, description="按名称识别专业时限定的层次（同名专业跨层次时使用）"
    )
    occupation_code: str | None = Field(
        default=None, max_length=16, description="职业代码（职业分类大典2022，如 6-18-01-01）"
    )
    region_code: str = Field(pattern=r"^\d{6}$", description="需求地行政区划代码")
    year: int = Field(ge=2000, le=2100, description="需求年份")
    headcount: int = Field(ge=1, le=1_000_000, description="需求人数")

    @field_validator("major", "occupation_code")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return value.strip() or None


class DemandFilters(BaseModel):
    major: str | None = Field(default=None, max_length=8, description="专业代码")
    occupation: str | None = Field(default=None, max_length=16, description="职业代码")
    region: str | None = Field(
        default=None, pattern=r"^\d{6}$", description="行政区划代码（含下级区划）"
    )
    year: int | None = Field(default=None, ge=2000, le=2100, description="需求年份")
    publisher_id: uuid.UUID | None = Field(default=None, description="发布机构编号")


class DemandForecastPublic(BaseModel):
    id: uuid.UUID = Field(description="编号")
    publisher_id: uuid.UUID = Field(description="发布机构编号")
    publisher_name: str = Field(description="发布机构名称")
    major_code: str | None = Field(description="专业代码")
    major_name: str | None = Field(description="专业名称")
    occupation_code: str | None = Field(description="职业代码")
    occupation_name: str | None = Field(description="职业名称")
    target_code: str = Field(description="需求对象代码（专业或职业）")
    region_code: str = Field(description="需求地行政区划代码")
    region_name: str = Field(description="需求地名称")
    year: int = Field(description="需求年份")
    headcount: int = Field(description="需求人数")
    created_at: UtcDatetime = Field(description="发布时间")


class DemandForecastSaved(DemandForecastPublic):
    major_resolution: MajorResolutionPublic | None = Field(
        description="专业识别结果（填写名称时请核对）"
    )


class DemandForecastsPublic(BaseModel):
    data: list[DemandForecastPublic] = Field(description="本页需求")
    count: int = Field(description="符合条件的需求总数")
