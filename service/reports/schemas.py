"""Response bodies of the mismatch report, its what-if and its year-on-year changes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, computed_field

from rules import labels
from rules.small_numbers import Count
from service.fields import UtcDatetime

ReportFormat = Literal["json", "csv", "xlsx", "html"]
SMALL = "；不足5人时为“<5”（小数保护）"


class ReasonPublic(BaseModel):
    """One rule that fired, with the figures that tripped it."""

    rule_id: str = Field(description="规则编号，如 destination_persistent")
    action: str = Field(description="规则对应的调整建议（机器代码）")
    action_label: str = Field(description="调整建议：撤并 / 调减 / 改造升级 / 扩招")
    message: str = Field(description="触发说明（含具体数据）")
    thresholds: dict[str, int | float] = Field(description="所用阈值")
    source: str = Field(description="政策依据")

    @computed_field(description="规则名称（中文）")  # type: ignore[prop-decorator]
    @property
    def rule_label(self) -> str:
        return labels.rule_label(self.rule_id)

    @computed_field(description="所用阈值（中文），如“岗位需求降至 20%，与几年前相比 3 年”")  # type: ignore[prop-decorator]
    @property
    def thresholds_text(self) -> str:
        return labels.thresholds_text(self.thresholds)


class HistoryYear(BaseModel):
    year: int = Field(description="毕业年份")
    graduates: Count = Field(description="毕业生人数" + SMALL)
    placed: Count = Field(description="毕业去向落实人数" + SMALL)
    demand: float = Field(description="岗位需求人数（含需求预测）")
    ratio: float | None = Field(description="供求比 = 需求 / 毕业生（无毕业生时为空）")
    destination_rate: float | None = Field(description="毕业去向落实率（无毕业生时为空）")


class MismatchRow(BaseModel):
    """One major of the region in the report year."""

    major_code: str = Field(description="专业代码（职业教育专业目录）")
    major_name: str = Field(description="专业名称")
    level: str = Field(description="层次：中职 / 高职专科 / 职教本科")
    sites: int = Field(description="布点数：当年开设该专业（有招生计划或毕业生）的学校数")
    graduates: Count = Field(description="毕业生人数" + SMALL)
    placed: Count = Field(description="毕业去向落实人数" + SMALL)
    in_field: Count = Field(description="对口就业人数" + SMALL)
    destination_rate: float | None = Field(description="毕业去向落实率 = 落实人数 / 毕业生")
    in_field_rate: float | None = Field(description="对口率 = 对口人数 / 毕业生")
    demand: float = Field(
        description="需求人数：已发布的就业、学徒岗位（要求k个专业的岗位按1/k计）加需求预测"
    )
    exact_demand: float | None = Field(default=None, description="其中点名本专业的需求人数")
    class_demand: float = Field(
        default=0.0, description="其中按专业类提出的需求（已按政策配置折算，计入需求人数）"
    )
    internship_places: float = Field(description="实习岗位人数（单列，不计入需求）")
    ratio: float | None = Field(description="供求比 = 需求 / 毕业生（无毕业生时为空）")
    gap: float | None = Field(
        description="缺口 = 需求 − 毕业生（正数为供不应求；毕业生按小数保护不显示时为空）"
    )
    median_salary: float | None = Field(
        default=None,
        description=(
            "月薪中位数（元）：各校该届平均月薪按就业人数加权的中位数"
            "（无薪资数据或按小数保护不显示时为空）"
        ),
    )
    salary_employed: Count = Field(
        default=0, description="薪资中位数所依据的就业人数（落实人数减升学人数）" + SMALL
    )
    suppressed: list[str] = Field(
        default_factory=list,
        description="按小数保护规则隐去的项目（字段名），规则见 small_number_rule",
    )
    history: list[HistoryYear] = Field(description="此前各年数据（按年份升序）")
    action: str = Field(
        description="调整建议（机器代码）：merge_or_close / reduce / upgrade / expand / keep"
    )
    action_label: str = Field(description="调整建议：撤并 / 调减 / 改造升级 / 扩招 / 保持")
    reasons: list[ReasonPublic] = Field(description="触发的规则及依据，最紧急的在前")


class MismatchReport(BaseModel):
    """专业供需错配报告：一个地区一年各专业的指标与调整建议。"""

    region: str = Field(description="行政区划代码（含下辖地区汇总；000000 为全国）")
    region_name: str = Field(description="地区名称")
    year: int = Field(description="报告年份（毕业年份）")
    level: str | None = Field(description="层次筛选（为空表示全部层次）")
    profile: str = Field(description="所用政策配置编号")
    profile_name: str = Field(description="所用政策配置名称")
    profile_source: Literal["own", "inherited", "default", "override"] = Field(
        description="配置来源：own 本地区 / inherited 上级地区 / default 全国默认 / override 指定"
    )
    generated_at: UtcDatetime = Field(description="生成时间")
    summary: dict[str, int] = Field(description="各调整建议的专业数")
    rows: list[MismatchRow] = Field(description="各专业，最紧急的在前")
    figures_source: Literal["aggregates", "direct"] = Field(
        default="direct",
        description=(
            "数据来源：aggregates 汇总表（刷新后有变更的地区年份按明细实时修正，"
            "数字与直接计算相同） / direct 直接按明细计算（汇总表尚未生成或待刷新的地区过多时）"
        ),
    )
    aggregates_refreshed_at: UtcDatetime | None = Field(
        default=None, description="汇总表最近刷新时间（直接计算时为空）"
    )
    pending_changes: int = Field(
        default=0, description="汇总表刷新后有变更、本次按明细实时计算的地区年份数与岗位数"
    )
    small_number_rule: str = Field(default="", description="小数保护规则（中文）")


class ProjectionYear(BaseModel):
    enrolment_year: int = Field(description="入学年份")
    graduation_year: int = Field(description="毕业年份 = 入学年份 + 学制")
    planned: int = Field(description="招生计划（已入学的年份为实际招生数）")
    adjusted_plan: int = Field(description="调整后的招生人数")
    graduates: int = Field(description="预计毕业生人数")
    expected_demand: float = Field(description="预计需求人数（按报告年份的需求）")
    ratio: float | None = Field(description="预计供求比")
    adjustable: bool = Field(description="是否仍可调整（报告年份之后的招生）")
    estimated: bool = Field(
        default=False,
        description="是否含估计：有学校该年尚无招生计划，按其最近一年的计划延续",
    )
    estimated_plan: int = Field(default=0, description="其中按最近计划延续估计的招生人数")
    estimated_programmes: int = Field(default=0, description="按最近计划延续估计的学校数")


class WhatIfReport(BaseModel):
    """招生计划调整的模拟：调整后的毕业生供给与供求比。"""

    region: str = Field(description="行政区划代码")
    region_name: str = Field(description="地区名称")
    year: int = Field(description="报告年份")
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    level: str = Field(description="层次")
    graduation_lag: int = Field(description="学制（入学到毕业的年数）")
    enrolment_change: float = Field(description="招生计划调整比例，如 -0.2 表示减少20%")
    graduates: Count = Field(description="报告年份毕业生人数" + SMALL)
    demand: float = Field(description="报告年份需求人数")
    ratio: float | None = Field(description="报告年份供求比")
    projection: list[ProjectionYear] = Field(description="此后各毕业年份的预测")


class ChangeRow(BaseModel):
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    action: str = Field(description="本年调整建议（机器代码）")
    action_label: str = Field(description="本年调整建议")
    previous_action: str | None = Field(description="上年调整建议（上年无记录时为空）")
    previous_action_label: str | None = Field(description="上年调整建议名称")
    reasons: list[ReasonPublic] = Field(description="本年触发的规则")


class MismatchChanges(BaseModel):
    """预警变化：与上一年快照相比新上榜、加重、减轻的专业。"""

    region: str = Field(description="行政区划代码")
    region_name: str = Field(description="地区名称")
    year: int = Field(description="本年")
    previous_year: int = Field(description="上一年")
    profile: str = Field(description="政策配置编号")
    previous_available: bool = Field(description="是否有上一年快照")
    new: list[ChangeRow] = Field(description="新上榜：本年不是保持，上年为保持或无记录")
    worsened: list[ChangeRow] = Field(description="加重：本年建议比上年更严重")
    improved: list[ChangeRow] = Field(description="减轻：本年建议比上年轻")


class SnapshotResult(BaseModel):
    region: str = Field(description="行政区划代码")
    year: int = Field(description="年份")
    profile: str = Field(description="政策配置编号")
    rows: int = Field(description="保存的专业数")
    summary: dict[str, int] = Field(description="各调整建议的专业数")


class AggregatesRefresh(BaseModel):
    """一次汇总表刷新的结果。"""

    mode: Literal["full", "incremental"] = Field(description="full 全量重建 / incremental 增量")
    pairs: int = Field(description="本次重算的（地区, 年份）数（增量时）")
    positions: int = Field(default=0, description="本次折算变更的岗位数（增量时）")
    refreshed_at: UtcDatetime = Field(description="刷新时间")
