from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import HTMLResponse

from models import InternshipStatus, Role, User
from service.auth.dependencies import CurrentUser, ReadSessionDep, SessionDep, require_roles
from service.internships import documents, operations
from service.internships.schemas import (
    AgreementPublic,
    AgreementUpdate,
    CertificatePublic,
    CommentCreate,
    ConfirmBody,
    EndBody,
    EvaluationBody,
    FindingsPublic,
    InsuranceBody,
    InternshipPublic,
    InternshipsPublic,
    LogCreate,
    LogPublic,
    LogsPublic,
    MentorsBody,
)
from service.page_dep import PageDep

router = APIRouter(prefix="/internships", tags=["实习与学徒"])
findings_router = APIRouter(prefix="/internship-findings", tags=["实习与学徒"])

Student = Annotated[User, Depends(require_roles(Role.student))]
School = Annotated[User, Depends(require_roles(Role.school))]
Organiser = Annotated[User, Depends(require_roles(Role.school, Role.enterprise))]
Party = Annotated[User, Depends(require_roles(Role.student, Role.school, Role.enterprise))]
Overseer = Annotated[
    User, Depends(require_roles(Role.school, Role.enterprise, Role.regulator, Role.admin))
]
Format = Annotated[Literal["json", "html"], Query(description="json，或 html（可打印的A4文档）")]


@router.get("", response_model=InternshipsPublic)
def list_internships(
    session: ReadSessionDep,
    actor: CurrentUser,
    page: PageDep,
    status: Annotated[InternshipStatus | None, Query(description="实习状态")] = None,
) -> InternshipsPublic:
    """实习列表：学生看自己的，学校看本校学生的，企业看本企业岗位的，监管部门看本地区的。"""
    data, count = operations.list_internships(session, actor, status, page)
    return InternshipsPublic(data=data, count=count)


@router.get("/{internship_id}", response_model=InternshipPublic)
def read_internship(
    session: ReadSessionDep, actor: CurrentUser, internship_id: uuid.UUID
) -> InternshipPublic:
    """查看一项实习（含协议确认、保险、导师、评价和开始前尚缺的事项）。"""
    return operations.read_internship(session, actor, internship_id)


@router.get("/{internship_id}/agreement", response_model=AgreementPublic)
def read_agreement(
    session: ReadSessionDep, actor: CurrentUser, internship_id: uuid.UUID, format: Format = "json"
) -> Any:
    """三方协议（format=html 为可打印的A4文档）。"""
    agreement = operations.read_agreement(session, actor, internship_id)
    if format == "html":
        return HTMLResponse(documents.agreement_html(agreement))
    return agreement


@router.put("/{internship_id}/agreement", response_model=AgreementPublic)
def update_agreement(
    session: SessionDep, actor: Organiser, internship_id: uuid.UUID, body: AgreementUpdate
) -> AgreementPublic:
    """学校或企业修改协议条款（开始前）；任何修改都会清空各方已作的确认。"""
    return operations.update_agreement(session, actor, internship_id, body)


@router.post("/{internship_id}/agreement/confirm", response_model=AgreementPublic)
def confirm_agreement(
    session: SessionDep,
    actor: Party,
    internship_id: uuid.UUID,
    body: Annotated[ConfirmBody | None, Body()] = None,
) -> AgreementPublic:
    """按学校、企业、学生（未满18周岁时再由学校登记监护人）的顺序确认协议。"""
    return operations.confirm_agreement(session, actor, internship_id, body or ConfirmBody())


@router.put("/{internship_id}/insurance", response_model=InternshipPublic)
def set_insurance(
    session: SessionDep, actor: Organiser, internship_id: uuid.UUID, body: InsuranceBody
) -> InternshipPublic:
    """登记实习责任保险（保险期间须覆盖整个实习期）。"""
    return operations.set_insurance(session, actor, internship_id, body)


@router.put("/{internship_id}/mentors", response_model=InternshipPublic)
def set_mentors(
    session: SessionDep, actor: Organiser, internship_id: uuid.UUID, body: MentorsBody
) -> InternshipPublic:
    """指定学校指导教师和企业指导人员。"""
    return operations.set_mentors(session, actor, internship_id, body)


@router.post("/{internship_id}/start", response_model=InternshipPublic)
def start(session: SessionDep, actor: Organiser, internship_id: uuid.UUID) -> InternshipPublic:
    """开始实习：协议须经各方确认，并已登记保险、指定导师，否则返回409并说明所缺事项。"""
    return operations.start(session, actor, internship_id)


@router.post("/{internship_id}/logs", response_model=LogPublic, status_code=201)
def add_log(
    session: SessionDep, actor: Student, internship_id: uuid.UUID, body: LogCreate
) -> LogPublic:
    """学生填写实习周志；超时、夜班、加班等记为违规发现。"""
    return operations.add_log(session, actor, internship_id, body)


@router.get("/{internship_id}/logs", response_model=LogsPublic)
def list_logs(session: ReadSessionDep, actor: CurrentUser, internship_id: uuid.UUID) -> LogsPublic:
    """实习周志（含导师批注和违规发现）。"""
    data = operations.list_logs(session, actor, internship_id)
    return LogsPublic(data=data, count=len(data))


@router.post("/{internship_id}/logs/{log_id}/comments", response_model=LogPublic, status_code=201)
def comment_log(
    session: SessionDep,
    actor: Organiser,
    internship_id: uuid.UUID,
    log_id: uuid.UUID,
    body: CommentCreate,
) -> LogPublic:
    """导师批注周志（学校指导教师用学校账户，企业指导人员用企业账户）。"""
    return operations.comment_log(session, actor, internship_id, log_id, body)


@router.get("/{internship_id}/findings", response_model=FindingsPublic)
def internship_findings(
    session: ReadSessionDep, actor: Overseer, internship_id: uuid.UUID
) -> FindingsPublic:
    """一项实习的违规发现（超时、夜班、加班、周志中断）。"""
    data = operations.internship_findings(session, actor, internship_id)
    return FindingsPublic(data=data, count=len(data))


@router.post("/{internship_id}/evaluations", response_model=InternshipPublic)
def evaluate(
    session: SessionDep, actor: Organiser, internship_id: uuid.UUID, body: EvaluationBody
) -> InternshipPublic:
    """实习单位评价或学校考核成绩（按调用者角色区分）。"""
    return operations.evaluate(session, actor, internship_id, body)


@router.post("/{internship_id}/complete", response_model=InternshipPublic)
def complete(session: SessionDep, actor: School, internship_id: uuid.UUID) -> InternshipPublic:
    """学校办理实习完成（须已有实习单位评价和学校考核成绩）。"""
    return operations.complete(session, actor, internship_id)


@router.post("/{internship_id}/end", response_model=InternshipPublic)
def end_early(
    session: SessionDep, actor: Organiser, internship_id: uuid.UUID, body: EndBody
) -> InternshipPublic:
    """提前终止实习（须选择原因）。"""
    return operations.end_early(session, actor, internship_id, body)


@router.get("/{internship_id}/certificate", response_model=CertificatePublic)
def certificate(
    session: ReadSessionDep, actor: CurrentUser, internship_id: uuid.UUID, format: Format = "json"
) -> Any:
    """实习完成证明（仅已完成的实习；format=html 为可打印文档）。"""
    found = operations.certificate(session, actor, internship_id)
    if format == "html":
        return HTMLResponse(documents.certificate_html(found))
    return found


@findings_router.get("", response_model=FindingsPublic)
def list_findings(session: ReadSessionDep, actor: Overseer, page: PageDep) -> FindingsPublic:
    """违规发现列表：学校看本校学生的，企业看本企业的，监管部门看本地区的。"""
    data, count = operations.list_findings(session, actor, page)
    return FindingsPublic(data=data, count=count)
