"""Public shapes of the matcher's answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AlignmentComponentsPublic(BaseModel):
    crosswalk: float = Field(description="清单对应：清单列出本专业为1，列出其专业类为0.85，否则为0")
    text: float = Field(description="文本相似度（专业名称、简介职业与产业关键词、行业名称），0–1")
    demand: float = Field(description="需求证据：本地区该产业岗位中要求本专业的比例（饱和至1）")


class IndustryAlignmentPublic(BaseModel):
    industry: str = Field(description="重点产业名称")
    industry_key: str = Field(description="重点产业编号")
    category: str = Field(description="类别：新兴 / 紧缺 / 改造升级 / 生活服务")
    lists: list[str] = Field(description="所在政策清单")
    region_code: str | None = Field(description="地方清单的地区代码；全国清单为空")
    score: float = Field(description="对接得分，0–1")
    components: AlignmentComponentsPublic
    via: str | None = Field(description="清单对应方式：major 专业 / class 专业类 / 空")
    demand_share: float | None = Field(description="需求比例原值；地区无该产业岗位时为空")


class MajorAlignmentPublic(BaseModel):
    major_code: str
    major_name: str
    level: str
    region: str | None = Field(description="地区代码（含本地区重点产业与岗位需求）")
    aligned_threshold: float = Field(description="计为对接的最低得分")
    weights: dict[str, float] = Field(description="三项证据的权重")
    industries: list[IndustryAlignmentPublic] = Field(description="重点产业，按得分从高到低")


class ProgrammeAlignmentPublic(BaseModel):
    major_code: str
    major_name: str
    level: str
    latest_year: int = Field(description="最近一年的招生计划年份")
    aligned: bool = Field(description="是否对接至少一个重点产业")
    aligned_industries: list[str] = Field(description="得分达到阈值的重点产业")
    top_industries: list[IndustryAlignmentPublic] = Field(description="得分最高的三个重点产业")


class SchoolAlignmentPublic(BaseModel):
    school_code: str
    school_name: str
    region_code: str
    aligned_threshold: float = Field(description="计为对接的最低得分")
    threshold_note: str = Field(description="阈值说明")
    programmes: int = Field(description="开设专业数")
    aligned_programmes: int = Field(description="对接重点产业的专业数")
    aligned_share: float | None = Field(description="专业布局与产业结构对接比例（联合体指标4.1）")
    rows: list[ProgrammeAlignmentPublic]


class RecommendationReasonsPublic(BaseModel):
    major: str = Field(description="专业关系：same_major / same_class_requested / same_class / …")
    major_label: str = Field(description="专业关系（中文）")
    matched_skills: list[str] = Field(description="学生具备、岗位要求或提及的技能与证书")
    missing_skills: list[str] = Field(description="岗位要求而学生尚未具备的技能")
    region: str | None = Field(description="preferred 意向地区内 / same_province 同省 / 空")
    priority_industry: str | None = Field(description="岗位所属重点或紧缺产业")


class RecommendationPublic(BaseModel):
    position_id: str
    title: str
    enterprise: str
    kind: str
    region_code: str
    monthly_pay: float | None
    score: float = Field(description="推荐得分，0–1")
    components: dict[str, float] = Field(description="各项得分：major、skills、region、pay")
    reasons: RecommendationReasonsPublic


class RecommendationsPublic(BaseModel):
    student_id: str
    major_code: str
    k: int
    indexed_positions: int = Field(description="索引中的在招岗位数")
    data: list[RecommendationPublic]


class PartnerReasonsPublic(BaseModel):
    major: str
    major_label: str
    coming_cohort: int = Field(description="即将毕业的学生数（按招生计划）")
    graduation_years: list[int]
    distance: str
    distance_label: str


class PartnerProgrammePublic(BaseModel):
    programme_id: str
    school_id: str
    school_name: str
    major_code: str
    major_name: str
    level: str
    region_code: str
    score: float = Field(description="合作匹配得分，0–1")
    components: dict[str, float] = Field(description="各项得分：major、cohort、distance")
    reasons: PartnerReasonsPublic


class CandidateProgrammesPublic(BaseModel):
    position_id: str
    title: str
    major_codes: list[str]
    class_codes: list[str]
    headcount: int
    order_training: bool
    data: list[PartnerProgrammePublic]
