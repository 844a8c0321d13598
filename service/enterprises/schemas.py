"""Bodies of the 产教融合型企业 incentive: the yearly figures and the statement."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from service.fields import InputModel, Money


class TaxYearIn(InputModel):
    qualifying_investment: Money = Field(
        ge=0, le=Decimal("1e13"), decimal_places=2, description="当年兴办职业教育的合规投资额（元）"
    )
    vat_paid: Money = Field(
        ge=0, le=Decimal("1e13"), decimal_places=2, description="当年实际缴纳的增值税（元）"
    )
    consumption_tax_paid: Money = Field(
        ge=0, le=Decimal("1e13"), decimal_places=2, description="当年实际缴纳的消费税（元）"
    )
    source: str = Field(default="", max_length=200, description="数据来源（如完税证明编号）")


class TaxYearOut(TaxYearIn):
    year: int = Field(description="年度")


class StatementYear(BaseModel):
    year: int = Field(description="年度")
    qualifying_investment: Decimal = Field(description="合规投资额（元）")
    new_credit: Decimal = Field(description="当年可抵免额 = 投资额 × 30%")
    carried_in: Decimal = Field(description="上年结转的可抵免额")
    available: Decimal = Field(description="本年可抵免总额 = 当年可抵免额 + 上年结转")
    tax_base: Decimal = Field(description="计征依据 = 增值税 + 消费税")
    education_surcharge: Decimal = Field(description="应缴教育费附加 = 计征依据 × 3%")
    local_surcharge: Decimal = Field(description="应缴地方教育附加 = 计征依据 × 2%")
    credited_education: Decimal = Field(description="抵免教育费附加")
    credited_local: Decimal = Field(description="抵免地方教育附加")
    credited: Decimal = Field(description="本年实际抵免")
    carried_forward: Decimal = Field(description="结转以后年度抵免")
    surcharges_payable: Decimal = Field(description="抵免后仍应缴纳的两项附加")
    source: str = Field(description="企业填报的数据来源")


class IncentiveStatement(BaseModel):
    """产教融合型企业投资抵免两项附加的年度计算单。"""

    enterprise_code: str = Field(description="统一社会信用代码")
    enterprise_name: str = Field(description="企业名称")
    year: int = Field(description="计算年度")
    rates: dict[str, Decimal] = Field(description="所用比例：抵免比例、教育费附加、地方教育附加")
    sources: list[str] = Field(description="政策依据")
    years: list[StatementYear] = Field(description="截至计算年度的各年计算（含结转）")
    current: StatementYear = Field(description="计算年度的结果")


class ProfilePosition(BaseModel):
    id: uuid.UUID = Field(description="岗位编号")
    title: str = Field(description="岗位名称")
    kind: str = Field(description="岗位类型")
    kind_label: str = Field(description="岗位类型（中文）")
    region_name: str = Field(description="工作地")
    headcount: int = Field(description="招聘人数")
    monthly_pay: float | None = Field(description="月薪（元）")
    closing_date: date | None = Field(description="报名截止日期")


class EnterpriseProfile(BaseModel):
    """The public page of a verified enterprise."""

    code: str = Field(description="统一社会信用代码")
    name: str = Field(description="企业名称")
    industry_code: str | None = Field(description="所属行业代码（GB/T 4754）")
    industry_name: str | None = Field(description="所属行业")
    region_code: str = Field(description="所在地行政区划代码")
    region_name: str = Field(description="所在地")
    registry_status: str | None = Field(
        description="产教融合型企业名录状态：submitted / cultivation / certified / refused；"
        "未申报为空"
    )
    registry_status_label: str = Field(description="产教融合型企业名录状态（中文）")
    open_positions: list[ProfilePosition] = Field(description="招聘中的岗位（最多50个）")
    open_positions_count: int = Field(description="招聘中的岗位数")
    staff_count: int | None = Field(description="在岗职工总数")
    apprentice_posts: int = Field(description="已发布学徒岗位的招聘人数合计")
    apprenticeship_share: float | None = Field(
        description="学徒岗位占在岗职工总数的比例（无职工数时为空）"
    )
    profile_url: str = Field(description="公开主页地址")
