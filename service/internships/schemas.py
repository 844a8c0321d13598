"""Bodies and answers of the internship endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models import InternshipStatus, PositionKind
from service.fields import InputModel, UtcDatetime

Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Text2000 = Annotated[str, Field(max_length=2000)]


class Party(StrEnum):
    school = "school"
    enterprise = "enterprise"
    student = "student"
    guardian = "guardian"


PARTY_LABELS = {
    Party.school: "学校",
    Party.enterprise: "实习单位",
    Party.student: "学生",
    Party.guardian: "学生监护人",
}


class Grade(StrEnum):
    excellent = "excellent"
    good = "good"
    passed = "pass"
    failed = "fail"


GRADE_LABELS = {
    Grade.excellent: "优秀",
    Grade.good: "良好",
    Grade.passed: "合格",
    Grade.failed: "不合格",
}


class EndReason(StrEnum):
    student_request = "student_request"
    health = "health"
    safety_risk = "safety_risk"
    enterprise_breach = "enterprise_breach"
    student_misconduct = "student_misconduct"
    business_change = "business_change"
    further_study = "further_study"
    other = "other"


END_REASON_LABELS = {
    EndReason.student_request: "学生本人申请",
    EndReason.health: "学生身体原因",
    EndReason.safety_risk: "存在安全风险",
    EndReason.enterprise_breach: "实习单位违反协议或规定",
    EndReason.student_misconduct: "学生严重违反纪律",
    EndReason.business_change: "实习单位经营变化",
    EndReason.further_study: "学生升学或入伍",
    EndReason.other: "其他（须说明）",
}


class AgreementTerms(BaseModel):
    """The clauses of the tripartite agreement (职业学校学生实习管理规定 2021 年版列明的内容)."""

    model_config = ConfigDict(extra="forbid")

    post: Text200 = Field(description="实习岗位")
    place: Text200 = Field(description="实习地点")
    content: Text2000 = Field(default="", description="实习内容与要求")
    start_date: date = Field(description="实习开始日期")
    end_date: date = Field(description="实习结束日期")
    hours_per_day: float = Field(gt=0, le=24, description="每日工作时长（小时）")
    hours_per_week: float = Field(gt=0, le=168, description="每周工作时长（小时）")
    rest: Text2000 = Field(description="休息休假安排")
    monthly_pay: float | None = Field(default=None, ge=0, description="实习报酬（元/月）")
    same_post_wage: float | None = Field(
        default=None, ge=0, description="本单位相同岗位工资标准（元/月）"
    )
    pay_method: Text2000 = Field(description="报酬支付方式")
    meals_lodging: Text2000 = Field(default="", description="食宿安排")
    safety: Text2000 = Field(description="劳动保护、安全和职业卫生条件")
    insurance_terms: Text2000 = Field(description="实习责任保险与伤亡事故处理")
    assessment: Text2000 = Field(description="实习考核方式")
    early_termination: Text2000 = Field(description="协议变更、解除和提前终止")
    disputes: Text2000 = Field(description="违约责任与争议处理")

    @model_validator(mode="after")
    def _dates_in_order(self) -> AgreementTerms:
        if self.end_date < self.start_date:
            raise ValueError("实习结束日期不能早于开始日期")
        return self


class AgreementUpdate(InputModel):
    """Changed clauses (any subset); a change clears every confirmation."""

    model_config = ConfigDict(extra="forbid")

    post: Text200 | None = Field(default=None, description="实习岗位")
    place: Text200 | None = Field(default=None, description="实习地点")
    content: Text2000 | None = Field(default=None, description="实习内容与要求")
    start_date: date | None = Field(default=None, description="实习开始日期")
    end_date: date | None = Field(default=None, description="实习结束日期")
    hours_per_day: float | None = Field(default=None, gt=0, le=24, description="每日工作时长")
    hours_per_week: float | None = Field(default=None, gt=0, le=168, description="每周工作时长")
    rest: Text2000 | None = Field(default=None, description="休息休假安排")
    monthly_pay: float | None = Field(default=None, ge=0, description="实习报酬（元/月）")
    same_post_wage: float | None = Field(default=None, ge=0, description="同岗位工资标准")
    pay_method: Text2000 | None = Field(default=None, description="报酬支付方式")
    meals_lodging: Text2000 | None = Field(default=None, description="食宿安排")
    safety: Text2000 | None = Field(default=None, description="劳动保护与安全")
    insurance_terms: Text2000 | None = Field(default=None, description="保险与事故处理")
    assessment: Text2000 | None = Field(default=None, description="考核方式")
    early_termination: Text2000 | None = Field(default=None, description="提前终止")
    disputes: Text2000 | None = Field(default=None, description="争议处理")


class ConfirmBody(InputModel):
    """Who confirms: the caller's own party; the school records the guardian's consent
    (``party`` = guardian, with the guardian's name and relation)."""

    model_config = ConfigDict(extra="forbid")

    party: Party | None = Field(default=None, description="确认方（默认为调用者本方）")
    guardian_name: str | None = Field(
        default=None, min_length=1, max_length=64, description="监护人姓名（记录监护人确认时）"
    )
    guardian_relation: str | None = Field(
        default=None, min_length=1, max_length=16, description="与学生关系"
    )


class Confirmation(BaseModel):
    party: Party = Field(description="协议方")
    party_label: str = Field(description="协议方（中文）")
    required: bool = Field(description="是否须确认")
    confirmed: bool = Field(description="是否已确认")
    confirmed_at: UtcDatetime | None = Field(default=None, description="确认时间")
    confirmed_by: str | None = Field(default=None, description="确认人账户或监护人（脱敏）")


class InsuranceBody(InputModel):
    model_config = ConfigDict(extra="forbid")

    insurer: Text200 = Field(description="承保保险公司")
    policy_number: str = Field(min_length=1, max_length=64, description="保单号")
    cover_start: date = Field(description="保险起始日期")
    cover_end: date = Field(description="保险终止日期")
    product: str = Field(default="实习责任保险", max_length=100, description="险种")


class Mentor(InputModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, description="导师姓名")
    title: str = Field(min_length=1, max_length=64, description="职务或职称")
    phone: str = Field(min_length=5, max_length=20, pattern=r"^[0-9+\- ]+$", description="联系电话")


class MentorsBody(InputModel):
    model_config = ConfigDict(extra="forbid")

    school_mentor: Mentor = Field(description="学校指导教师")
    enterprise_mentor: Mentor = Field(description="企业指导人员（师傅）")


class LogCreate(InputModel):
    """A weekly log: the hours of each day worked, or the total hours and the days."""

    model_config = ConfigDict(extra="forbid")

    week_start_date: date = Field(description="周起始日期（星期一）")
    content: str = Field(min_length=1, max_length=4000, description="本周实习内容")
    daily_hours: list[Annotated[float, Field(ge=0, le=24)]] | None = Field(
        default=None, max_length=7, description="每日工作时长（小时，按工作日逐日填写）"
    )
    total_hours: float | None = Field(default=None, ge=0, le=168, description="本周工作总时长")
    days_worked: int | None = Field(default=None, ge=0, le=7, description="本周工作天数")
    night_shift: bool = Field(default=False, description="是否上夜班")
    overtime: bool = Field(default=False, description="是否加班")

    @model_validator(mode="after")
    def _hours_given(self) -> LogCreate:
        if self.daily_hours is None and (self.total_hours is None or self.days_worked is None):
            raise ValueError("请填写每日工作时长，或填写本周工作总时长和工作天数")
        if self.week_start_date.weekday() != 0:
            raise ValueError("周起始日期须为星期一")
        return self


class CommentCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=1000, description="导师批注")


class Comment(BaseModel):
    by: str = Field(description="批注方（学校指导教师 / 企业指导人员）")
    mentor_name: str = Field(description="导师姓名")
    text: str = Field(description="批注内容")
    at: UtcDatetime = Field(description="批注时间")


class FindingPublic(BaseModel):
    id: uuid.UUID = Field(description="发现编号")
    internship_id: uuid.UUID = Field(description="实习编号")
    log_id: uuid.UUID | None = Field(description="对应周志")
    code: str = Field(description="问题代码")
    label: str = Field(description="问题（中文）")
    reference_date: date = Field(description="涉及的周或日期")
    message: str = Field(description="说明")
    rule: str = Field(description="规则")
    source: str = Field(description="依据")
    created_at: datetime = Field(description="发现时间")
    school_name: str = Field(description="学校")
    enterprise_name: str = Field(description="实习单位")
    student_name: str = Field(description="学生（非本校、本单位者看到脱敏值）")


class FindingsPublic(BaseModel):
    data: list[FindingPublic]
    count: int = Field(description="总数")


class LogPublic(BaseModel):
    id: uuid.UUID = Field(description="周志编号")
    week_start_date: date = Field(description="周起始日期")
    content: str = Field(description="实习内容")
    days_worked: int = Field(description="工作天数")
    total_hours: float = Field(description="本周工作总时长")
    max_daily_hours: float = Field(description="单日最长工作时长")
    daily_hours: list[float] = Field(description="每日工作时长")
    night_shift: bool = Field(description="是否上夜班")
    overtime: bool = Field(description="是否加班")
    findings: list[FindingPublic] = Field(description="违反实习规定之处")
    comments: list[Comment] = Field(description="导师批注")
    created_at: UtcDatetime = Field(description="填写时间")


class LogsPublic(BaseModel):
    data: list[LogPublic]
    count: int = Field(description="总数")


class EvaluationBody(InputModel):
    """The enterprise's evaluation, or the school's grade (the caller's role decides which)."""

    model_config = ConfigDict(extra="forbid")

    score: int | None = Field(default=None, ge=0, le=100, description="分数（0-100）")
    grade: Grade = Field(description="等级：excellent 优秀 / good 良好 / pass 合格 / fail 不合格")
    comment: str = Field(min_length=1, max_length=2000, description="评语")


class Evaluation(BaseModel):
    score: int | None = Field(description="分数")
    grade: Grade = Field(description="等级")
    grade_label: str = Field(description="等级（中文）")
    comment: str = Field(description="评语")
    at: UtcDatetime = Field(description="评价时间")


class EndBody(InputModel):
    model_config = ConfigDict(extra="forbid")

    reason: EndReason = Field(
        description="提前终止原因："
        + "；".join(f"{code.value} {label}" for code, label in END_REASON_LABELS.items())
    )
    note: str = Field(default="", max_length=500, description="说明（原因为“其他”时必填）")

    @model_validator(mode="after")
    def _note_for_other(self) -> EndBody:
        if self.reason is EndReason.other and not self.note.strip():
            raise ValueError("原因为“其他”时请填写说明")
        return self


class InternshipStudent(BaseModel):
    id: uuid.UUID = Field(description="学生编号")
    name: str = Field(description="姓名（仅本人、本校和实习单位可见，其他人看到脱敏值）")
    phone: str | None = Field(description="手机号（同上）")
    masked: bool = Field(description="是否已脱敏")
    school_id: uuid.UUID = Field(description="学校编号")
    school_name: str = Field(description="学校")
    major_name: str = Field(description="专业")


class InternshipPosition(BaseModel):
    id: uuid.UUID = Field(description="岗位编号")
    title: str = Field(description="岗位名称")
    enterprise_id: uuid.UUID = Field(description="实习单位编号")
    enterprise_name: str = Field(description="实习单位")
    region_code: str = Field(description="岗位所在地区")


class InternshipPublic(BaseModel):
    id: uuid.UUID = Field(description="实习编号")
    application_id: uuid.UUID = Field(description="来源申请")
    kind: PositionKind = Field(description="类型：internship 岗位实习 / apprenticeship 学徒")
    kind_label: str = Field(description="类型（中文）")
    status: InternshipStatus = Field(description="状态")
    status_label: str = Field(description="状态（中文）")
    start_date: date = Field(description="开始日期")
    end_date: date = Field(description="结束日期")
    student: InternshipStudent = Field(description="学生")
    position: InternshipPosition = Field(description="岗位")
    agreement_version: int = Field(description="协议版本（每次修改条款加一）")
    agreement_confirmed: bool = Field(description="三方协议是否已全部确认")
    guardian_required: bool = Field(
        description="是否须监护人确认（未满18周岁，或学校未登记出生日期）"
    )
    confirmations: list[Confirmation] = Field(description="各方确认情况")
    insurance: InsuranceBody | None = Field(description="实习责任保险")
    mentors: MentorsBody | None = Field(description="指导教师与企业师傅（教职工信息）")
    enterprise_evaluation: Evaluation | None = Field(description="实习单位评价")
    school_evaluation: Evaluation | None = Field(description="学校考核成绩")
    missing_before_start: list[str] = Field(description="开始实习前尚缺的事项")
    started_on: date | None = Field(description="实际开始日期")
    ended_on: date | None = Field(description="结束或终止日期")
    end_reason: EndReason | None = Field(description="提前终止原因")
    end_reason_label: str | None = Field(description="提前终止原因（中文）")
    end_note: str = Field(description="终止说明")
    findings_count: int = Field(description="违反实习规定的发现数")
    created_at: UtcDatetime = Field(description="创建时间")


class InternshipsPublic(BaseModel):
    data: list[InternshipPublic]
    count: int = Field(description="符合条件的总数")


class AgreementPublic(BaseModel):
    internship_id: uuid.UUID = Field(description="实习编号")
    title: str = Field(description="协议名称")
    version: int = Field(description="协议版本")
    kind_label: str = Field(description="实习类型")
    school_name: str = Field(description="甲方：学校")
    enterprise_name: str = Field(description="乙方：实习单位")
    student_name: str = Field(description="丙方：学生（脱敏规则同上）")
    major_name: str = Field(description="学生专业")
    guardian_required: bool = Field(description="是否须监护人作为第四方确认")
    terms: AgreementTerms = Field(description="协议条款")
    pay_floor: float | None = Field(
        description="岗位实习报酬下限（同岗位工资的80%，第十八条），不适用或未知时为空"
    )
    insurance: InsuranceBody | None = Field(description="已登记的保险")
    mentors: MentorsBody | None = Field(description="已指定的导师")
    confirmations: list[Confirmation] = Field(description="各方确认情况")
    confirmed: bool = Field(description="是否已全部确认")
    sources: dict[str, str] = Field(description="条款依据")


class CertificatePublic(BaseModel):
    internship_id: uuid.UUID = Field(description="实习编号")
    number: str = Field(description="证明编号")
    student_name: str = Field(description="学生")
    school_name: str = Field(description="学校")
    major_name: str = Field(description="专业")
    enterprise_name: str = Field(description="实习单位")
    post: str = Field(description="岗位")
    kind_label: str = Field(description="类型")
    started_on: date = Field(description="开始日期")
    ended_on: date = Field(description="结束日期")
    enterprise_evaluation: Evaluation = Field(description="实习单位评价")
    school_evaluation: Evaluation = Field(description="学校考核成绩")


def as_dict(model: BaseModel) -> dict[str, Any]:
    """JSON-ready form for the JSON columns."""
    return model.model_dump(mode="json")
