"""Request and response bodies of the 专业动态调整 cycle: windows, proposals, the region's view."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.base import MAX_COUNT
from service.fields import MAX_YEAR, MIN_YEAR, InputModel, NonBlank, RegionCode, UtcDatetime

KindValue = Literal["open", "stop", "close", "plan", "upgrade"]
StatusValue = Literal["draft", "submitted", "returned", "approved", "refused"]
AdjustmentFormat = Literal["json", "csv", "xlsx", "html"]

KIND_TEXT = "open 新增 / stop 停招 / close 撤销 / plan 调整计划 / upgrade 改造升级"
STATUS_TEXT = (
    "draft 草稿 / submitted 待审核 / returned 退回修改 / approved 已批准 / refused 不予批准"
)


def _all_kinds() -> list[KindValue]:
    return ["open", "stop", "close", "plan", "upgrade"]


def _strip(value: str | None) -> str | None:
    return None if value is None else value.strip()


# ---------------------------------------------------------------- windows


class WindowCreate(InputModel):
    """A regulator opens the year's window for its region."""

    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode = Field(description="行政区划代码（本部门管辖的地区）")
    year: int = Field(ge=MIN_YEAR, le=MAX_YEAR, description="调整年度（依据该年供需预警报告）")
    opens_on: date = Field(description="开始提交日期")
    closes_on: date = Field(description="截止提交日期（含当日）")
    kinds: list[KindValue] = Field(
        default_factory=_all_kinds,
        min_length=1,
        max_length=5,
        description=f"受理的申请类型：{KIND_TEXT}",
    )
    note: str = Field(default="", max_length=500, description="说明（如报送要求）")


class WindowPublic(BaseModel):
    id: uuid.UUID = Field(description="窗口编号")
    region_code: str = Field(description="行政区划代码")
    region_name: str = Field(description="地区名称")
    year: int = Field(description="调整年度")
    plan_year: int = Field(description="调整生效的招生年度（调整年度的下一年）")
    opens_on: date = Field(description="开始提交日期")
    closes_on: date = Field(description="截止提交日期")
    kinds: list[str] = Field(description="受理的申请类型（机器代码）")
    kind_labels: list[str] = Field(description="受理的申请类型")
    note: str = Field(description="说明")
    state: Literal["upcoming", "open", "closed"] = Field(
        description="upcoming 未开始 / open 受理中 / closed 已截止"
    )
    state_label: str = Field(description="窗口状态：未开始 / 受理中 / 已截止")


# ---------------------------------------------------------------- proposals


class _CaseFields(InputModel):
    teachers: int | None = Field(default=None, ge=0, le=MAX_COUNT, description="专任教师数")
    dual_qualified_teachers: int | None = Field(
        default=None, ge=0, le=MAX_COUNT, description="其中双师型教师数"
    )
    facilities: str | None = Field(default=None, max_length=1000, description="实训条件")
    partners: list[str] | None = Field(
        default=None, max_length=50, description="合作企业名称（每项一家）"
    )
    reason: str | None = Field(default=None, max_length=2000, description="申请理由")
    justification: str | None = Field(
        default=None,
        max_length=2000,
        description="书面说明：申请与预警相反时必填（如新增被预警撤并的专业）",
    )

    @field_validator("facilities", "reason", "justification")
    @classmethod
    def _stripped(cls, value: str | None) -> str | None:
        return _strip(value)

    @field_validator("partners")
    @classmethod
    def _partners(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = [name.strip() for name in value if name.strip()]
        if any(len(name) > 128 for name in cleaned):
            raise ValueError("合作企业名称不能超过128字")
        return cleaned


class ProposalCreate(_CaseFields):
    """A school's draft: the kind, the major (code or name) and its own case."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=MIN_YEAR, le=MAX_YEAR, description="调整年度（所在地区的调整窗口）")
    kind: KindValue = Field(description=f"申请类型：{KIND_TEXT}")
    major: NonBlank = Field(max_length=64, description="专业代码或名称（按专业目录解析）")
    target_major: str | None = Field(
        default=None, max_length=64, description="改造升级后的专业（代码或名称）"
    )
    planned_enrolment: int | None = Field(
        default=None,
        ge=0,
        le=MAX_COUNT,
        description="下一年招生计划（新增、调整计划、改造升级时必填）",
    )


class ProposalUpdate(_CaseFields):
    """Changes to a draft (or a returned proposal); absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    target_major: str | None = Field(default=None, max_length=64, description="改造升级后的专业")
    planned_enrolment: int | None = Field(
        default=None, ge=0, le=MAX_COUNT, description="下一年招生计划"
    )


class Decision(InputModel):
    """A regulator's comment on an approval or a return (optional on approval)."""

    model_config = ConfigDict(extra="forbid")

    comment: str = Field(default="", max_length=1000, description="审核意见（学校可见）")

    @field_validator("comment")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()


class Refusal(InputModel):
    """A refusal needs its reason."""

    model_config = ConfigDict(extra="forbid")

    reason: NonBlank = Field(min_length=1, max_length=1000, description="不予批准的理由（必填）")

    @field_validator("reason")
    @classmethod
    def _stripped(cls, value: str) -> str:
        stripped = value.strip()
        if not stripped:
            raise ValueError("请填写不予批准的理由")
        return stripped


class ReturnForChanges(InputModel):
    """A return needs the comments the school acts on."""

    model_config = ConfigDict(extra="forbid")

    comment: NonBlank = Field(min_length=1, max_length=1000, description="修改意见（必填）")

    @field_validator("comment")
    @classmethod
    def _stripped(cls, value: str) -> str:
        stripped = value.strip()
        if not stripped:
            raise ValueError("请填写修改意见")
        return stripped


class WarningCheck(BaseModel):
    rule: str = Field(description="检查项编号")
    label: str = Field(description="检查项")
    message: str = Field(description="说明（含预警与数据）")


class ProposalPublic(BaseModel):
    id: uuid.UUID = Field(description="申请编号")
    window_id: uuid.UUID = Field(description="调整窗口编号")
    year: int = Field(description="调整年度")
    plan_year: int = Field(description="生效招生年度")
    region_code: str = Field(description="窗口所在地区")
    school_id: uuid.UUID = Field(description="学校编号")
    school_code: str = Field(description="学校标识码")
    school_name: str = Field(description="学校名称")
    kind: str = Field(description=f"申请类型：{KIND_TEXT}")
    kind_label: str = Field(description="申请类型")
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    major_level: str = Field(description="层次")
    target_major_code: str | None = Field(description="改造升级后的专业代码")
    target_major_name: str | None = Field(description="改造升级后的专业名称")
    planned_enrolment: int | None = Field(description="申请的下一年招生计划")
    teachers: int | None = Field(description="专任教师数")
    dual_qualified_teachers: int | None = Field(description="双师型教师数")
    facilities: str = Field(description="实训条件")
    partners: list[str] = Field(description="合作企业")
    reason: str = Field(description="申请理由")
    justification: str = Field(description="与预警相反的书面说明")
    against_warning: bool = Field(description="是否与预警相反")
    warnings: list[WarningCheck] = Field(description="与预警相反的检查项")
    evidence: dict[str, Any] = Field(
        description="平台附上的依据（供需预警报告数据）；提交时冻结，此后不随报告变化"
    )
    evidence_frozen_at: UtcDatetime | None = Field(description="依据冻结时间（提交时间）")
    status: str = Field(description=f"状态：{STATUS_TEXT}")
    status_label: str = Field(description="状态")
    submitted_at: UtcDatetime | None = Field(description="提交时间")
    decision_comment: str = Field(description="审核意见或不予批准的理由")
    decided_at: UtcDatetime | None = Field(description="审核时间")
    applied: list[dict[str, Any]] = Field(description="批准后专业开设的变更（前后对照）")
    created_at: UtcDatetime = Field(description="创建时间")
    updated_at: UtcDatetime = Field(description="更新时间")


class ProposalsPublic(BaseModel):
    data: list[ProposalPublic] = Field(description="本页申请")
    count: int = Field(description="符合条件的申请总数")


class UnactedRow(BaseModel):
    school_id: uuid.UUID = Field(description="学校编号")
    school_code: str = Field(description="学校标识码")
    school_name: str = Field(description="学校名称")
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    action_label: str = Field(description="预警建议")
    reasons: list[str] = Field(description="预警原因")


class UnactedList(BaseModel):
    """预警撤并但截止时未提交调整申请的学校专业。"""

    window_id: uuid.UUID = Field(description="调整窗口编号")
    year: int = Field(description="调整年度")
    closed: bool = Field(description="窗口是否已截止（未截止时为当前情况）")
    rows: list[UnactedRow] = Field(description="学校专业")


# ---------------------------------------------------------------- the region's view


class KindDecisionCount(BaseModel):
    kind: str = Field(description="申请类型（机器代码）")
    kind_label: str = Field(description="申请类型")
    counts: dict[str, int] = Field(description="各状态的申请数（机器代码 → 数量）")
    total: int = Field(description="合计")


class IndustryChange(BaseModel):
    industry: str = Field(description="重点产业（未对接重点产业的专业记为“其他”）")
    opened: list[str] = Field(description="新开设的专业（名称与代码）")
    closed: list[str] = Field(description="停招或撤销的专业（名称与代码）")


class WarningFollowUp(BaseModel):
    school_name: str = Field(description="学校名称")
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    action_label: str = Field(description="预警建议")
    acted: bool = Field(description="是否已响应（提交了停招、撤销、调减或改造升级申请）")
    proposal_kind_label: str | None = Field(description="响应的申请类型")
    proposal_status_label: str | None = Field(description="响应申请的状态")


class FilingRow(BaseModel):
    """One line of the 备案表 (the layout an education bureau files)."""

    number: int = Field(description="序号")
    school_code: str = Field(description="学校标识码")
    school_name: str = Field(description="学校名称")
    kind_label: str = Field(description="调整类型")
    major_code: str = Field(description="专业代码")
    major_name: str = Field(description="专业名称")
    level: str = Field(description="层次")
    target_major_code: str = Field(description="调整后专业代码")
    target_major_name: str = Field(description="调整后专业名称")
    plan_before: int | None = Field(description="原招生计划")
    plan_after: int | None = Field(description="调整后招生计划")
    against_warning: str = Field(description="是否与预警相反（是/否）")
    decision_label: str = Field(description="审核结果")
    comment: str = Field(description="审核意见")
    decided_on: str = Field(description="审核日期")


class RegionAdjustments(BaseModel):
    """一个地区一年的专业动态调整：申请、决定、指标与备案表。"""

    region: str = Field(description="行政区划代码")
    region_name: str = Field(description="地区名称")
    year: int = Field(description="调整年度")
    window: WindowPublic | None = Field(description="该年的调整窗口")
    by_kind: list[KindDecisionCount] = Field(description="按申请类型和状态统计")
    by_industry: list[IndustryChange] = Field(description="按重点产业的专业开设与停撤")
    new_majors: int = Field(description="批准新开设的专业点数（含改造升级后的专业）")
    new_majors_priority: int = Field(description="其中服务重点产业的专业点数")
    priority_share: float | None = Field(
        description="新开设专业服务重点产业的比例（监测指标4.1专业与产业匹配）；无新开设时为空"
    )
    warnings_acted: int = Field(description="预警撤并或调减的学校专业中已响应的数量")
    warnings_not_acted: int = Field(description="其中未响应的数量")
    follow_up: list[WarningFollowUp] = Field(description="预警的学校专业及其响应情况")
    filing: list[FilingRow] = Field(description="备案表：已审核的申请")


class WindowsPublic(BaseModel):
    data: list[WindowPublic] = Field(description="本页窗口")
    count: int = Field(description="符合条件的窗口总数")
