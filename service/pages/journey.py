"""Pages of the journey after applying (issue 26): an application's interviews and messages
(``/applications/{id}``), 双选会 (``/fairs``) for organisers, enterprises and students, and the
public page of a verified enterprise (``/enterprises/{code}``) — the API's operations."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import PositionStatus, Role, User
from service.applications import operations as applications
from service.applications.schemas import ApplicationCreate
from service.deps import ReadSessionDep, SessionDep
from service.enterprises import operations as enterprises
from service.errors import AppError, Invalid, field_detail
from service.interviews import operations as interviews
from service.interviews.schemas import InterviewCreate, InterviewUpdate
from service.job_fairs import operations as fairs
from service.job_fairs.schemas import BoothCreate, BoothRefusal, JobFairCreate
from service.messages import operations as messages
from service.messages.schemas import MessageCreate
from service.pages.web import (
    CsrfChecked,
    FormInvalid,
    PageRoute,
    PageUser,
    parse_form,
    redirect,
    render,
    require_page_roles,
)
from service.pagination import PageParams
from service.positions import operations as positions

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SignedIn = Annotated[
    User,
    Depends(
        require_page_roles(Role.student, Role.enterprise, Role.school, Role.regulator, Role.admin)
    ),
]
Party = Annotated[User, Depends(require_page_roles(Role.student, Role.enterprise))]
Reader = Annotated[User, Depends(require_page_roles(Role.student, Role.enterprise, Role.school))]
StudentUser = Annotated[User, Depends(require_page_roles(Role.student))]
EnterpriseUser = Annotated[User, Depends(require_page_roles(Role.enterprise))]
Organizer = Annotated[User, Depends(require_page_roles(Role.school, Role.regulator, Role.admin))]

DONE = {
    "proposed": "已发出面试邀请，等待学生确认。",
    "rescheduled": "面试已改期，等待学生重新确认。",
    "confirm": "已确认参加面试，可下载日历文件（.ics）加入日程。",
    "decline": "已婉拒面试。",
    "sent": "消息已发送。",
    "created": "双选会已创建。",
    "booked": "已预订展位，等待主办方审核。",
    "approve": "展位已通过。",
    "refuse": "展位未通过。",
    "registered": "报名成功。",
    "checked": "已签到。",
    "applied": "已通过本场双选会投递申请。",
}


# ---------------------------------------------------------------- an application


def _application_context(
    session: Session, user: User, application_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    application = applications.read_application(session, user, application_id)
    return {
        "title": f"{application.position.title} · 面试与消息",
        "application": application,
        "interviews": interviews.list_for_application(session, user, application_id),
        "messages": messages.thread(session, user, application_id),
        "is_student": user.role == Role.student,
        "is_enterprise": user.role == Role.enterprise,
        "form": {"duration_minutes": "30"},
        **extra,
    }


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def application_page(
    request: Request,
    session: ReadSessionDep,
    user: Reader,
    application_id: uuid.UUID,
    done: str | None = None,
) -> Response:
    """一份申请的面试安排和消息。"""
    context = _application_context(session, user, application_id, done=DONE.get(done or ""))
    return render(request, "journey/application.html", context)


async def _form(request: Request) -> dict[str, str]:
    return {key: str(value) for key, value in (await request.form()).items()}


FormData = Annotated[dict[str, str], Depends(_form)]


def _interview_values(form: dict[str, str]) -> dict[str, Any]:
    starts = form.get("starts_at", "").strip()
    values: dict[str, Any] = {
        # A datetime-local input has no zone: it is Beijing time.
        "starts_at": f"{starts}:00+08:00" if len(starts) == 16 else starts,
        "duration_minutes": form.get("duration_minutes", "").strip() or None,
        "place": form.get("place", "").strip() or None,
        "online_link": form.get("online_link", "").strip() or None,
        "note": form.get("note", "").strip(),
    }
    return {k: v for k, v in values.items() if v is not None}


@router.post(
    "/applications/{application_id}/interviews",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def propose_interview(
    session: SessionDep, user: EnterpriseUser, application_id: uuid.UUID, form: FormData
) -> Response:
    context = _application_context(session, user, application_id, form=form)
    try:
        data = parse_form(InterviewCreate, _interview_values(form))
        interviews.propose(session, user, application_id, data)
    except AppError as error:
        raise FormInvalid("journey/application.html", context, error) from None
    return redirect(f"/applications/{application_id}?done=proposed#interviews")


@router.get("/interviews/{interview_id}.ics")
def interview_calendar(session: ReadSessionDep, user: Reader, interview_id: uuid.UUID) -> Response:
    """面试的日历文件（与 API 的 .ics 相同）。"""
    body = interviews.calendar_file(session, user, interview_id)
    return Response(
        content=body.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="interview-{interview_id}.ics"'},
    )


@router.post(
    "/interviews/{interview_id}/reschedule",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def reschedule_interview(
    session: SessionDep, user: EnterpriseUser, interview_id: uuid.UUID, form: FormData
) -> Response:
    interview = interviews.read(session, user, interview_id)
    context = _application_context(session, user, interview.application_id, form=form)
    try:
        data = parse_form(InterviewUpdate, _interview_values(form))
        interviews.reschedule(session, user, interview_id, data)
    except AppError as error:
        raise FormInvalid("journey/application.html", context, error) from None
    return redirect(f"/applications/{interview.application_id}?done=rescheduled#interviews")


@router.post("/interviews/{interview_id}/{answer}", dependencies=[CsrfChecked])
def answer_interview(
    session: SessionDep, user: StudentUser, interview_id: uuid.UUID, answer: str
) -> Response:
    if answer == "confirm":
        done = interviews.confirm(session, user, interview_id)
    elif answer == "decline":
        done = interviews.decline(session, user, interview_id)
    else:
        raise Invalid("不支持的操作", details=[field_detail("answer", f"无法执行“{answer}”")])
    return redirect(f"/applications/{done.application_id}?done={answer}#interviews")


@router.post(
    "/applications/{application_id}/messages",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def send_message(
    session: SessionDep, user: Party, application_id: uuid.UUID, body: Annotated[str, Form()] = ""
) -> Response:
    context = _application_context(session, user, application_id, message_body=body)
    try:
        messages.send(session, user, application_id, parse_form(MessageCreate, {"body": body}))
    except AppError as error:
        raise FormInvalid("journey/application.html", context, error) from None
    return redirect(f"/applications/{application_id}?done=sent#messages")


# ---------------------------------------------------------------- 双选会


@router.get("/fairs", response_class=HTMLResponse)
def fairs_page(
    request: Request, session: ReadSessionDep, user: SignedIn, done: str | None = None
) -> Response:
    """双选会列表；学校和监管部门可举办新的双选会。"""
    rows, count = fairs.list_fairs(
        session, user, None, upcoming=False, mine=False, page=PageParams(page=1, page_size=100)
    )
    context = {
        "title": "双选会",
        "fairs": rows,
        "count": count,
        "can_organize": user.role in (Role.school, Role.regulator, Role.admin),
        "done": DONE.get(done or ""),
        "form": {"capacity": "200"},
    }
    return render(request, "journey/fairs.html", context)


@router.post("/fairs", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_fair(session: SessionDep, user: Organizer, form: FormData) -> Response:
    rows, count = fairs.list_fairs(
        session, user, None, upcoming=False, mine=False, page=PageParams(page=1, page_size=100)
    )
    context = {
        "title": "双选会",
        "fairs": rows,
        "count": count,
        "can_organize": True,
        "form": form,
    }

    def local(name: str) -> str:
        value = form.get(name, "").strip()
        return f"{value}:00+08:00" if len(value) == 16 else value

    values = {
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "starts_at": local("starts_at"),
        "ends_at": local("ends_at"),
        "venue": form.get("venue", "").strip() or None,
        "online_link": form.get("online_link", "").strip() or None,
        "region_code": form.get("region_code", "").strip(),
        "capacity": form.get("capacity", ""),
    }
    try:
        created = fairs.create(session, user, parse_form(JobFairCreate, values))
    except AppError as error:
        raise FormInvalid("journey/fairs.html", context, error) from None
    return redirect(f"/fairs/{created.id}?done=created")


def _fair_context(session: Session, user: User, fair_id: uuid.UUID, **extra: Any) -> dict[str, Any]:
    fair = fairs.read(session, user, fair_id)
    context: dict[str, Any] = {"title": fair.title, "fair": fair, **extra}
    if fair.is_organizer:
        context["registrations"] = fairs.list_registrations(session, user, fair_id)
        context["figures"] = fairs.figures(session, user, fair_id)
    if user.role == Role.enterprise:
        mine, _ = positions.my_positions(
            session, user, PositionStatus.open, PageParams(page=1, page_size=100)
        )
        context["my_positions"] = mine
    if user.role == Role.student:
        applied = {}
        for booth in fair.booths:
            for p in booth.positions:
                found, _ = applications.list_applications(
                    session,
                    user,
                    applications.ApplicationFilters(position_id=p.id),
                    PageParams(page=1, page_size=1),
                )
                if found:
                    applied[p.id] = found[0]
        context["applied"] = applied
    return context


@router.get("/fairs/{fair_id}", response_class=HTMLResponse)
def fair_page(
    request: Request,
    session: ReadSessionDep,
    user: SignedIn,
    fair_id: uuid.UUID,
    done: str | None = None,
) -> Response:
    """一场双选会：展位与岗位；主办方审核展位、签到、看数据；企业预订展位；学生报名、投递。"""
    context = _fair_context(session, user, fair_id, done=DONE.get(done or ""))
    return render(request, "journey/fair.html", context)


async def _booth_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {
        "position_ids": [str(v) for v in form.getlist("position_ids")],
        "note": str(form.get("note", "")),
    }


@router.post("/fairs/{fair_id}/booths", response_class=HTMLResponse, dependencies=[CsrfChecked])
def book_booth(
    session: SessionDep,
    user: EnterpriseUser,
    fair_id: uuid.UUID,
    form: Annotated[dict[str, Any], Depends(_booth_form)],
) -> Response:
    context = _fair_context(session, user, fair_id)
    try:
        if not form["position_ids"]:
            raise Invalid(
                "请至少选择一个岗位", details=[field_detail("position_ids", "请勾选岗位")]
            )
        fairs.book_booth(session, user, fair_id, parse_form(BoothCreate, form))
    except AppError as error:
        raise FormInvalid("journey/fair.html", context, error) from None
    return redirect(f"/fairs/{fair_id}?done=booked")


@router.post(
    "/fairs/{fair_id}/booths/{booth_id}/{decision}",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def decide_booth(
    session: SessionDep,
    user: Organizer,
    fair_id: uuid.UUID,
    booth_id: uuid.UUID,
    decision: str,
    reason: Annotated[str, Form()] = "",
) -> Response:
    if decision == "approve":
        fairs.approve_booth(session, user, fair_id, booth_id)
    elif decision == "refuse":
        context = _fair_context(session, user, fair_id)
        try:
            fairs.refuse_booth(
                session, user, fair_id, booth_id, parse_form(BoothRefusal, {"reason": reason})
            )
        except AppError as error:
            raise FormInvalid("journey/fair.html", context, error) from None
    else:
        raise Invalid("不支持的操作", details=[field_detail("decision", f"无法执行“{decision}”")])
    return redirect(f"/fairs/{fair_id}?done={decision}#booths")


@router.post("/fairs/{fair_id}/register", dependencies=[CsrfChecked])
def register(session: SessionDep, user: StudentUser, fair_id: uuid.UUID) -> Response:
    fairs.register(session, user, fair_id)
    return redirect(f"/fairs/{fair_id}?done=registered")


@router.post(
    "/fairs/{fair_id}/registrations/{registration_id}/check-in", dependencies=[CsrfChecked]
)
def check_in(
    session: SessionDep, user: Organizer, fair_id: uuid.UUID, registration_id: uuid.UUID
) -> Response:
    fairs.check_in(session, user, fair_id, registration_id)
    return redirect(f"/fairs/{fair_id}?done=checked#registrations")


@router.post(
    "/fairs/{fair_id}/apply/{position_id}",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def apply_at_fair(
    session: SessionDep,
    user: StudentUser,
    fair_id: uuid.UUID,
    position_id: uuid.UUID,
    consent: Annotated[str, Form()] = "",
) -> Response:
    """学生在双选会页面投递展位上的岗位（申请记录经由的双选会）。"""
    context = _fair_context(session, user, fair_id)
    try:
        if consent != "yes":
            raise Invalid(
                "请先同意提供个人信息",
                details=[field_detail("consent", "申请须同意向该企业提供您的姓名和手机号")],
            )
        applications.apply(
            session,
            user,
            parse_form(
                ApplicationCreate,
                {"position_id": position_id, "job_fair_id": fair_id, "message": ""},
            ),
        )
    except AppError as error:
        raise FormInvalid("journey/fair.html", context, error) from None
    return redirect(f"/fairs/{fair_id}?done=applied#booths")


# ---------------------------------------------------------------- the public enterprise page


@router.get("/enterprises/{code}", response_class=HTMLResponse)
def enterprise_page(
    request: Request, session: ReadSessionDep, user: PageUser, code: str
) -> Response:
    """认证企业的公开主页（无需登录）。"""
    profile = enterprises.profile(session, code, user)
    return render(request, "journey/enterprise.html", {"title": profile.name, "profile": profile})
