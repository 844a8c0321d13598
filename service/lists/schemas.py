"""Response bodies of the three lists (三张清单) of a region and year."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from rules.small_numbers import Count
from service.fields import InputModel, UtcDatetime

ListKind = Literal["talent-demand", "industry", "policy-support"]
ListFormat = Literal["json", "csv", "xlsx", "html"]
ListStatus = Literal["published", "draft", "live"]
MeasureKind = Literal["财政", "金融", "土地", "信用"]


class TalentDemandRow(BaseModel):
    rank: int = Field(description="紧缺排名（按供求比从高到低；无毕业生的专业排在最前）")
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    level: str = Field(description="层次")
    demand: float = Field(description="需求人数（与专业供需错配报告的需求人数相同）")
    graduates: Count = Field(description="毕业生人数（供给）；不足5人时为“<5”（小数保护）")
    ratio: float | None = Field(
        description="供求比 = 需求 / 毕业生（无毕业生或按小数保护不显示时为空）"
    )
    gap: float | None = Field(description="缺口 = 需求 − 毕业生（按小数保护不显示时为空）")


class OccupationDemandRow(BaseModel):
    rank: int = Field(description="排名（按需求人数从高到低）")
    occupation_code: str = Field(description="职业代码（职业分类大典2022）")
    occupation_name: str = Field(description="职业名称")
    position_demand: int = Field(description="当年起始的已发布岗位需求人数（不含实习）")
    forecast_demand: int = Field(description="当年人才需求预测人数")
    demand: int = Field(description="需求人数 = 岗位 + 预测")
    internship_places: int = Field(description="实习岗位人数（另列，不计入需求）")


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
    kind: MeasureKind = Field(description="支持方式")
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
    generated_at: UtcDatetime = Field(description="生成时间（发布版本为拟稿时冻结的时间）")
    status: ListStatus = Field(
        default="live",
        description="published：已发布版本；draft：草稿版本；live：按平台当前数据实时计算（尚未发布）",
    )
    version: int | None = Field(default=None, description="版本号（实时计算时为空）")
    published_at: UtcDatetime | None = Field(default=None, description="发布时间")
    publisher: str | None = Field(default=None, description="发布部门")
    talent_demand: list[TalentDemandRow] | None = Field(default=None, description="人才需求清单")
    talent_demand_by_occupation: list[OccupationDemandRow] | None = Field(
        default=None,
        description="人才需求清单（按职业，职业分类大典2022；职业无毕业生口径，不列供给）",
    )
    industries: list[IndustryRow] | None = Field(default=None, description="产业发展清单")
    measures: list[PolicyMeasure] | None = Field(default=None, description="政策支持清单")


class ListVersionPublic(BaseModel):
    """一张清单的一个版本（不含内容）。"""

    kind: ListKind = Field(description="清单")
    region: str = Field(description="行政区划代码")
    year: int = Field(description="年份")
    version: int = Field(description="版本号")
    status: Literal["draft", "published"] = Field(description="draft 草稿 / published 已发布")
    created_at: UtcDatetime = Field(description="拟稿时间")
    published_at: UtcDatetime | None = Field(description="发布时间")
    publisher: str | None = Field(description="发布部门")


class MeasureIn(InputModel):
    """新增一项支持措施。"""

    model_config = ConfigDict(str_strip_whitespace=True)

    key: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]{2,63}$",
        description="措施编号（小写字母、数字和连字符；不填则自动生成）",
    )
    title: str = Field(min_length=2, max_length=200, description="措施名称")
    issuer: str = Field(min_length=2, max_length=200, description="发文机关")
    document_no: str = Field(min_length=2, max_length=100, description="文号")
    clause: str = Field(default="", max_length=100, description="条款")
    kind: MeasureKind = Field(description="支持方式：财政 / 金融 / 土地 / 信用")
    eligible: str = Field(min_length=2, max_length=200, description="支持对象")
    amount_cap_wan_yuan: int | None = Field(
        default=None, ge=0, le=10_000_000, description="金额上限（万元；无上限不填）"
    )
    amount_note: str = Field(default="", max_length=500, description="金额或支持内容说明")
    region_code: str | None = Field(
        default=None,
        min_length=6,
        max_length=6,
        description="增列地区（不填为全国性措施，仅国家监管部门和管理员可以）",
    )


MeasureText = Annotated[str, Field(min_length=2, max_length=200)]
DocumentNumber = Annotated[str, Field(min_length=2, max_length=100)]


class MeasureUpdate(InputModel):
    """修改一项支持措施（只填要改的字段）。"""

    model_config = ConfigDict(str_strip_whitespace=True)

    # Required fields of a measure may be left out but not set to null (refused with 422): the
    # schema offers no null for them.
    title: MeasureText | SkipJsonSchema[None] = Field(default=None, description="措施名称")
    issuer: MeasureText | SkipJsonSchema[None] = Field(default=None, description="发文机关")
    document_no: DocumentNumber | SkipJsonSchema[None] = Field(default=None, description="文号")
    clause: str | None = Field(default=None, max_length=100, description="条款")
    kind: MeasureKind | SkipJsonSchema[None] = Field(default=None, description="支持方式")
    eligible: MeasureText | SkipJsonSchema[None] = Field(default=None, description="支持对象")
    amount_cap_wan_yuan: int | None = Field(
        default=None, ge=0, le=10_000_000, description="金额上限（万元）"
    )
    amount_note: str | None = Field(default=None, max_length=500, description="说明")


class MeasurePublic(PolicyMeasure):
    updated_at: UtcDatetime | None = Field(description="最近修改时间")
    withdrawn_at: UtcDatetime | None = Field(description="撤回时间（未撤回为空）")
