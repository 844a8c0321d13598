"""Bodies of the 产教融合型企业 registry: an application's claim, the platform's own evidence."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.fields import InputModel, Money, UtcDatetime

Status = Literal["submitted", "cultivation", "certified", "refused"]
Decision = Literal["cultivation", "certified", "refused"]

STATUS_LABELS: dict[str, str] = {
    "submitted": "已申报（待审核）",
    "cultivation": "入库培育（培育库）",
    "certified": "已认定",
    "refused": "未通过",
}


class ApplicationIn(InputModel):
    """企业申报产教融合型企业所填的佐证数据。"""

    model_config = ConfigDict(str_strip_whitespace=True)

    cooperation_years: int = Field(ge=0, le=100, description="开展校企合作的年数")
    partner_programmes: int = Field(ge=0, le=100_000, description="合作的专业点数")
    apprentices: int = Field(ge=0, le=10_000_000, description="接收学徒人数")
    interns: int = Field(ge=0, le=10_000_000, description="接收实习学生人数")
    investment: Money = Field(
        ge=0, le=Decimal("1e13"), decimal_places=2, description="兴办职业教育的投资额（元）"
    )
    statement: str = Field(default="", max_length=4000, description="情况说明")


class ReviewIn(InputModel):
    """监管部门的审核决定。"""

    model_config = ConfigDict(str_strip_whitespace=True)

    decision: Decision = Field(
        description="cultivation 纳入培育库 / certified 认定 / refused 不予通过（须写明理由）"
    )
    reason: str = Field(default="", max_length=500, description="理由（不予通过时必填）")


class Claim(BaseModel):
    cooperation_years: int = Field(description="申报：校企合作年数")
    partner_programmes: int = Field(description="申报：合作专业点数")
    apprentices: int = Field(description="申报：接收学徒人数")
    interns: int = Field(description="申报：接收实习学生人数")
    investment: Decimal = Field(description="申报：兴办职业教育投资额（元）")
    statement: str = Field(description="申报：情况说明")


class PostedKind(BaseModel):
    positions: int = Field(description="已发布岗位数")
    headcount: int = Field(description="已发布岗位招聘人数")


class Evidence(BaseModel):
    """平台自有数据，供与申报数据对照。"""

    partner_programmes: int = Field(description="平台登记的合作专业点数（不重复计）")
    partnerships_by_kind: dict[str, int] = Field(
        description="按合作方式计的合作专业点数（校企合作、订单培养、学徒制）"
    )
    positions_by_kind: dict[str, PostedKind] = Field(
        description="已发布岗位（apprenticeship 学徒 / internship 实习 / job 就业）"
    )
    placed_apprentices: int = Field(description="经平台申请录用（接受录用）的学徒人数")
    placed_interns: int = Field(description="经平台申请录用（接受录用）的实习学生人数")


class HistoryEntry(BaseModel):
    from_status: Status | None = Field(description="原状态")
    to_status: Status = Field(description="新状态")
    reason: str = Field(description="理由")
    by: str | None = Field(description="办理部门")
    at: UtcDatetime = Field(description="时间")


class ApplicationPublic(BaseModel):
    """产教融合型企业名录中的一条：申报数据、平台数据和审核历史。"""

    id: uuid.UUID = Field(description="申报编号")
    enterprise_code: str = Field(description="统一社会信用代码")
    enterprise_name: str = Field(description="企业名称")
    region_code: str = Field(description="所在地区")
    industry_code: str | None = Field(description="行业代码（GB/T 4754）")
    status: Status = Field(description="状态")
    status_label: str = Field(description="状态（中文）")
    refusal_reason: str | None = Field(description="不予通过的理由")
    claim: Claim = Field(description="企业申报的数据")
    evidence: Evidence = Field(description="平台自有数据（对照）")
    submitted_at: UtcDatetime = Field(description="申报时间")
    updated_at: UtcDatetime = Field(description="最近变更时间")
    history: list[HistoryEntry] = Field(description="审核历史")


class ApplicationsPublic(BaseModel):
    data: list[ApplicationPublic] = Field(description="本页条目")
    count: int = Field(description="符合条件的总数")
