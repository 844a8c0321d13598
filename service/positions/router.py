from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from models import PositionStatus, Role, User
from service.auth.dependencies import OptionalUser, ReadSessionDep, SessionDep, require_roles
from service.catalog.schemas import MajorResolutionPublic
from service.db import end_reading
from service.page_dep import PageDep
from service.positions import operations
from service.positions.schemas import (
    ApprenticeShareReport,
    ComplianceCheck,
    PositionCreate,
    PositionPublic,
    PositionSaved,
    PositionSearch,
    PositionSearchPage,
    PositionsPublic,
    PositionUpdate,
    PositionView,
)
from service.positions.search_cache import ResponseCache

router = APIRouter(prefix="/positions", tags=["岗位"])
reports_router = APIRouter(prefix="/reports", tags=["报表"])

Enterprise = Annotated[User, Depends(require_roles(Role.enterprise))]
Supervisor = Annotated[User, Depends(require_roles(Role.regulator, Role.admin))]
RegionQuery = Annotated[
    str | None, Query(pattern=r"^\d{6}$", description="行政区划代码（含下级区划）")
]


def _page(views: list[PositionView], count: int) -> PositionsPublic:
    return PositionsPublic(data=[PositionPublic.from_view(v) for v in views], count=count)


def _saved(result: tuple[PositionView, list[MajorResolutionPublic]]) -> PositionSaved:
    view, resolutions = result
    return PositionSaved(
        **PositionPublic.from_view(view).model_dump(), major_resolutions=resolutions
    )


@router.get("", response_model=PositionSearchPage)
def search_positions(
    request: Request,
    session: ReadSessionDep,
    viewer: OptionalUser,
    filters: Annotated[PositionSearch, Query()],
    page: PageDep,
) -> Response:
    """检索已发布岗位（无需登录）：关键词全文检索，按类型、地区、行业、专业、月薪、日期筛选，
    按相关度、发布时间、月薪或截止日期排序；总数超过1000时显示为“1000+”。"""
    cache: ResponseCache = request.app.state.search_cache
    body = operations.search_positions_json(session, viewer, filters, page, cache)
    end_reading(request, session)
    return Response(content=body, media_type="application/json")


@router.post("", response_model=PositionSaved, status_code=201)
def create_position(session: SessionDep, actor: Enterprise, body: PositionCreate) -> PositionSaved:
    """新建岗位（保存为草稿）；专业名称按专业目录识别并返回识别结果。"""
    return _saved(operations.create_position(session, actor, body))


@router.get("/mine", response_model=PositionsPublic)
def my_positions(
    session: ReadSessionDep,
    actor: Enterprise,
    page: PageDep,
    status: Annotated[PositionStatus | None, Query(description="岗位状态")] = None,
) -> PositionsPublic:
    """本企业的全部岗位（含草稿）。"""
    return _page(*operations.my_positions(session, actor, status, page))


@router.get("/compliance-findings", response_model=PositionsPublic)
def positions_with_findings(
    session: ReadSessionDep,
    viewer: Supervisor,
    page: PageDep,
    region: RegionQuery = None,
    severity: Annotated[
        Literal["warning", "blocking"] | None, Query(description="提示级别")
    ] = None,
    review: Annotated[
        bool, Query(description="只列出文本模型标记为“待人工复核”的岗位（附评分）")
    ] = False,
) -> PositionsPublic:
    """带合规提示的已发布岗位（监管部门和管理员）。"""
    return _page(
        *operations.positions_with_findings(session, viewer, region, severity, page, review=review)
    )


@router.get("/{position_id}", response_model=PositionPublic)
def read_position(
    session: ReadSessionDep, viewer: OptionalUser, position_id: uuid.UUID
) -> PositionPublic:
    """查看岗位详情（已发布岗位无需登录）。"""
    return PositionPublic.from_view(operations.read_position(session, viewer, position_id))


# ``:uuid`` keeps /positions/mine and /positions/compliance-findings (read-only) from having
# the shape of this route: their 405 named PATCH in its Allow (issue 24).
@router.patch("/{position_id:uuid}", response_model=PositionSaved)
def update_position(
    session: SessionDep, actor: Enterprise, position_id: uuid.UUID, body: PositionUpdate
) -> PositionSaved:
    """修改本企业的岗位（草稿或招聘中；招聘中的岗位重新进行合规检查）。"""
    return _saved(operations.update_position(session, actor, position_id, body))


@router.post("/{position_id}/publish", response_model=PositionPublic)
def publish_position(
    session: SessionDep, actor: Enterprise, position_id: uuid.UUID
) -> PositionPublic:
    """发布岗位：通过合规检查后公开；有阻止性问题时返回422并列出问题。"""
    return PositionPublic.from_view(operations.publish_position(session, actor, position_id))


@router.get("/{position_id}/compliance", response_model=ComplianceCheck)
def check_position(
    session: ReadSessionDep, actor: Enterprise, position_id: uuid.UUID
) -> ComplianceCheck:
    """预检本企业岗位的合规问题（与发布时的检查相同，不改变岗位）。"""
    return operations.check_position(session, actor, position_id)


@router.post("/{position_id}/close", response_model=PositionPublic)
def close_position(
    session: SessionDep, actor: Enterprise, position_id: uuid.UUID
) -> PositionPublic:
    """关闭招聘中的岗位。"""
    return PositionPublic.from_view(operations.close_position(session, actor, position_id))


@reports_router.get("/apprenticeship-share", response_model=ApprenticeShareReport)
def apprenticeship_share(
    session: ReadSessionDep,
    viewer: Supervisor,
    page: PageDep,
    region: RegionQuery = None,
    year: Annotated[
        int | None,
        Query(ge=2000, le=2100, description="统计年份（默认今年）：计入该年在岗的学徒"),
    ] = None,
) -> ApprenticeShareReport:
    """某年在岗学徒占在岗职工比例与目标比例的差距，及按地区、行业、企业的分布（监管部门和管理员；地区监管部门仅本辖区）。"""
    return operations.apprenticeship_share(session, viewer, region, page, year)
