"""Read-only, public routes of the reference catalogues."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.catalog import operations
from service.catalog.schemas import (
    IndustriesPublic,
    MajorDetailPublic,
    MajorsPublic,
    OccupationsPublic,
    PriorityIndustriesPublic,
    RegionsPublic,
    ResolutionPublic,
)
from service.deps import ReadSessionDep
from service.fields import NonBlank
from service.page_dep import PageDep

router = APIRouter(prefix="/catalog", tags=["参考目录"])


def _choices(description: str, allowed: tuple[str, ...]) -> object:
    # The values are checked by the operation (a Chinese 422 listing them); the enum documents them.
    return Query(description=description, json_schema_extra={"enum": list(allowed)})


SearchText = Annotated[str | None, Query(max_length=64, description="搜索词")]
MajorLevel = Annotated[
    str | None, _choices("层次：中职 / 高职专科 / 职教本科", operations.MAJOR_LEVELS)
]


@router.get("/majors", response_model=MajorsPublic)
def list_majors(
    session: ReadSessionDep,
    page: PageDep,
    level: MajorLevel = None,
    q: Annotated[
        str | None,
        Query(max_length=64, description="专业代码前缀、名称、别名或拼音首字母（如 rjjs）"),
    ] = None,
    class_code: Annotated[str | None, Query(max_length=4, description="专业类代码")] = None,
) -> MajorsPublic:
    """检索专业目录：按代码前缀、名称、别名或拼音首字母。"""
    result = operations.search_majors(session, q, level, class_code, page.offset, page.page_size)
    return MajorsPublic.model_validate(result, from_attributes=True)


@router.get("/majors/resolve", response_model=ResolutionPublic)
def resolve_major(
    session: ReadSessionDep,
    name: Annotated[
        NonBlank, Query(max_length=200, description="专业名称或代码，可含空格、括号方向等")
    ],
    level: MajorLevel = None,
) -> ResolutionPublic:
    """把不规范的专业名称对应到目录专业；无法确定时返回候选。"""
    resolution = operations.resolve_major(session, name, level)
    return ResolutionPublic.model_validate(resolution.to_dict())


@router.get("/majors/{code}", response_model=MajorDetailPublic)
def get_major(session: ReadSessionDep, code: str) -> MajorDetailPublic:
    """专业详情：别名、简介词条和服务的重点产业。"""
    return MajorDetailPublic.from_detail(operations.major_detail(session, code))


@router.get("/industries", response_model=IndustriesPublic)
def list_industries(
    session: ReadSessionDep,
    page: PageDep,
    q: SearchText = None,
    level: Annotated[
        str | None, _choices("层级：门类 / 大类 / 中类 / 小类", operations.INDUSTRY_LEVELS)
    ] = None,
) -> IndustriesPublic:
    """检索国民经济行业分类（GB/T 4754-2017）。"""
    result = operations.search_industries(session, q, level, page.offset, page.page_size)
    return IndustriesPublic.model_validate(result, from_attributes=True)


@router.get("/occupations", response_model=OccupationsPublic)
def list_occupations(
    session: ReadSessionDep,
    page: PageDep,
    q: SearchText = None,
    level: Annotated[
        str | None, _choices("层级：大类 / 中类 / 小类 / 细类", operations.OCCUPATION_LEVELS)
    ] = None,
) -> OccupationsPublic:
    """检索职业分类大典（2022年版）。"""
    result = operations.search_occupations(session, q, level, page.offset, page.page_size)
    return OccupationsPublic.model_validate(result, from_attributes=True)


@router.get("/priority-industries", response_model=PriorityIndustriesPublic)
def list_priority_industries(
    session: ReadSessionDep,
    page: PageDep,
    category: Annotated[
        str | None, Query(max_length=16, description="类别：新兴 / 紧缺 / 改造升级 / 生活服务")
    ] = None,
    region: Annotated[
        str | None, Query(max_length=6, description="地区代码：全国清单加该地区（及其上级）的清单")
    ] = None,
) -> PriorityIndustriesPublic:
    """重点产业清单：全国清单，加上指定地区自己的清单。"""
    result = operations.list_priority_industries(
        session, category, region, page.offset, page.page_size
    )
    return PriorityIndustriesPublic.model_validate(result, from_attributes=True)


@router.get("/regions", response_model=RegionsPublic)
def list_regions(
    session: ReadSessionDep,
    page: PageDep,
    parent: Annotated[str | None, Query(max_length=6, description="上级区划代码")] = None,
    level: Annotated[
        str | None, _choices("层级：province 省 / city 市 / county 县", operations.REGION_LEVELS)
    ] = None,
    q: SearchText = None,
) -> RegionsPublic:
    """检索行政区划（GB/T 2260）。"""
    result = operations.search_regions(session, parent, level, q, page.offset, page.page_size)
    return RegionsPublic.model_validate(result, from_attributes=True)
