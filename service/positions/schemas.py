"""Request and response bodies of the position endpoints and the apprentice-share report."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models import MajorLevel, Position, PositionKind, PositionStatus
from models.base import MAX_COUNT, POSITION_KIND_LABELS, POSITION_STATUS_LABELS
from service import clock
from service.catalog.schemas import MajorResolutionPublic
from service.fields import Documented, InputModel, UtcDatetime

PAST_CLOSING_LABEL = "已截止"

MAX_MAJORS = 20
MAX_SKILLS = 30
MAX_SKILL_LENGTH = 32
Skill = Annotated[str, Documented(maxLength=MAX_SKILL_LENGTH)]
MAX_DESCRIPTION_LENGTH = 5000
MAX_REQUIREMENTS_LENGTH = 2000
SortKey = Literal["relevance", "newest", "pay", "closing"]
# Counts stop here: past it a list says "1000+" rather than counting a million matches.
COUNT_CAP = 1000
KIND_BY_LABEL = {label: kind.value for kind, label in POSITION_KIND_LABELS.items()}


def _clean_list(values: list[str] | None, max_length: int, label: str) -> list[str] | None:
    if values is None:
        return None
    cleaned: list[str] = []
    for value in values:
        text = value.strip()
        if not text:
            continue
        if len(text) > max_length:
            raise ValueError(f"{label}“{text[:10]}…”过长（不超过{max_length}字）")
        if text not in cleaned:
            cleaned.append(text)
    return cleaned


class _PositionFields(InputModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("title", check_fields=False)
    @classmethod
    def _strip_title(cls, value: str | None) -> str | None:
        if value is None:
            return None
        stripped = value.strip()
        if not stripped:
            raise ValueError("岗位名称不能为空")
        return stripped

    @field_validator("majors", check_fields=False)
    @classmethod
    def _clean_majors(cls, value: list[str] | None) -> list[str] | None:
        return _clean_list(value, 64, "专业")

    @field_validator("skills", check_fields=False)
    @classmethod
    def _clean_skills(cls, value: list[str] | None) -> list[str] | None:
        return _clean_list(value, MAX_SKILL_LENGTH, "技能")


class PositionCreate(_PositionFields):
    """A new position; it is saved as a draft and published separately."""

    kind: PositionKind = Field(
        description="岗位类型：apprenticeship 学徒 / internship 实习 / job 就业"
    )
    title: str = Field(min_length=1, max_length=128, description="岗位名称")
    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH, description="岗位描述")
    requirements: str = Field(
        default="",
        max_length=MAX_REQUIREMENTS_LENGTH,
        description="任职要求（如学历、证书、能力；与岗位描述一样接受合规检查，可不填）",
    )
    majors: list[str] = Field(
        default_factory=list,
        max_length=MAX_MAJORS,
        description=(
            "需求专业：专业代码或专业名称（名称按职业教育专业目录识别）；"
            "也可填专业类代码或名称（如 5102、计算机类），按政策配置折算计入该类各专业的需求"
        ),
    )
    major_level: MajorLevel | None = Field(
        default=None, description="按名称识别专业时限定的层次（同名专业跨层次时使用）"
    )
    skills: list[Skill] = Field(default_factory=list, max_length=MAX_SKILLS, description="技能要求")
    region_code: str | None = Field(
        default=None, pattern=r"^\d{6}$", description="工作地行政区划代码（默认为企业所在地）"
    )
    headcount: int = Field(ge=1, le=100_000, description="招聘人数")
    monthly_pay: float | None = Field(default=None, ge=0, le=1_000_000, description="月薪（元）")
    same_post_wage: float | None = Field(
        default=None, ge=0, le=1_000_000, description="本单位同岗位职工月工资（元，实习报酬核对用）"
    )
    post_staff_count: int | None = Field(
        default=None, ge=0, le=MAX_COUNT, description="同类岗位在岗职工人数（实习人数核对用）"
    )
    hours_per_day: float | None = Field(default=None, gt=0, le=24, description="每日工作小时数")
    hours_per_week: float | None = Field(default=None, gt=0, le=168, description="每周工作小时数")
    start_date: date = Field(description="到岗日期")
    end_date: date | None = Field(default=None, description="结束日期（实习、学徒期满）")
    closing_date: date | None = Field(default=None, description="报名截止日期")
    order_training: bool = Field(default=False, description="是否订单培养")
    occupation_code: str | None = Field(
        default=None,
        pattern=r"^\d(-\d{2}){0,3}$",
        description="职业代码（职业分类大典2022，如 6-18-02-01；可不填）",
    )


class PositionUpdate(_PositionFields):
    """Changes to a draft or an open position (an open one is checked against the rules again)."""

    kind: PositionKind | None = Field(default=None, description="岗位类型")
    title: str | None = Field(default=None, min_length=1, max_length=128, description="岗位名称")
    description: str | None = Field(
        default=None, max_length=MAX_DESCRIPTION_LENGTH, description="岗位描述"
    )
    requirements: str | None = Field(
        default=None, max_length=MAX_REQUIREMENTS_LENGTH, description="任职要求（给出空文本即清除）"
    )
    majors: list[str] | None = Field(
        default=None, max_length=MAX_MAJORS, description="需求专业（代码或名称），给出即整体替换"
    )
    major_level: MajorLevel | None = Field(default=None, description="按名称识别专业时限定的层次")
    skills: list[Skill] | None = Field(default=None, max_length=MAX_SKILLS, description="技能要求")
    region_code: str | None = Field(default=None, pattern=r"^\d{6}$", description="工作地区划代码")
    headcount: int | None = Field(default=None, ge=1, le=100_000, description="招聘人数")
    monthly_pay: float | None = Field(default=None, ge=0, le=1_000_000, description="月薪（元）")
    same_post_wage: float | None = Field(
        default=None, ge=0, le=1_000_000, description="本单位同岗位职工月工资（元）"
    )
    post_staff_count: int | None = Field(
        default=None, ge=0, le=MAX_COUNT, description="同类岗位在岗职工人数"
    )
    hours_per_day: float | None = Field(default=None, gt=0, le=24, description="每日工作小时数")
    hours_per_week: float | None = Field(default=None, gt=0, le=168, description="每周工作小时数")
    start_date: date | None = Field(default=None, description="到岗日期")
    end_date: date | None = Field(default=None, description="结束日期")
    closing_date: date | None = Field(default=None, description="报名截止日期")
    order_training: bool | None = Field(default=None, description="是否订单培养")
    occupation_code: str | None = Field(
        default=None,
        pattern=r"^\d(-\d{2}){0,3}$",
        description="职业代码（职业分类大典2022，如 6-18-02-01；填 null 清除）",
    )


class PositionSearch(InputModel):
    """The filters of the public position search."""

    q: str | None = Field(
        default=None,
        max_length=64,
        description="关键词（在岗位名称、描述、技能和需求专业中检索，多个词须全部出现）",
    )
    kind: PositionKind | None = Field(
        default=None, description="岗位类型：apprenticeship 学徒 / internship 实习 / job 就业"
    )
    region: str | None = Field(
        default=None, pattern=r"^\d{6}$", description="行政区划代码（含下级区划）"
    )
    industry: str | None = Field(
        default=None,
        pattern=r"^(?:[A-T]|\d{2,4})$",
        description="企业所属行业（GB/T 4754 门类字母或2–4位代码，含下级行业）",
    )
    enterprise: str | None = Field(
        default=None,
        pattern=r"^[0-9A-HJ-NP-RTUW-Y]{18}$",
        description="发布企业（统一社会信用代码）",
    )
    major: str | None = Field(
        default=None,
        max_length=64,
        description="需求专业：专业代码或名称（名称按专业目录识别，无法识别时返回候选专业）",
    )
    min_pay: float | None = Field(default=None, ge=0, le=1_000_000, description="最低月薪（元）")
    published_from: date | None = Field(default=None, description="发布日期不早于")
    start_from: date | None = Field(default=None, description="到岗日期不早于")
    start_to: date | None = Field(default=None, description="到岗日期不晚于")
    closing_from: date | None = Field(
        default=None, description="报名截止日期不早于（未设截止日期的岗位视为长期有效）"
    )
    open_only: bool = Field(default=True, description="仅显示招聘中的岗位（否则含已关闭、已招满）")
    sort: SortKey | None = Field(
        default=None,
        description="排序：relevance 相关度（有关键词时的默认）/ newest 最新发布"
        "（无关键词时的默认）/ pay 月薪从高到低 / closing 截止日期最近",
    )

    @field_validator("kind", mode="before")
    @classmethod
    def _kind_label(cls, value: Any) -> Any:
        """学徒 / 实习 / 就业 as well as the English values."""
        return KIND_BY_LABEL.get(value.strip(), value.strip()) if isinstance(value, str) else value

    @field_validator("major", mode="before")
    @classmethod
    def _strip_major(cls, value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value


class MajorRef(BaseModel):
    code: str = Field(description="专业代码")
    name: str = Field(description="专业名称")
    level: str = Field(description="专业层次")


class FindingPublic(BaseModel):
    code: str = Field(description="问题代码")
    severity: Literal["blocking", "warning"] = Field(description="blocking 阻止发布 / warning 提示")
    field: str = Field(description="涉及的字段")
    message: str = Field(description="说明（含触发规则的数字或用语）")
    rule: str = Field(description="适用的规则")
    source: str = Field(description="政策或法律依据")
    category: str = Field(default="", description="问题类别（如 性别歧视、户籍歧视、待人工复核）")
    words: list[str] = Field(default_factory=list, description="发现的用语（按企业原文）")
    context: list[str] = Field(default_factory=list, description="用语所在的上下文（原文）")
    suggestion: str = Field(default="", description="建议改用的公平表述")
    score: float | None = Field(default=None, description="文本模型评分（仅待人工复核）")


class ComplianceCheck(BaseModel):
    """What publication would say about a position now, without publishing it."""

    publishable: bool = Field(description="当前内容能否发布（无阻止性问题）")
    findings: list[FindingPublic] = Field(description="合规检查发现的问题（阻止性问题与提示）")


@dataclass(frozen=True)
class PositionView:
    """A position with the names shown beside it, and whether the viewer sees its internals."""

    position: Position
    enterprise_name: str
    region_name: str
    majors: list[tuple[str, str, str]] = field(default_factory=list)
    privileged: bool = False
    enterprise_code: str = ""

    @property
    def past_closing(self) -> bool:
        """Open, but its closing date (a local date) has passed: no longer taking applications,
        until the nightly job closes it."""
        closing = self.position.closing_date
        return (
            self.position.status == PositionStatus.open
            and closing is not None
            and closing < clock.today()
        )

    @property
    def accepting_applications(self) -> bool:
        return self.position.status == PositionStatus.open and not self.past_closing

    @property
    def status_label(self) -> str:
        if self.past_closing:
            return PAST_CLOSING_LABEL
        return POSITION_STATUS_LABELS[PositionStatus(self.position.status)]


class PositionPublic(BaseModel):
    id: uuid.UUID = Field(description="岗位编号")
    enterprise_id: uuid.UUID = Field(description="发布企业编号")
    enterprise_name: str = Field(description="发布企业名称")
    enterprise_code: str = Field(default="", description="发布企业的统一社会信用代码")
    enterprise_profile_url: str | None = Field(
        default=None, description="发布企业的公开主页（API：/api/v1/enterprises/{code}/profile）"
    )
    kind: PositionKind = Field(description="岗位类型")
    kind_label: str = Field(description="岗位类型（中文）")
    title: str = Field(description="岗位名称")
    description: str = Field(description="岗位描述")
    requirements: str = Field(default="", description="任职要求")
    majors: list[MajorRef] = Field(description="需求专业")
    skills: list[str] = Field(description="技能要求")
    region_code: str = Field(description="工作地行政区划代码")
    region_name: str = Field(description="工作地名称")
    headcount: int = Field(description="招聘人数")
    monthly_pay: float | None = Field(description="月薪（元）")
    hours_per_day: float | None = Field(description="每日工作小时数")
    hours_per_week: float | None = Field(description="每周工作小时数")
    start_date: date = Field(description="到岗日期")
    end_date: date | None = Field(description="结束日期")
    closing_date: date | None = Field(description="报名截止日期")
    status: PositionStatus = Field(
        description="状态：draft 草稿 / open 招聘中 / closed 已关闭 / filled 已招满"
    )
    status_label: str = Field(description="状态（中文；招聘中但已过报名截止日期的为“已截止”）")
    accepting_applications: bool = Field(
        description="是否接受申请：招聘中且未过报名截止日期（截止日期按北京时间）"
    )
    order_training: bool = Field(description="是否订单培养")
    occupation_code: str | None = Field(default=None, description="职业代码（职业分类大典2022）")
    published_at: UtcDatetime | None = Field(description="发布时间")
    created_at: UtcDatetime = Field(description="创建时间")
    same_post_wage: float | None = Field(description="本单位同岗位工资（仅发布企业和监管部门可见）")
    post_staff_count: int | None = Field(
        description="同类岗位在岗职工人数（仅发布企业和监管部门可见）"
    )
    compliance_findings: list[FindingPublic] = Field(
        description="发布时的合规提示（仅发布企业和监管部门可见）"
    )

    @classmethod
    def from_view(cls, view: PositionView) -> PositionPublic:
        position = view.position
        kind = PositionKind(position.kind)
        status = PositionStatus(position.status)
        private: dict[str, Any] = (
            {
                "same_post_wage": position.same_post_wage,
                "post_staff_count": position.post_staff_count,
                "compliance_findings": position.compliance_findings,
            }
            if view.privileged
            else {"same_post_wage": None, "post_staff_count": None, "compliance_findings": []}
        )
        return cls(
            id=position.id,
            enterprise_id=position.enterprise_id,
            enterprise_name=view.enterprise_name,
            enterprise_code=view.enterprise_code,
            enterprise_profile_url=(
                f"/api/v1/enterprises/{view.enterprise_code}/profile"
                if view.enterprise_code
                else None
            ),
            kind=kind,
            kind_label=POSITION_KIND_LABELS[kind],
            title=position.title,
            description=position.description,
            requirements=position.requirements,
            majors=[MajorRef(code=c, name=n, level=lv) for c, n, lv in view.majors],
            skills=position.skills,
            region_code=position.region_code,
            region_name=view.region_name,
            headcount=position.headcount,
            monthly_pay=position.monthly_pay,
            hours_per_day=position.hours_per_day,
            hours_per_week=position.hours_per_week,
            start_date=position.start_date,
            end_date=position.end_date,
            closing_date=position.closing_date,
            status=status,
            status_label=view.status_label,
            accepting_applications=view.accepting_applications,
            order_training=position.order_training,
            occupation_code=position.occupation_code,
            published_at=position.published_at,
            created_at=position.created_at,
            **private,
        )


class PositionSaved(PositionPublic):
    major_resolutions: list[MajorResolutionPublic] = Field(
        description="需求专业的识别结果（填写名称时请核对）"
    )


class PositionsPublic(BaseModel):
    data: list[PositionPublic] = Field(description="本页岗位")
    count: int = Field(description="符合条件的岗位总数")


class PositionSearchPage(PositionsPublic):
    """A page of the public search; its count stops at ``COUNT_CAP``."""

    count: int = Field(description="符合条件的岗位总数（超过计数上限时为上限）")
    count_capped: bool = Field(
        default=False,
        description=f"是否超过计数上限（{COUNT_CAP}），超过时总数显示为“{COUNT_CAP}+”",
    )
    count_display: str = Field(default="", description="显示用的总数，如“37”或“1000+”")

    @model_validator(mode="after")
    def _display(self) -> PositionSearchPage:
        if not self.count_display:
            self.count_display = f"{self.count}+" if self.count_capped else str(self.count)
        return self


class ShareGroup(BaseModel):
    code: str = Field(description="区划或行业代码")
    name: str = Field(description="区划或行业名称")
    enterprises: int = Field(description="企业数")
    enterprises_with_apprentices: int = Field(description="当年有在岗学徒的企业数")
    staff_count: int = Field(description="在岗职工总数（企业登记的当前人数）")
    apprentices: int = Field(
        description="当年在岗学徒人数：已接受录用的学徒岗位，岗位起止日期与该年有重叠"
    )
    share: float | None = Field(description="学徒占在岗职工比例 = 在岗学徒人数 / 在岗职工总数")


class EnterpriseShare(BaseModel):
    enterprise_id: uuid.UUID = Field(description="企业编号")
    name: str = Field(description="企业名称")
    region_code: str = Field(description="所在地区划代码")
    industry_code: str | None = Field(description="所属行业代码")
    staff_count: int = Field(description="在岗职工总数")
    apprentices: int = Field(description="当年在岗学徒人数")
    share: float | None = Field(description="学徒占在岗职工比例")


class ShareTarget(BaseModel):
    """The share a region aims at (data: seed/data/apprenticeship_targets.json)."""

    share: float = Field(description="目标比例：学徒人数占在岗职工总数")
    region: str | None = Field(description="设定目标的地区代码（空为全国默认值）")
    basis: str = Field(description="目标的来历（中文）")
    source: str = Field(description="政策依据")


class ApprenticeShareReport(BaseModel):
    region: str | None = Field(description="统计范围（行政区划代码，空为全部）")
    year: int = Field(description="统计年份（在该年有在岗学徒的录用计入）")
    target: ShareTarget = Field(description="目标比例及其依据")
    share: float | None = Field(description="实际比例 = 合计在岗学徒人数 / 在岗职工总数")
    gap: float | None = Field(description="差距 = 实际比例 − 目标比例（负数为未达目标）")
    status: Literal["met", "below", "no_staff"] = Field(
        description="met 达到目标 / below 低于目标 / no_staff 无在岗职工数据"
    )
    status_label: str = Field(description="达到目标 / 低于目标 / 无在岗职工数据")
    total: ShareGroup = Field(description="合计")
    by_region: list[ShareGroup] = Field(description="按企业所在区县分布")
    by_industry: list[ShareGroup] = Field(description="按行业大类分布")
    enterprises: list[EnterpriseShare] = Field(description="本页企业（按学徒岗位占比从高到低）")
    count: int = Field(description="企业总数")
