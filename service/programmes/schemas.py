"""Request and response bodies of programmes (专业开设), their partners and graduate cohorts."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models import PartnerKind
from models.base import MAX_COUNT
from models.validators import normalize_code
from rules.small_numbers import Count
from service.catalog.schemas import MajorResolutionPublic
from service.fields import InputModel, Uscc, UtcDatetime
from service.reports.schemas import ReasonPublic

# The years a programme or a cohort may carry: those the bulk import reads (transfer/columns.py).
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_PARTNERS = 50


class PartnerIn(InputModel):
    """An enterprise partner of a programme, named by its 统一社会信用代码."""

    model_config = ConfigDict(extra="forbid")

    enterprise_code: Uscc = Field(
        min_length=1, max_length=32, description="企业统一社会信用代码（须为已审核的企业）"
    )
    kind: PartnerKind = Field(
        description="合作方式：cooperation 校企合作 / order_training 订单培养 / "
        "apprenticeship 学徒制"
    )

    @field_validator("enterprise_code")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_code(value)


class ProgrammeCreate(InputModel):
    """A school's run of a catalogue major in one year (enrolment year)."""

    model_config = ConfigDict(extra="forbid")

    school_code: str | None = Field(
        default=None,
        max_length=32,
        description="学校标识码：学校账户可省略（只能为本校）；监管部门和管理员必填",
    )
    major: str = Field(
        min_length=1,
        max_length=64,
        description="专业代码或名称（按学校的办学层次在职业教育专业目录中识别）",
    )
    year: int = Field(ge=MIN_YEAR, le=MAX_YEAR, description="招生年份")
    enrolment_plan: int = Field(ge=0, le=MAX_COUNT, description="招生计划数")
    enrolled: int | None = Field(default=None, ge=0, le=MAX_COUNT, description="实际招生数")
    practical_hours_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="实践性教学课时占总课时的比例（0–1），低于0.5时提示",
    )
    partners: list[PartnerIn] = Field(
        default_factory=list, max_length=MAX_PARTNERS, description="合作企业"
    )

    @field_validator("school_code")
    @classmethod
    def _normalize(cls, value: str | None) -> str | None:
        return normalize_code(value) or None if value is not None else None


class ProgrammeUpdate(InputModel):
    """Changes to a programme; every field optional. ``partners`` replaces the whole list.

    An explicit null clears ``enrolled`` or ``practical_hours_share``; on ``year`` and
    ``enrolment_plan`` it leaves them unchanged. The major cannot change: delete and create.
    """

    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=MIN_YEAR, le=MAX_YEAR, description="招生年份")
    enrolment_plan: int | None = Field(default=None, ge=0, le=MAX_COUNT, description="招生计划数")
    enrolled: int | None = Field(default=None, ge=0, le=MAX_COUNT, description="实际招生数")
    practical_hours_share: float | None = Field(
        default=None, ge=0, le=1, description="实践性教学课时占比（0–1）"
    )
    partners: list[PartnerIn] | None = Field(
        default=None, max_length=MAX_PARTNERS, description="合作企业（整体替换）"
    )


class ProgrammeFilters(BaseModel):
    school: str | None = Field(default=None, max_length=32, description="学校标识码")
    major: str | None = Field(default=None, max_length=8, description="专业代码")
    year: int | None = Field(default=None, ge=MIN_YEAR, le=MAX_YEAR, description="招生年份")


class PartnerPublic(BaseModel):
    enterprise_id: uuid.UUID = Field(description="企业编号")
    enterprise_code: str = Field(description="统一社会信用代码")
    enterprise_name: str = Field(description="企业名称")
    kind: PartnerKind = Field(description="合作方式（机器代码）")
    kind_label: str = Field(description="合作方式：校企合作 / 订单培养 / 学徒制")


class ProgrammeFinding(BaseModel):
    """A policy flag on a programme, with the rule and the figures that tripped it."""

    code: str = Field(description="提示代码")
    severity: str = Field(description="级别：warning 提示")
    field: str = Field(description="相关字段")
    message: str = Field(description="说明（含具体数据）")
    thresholds: dict[str, float] = Field(description="所用阈值")
    source: str = Field(description="政策依据")


class ProgrammePublic(BaseModel):
    id: uuid.UUID = Field(description="编号")
    school_id: uuid.UUID = Field(description="学校编号")
    school_code: str = Field(description="学校标识码")
    school_name: str = Field(description="学校名称")
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    major_level: str = Field(description="专业层次")
    year: int = Field(description="招生年份")
    enrolment_plan: int = Field(description="招生计划数")
    enrolled: int | None = Field(description="实际招生数")
    practical_hours_share: float | None = Field(description="实践性教学课时占比")
    partners: list[PartnerPublic] = Field(description="合作企业")
    findings: list[ProgrammeFinding] = Field(description="政策提示（如实践课时不足50%）")
    updated_at: UtcDatetime = Field(description="更新时间")


class ProgrammeSaved(ProgrammePublic):
    major_resolution: MajorResolutionPublic | None = Field(
        description="专业识别结果（填写名称时请核对）"
    )


class ProgrammesPublic(BaseModel):
    data: list[ProgrammePublic] = Field(description="本页专业开设记录")
    count: int = Field(description="符合条件的记录总数")


class CohortPut(InputModel):
    """One graduating cohort of a programme (the school's graduates of the major that year)."""

    model_config = ConfigDict(extra="forbid")

    graduates: int = Field(ge=0, le=MAX_COUNT, description="毕业生数")
    placed: int = Field(
        ge=0, le=MAX_COUNT, description="毕业去向落实人数（含升学），不超过毕业生数"
    )
    in_field: int = Field(ge=0, le=MAX_COUNT, description="对口就业人数，不超过去向落实人数")
    further_study: int = Field(
        default=0, ge=0, le=MAX_COUNT, description="升学人数，不超过去向落实人数"
    )
    avg_monthly_salary: float | None = Field(
        default=None, ge=0, le=1_000_000, description="平均月薪（元）"
    )


class CohortPublic(BaseModel):
    id: uuid.UUID = Field(description="编号")
    school_id: uuid.UUID = Field(description="学校编号")
    major_code: str = Field(description="专业代码")
    graduation_year: int = Field(description="毕业年份")
    graduates: int = Field(description="毕业生数")
    placed: int = Field(description="毕业去向落实人数")
    in_field: int = Field(description="对口就业人数")
    further_study: int = Field(description="升学人数")
    avg_monthly_salary: float | None = Field(description="平均月薪（元）")
    destination_rate: float | None = Field(description="毕业去向落实率 = 落实人数 / 毕业生数")
    in_field_rate: float | None = Field(description="对口率 = 对口就业人数 / 毕业生数")
    updated_at: UtcDatetime = Field(description="更新时间")


class CohortSaved(CohortPublic):
    created: bool = Field(description="是否为新增（否则为替换原有数据）")


class CohortsPublic(BaseModel):
    data: list[CohortPublic] = Field(description="各届毕业生，最近的在前")
    count: int = Field(description="届数")


class RatesPublic(BaseModel):
    graduates: Count = Field(description="毕业生数；不足5人的他校数字为“<5”（小数保护）")
    placed: Count = Field(description="毕业去向落实人数；不足5人的他校数字为“<5”")
    in_field: Count = Field(description="对口就业人数；不足5人的他校数字为“<5”")
    destination_rate: float | None = Field(description="毕业去向落实率")
    in_field_rate: float | None = Field(description="对口率")


class PlanPublic(BaseModel):
    id: uuid.UUID = Field(description="专业开设记录编号")
    year: int = Field(description="招生年份")
    enrolment_plan: int = Field(description="招生计划数")
    enrolled: int | None = Field(description="实际招生数")
    practical_hours_share: float | None = Field(description="实践性教学课时占比")
    partners: list[PartnerPublic] = Field(description="合作企业")
    findings: list[ProgrammeFinding] = Field(description="政策提示")


class SchoolProgramme(BaseModel):
    """One major the school runs: its plans, latest cohorts, its rates beside the region's, and
    the action the region's mismatch report gives the major."""

    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    major_level: str = Field(description="专业层次")
    plans: list[PlanPublic] = Field(description="各年招生计划（按年份）")
    cohorts: list[CohortPublic] = Field(description="最近几届毕业生（最近的在前）")
    school: RatesPublic | None = Field(description="本校在报告年份的毕业生去向（无数据时为空）")
    region: RatesPublic | None = Field(description="地区在报告年份的毕业生去向（无数据时为空）")
    action: str | None = Field(description="地区供需报告对该专业的调整建议（机器代码）")
    action_label: str | None = Field(description="调整建议：撤并 / 调减 / 改造升级 / 扩招 / 保持")
    reasons: list[ReasonPublic] = Field(description="调整建议的依据")


class SchoolProgrammes(BaseModel):
    school_id: uuid.UUID = Field(description="学校编号")
    school_code: str = Field(description="学校标识码")
    school_name: str = Field(description="学校名称")
    region: str = Field(description="比较的地区代码")
    region_name: str = Field(description="比较的地区名称")
    year: int = Field(description="报告年份（毕业年份）")
    profile: str = Field(description="所用预警政策配置")
    programmes: list[SchoolProgramme] = Field(description="本校开设的专业")


# ---------------------------------------------------------------- outcomes (issue 27 point 7)


class OutcomesOptIn(InputModel):
    """Whether the school lets the platform compute its cohorts' outcomes from accepted places."""

    model_config = ConfigDict(extra="forbid")

    opted_in: bool = Field(description="是否开启：以平台录用数据核对本校毕业生去向")


class OutcomesSetting(BaseModel):
    school_code: str = Field(description="学校标识码")
    opted_in: bool = Field(description="是否已开启平台录用数据核对")
    opted_in_label: str = Field(description="已开启 / 未开启")


class ReportedOutcome(BaseModel):
    graduates: int = Field(description="学校填报的毕业生数")
    placed: int = Field(description="学校填报的毕业去向落实人数")
    in_field: int = Field(description="学校填报的对口就业人数")


class ComputedOutcome(BaseModel):
    students: int = Field(description="平台上该专业该届的本校学生数")
    placed: int = Field(description="平台计算的落实人数：已接受就业或学徒岗位录用的学生数")
    in_field: int = Field(
        description="平台计算的对口人数：落实岗位要求本专业、本专业类或同一专业类的专业"
    )
    interns: int = Field(description="已接受实习岗位录用的学生数（实习不计入落实，单列）")


class OutcomeDifference(BaseModel):
    placed: int = Field(description="落实人数差 = 学校填报 − 平台计算")
    in_field: int = Field(description="对口人数差 = 学校填报 − 平台计算")


class CohortOutcome(BaseModel):
    """One cohort (major × graduation year): the figures typed beside the platform's."""

    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    graduation_year: int = Field(description="毕业年份")
    reported: ReportedOutcome | None = Field(description="学校填报的毕业生去向（未填报为空）")
    computed: ComputedOutcome | None = Field(
        description="平台根据已接受的录用计算（学校未开启核对时为空）"
    )
    difference: OutcomeDifference | None = Field(
        description="差额 = 填报 − 计算（任一方缺数据时为空）"
    )


class SchoolOutcomes(BaseModel):
    """毕业去向核对：学校填报的数字与平台录用数据计算的数字并列。"""

    school_id: uuid.UUID = Field(description="学校编号")
    school_code: str = Field(description="学校标识码")
    school_name: str = Field(description="学校名称")
    opted_in: bool = Field(description="学校是否已开启平台录用数据核对")
    opted_in_label: str = Field(description="已开启 / 未开启")
    year: int | None = Field(description="毕业年份筛选（为空表示全部届别）")
    rule: str = Field(description="计算口径（中文）")
    cohorts: list[CohortOutcome] = Field(description="各届各专业，按毕业年份从近到远、专业代码")
