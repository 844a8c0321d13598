from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status

from models import Role, User
from service.auth.dependencies import OptionalUser, require_roles
from service.deps import ReadSessionDep, SessionDep
from service.fields import Year as YearValue
from service.lists import exporters, measures, operations
from service.lists.schemas import (
    ListFormat,
    ListKind,
    ListVersionPublic,
    MeasureIn,
    MeasurePublic,
    MeasureUpdate,
    RegionList,
)
from service.reports.exporters import file_formats_documented

router = APIRouter(prefix="/regions", tags=["三张清单"])
measures_router = APIRouter(prefix="/policy-measures", tags=["三张清单"])

Code = Annotated[str, Path(min_length=6, max_length=6, description="行政区划代码")]
Kind = Annotated[ListKind, Path(description="talent-demand / industry / policy-support")]
Year = Annotated[YearValue, Query(description="年份")]
Format = Annotated[ListFormat, Query(alias="format", description="json / csv / xlsx / html")]
Version = Annotated[int, Path(ge=1, le=1_000_000, description="版本号")]
MeasureKey = Annotated[str, Path(min_length=1, max_length=64, description="措施编号")]
Publisher = Annotated[
    User,
    Depends(require_roles(Role.regulator, Role.admin, refusal="只有监管部门可以拟定和发布清单")),
]
Editor = Annotated[
    User,
    Depends(require_roles(Role.regulator, Role.admin, refusal="只有监管部门可以维护政策支持措施")),
]


def _answer(result: RegionList, fmt: ListFormat) -> Any:
    if fmt == "json":
        return result
    exported = exporters.export(result, fmt)
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": exported.content_disposition},
    )


@router.get("/{code}/lists/{kind}", response_model=RegionList, responses=file_formats_documented())
def region_list(
    session: ReadSessionDep,
    viewer: OptionalUser,
    code: Code,
    kind: Kind,
    year: Year,
    fmt: Format = "json",
    version: Annotated[
        operations.Wanted,
        Query(
            description="latest：最新发布版本（未发布时为实时计算）；draft：实时计算的草稿（本地区监管部门）"
        ),
    ] = "latest",
) -> Any:
    """三张清单（人才需求、产业发展、政策支持），公开可读：最新发布版本，未发布时按当前数据计算。"""
    return _answer(operations.region_list(session, code, kind, year, viewer, version), fmt)


@router.post(
    "/{code}/lists/{kind}/versions",
    response_model=RegionList,
    status_code=status.HTTP_201_CREATED,
)
def create_draft(
    session: SessionDep, actor: Publisher, code: Code, kind: Kind, year: Year
) -> RegionList:
    """拟定清单草稿：按当前数据计算并冻结为新版本（本地区监管部门）。"""
    return operations.create_draft(session, code, kind, year, actor)


@router.get("/{code}/lists/{kind}/versions", response_model=list[ListVersionPublic])
def list_versions(
    session: ReadSessionDep, viewer: OptionalUser, code: Code, kind: Kind, year: Year
) -> list[ListVersionPublic]:
    """清单的各个版本：已发布版本公开，草稿仅本地区监管部门可见。"""
    return operations.list_versions(session, code, kind, year, viewer)


@router.get(
    "/{code}/lists/{kind}/versions/{version}",
    response_model=RegionList,
    responses=file_formats_documented(),
)
def read_version(
    session: ReadSessionDep,
    viewer: OptionalUser,
    code: Code,
    kind: Kind,
    version: Version,
    year: Year,
    fmt: Format = "json",
) -> Any:
    """清单的某一版本（发布时冻结的内容）。"""
    return _answer(operations.read_version(session, code, kind, year, version, viewer), fmt)


@router.post("/{code}/lists/{kind}/versions/{version}/publish", response_model=RegionList)
def publish(
    session: SessionDep, actor: Publisher, code: Code, kind: Kind, version: Version, year: Year
) -> RegionList:
    """发布清单草稿：记录发布时间和发布部门，公众此后读取该版本（本地区监管部门）。"""
    return operations.publish(session, code, kind, year, version, actor)


@measures_router.get("", response_model=list[MeasurePublic])
def list_measures(
    session: ReadSessionDep,
    region: Annotated[
        str | None, Query(min_length=6, max_length=6, description="适用地区（含全国性措施）")
    ] = None,
    include_withdrawn: Annotated[bool, Query(description="是否包含已撤回的措施")] = False,
) -> list[MeasurePublic]:
    """政策支持措施（公开）。"""
    return measures.list_measures(session, region, include_withdrawn)


@measures_router.post("", response_model=MeasurePublic, status_code=status.HTTP_201_CREATED)
def create_measure(session: SessionDep, actor: Editor, body: MeasureIn) -> MeasurePublic:
    """增列支持措施：地方监管部门为本地区增列，全国性措施仅国家监管部门和管理员。"""
    return measures.create(session, body, actor)


@measures_router.patch("/{key}", response_model=MeasurePublic)
def update_measure(
    session: SessionDep, actor: Editor, key: MeasureKey, body: MeasureUpdate
) -> MeasurePublic:
    """修改支持措施（本地区监管部门；全国性措施仅国家监管部门和管理员）。"""
    return measures.update(session, key, body, actor)


@measures_router.post("/{key}/withdraw", response_model=MeasurePublic)
def withdraw_measure(session: SessionDep, actor: Editor, key: MeasureKey) -> MeasurePublic:
    """撤回支持措施：保留记录，不再列入政策支持清单。"""
    return measures.withdraw(session, key, actor)
