"""Routes of the matcher: alignment, recommendations, candidate programmes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from models import Role, User
from service.auth.dependencies import CurrentUser, ReadSessionDep, require_roles
from service.recommendations import operations
from service.recommendations.schemas import (
    CandidateProgrammesPublic,
    MajorAlignmentPublic,
    RecommendationsPublic,
    SchoolAlignmentPublic,
)

router = APIRouter(tags=["匹配"])

RegionQuery = Annotated[
    str | None, Query(pattern=r"^\d{6}$", description="行政区划代码（计入本地区重点产业）")
]
TopK = Annotated[int, Query(ge=1, le=operations.MAX_K, description="返回条数")]
SchoolUser = Annotated[User, Depends(require_roles(Role.school, Role.admin))]
StudentUser = Annotated[User, Depends(require_roles(Role.student))]
EnterpriseUser = Annotated[
    User, Depends(require_roles(Role.enterprise, Role.admin, Role.regulator))
]


@router.get("/matching/majors/{code}/alignment", response_model=MajorAlignmentPublic)
def major_alignment(
    session: ReadSessionDep, code: str, region: RegionQuery = None
) -> MajorAlignmentPublic:
    """专业对接哪些重点产业：按对接得分排序，列出清单对应、文本相似度与需求证据。"""
    return MajorAlignmentPublic.model_validate(operations.major_alignment(session, code, region))


@router.get("/schools/{code}/alignment", response_model=SchoolAlignmentPublic)
def school_alignment(
    session: ReadSessionDep, viewer: CurrentUser, code: str
) -> SchoolAlignmentPublic:
    """学校各专业对接的重点产业，及专业布局与产业结构对接比例（联合体指标4.1）。"""
    return SchoolAlignmentPublic.model_validate(operations.school_alignment(session, viewer, code))


@router.get("/students/me/recommendations", response_model=RecommendationsPublic)
def my_recommendations(
    session: ReadSessionDep, user: StudentUser, k: TopK = 20
) -> RecommendationsPublic:
    """为当前学生推荐在招岗位，并说明推荐理由。"""
    student = operations.student_of_user(session, user)
    return RecommendationsPublic.model_validate(operations.recommend(session, student, k))


@router.get("/students/{student_id}/recommendations", response_model=RecommendationsPublic)
def student_recommendations(
    session: ReadSessionDep, viewer: SchoolUser, student_id: uuid.UUID, k: TopK = 20
) -> RecommendationsPublic:
    """学校查看本校学生的岗位推荐及理由。"""
    student = operations.student_for_school(session, viewer, student_id)
    return RecommendationsPublic.model_validate(operations.recommend(session, student, k))


@router.get(
    "/positions/{position_id}/candidate-programmes", response_model=CandidateProgrammesPublic
)
def candidate_programmes(
    session: ReadSessionDep, viewer: EnterpriseUser, position_id: uuid.UUID, k: TopK = 20
) -> CandidateProgrammesPublic:
    """为企业岗位推荐可合作的学校专业（订单培养、学徒制）：专业匹配、即将毕业人数与距离。"""
    return CandidateProgrammesPublic.model_validate(
        operations.candidate_programmes(session, viewer, position_id, k)
    )
