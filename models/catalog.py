"""Reference catalogues: regions, industries, occupations, majors and the priority-industry list."""

from __future__ import annotations

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from models.base import JSONType


class Region(SQLModel, table=True):
    """GB/T 2260 行政区划: province, city or county; ``parent_code`` rolls a county up to its
    city."""

    code: str = Field(primary_key=True, max_length=6)
    name: str = Field(max_length=64)
    level: str = Field(max_length=16)  # province / city / county
    parent_code: str | None = Field(
        default=None, foreign_key="region.code", index=True, max_length=6
    )
    province_code: str = Field(max_length=6, index=True)


class Industry(SQLModel, table=True):
    """GB/T 4754-2017 国民经济行业分类 (2019 amendment)."""

    code: str = Field(primary_key=True, max_length=5)
    name: str = Field(max_length=128)
    level: str = Field(max_length=8)  # 门类 / 大类 / 中类 / 小类
    parent_code: str | None = Field(
        default=None, foreign_key="industry.code", index=True, max_length=5
    )


class Occupation(SQLModel, table=True):
    """中华人民共和国职业分类大典（2022年版）."""

    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=128)
    level: str = Field(max_length=8)  # 大类 / 中类 / 小类 / 细类
    parent_code: str | None = Field(
        default=None, foreign_key="occupation.code", index=True, max_length=16
    )
    gbm: str | None = Field(default=None, max_length=16)
    mark: str | None = Field(default=None, max_length=8)  # S 数字职业 / L 绿色职业


class Major(SQLModel, table=True):
    """A major of the 职业教育专业目录（2021年） with its 增补."""

    code: str = Field(primary_key=True, max_length=8)
    name: str = Field(max_length=64, index=True)
    level: str = Field(max_length=8, index=True)
    category_code: str = Field(max_length=2, index=True)
    category_name: str = Field(max_length=64)
    class_code: str = Field(max_length=4, index=True)
    class_name: str = Field(max_length=64)
    pinyin_initials: str = Field(max_length=64, index=True)
    note: str | None = Field(default=None, max_length=64)


class MajorAlias(SQLModel, table=True):
    """Former names and common abbreviations of a major."""

    __tablename__ = "major_alias"

    major_code: str = Field(foreign_key="major.code", primary_key=True, max_length=8)
    alias: str = Field(primary_key=True, max_length=64, index=True)
    kind: str = Field(max_length=16)  # former_name / abbreviation
    source: str | None = Field(default=None, max_length=200)


class MajorTerm(SQLModel, table=True):
    """Terms from the 专业简介: occupations and 岗位群, core courses, certificates."""

    __tablename__ = "major_term"

    major_code: str = Field(foreign_key="major.code", primary_key=True, max_length=8)
    kind: str = Field(primary_key=True, max_length=16)
    term: str = Field(primary_key=True, max_length=128)


class PriorityIndustry(SQLModel, table=True):
    """An entry of the 产业发展清单 with its crosswalk to industry and major codes."""

    __tablename__ = "priority_industry"

    key: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=64)
    category: str = Field(max_length=16, index=True)  # 新兴 / 紧缺 / 改造升级 / 生活服务
    lists: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    source: str = Field(max_length=500)
    industry_codes: list[str] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    major_codes: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    region_code: str | None = Field(default=None, foreign_key="region.code", max_length=6)


class StrategicEmergingIndustry(SQLModel, table=True):
    """战略性新兴产业分类（2018） mapped to GB/T 4754 小类."""

    __tablename__ = "strategic_emerging_industry"

    industry_code: str = Field(foreign_key="industry.code", primary_key=True, max_length=5)
    path: str = Field(primary_key=True, max_length=200)
    area: str = Field(max_length=32, index=True)
    partial: bool = False
    key_products: str | None = Field(default=None, sa_column=Column(String(2000)))
