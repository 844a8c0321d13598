"""专业动态调整: windows, proposals (schools), decisions (the regulator), the region's view."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from models import Role, User
from service.adjustments import exporters, operations
from service.adjustments.schemas import (
    AdjustmentFormat,
    Decision,
    KindValue,
    ProposalCreate,
    ProposalPublic,
    ProposalsPublic,
    ProposalUpdate,
    Refusal,
    RegionAdjustments,
    ReturnForChanges,
    StatusValue,
    UnactedList,
    WindowCreate,
    WindowPublic,
    WindowsPublic,
)
from service.auth.dependencies import ReadSessionDep, SessionDep, require_roles
from service.fields import Year as YearValue
from service.http_errors import error_responses
from service.page_dep import PageDep
from service.reports.exporters import file_formats_documented

router = APIRouter(tags=["专业动态调整"])
regions_router = APIRouter(prefix="/regions", tags=["专业动态调整"])

School = Annotated[User, Depends(require_roles(Role.school))]
Regulator = Annotated[User, Depends(require_roles(Role.regulator))]
Supervisor = Annotated[User, Depends(require_roles(Role.regulator, Role.admin))]
Viewer = Annotated[User, Depends(require_roles(Role.school, Role.regulator, Role.admin))]
YearFilter = Annotated[YearValue | None, Query(description="调整年度")]
WINDOWS = "/adjustment-windows"
PROPOSALS = "/major-proposals"


# ---------------------------------------------------------------- windows


@router.post(
    WINDOWS,
    response_model=WindowPublic,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
)
def create_window(session: SessionDep, actor: Regulator, body: WindowCreate) -> WindowPublic:
    """开放本地区某年度的专业调整窗口（本地区教育行政部门）：起止日期、受理的申请类型。"""
    return operations.window_public(session, operations.create_window(session, actor, body))


@router.get(WINDOWS, response_model=WindowsPublic, responses=error_responses(401, 403, 422))
def list_windows(
    session: ReadSessionDep, viewer: Viewer, page: PageDep, year: YearFilter = None
) -> WindowsPublic:
    """专业调整窗口（监管部门见本辖区的，学校见所在地区的），新的在前。"""
    rows, count = operations.list_windows(session, viewer, year, page)
    return WindowsPublic(data=[operations.window_public(session, w) for w in rows], count=count)


@router.get(
    WINDOWS + "/{window_id}", response_model=WindowPublic, responses=error_responses(401, 403, 404)
)
def read_window(session: ReadSessionDep, viewer: Viewer, window_id: uuid.UUID) -> WindowPublic:
    """查看一个专业调整窗口。"""
    return operations.window_public(session, operations.read_window(session, viewer, window_id))


@router.get(
    WINDOWS + "/{window_id}/unacted",
    response_model=UnactedList,
    responses=error_responses(401, 403, 404),
)
def unacted(session: ReadSessionDep, viewer: Supervisor, window_id: uuid.UUID) -> UnactedList:
    """预警撤并的学校专业中，截止时（未截止时为目前）仍未提交调整申请的。"""
    return operations.unacted(session, viewer, window_id)


# ---------------------------------------------------------------- proposals


def _one(session: Any, row: Any) -> ProposalPublic:
    return operations.proposal_public(session, row)


@router.post(
    PROPOSALS,
    response_model=ProposalPublic,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
)
def create_proposal(session: SessionDep, actor: School, body: ProposalCreate) -> ProposalPublic:
    """学校拟定专业调整申请（草稿）：新增、停招、撤销、调整计划、改造升级；平台附上供需依据。"""
    return _one(session, operations.create_proposal(session, actor, body))


@router.get(PROPOSALS, response_model=ProposalsPublic, responses=error_responses(401, 403, 422))
def list_proposals(
    session: ReadSessionDep,
    viewer: Viewer,
    page: PageDep,
    year: YearFilter = None,
    status: Annotated[StatusValue | None, Query(description="状态")] = None,
    kind: Annotated[KindValue | None, Query(description="申请类型")] = None,
    school: Annotated[str | None, Query(max_length=32, description="学校标识码")] = None,
) -> ProposalsPublic:
    """专业调整申请列表（学校见本校的，监管部门见本辖区已提交的），新的在前。"""
    rows, count = operations.list_proposals(
        session, viewer, year=year, status=status, kind=kind, school_code=school, page=page
    )
    return ProposalsPublic(data=operations.proposals_public(session, rows), count=count)


@router.get(
    PROPOSALS + "/{proposal_id}",
    response_model=ProposalPublic,
    responses=error_responses(401, 403, 404),
)
def read_proposal(
    session: ReadSessionDep, viewer: Viewer, proposal_id: uuid.UUID
) -> ProposalPublic:
    """查看一项专业调整申请、平台依据和审核结果。"""
    return _one(session, operations.read_proposal(session, viewer, proposal_id))


@router.patch(
    PROPOSALS + "/{proposal_id}",
    response_model=ProposalPublic,
    responses=error_responses(401, 403, 404, 409, 422),
)
def update_proposal(
    session: SessionDep, actor: School, proposal_id: uuid.UUID, body: ProposalUpdate
) -> ProposalPublic:
    """修改草稿或退回修改的申请（平台依据随之更新）。"""
    return _one(session, operations.update_proposal(session, actor, proposal_id, body))


@router.post(
    PROPOSALS + "/{proposal_id}/submit",
    response_model=ProposalPublic,
    responses=error_responses(401, 403, 404, 409, 422),
)
def submit_proposal(session: SessionDep, actor: School, proposal_id: uuid.UUID) -> ProposalPublic:
    """在调整窗口内提交申请：依据随即冻结；与预警相反的申请须有书面说明。"""
    return _one(session, operations.submit_proposal(session, actor, proposal_id))


@router.post(
    PROPOSALS + "/{proposal_id}/approve",
    response_model=ProposalPublic,
    responses=error_responses(401, 403, 404, 409, 422),
)
def approve(
    session: SessionDep, actor: Regulator, proposal_id: uuid.UUID, body: Decision | None = None
) -> ProposalPublic:
    """批准（本地区教育行政部门）：学校的专业开设和下一年招生计划随即变更并记入审计日志。"""
    comment = body.comment if body is not None else ""
    return _one(session, operations.approve(session, actor, proposal_id, comment))


@router.post(
    PROPOSALS + "/{proposal_id}/return",
    response_model=ProposalPublic,
    responses=error_responses(401, 403, 404, 409, 422),
)
def return_for_changes(
    session: SessionDep, actor: Regulator, proposal_id: uuid.UUID, body: ReturnForChanges
) -> ProposalPublic:
    """退回修改（须填写修改意见，学校修改后可再次提交）。"""
    return _one(session, operations.return_for_changes(session, actor, proposal_id, body.comment))


@router.post(
    PROPOSALS + "/{proposal_id}/refuse",
    response_model=ProposalPublic,
    responses=error_responses(401, 403, 404, 409, 422),
)
def refuse(
    session: SessionDep, actor: Regulator, proposal_id: uuid.UUID, body: Refusal
) -> ProposalPublic:
    """不予批准（须填写理由，学校可见）。"""
    return _one(session, operations.refuse(session, actor, proposal_id, body.reason))


# ---------------------------------------------------------------- the region's view


@regions_router.get(
    "/{code}/adjustments",
    response_model=RegionAdjustments,
    responses={**file_formats_documented(), **error_responses(401, 403, 422)},
)
def region_adjustments(
    session: ReadSessionDep,
    viewer: Supervisor,
    code: Annotated[str, Path(min_length=6, max_length=6, description="行政区划代码")],
    year: Annotated[YearValue, Query(description="调整年度")],
    fmt: Annotated[
        AdjustmentFormat, Query(alias="format", description="json / csv / xlsx / html")
    ] = "json",
) -> Any:
    """地区的专业动态调整：按类型和结果统计、按产业的开设与停撤、专业与产业匹配（指标4.1）、
    预警响应情况，以及备案表（CSV、Excel、打印版）。"""
    result = operations.region_adjustments(session, viewer, code, year)
    if fmt == "json":
        return result
    exported = exporters.export(result, fmt)
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": exported.content_disposition},
    )
