"""Bodies of the 市域产教联合体 and its monitoring indicators."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from service.fields import InputModel, UtcDatetime


class AllianceIn(InputModel):
    name: str = Field(min_length=1, max_length=128, description="联合体名称")
    region_code: str = Field(min_length=6, max_length=6, description="所在地区（行政区划代码）")
    park_code: str = Field(min_length=1, max_length=32, description="牵头园区的机构代码")
    government_code: str = Field(min_length=1, max_length=32, description="牵头政府部门的机构代码")
    school_codes: list[str] = Field(min_length=1, max_length=5000, description="成员学校标识码")
    enterprise_codes: list[str] = Field(
        min_length=1, max_length=20000, description="成员企业统一社会信用代码"
    )
    research_institutions: list[str] = Field(
        default_factory=list, max_length=100, description="成员科研机构名称"
    )
    lead_industries: list[str] = Field(
        min_length=1, max_length=20, description="主导产业（重点产业编号）"
    )


class AlliancePublic(BaseModel):
    id: uuid.UUID
    name: str
    region_code: str
    park_code: str
    park_name: str
    government_code: str
    government_name: str
    school_codes: list[str]
    enterprise_codes: list[str]
    research_institutions: list[str]
    lead_industries: list[str]
    created_at: UtcDatetime


class Indicator(BaseModel):
    code: str = Field(description="指标编号（教职成厅函〔2023〕15号附件1）")
    name: str = Field(description="指标名称")
    definition: str = Field(description="计算方法")
    numerator: float = Field(description="分子")
    denominator: float = Field(description="分母")
    value: float | None = Field(description="指标值（分母为零时为空）")
    figures: dict[str, float | int | str | None] = Field(description="其他数据")


class AllianceIndicators(BaseModel):
    alliance_id: uuid.UUID
    name: str
    year: int
    indicators: list[Indicator]
