"""Bodies of the 产教融合型企业 incentive: the yearly figures and the statement."""

from __future__ import annotations

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
