from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from models import MajorLevel, Role, User
from service.auth.dependencies import require_roles
from service.deps import ReadSessionDep
from service.fields import Documented, LocalRegionCode, RegionCode
from service.reports import operations
from service.reports.exporters import ReportFile, file_formats_documented
from service.reports.operations import MismatchQuery
from service.reports.schemas import MismatchChanges, MismatchReport, ReportFormat, WhatIfReport

router = APIRouter(prefix="/reports", tags=["供需报告"])

Viewer = Annotated[User, Depends(require_roles(Role.regulator, Role.admin, Role.school))]
Region = Annotated[
    RegionCode,
    Query(
        min_length=6,
        max_length=6,
        description="行政区划代码（省、市、县；含下辖地区）；000000 为全国（各省汇总）",
    ),
]
LocalRegion = Annotated[
    LocalRegionCode,
    Query(
        min_length=6, max_length=6, description="行政区划代码（省、市、县；含下辖地区），不含全国"
    ),
]
Year = Annotated[
    int,
    Query(ge=operations.MIN_YEAR, le=operations.MAX_YEAR, description="报告年份（毕业年份）"),
]
Level = Annotated[MajorLevel | None, Query(description="专业层次（不填为全部）")]
Profile = Annotated[
    str | None, Query(max_length=32, description="政策配置编号（不填则按地区设置）")
]


@router.get("/mismatch", response_model=MismatchReport, responses=file_formats_documented())
def mismatch(
    session: ReadSessionDep,
    viewer: Viewer,
    year: Year,
    region: Annotated[
        RegionCode | None,
        Query(
            min_length=6,
            max_length=6,
            description=(
                "行政区划代码（省、市、县；含下辖地区）；000000 为全国（各省汇总）。"
                "不填为本机构所在地区，无所属地区的监管部门和管理员为全国"
            ),
        ),
    ] = None,
    level: Level = None,
    profile: Profile = None,
    fmt: Annotated[
        ReportFormat, Query(alias="format", description="json / csv / xlsx / html")
    ] = "json",
) -> Any:
    """专业供需错配报告：各专业指标、调整建议及依据（学校仅见本校专业；000000 为全国）。"""
    query = MismatchQuery(region=region, year=year, level=level, profile=profile)
    result = operations.mismatch_export(session, query, fmt, viewer=viewer)
    if isinstance(result, ReportFile):
        return Response(
            result.content,
            media_type=result.media_type,
            headers={"Content-Disposition": result.content_disposition},
        )
    return result


@router.get("/mismatch/what-if", response_model=WhatIfReport)
def what_if(
    session: ReadSessionDep,
    viewer: Viewer,
    region: Region,
    year: Year,
    major: Annotated[str, Query(min_length=1, max_length=8, description="专业代码")],
    enrolment_change: Annotated[
        float,
        Documented(minimum=-1, maximum=operations.MAX_ENROLMENT_CHANGE),
        Query(description="招生计划调整比例，如 -0.2 表示减少20%（-1 至 5）"),
    ] = 0.0,
    profile: Profile = None,
) -> WhatIfReport:
    """招生计划调整模拟：按学制推算此后各毕业年份的供求比。"""
    query = MismatchQuery(region=region, year=year, profile=profile)
    return operations.what_if(session, query, major, enrolment_change, viewer=viewer)


@router.get("/mismatch/changes", response_model=MismatchChanges)
def changes(
    session: ReadSessionDep,
    viewer: Viewer,
    region: LocalRegion,
    year: Year,
    profile: Profile = None,
) -> MismatchChanges:
    """预警变化：与上一年快照相比新上榜、加重和减轻的专业。"""
    query = MismatchQuery(region=region, year=year, profile=profile)
    return operations.mismatch_changes(session, query, viewer=viewer)
