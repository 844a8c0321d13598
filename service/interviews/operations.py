"""Interviews: the enterprise of the position proposes one on an application (which moves to
``interview``), the applicant confirms or declines it, the enterprise reschedules it.

Rescheduling (``PATCH /interviews/{id}``) changes the interview in place: its ``sequence`` grows,
so a calendar that imported the .ics replaces the event, and it waits for the student's answer
again. A new proposal on the same application cancels the one still waiting for an answer; one
already confirmed stays (a second round). A declined interview may be rescheduled. The
application's outcome (offer, reject) is still the application's own action.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from models import (
    INTERVIEW_STATUS_LABELS,
    ApplicationStatus,
    Interview,
    InterviewStatus,
    Role,
    User,
)
from models.base import utcnow
from service import audit, clock, notifications
from service.applications import operations as applications
from service.applications.repository import ApplicationRow
from service.applications.schemas import ApplicationAction
from service.errors import AppError, Conflict, Forbidden, NotFound, field_detail
from service.interviews import ics, repository
from service.interviews.schemas import InterviewCreate, InterviewPublic, InterviewUpdate

ENTITY = "interview"
_ICS_STATUS = {
    InterviewStatus.proposed: "TENTATIVE",
    InterviewStatus.confirmed: "CONFIRMED",
    InterviewStatus.declined: "CANCELLED",
    InterviewStatus.cancelled: "CANCELLED",
}


def public(interview: Interview, row: ApplicationRow) -> InterviewPublic:
    status = InterviewStatus(interview.status)
    starts_at = clock.aware(interview.starts_at)
    return InterviewPublic(
        id=interview.id,
        application_id=interview.application_id,
        starts_at=starts_at,
        starts_at_local=clock.local(starts_at).strftime("%Y-%m-%d %H:%M"),
        ends_at=starts_at + timedelta(minutes=interview.duration_minutes),
        duration_minutes=interview.duration_minutes,
        place=interview.place,
        online_link=interview.online_link,
        note=interview.note,
        status=status,
        status_label=INTERVIEW_STATUS_LABELS[status],
        sequence=interview.sequence,
        position_title=row.position.title,
        enterprise_name=row.enterprise_name,
        created_at=interview.created_at,
        updated_at=interview.updated_at,
        ics_url=f"/api/v1/interviews/{interview.id}.ics",
    )


def _state(interview: Interview) -> dict[str, Any]:
    return {
        "status": str(interview.status),
        "application_id": str(interview.application_id),
        "starts_at": interview.starts_at,
        "duration_minutes": interview.duration_minutes,
        "place": interview.place,
        "online_link": interview.online_link,
        "sequence": interview.sequence,
    }


def _not_past(starts_at: Any) -> None:
    if starts_at <= utcnow():
        raise AppError(
            "面试时间不能早于当前时间",
            code="interview_in_the_past",
            status_code=422,
            details=[field_detail("starts_at", "面试时间已过，请选择将来的时间")],
        )


def _employer_row(session: Session, actor: User, application_id: uuid.UUID) -> ApplicationRow:
    row = applications.visible_row(session, actor, application_id)
    if not applications.is_employer(actor, row):
        raise NotFound("申请不存在")
    return row


def propose(
    session: Session, actor: User, application_id: uuid.UUID, data: InterviewCreate
) -> InterviewPublic:
    """The enterprise of the position proposes an interview; the application moves to
    ``interview`` (409 from a state that does not allow it, naming the state)."""
    _employer_row(session, actor, application_id)
    _not_past(data.starts_at)
    applications.transition(
        session, actor, application_id, ApplicationAction.interview, direct=False
    )
    repository.cancel_proposed(session, application_id)
    now = utcnow()
    interview = Interview(
        application_id=application_id,
        starts_at=clock.aware(data.starts_at),
        duration_minutes=data.duration_minutes,
        place=data.place or None,
        online_link=str(data.online_link) if data.online_link else None,
        note=data.note,
        status=InterviewStatus.proposed,
        proposed_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(interview)
    session.flush()
    audit.record(session, actor, "propose", ENTITY, interview.id, None, _state(interview))
    row = _employer_row(session, actor, application_id)
    _tell_student(session, interview, row, "邀请您参加面试，请确认或婉拒")
    return public(interview, row)


def _when_where(interview: Interview) -> str:
    when = clock.local(clock.aware(interview.starts_at)).strftime("%Y-%m-%d %H:%M")
    where = interview.place or "线上面试"
    return f"时间：{when}（北京时间），时长{interview.duration_minutes}分钟；地点：{where}"


def _tell_student(session: Session, interview: Interview, row: ApplicationRow, what: str) -> None:
    notifications.notify(
        session,
        user_ids=[row.student.user_id],
        kind=notifications.NotificationKind.interview,
        title=f"{row.position.title}（{row.enterprise_name}）：{what}",
        body=_when_where(interview),
        link=f"/applications/{row.application.id}",
    )


def _locked(
    session: Session, actor: User, interview_id: uuid.UUID
) -> tuple[Interview, ApplicationRow]:
    found = repository.get(session, interview_id)
    if found is None:
        raise NotFound("面试不存在")
    row = applications.visible_row(session, actor, found.application_id)
    interview = repository.locked(session, interview_id)
    if interview is None:
        raise NotFound("面试不存在")
    return interview, row


def _application_in_interview(row: ApplicationRow) -> None:
    current = ApplicationStatus(row.application.status)
    if current != ApplicationStatus.interview:
        label = applications.status_label(current)
        raise Conflict(
            f"申请当前状态为“{label}”，面试安排已不再有效",
            code="invalid_transition",
            details=[field_detail("status", f"当前状态：{label}", status=current.value)],
        )


def reschedule(
    session: Session, actor: User, interview_id: uuid.UUID, data: InterviewUpdate
) -> InterviewPublic:
    """The enterprise changes the time or place; the student is asked to confirm again."""
    interview, row = _locked(session, actor, interview_id)
    if not applications.is_employer(actor, row):
        raise NotFound("面试不存在")
    _application_in_interview(row)
    if interview.status == InterviewStatus.cancelled:
        raise Conflict("面试已取消，不能改期", code="interview_cancelled")
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        raise AppError(
            "请至少修改一项（时间、时长、地点、链接或说明）",
            code="nothing_to_change",
            status_code=422,
        )
    before = _state(interview)
    if data.starts_at is not None:
        _not_past(data.starts_at)
        interview.starts_at = clock.aware(data.starts_at)
    if data.duration_minutes is not None:
        interview.duration_minutes = data.duration_minutes
    if "place" in changes:
        interview.place = data.place or None
    if "online_link" in changes:
        interview.online_link = str(data.online_link) if data.online_link else None
    if data.note is not None:
        interview.note = data.note
    if not (interview.place or interview.online_link):
        raise AppError(
            "请填写面试地点或线上面试链接",
            code="invalid",
            status_code=422,
            details=[field_detail("place", "地点和线上链接不能都为空")],
        )
    interview.sequence += 1
    interview.status = InterviewStatus.proposed
    interview.answered_at = None
    interview.updated_at = utcnow()
    session.add(interview)
    session.flush()
    audit.record(session, actor, "reschedule", ENTITY, interview.id, before, _state(interview))
    _tell_student(session, interview, row, "面试时间或地点已变更，请重新确认")
    return public(interview, row)


def _answer(
    session: Session, actor: User, interview_id: uuid.UUID, target: InterviewStatus
) -> InterviewPublic:
    interview, row = _locked(session, actor, interview_id)
    if not applications.is_applicant(actor, row):
        if applications.is_employer(actor, row):
            raise Forbidden("只有申请的学生本人可以确认或婉拒面试")
        if actor.role == Role.school:
            raise Forbidden("学校只能查看本校学生的面试，不能代为操作")
        raise NotFound("面试不存在")
    _application_in_interview(row)
    current = InterviewStatus(interview.status)
    if current != InterviewStatus.proposed:
        label = INTERVIEW_STATUS_LABELS[current]
        raise Conflict(
            f"面试当前状态为“{label}”，不能再次答复",
            code="invalid_transition",
            details=[field_detail("status", f"当前状态：{label}", status=current.value)],
        )
    before = _state(interview)
    interview.status = target
    interview.answered_at = utcnow()
    interview.updated_at = interview.answered_at
    session.add(interview)
    session.flush()
    action = "confirm" if target == InterviewStatus.confirmed else "decline"
    audit.record(session, actor, action, ENTITY, interview.id, before, _state(interview))
    answer = "申请人已确认参加面试" if target == InterviewStatus.confirmed else "申请人婉拒了面试"
    notifications.notify(
        session,
        user_ids=notifications.staff_of(session, [row.position.enterprise_id]),
        kind=notifications.NotificationKind.interview,
        title=f"{row.position.title}：{answer}",
        body=_when_where(interview),
        link=f"/applications/{row.application.id}",
    )
    return public(interview, row)


def confirm(session: Session, actor: User, interview_id: uuid.UUID) -> InterviewPublic:
    return _answer(session, actor, interview_id, InterviewStatus.confirmed)


def decline(session: Session, actor: User, interview_id: uuid.UUID) -> InterviewPublic:
    return _answer(session, actor, interview_id, InterviewStatus.declined)


def list_for_application(
    session: Session, actor: User, application_id: uuid.UUID
) -> list[InterviewPublic]:
    """Everyone who sees the application sees its interviews."""
    row = applications.visible_row(session, actor, application_id)
    return [public(i, row) for i in repository.of_application(session, application_id)]


def read(session: Session, actor: User, interview_id: uuid.UUID) -> InterviewPublic:
    interview = repository.get(session, interview_id)
    if interview is None:
        raise NotFound("面试不存在")
    return public(interview, applications.visible_row(session, actor, interview.application_id))


def calendar_file(session: Session, actor: User, interview_id: uuid.UUID) -> str:
    """The interview as an iCalendar file, for those who see the application."""
    interview = repository.get(session, interview_id)
    if interview is None:
        raise NotFound("面试不存在")
    row = applications.visible_row(session, actor, interview.application_id)
    view = public(interview, row)
    where = interview.place or ""
    lines = [f"岗位：{row.position.title}", f"企业：{row.enterprise_name}"]
    if interview.place:
        lines.append(f"地点：{interview.place}")
    if interview.online_link:
        lines.append(f"线上链接：{interview.online_link}")
    if interview.note:
        lines.append(f"说明：{interview.note}")
    return ics.calendar(
        ics.Event(
            uid=f"{interview.id}@chanjiao",
            sequence=interview.sequence,
            stamp=clock.aware(interview.updated_at),
            starts_at=view.starts_at,
            ends_at=view.ends_at,
            summary=f"面试：{row.position.title}（{row.enterprise_name}）",
            description="\n".join(lines),
            location=where or interview.online_link,
            url=interview.online_link,
            status=_ICS_STATUS[InterviewStatus(interview.status)],
        )
    )
