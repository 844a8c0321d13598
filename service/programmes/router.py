from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from models import Role, User
from service.auth.dependencies import (
    CurrentUser,
    OptionalUser,
    ReadSessionDep,
    SessionDep,
    require_roles,
)
from service.page_dep import PageDep
from service.programmes import operations, outcomes
from service.programmes.schemas import (
    MAX_YEAR,
    MIN_YEAR,
    CohortPut,
    CohortSaved,
    CohortsPublic,
    OutcomesOptIn,
    OutcomesSetting,
    ProgrammeCreate,
    ProgrammeFilters,
    ProgrammePublic,
    ProgrammeSaved,
    ProgrammesPublic,
    ProgrammeUpdate,
    SchoolOutcomes,
    SchoolProgrammes,
)

router = APIRouter(prefix="/programmes", tags=["专业开设"])
schools_router = APIRouter(prefix="/schools", tags=["专业开设"])

Writer = Annotated[User, Depends(require_roles(Role.school, Role.regulator, Role.admin))]
GraduationYear = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR, description="毕业年份")]


@router.post("", response_model=ProgrammeSaved, status_code=201)
def create_programme(session: SessionDep, actor: Writer, body: ProgrammeCreate) -> ProgrammeSaved:
    """新增专业开设（某年的招生计划）；专业按学校层次识别并返回识别结果，实践课时不足50%时提示。"""
    return operations.create_programme(session, actor, body)


@router.get("", response_model=ProgrammesPublic)
def list_programmes(
    session: ReadSessionDep,
    viewer: OptionalUser,
    filters: Annotated[ProgrammeFilters, Query()],
    page: PageDep,
) -> ProgrammesPublic:
    """专业开设列表（已审核学校的记录公开），可按学校、专业、年份筛选。"""
    return operations.list_programmes(session, viewer, filters, page)


@router.get("/{programme_id}", response_model=ProgrammePublic)
def read_programme(
    session: ReadSessionDep, viewer: OptionalUser, programme_id: uuid.UUID
) -> ProgrammePublic:
    """查看专业开设记录。"""
    return operations.read_programme(session, viewer, programme_id)


@router.patch("/{programme_id}", response_model=ProgrammePublic)
def update_programme(
    session: SessionDep, actor: Writer, programme_id: uuid.UUID, body: ProgrammeUpdate
) -> ProgrammePublic:
    """修改本校的专业开设记录（年份、计划、实招、实践课时占比、合作企业）。"""
    return operations.update_programme(session, actor, programme_id, body)


@router.delete("/{programme_id}", status_code=204)
def delete_programme(session: SessionDep, actor: Writer, programme_id: uuid.UUID) -> Response:
    """删除本校的专业开设记录；该专业已有毕业生数据时拒绝（409）。"""
    operations.delete_programme(session, actor, programme_id)
    return Response(status_code=204)


@router.get("/{programme_id}/cohorts", response_model=CohortsPublic)
def list_cohorts(
    session: ReadSessionDep, viewer: CurrentUser, programme_id: uuid.UUID
) -> CohortsPublic:
    """该专业各届毕业生去向（本校、监管部门和管理员）。"""
    return operations.list_cohorts(session, viewer, programme_id)


@router.put("/{programme_id}/cohorts/{graduation_year}", response_model=CohortSaved)
def put_cohort(
    session: SessionDep,
    actor: Writer,
    programme_id: uuid.UUID,
    graduation_year: GraduationYear,
    body: CohortPut,
    response: Response,
) -> CohortSaved:
    """填报或替换某届毕业生去向（新增返回201，替换返回200）；数据有误时不写入。"""
    saved = operations.put_cohort(session, actor, programme_id, graduation_year, body)
    response.status_code = 201 if saved.created else 200
    return saved


@router.delete("/{programme_id}/cohorts/{graduation_year}", status_code=204)
def delete_cohort(
    session: SessionDep,
    actor: Writer,
    programme_id: uuid.UUID,
    graduation_year: GraduationYear,
) -> Response:
    """删除某届毕业生去向数据。"""
    operations.delete_cohort(session, actor, programme_id, graduation_year)
    return Response(status_code=204)


@schools_router.get("/{school_code}/programmes", response_model=SchoolProgrammes)
def school_programmes(
    session: ReadSessionDep,
    viewer: CurrentUser,
    school_code: Annotated[str, Path(max_length=32, description="学校标识码")],
    year: Annotated[
        int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="报告年份（默认最近一届）")
    ] = None,
    region: Annotated[
        str | None,
        Query(pattern=r"^\d{6}$", description="比较的地区（默认学校所在市，直辖市为全市）"),
    ] = None,
    profile: Annotated[
        str | None, Query(max_length=64, description="预警政策配置（默认按地区设置）")
    ] = None,
) -> SchoolProgrammes:
    """本校各专业：招生计划、最近几届毕业生、本校与地区的毕业去向落实率和对口率、地区供需报告的调整建议。"""
    return operations.school_programmes(
        session, viewer, school_code, year=year, region=region, profile=profile
    )


SchoolCode = Annotated[str, Path(max_length=32, description="学校标识码")]
SchoolAccount = Annotated[User, Depends(require_roles(Role.school))]


@schools_router.get("/{school_code}/outcomes", response_model=SchoolOutcomes)
def school_outcomes(
    session: ReadSessionDep,
    viewer: CurrentUser,
    school_code: SchoolCode,
    year: Annotated[
        int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="毕业年份（不填为全部届别）")
    ] = None,
) -> SchoolOutcomes:
    """毕业去向核对：各届各专业学校填报的落实、对口人数与平台录用数据计算的人数及差额（本校、监管部门和管理员）。"""
    return outcomes.school_outcomes(session, viewer, school_code, year)


@schools_router.put("/{school_code}/outcomes/opt-in", response_model=OutcomesSetting)
def set_outcomes_opt_in(
    session: SessionDep, actor: SchoolAccount, school_code: SchoolCode, body: OutcomesOptIn
) -> OutcomesSetting:
    """学校开启或关闭以平台录用数据核对本校毕业生去向（仅学校本身）。"""
    return outcomes.set_opt_in(session, actor, school_code, body)
