"""Response bodies of the three lists (三张清单) of a region and year."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

ListKind = Literal["talent-demand", "industry", "policy-support"]
ListFormat = Literal["json", "csv", "xlsx", "html"]


class TalentDemandRow(BaseModel):
    rank: int = Field(description="紧缺排名（按供求比从高到低；无毕业生的专业排在最前）")
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    level: str = Field(description="层次")
    demand: float = Field(description="需求人数（与专业供需错配报告的需求人数相同）")
    graduates: int = Field(description="毕业生人数（供给）")
    ratio: float | None = Field(description="供求比 = 需求 / 毕业生（无毕业生时为空）")
    gap: float = Field(description="缺口 = 需求 − 毕业生")


class IndustryRow(BaseModel):
    key: str = Field(description="重点产业编号")
    name: str = Field(description="重点产业名称")
    category: str = Field(description="类别：新兴 / 紧缺 / 改造升级 / 生活服务")
    own: bool = Field(description="是否本地区（或上级地区）自行增列")
    industry_codes: list[str] = Field(description="国民经济行业分类（GB/T 4754）代码")
    enterprises: int = Field(description="本地区已核验的该产业企业数")
    open_positions: int = Field(description="这些企业在本地区的在招岗位数")
    open_headcount: int = Field(description="在招岗位需求人数")
    major_codes: list[str] = Field(description="服务该产业的专业（或专业类）代码")
    programmes: int = Field(description="本地区当年开设这些专业的专业点数")
    source: str = Field(description="依据")


class PolicyMeasure(BaseModel):
    key: str = Field(description="措施编号")
    title: str = Field(description="措施名称")
    issuer: str = Field(description="发文机关")
    document_no: str = Field(description="文号")
    clause: str = Field(description="条款")
    kind: Literal["财政", "金融", "土地", "信用"] = Field(description="支持方式")
    eligible: str = Field(description="支持对象")
    amount_cap_wan_yuan: int | None = Field(description="金额上限（万元；无上限为空）")
    amount_note: str = Field(description="金额或支持内容说明")
    region_code: str | None = Field(description="增列地区（全国性措施为空）")


class RegionList(BaseModel):
    """一个地区一年的一张清单。"""

    kind: ListKind = Field(description="清单：talent-demand / industry / policy-support")
    title: str = Field(description="清单名称")
    region: str = Field(description="行政区划代码")
    region_name: str = Field(description="地区名称")
    year: int = Field(description="年份")
    generated_at: datetime = Field(description="生成时间")
    talent_demand: list[TalentDemandRow] | None = Field(default=None, description="人才需求清单")
    industries: list[IndustryRow] | None = Field(default=None, description="产业发展清单")
    measures: list[PolicyMeasure] | None = Field(default=None, description="政策支持清单")
