"""Public shapes of the reference catalogues."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from matching.resolve import Resolution
    from service.catalog.operations import MajorClass, MajorDetail


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class MajorPublic(_Public):
    code: str = Field(description="专业代码（职业教育专业目录）")
    name: str = Field(description="专业名称")
    level: str = Field(description="层次：中职 / 高职专科 / 职教本科")
    category_code: str = Field(description="专业大类代码")
    category_name: str = Field(description="专业大类名称")
    class_code: str = Field(description="专业类代码")
    class_name: str = Field(description="专业类名称")
    pinyin_initials: str = Field(description="名称拼音首字母，如 rjjs")
    note: str | None = Field(description="备注，如 2025年12月新增")


class MajorsPublic(BaseModel):
    data: list[MajorPublic] = Field(description="本页专业")
    count: int = Field(description="符合条件的专业总数")


class MajorAliasPublic(_Public):
    alias: str = Field(description="别名（曾用名或常用简称）")
    kind: str = Field(description="类型：former_name 曾用名 / abbreviation 简称")
    source: str | None = Field(description="出处")


class ServedIndustryPublic(_Public):
    key: str = Field(description="产业标识")
    name: str = Field(description="产业名称")
    category: str = Field(description="类别：新兴 / 紧缺 / 改造升级 / 生活服务")
    lists: list[str] = Field(description="所属清单")
    region_code: str | None = Field(description="地方清单的地区代码；全国清单为空")
    via: str = Field(description="对接方式：major 专业直接列入 / class 所属专业类列入")


class MajorDetailPublic(MajorPublic):
    aliases: list[MajorAliasPublic] = Field(description="曾用名与简称")
    terms: dict[str, list[str]] = Field(
        description=(
            "专业简介中的词条，按类型分组：occupation 职业岗位、course 课程、certificate 证书"
        )
    )
    priority_industries: list[ServedIndustryPublic] = Field(description="该专业服务的重点产业")

    @classmethod
    def from_detail(cls, detail: MajorDetail) -> MajorDetailPublic:
        major = MajorPublic.model_validate(detail.major)
        return cls.model_validate(
            {
                **major.model_dump(),
                "aliases": detail.aliases,
                "terms": detail.terms,
                "priority_industries": detail.priority_industries,
            },
            from_attributes=True,
        )


class CandidatePublic(_Public):
    code: str = Field(description="专业代码")
    name: str = Field(description="专业名称")
    level: str = Field(description="层次")
    score: float = Field(description="相似度（0–100）")


class ResolutionPublic(_Public):
    input: str = Field(description="输入的名称")
    code: str | None = Field(description="匹配到的专业代码；无法确定时为空")
    name: str | None = Field(description="匹配到的专业名称")
    level: str | None = Field(description="匹配到的专业层次")
    score: float = Field(description="匹配得分（0–100）")
    method: str | None = Field(
        description=(
            "匹配方式：code 代码、exact 名称、alias 别名、fuzzy 近似、counterpart 跨层次对应"
        )
    )
    candidates: list[CandidatePublic] = Field(description="候选专业，得分从高到低")


class MajorResolutionPublic(BaseModel):
    """How a major typed into a form (code or name) was read against the catalogue: the answer of
    every form that takes a major (positions, students, programmes, demand forecasts)."""

    input: str = Field(description="填写的专业")
    code: str = Field(description="识别出的专业代码")
    name: str = Field(description="识别出的专业名称")
    level: str = Field(description="专业层次")
    method: str = Field(
        description=(
            "识别方式：code 代码 / exact 名称 / alias 曾用名或简称 / fuzzy 近似 / class 专业类"
        )
    )
    score: float = Field(description="相似度（0–100）")

    @classmethod
    def of(cls, resolution: Resolution) -> MajorResolutionPublic:
        """A resolved major (``matching.resolve``)."""
        return cls(
            input=resolution.input,
            code=resolution.code or "",
            name=resolution.name or "",
            level=resolution.level or "",
            method=resolution.method or "",
            score=resolution.score,
        )

    @classmethod
    def of_class(cls, text: str, major_class: MajorClass) -> MajorResolutionPublic:
        """An input naming a 专业类 as a whole (5102, 计算机类)."""
        return cls(
            input=text,
            code=major_class.code,
            name=major_class.name,
            level=major_class.level,
            method="class",
            score=100.0,
        )


class IndustryPublic(_Public):
    code: str = Field(description="国民经济行业代码（GB/T 4754-2017）")
    name: str = Field(description="行业名称")
    level: str = Field(description="层级：门类 / 大类 / 中类 / 小类")
    parent_code: str | None = Field(description="上级行业代码")


class IndustriesPublic(BaseModel):
    data: list[IndustryPublic] = Field(description="本页行业")
    count: int = Field(description="符合条件的行业总数")


class OccupationPublic(_Public):
    code: str = Field(description="职业代码（职业分类大典2022年版）")
    name: str = Field(description="职业名称")
    level: str = Field(description="层级：大类 / 中类 / 小类 / 细类")
    parent_code: str | None = Field(description="上级职业代码")
    gbm: str | None = Field(description="GBM 代码")
    mark: str | None = Field(description="标识：S 数字职业 / L 绿色职业")


class OccupationsPublic(BaseModel):
    data: list[OccupationPublic] = Field(description="本页职业")
    count: int = Field(description="符合条件的职业总数")


class PriorityIndustryPublic(_Public):
    key: str = Field(description="产业标识")
    name: str = Field(description="产业名称")
    category: str = Field(description="类别：新兴 / 紧缺 / 改造升级 / 生活服务")
    lists: list[str] = Field(description="所属清单")
    source: str = Field(description="政策出处")
    industry_codes: list[str] = Field(description="对应的国民经济行业代码")
    major_codes: list[str] = Field(description="服务该产业的专业代码（6位）或专业类代码（4位）")
    keywords: list[str] = Field(description="关键词")
    region_code: str | None = Field(description="地方清单的地区代码；全国清单为空")


class PriorityIndustriesPublic(BaseModel):
    data: list[PriorityIndustryPublic] = Field(description="本页重点产业")
    count: int = Field(description="符合条件的重点产业总数")


class RegionPublic(_Public):
    code: str = Field(description="行政区划代码（6位）")
    name: str = Field(description="名称")
    level: str = Field(description="层级：province 省 / city 市 / county 县")
    parent_code: str | None = Field(description="上级区划代码")
    province_code: str = Field(description="所属省级区划代码")


class RegionsPublic(BaseModel):
    data: list[RegionPublic] = Field(description="本页地区")
    count: int = Field(description="符合条件的地区总数")
