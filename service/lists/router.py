from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from service.deps import ReadSessionDep
from service.fields import Year
from service.lists import exporters, operations
from service.lists.schemas import ListFormat, ListKind, RegionList
from service.reports.exporters import file_formats_documented

router = APIRouter(prefix="/regions", tags=["三张清单"])


@router.get("/{code}/lists/{kind}", response_model=RegionList, responses=file_formats_documented())
def region_list(
    session: ReadSessionDep,
    code: Annotated[str, Path(min_length=6, max_length=6, description="行政区划代码")],
    kind: Annotated[ListKind, Path(description="talent-demand / industry / policy-support")],
    year: Annotated[Year, Query(description="年份")],
    fmt: Annotated[
        ListFormat, Query(alias="format", description="json / csv / xlsx / html")
    ] = "json",
) -> Any:
    """三张清单（人才需求、产业发展、政策支持），公开可读。"""
    result = operations.region_list(session, code, kind, year)
    if fmt == "json":
        return result
    exported = exporters.export(result, fmt)
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": exported.content_disposition},
    )
