"""Applications: a student applies to an open position, the enterprise reviews, offers or rejects,
the student accepts, declines or withdraws.

Transitions (anything else is a 409 naming the current state)::

    submitted ─review→ reviewing
    submitted, reviewing, interview ─interview→ interview   (enterprise, by proposing an
                                                 interview: POST /applications/{id}/interviews)
    submitted, reviewing, interview ─offer→ offered         (enterprise)
    submitted, reviewing, interview ─reject→ rejected       (enterprise)
    offered ─accept→ accepted                   (student; only while a place is left)
    offered ─decline→ declined                  (student)
    submitted, reviewing, interview, offered ─withdraw→ withdrawn (student)

Headcount is law: a position never has more accepted applications than its headcount. Every write
locks the position row first (PostgreSQL ``SELECT … FOR UPDATE``; SQLite's write transactions begin
IMMEDIATE and so run one at a time), then counts. The accept that takes the last place marks the
position ``filled`` and closes its open applications (status ``closed``) in the same transaction;
closing the position (`close_pending`, called by the positions domain) does the same. Applying to
a position that is not open is refused.

Personal data: the enterprise sees the applicant's name and phone inside the application (the
student consented when applying, PIPL Art. 23, ``consent_at``); regulators and admins see masks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col

from models import (
    Application,
    ApplicationStatus,
    Organization,
    Position,
    PositionKind,
    PositionStatus,
    Role,
    Student,
    User,
)
from models.base import (
    APPLICATION_STATUS_LABELS,
    POSITION_KIND_LABELS,
    SUPERVISOR_ROLES,
    utcnow,
)
from rules.screen import Finding
from service import audit, clock, notifications, posting_rules
from service import position_access as access
from service.applications import repository
from service.applications.repository import ApplicationRow, HeldPlace
from service.applications.schemas import (
    ApplicationAction,
    ApplicationCreate,
    ApplicationPosition,
    ApplicationPublic,
    ApplicationStudent,
)
from service.errors import AppError, Conflict, Forbidden, NotFound, field_detail
from service.internships import operations as internships
from service.organizations import operations as organizations
from service.pagination import PageParams
from service.students import operations as students
from service.students import privacy

ENTITY = "application"

ACTION_LABELS = {
    ApplicationAction.review: "开始审核",
    ApplicationAction.interview: "安排面试",
    ApplicationAction.offer: "发录用通知",
    ApplicationAction.reject: "不予录用",
    ApplicationAction.accept: "接受录用",
    ApplicationAction.decline: "婉拒录用",
    ApplicationAction.withdraw: "撤回申请",
}
ENTERPRISE_ACTIONS = frozenset(
    {
        ApplicationAction.review,
        ApplicationAction.interview,
        ApplicationAction.offer,
        ApplicationAction.reject,
    }
)
# Actions only another operation takes, with what it needs (an interview's time and place).
INDIRECT_ACTIONS = frozenset({ApplicationAction.interview})
_BEFORE_OUTCOME = frozenset(
    {ApplicationStatus.submitted, ApplicationStatus.reviewing, ApplicationStatus.interview}
)
# action → (states it may start from, state it leads to)
TRANSITIONS: dict[ApplicationAction, tuple[frozenset[ApplicationStatus], ApplicationStatus]] = {
    ApplicationAction.review: (
        frozenset({ApplicationStatus.submitted}),
        ApplicationStatus.reviewing,
    ),
    ApplicationAction.interview: (_BEFORE_OUTCOME, ApplicationStatus.interview),
    ApplicationAction.offer: (_BEFORE_OUTCOME, ApplicationStatus.offered),
    ApplicationAction.reject: (_BEFORE_OUTCOME, ApplicationStatus.rejected),
    ApplicationAction.accept: (frozenset({ApplicationStatus.offered}), ApplicationStatus.accepted),
    ApplicationAction.decline: (
        frozenset({ApplicationStatus.offered}),
        ApplicationStatus.declined,
    ),
    ApplicationAction.withdraw: (
        _BEFORE_OUTCOME | {ApplicationStatus.offered},
        ApplicationStatus.withdrawn,
    ),
}
# Applications that ended without a place: their interviews still to come are cancelled.
ENDED = frozenset(
    {
        ApplicationStatus.rejected,
        ApplicationStatus.declined,
        ApplicationStatus.withdrawn,
        ApplicationStatus.closed,
    }
)
# Applications still waiting for an outcome: closed when the position fills.
PENDING = (
    ApplicationStatus.submitted,
    ApplicationStatus.reviewing,
    ApplicationStatus.interview,
    ApplicationStatus.offered,
)


@dataclass(frozen=True)
class ApplicationFilters:
    position_id: uuid.UUID | None = None
    status: ApplicationStatus | None = None


def status_label(status: str) -> str:
    return APPLICATION_STATUS_LABELS[ApplicationStatus(status)]


# ---------------------------------------------------------------- views


def sees_personal_data(viewer: User, row: ApplicationRow) -> bool:
    """The student, its school, and the enterprise this application went to."""
    if students.sees_personal_data(viewer, row.student):
        return True
    return viewer.role == Role.enterprise and viewer.organization_id == row.position.enterprise_id


def public(row: ApplicationRow, viewer: User) -> ApplicationPublic:
    unmasked = sees_personal_data(viewer, row)
    application, position, student = row.application, row.position, row.student
    return ApplicationPublic(
        id=application.id,
        status=ApplicationStatus(application.status),
        status_label=status_label(application.status),
        message=application.message,
        consent_at=application.consent_at,
        consent_recipient=row.enterprise_name,
        created_at=application.created_at,
        updated_at=application.updated_at,
        job_fair_id=application.job_fair_id,
        position=ApplicationPosition(
            id=position.id,
            title=position.title,
            kind=PositionKind(position.kind),
            status=PositionStatus(position.status),
            headcount=position.headcount,
            enterprise_id=position.enterprise_id,
            enterprise_name=row.enterprise_name,
        ),
        student=ApplicationStudent(
            id=student.id,
            school_id=student.school_id,
            school_name=row.school_name,
            name=student.name if unmasked else privacy.mask_name(student.name),
            phone=student.phone if unmasked else privacy.mask_phone(student.phone),
            masked=not unmasked,
            major_code=student.major_code,
            major_name=row.major_name,
            graduation_year=student.graduation_year,
            skills=list(student.skills),
            certificates=list(student.certificates),
            introduction=student.introduction,
        ),
    )


def _visible(session: Session, viewer: User, row: ApplicationRow) -> bool:
    if viewer.role in SUPERVISOR_ROLES:
        # A regional regulator: applications of its region's students or to its region's employers.
        return organizations.supervises_organization(
            session, viewer, row.student.school_id
        ) or organizations.supervises_organization(session, viewer, row.position.enterprise_id)
    if viewer.role == Role.enterprise:
        return viewer.organization_id == row.position.enterprise_id
    if viewer.role == Role.school:
        return viewer.organization_id == row.student.school_id
    return viewer.role == Role.student and row.student.user_id == viewer.id


def visible_row(session: Session, viewer: User, application_id: uuid.UUID) -> ApplicationRow:
    """The application with its position, student and names, if ``viewer`` may see it (the
    student, its school, the position's enterprise, a supervisor of either's region); else 404."""
    row = repository.row_of(session, application_id)
    if row is None or not _visible(session, viewer, row):
        raise NotFound("申请不存在")
    return row


def is_applicant(viewer: User, row: ApplicationRow) -> bool:
    return viewer.role == Role.student and row.student.user_id == viewer.id


def is_employer(viewer: User, row: ApplicationRow) -> bool:
    return viewer.role == Role.enterprise and viewer.organization_id == row.position.enterprise_id


def _view(session: Session, application_id: uuid.UUID, viewer: User) -> ApplicationPublic:
    return public(visible_row(session, viewer, application_id), viewer)


def _state(application: Application) -> dict[str, Any]:
    # No personal data: the student is named by id only.
    return {
        "status": str(application.status),
        "student_id": str(application.student_id),
        "position_id": str(application.position_id),
    }


# ---------------------------------------------------------------- notifications

Kind = notifications.NotificationKind
# Each new state: the kind of notification, and whether it goes to the student (else to the
# enterprise's staff, who must act on it or know the place is taken or free again).
NOTICES: dict[ApplicationStatus, tuple[notifications.NotificationKind, bool]] = {
    ApplicationStatus.submitted: (Kind.application_received, False),
    ApplicationStatus.offered: (Kind.application_offered, True),
    ApplicationStatus.rejected: (Kind.application_rejected, True),
    ApplicationStatus.accepted: (Kind.application_accepted, False),
    ApplicationStatus.declined: (Kind.application_declined, False),
    ApplicationStatus.withdrawn: (Kind.application_withdrawn, False),
}


def _notify(session: Session, application: Application, position: Position) -> None:
    """Tell the party that did not act of the application's new state, naming only the position
    and the enterprise: the enterprise's staff open the application to see who (its masking
    rules apply there), the student reads about its own application."""
    notice = NOTICES.get(ApplicationStatus(application.status))
    if notice is None:
        return
    kind, to_student = notice
    if to_student:
        student = session.get(Student, application.student_id)
        enterprise = session.get(Organization, position.enterprise_id)
        name = enterprise.name if enterprise is not None else ""
        notifications.notify(
            session,
            user_ids=[student.user_id if student is not None else None],
            kind=kind,
            title=f"{position.title}（{name}）：{status_label(application.status)}",
            body="请在“我的申请”中查看。",
            link="/me#applications",
        )
        return
    titles = {
        Kind.application_received: f"收到一份新的申请：{position.title}",
        Kind.application_accepted: f"一位学生接受了录用：{position.title}",
        Kind.application_declined: f"一位学生婉拒了录用：{position.title}",
        Kind.application_withdrawn: f"一份申请已撤回：{position.title}",
    }
    notifications.notify(
        session,
        user_ids=notifications.staff_of(session, [position.enterprise_id]),
        kind=kind,
        title=titles[kind],
        body="请在企业工作台的“收到的申请”中查看。",
        link="/enterprise#applications",
    )


# ---------------------------------------------------------------- applying


def _open_for_applications(position: Position, today_is_past_closing: bool) -> None:
    if position.status != PositionStatus.open:
        label = {
            PositionStatus.filled: "已招满",
            PositionStatus.closed: "已关闭",
            PositionStatus.draft: "未发布",
        }.get(PositionStatus(position.status), str(position.status))
        raise Conflict(
            f"岗位{label}，不能投递",
            details=[field_detail("position_id", f"岗位当前状态：{label}")],
        )
    if today_is_past_closing:
        raise Conflict(
            "岗位报名已截止，不能投递",
            details=[field_detail("position_id", f"报名截止日期为{position.closing_date}")],
        )


def apply(session: Session, actor: User, data: ApplicationCreate) -> ApplicationPublic:
    """A student applies to an open position of a verified enterprise; the application records
    the student's consent to give its name and phone to that enterprise, with the time."""
    student = students.student_of(session, actor)
    # A position the student may not see is as absent as a missing one (position_access).
    position = access.seen(
        session, actor, repository.locked_position(session, data.position_id), field="position_id"
    )
    closing = position.closing_date
    _open_for_applications(position, closing is not None and closing < clock.today())
    if repository.application_of(session, student.id, position.id) is not None:
        raise Conflict(
            "已投递过该岗位，不能重复投递",
            details=[field_detail("position_id", "同一岗位只能投递一次")],
        )
    if data.job_fair_id is not None and not repository.position_at_fair(
        session, data.job_fair_id, position.id
    ):
        raise AppError(
            "该岗位不在这场双选会已通过的展位上",
            code="not_at_job_fair",
            status_code=422,
            details=[field_detail("job_fair_id", "双选会不存在，或该岗位不在其已通过的展位上")],
        )
    application = _create(session, actor, student.id, position, data.message)
    if data.job_fair_id is not None:
        application.job_fair_id = data.job_fair_id
        session.add(application)
        session.flush()
    return _view(session, application.id, actor)


def _under_age(session: Session, student_id: uuid.UUID, position: Position) -> Finding | None:
    student = session.get(Student, student_id)
    birth_date = student.birth_date if student is not None else None
    return posting_rules.student_age_check(str(position.kind), birth_date, position.start_date)


def _refuse_under_age(session: Session, student_id: uuid.UUID, position: Position) -> None:
    """No application or placement of a student under 16 to an internship or apprenticeship
    (禁止使用童工规定; 职业学校学生实习管理规定 第十六条)."""
    finding = _under_age(session, student_id, position)
    if finding is not None:
        raise AppError(
            "学生未满16周岁，不能投递或安排实习、学徒岗位",
            code=finding.code,
            status_code=422,
            details=[
                field_detail(
                    "position_id",
                    finding.message,
                    code=finding.code,
                    category=finding.category,
                    rule=finding.rule,
                    source=finding.source,
                )
            ],
        )


def _create(
    session: Session,
    actor: User,
    student_id: uuid.UUID,
    position: Position,
    message: str,
    consent_at: datetime | None = None,
    consent_source: str | None = None,
) -> Application:
    """A submitted application with the student's consent to give its name and phone to the
    position's enterprise (PIPL Art. 23), audited with the recipient and the time: given now
    when applying, or earlier (``consent_at``, ``consent_source``) as in a placement round."""
    _refuse_under_age(session, student_id, position)
    now = utcnow()
    consent_at = consent_at or now
    application = Application(
        student_id=student_id,
        position_id=position.id,
        status=ApplicationStatus.submitted,
        message=message,
        consent_at=consent_at,
        created_at=now,
        updated_at=now,
    )
    session.add(application)
    session.flush()
    consent: dict[str, Any] = {
        "consent_recipient": str(position.enterprise_id),
        "consent_at": consent_at,
    }
    if consent_source is not None:
        consent["consent_source"] = consent_source
    audit.record(
        session, actor, "apply", ENTITY, application.id, None, {**_state(application), **consent}
    )
    if consent_source is None:  # a placement round's offer is reported when the round publishes
        _notify(session, application, position)
    return application


# ---------------------------------------------------------------- transitions


def _authorised(
    session: Session, actor: User, application: Application, position: Position, enterprise: bool
) -> None:
    """The enterprise of the position, or the student who applied; others do not see it."""
    if actor.role == Role.enterprise and actor.organization_id == position.enterprise_id:
        if not enterprise:
            raise Forbidden("只有申请的学生本人可以执行此操作")
        return
    if actor.role == Role.student:
        student = session.get(Student, application.student_id)
        if student is not None and student.user_id == actor.id:
            if enterprise:
                raise Forbidden("只有岗位所属企业可以执行此操作")
            return
    if actor.role == Role.school:
        student = session.get(Student, application.student_id)
        if student is not None and student.school_id == actor.organization_id:
            raise Forbidden("学校只能查看本校学生的申请，不能代为操作")
    raise NotFound("申请不存在")


def transition(
    session: Session,
    actor: User,
    application_id: uuid.UUID,
    action: ApplicationAction,
    *,
    direct: bool = True,
) -> ApplicationPublic:
    """Apply ``action`` to the application, under the rules of :data:`TRANSITIONS`.

    ``interview`` is taken only by proposing an interview (``direct=False``, from the interviews
    domain, which says when and where): asked for directly it is a 422 pointing there."""
    if direct and action in INDIRECT_ACTIONS:
        raise AppError(
            "安排面试请提交面试时间和地点：POST /api/v1/applications/{id}/interviews",
            code="interview_needs_details",
            status_code=422,
            details=[field_detail("action", "请通过“安排面试”提交时间、时长和地点或线上链接")],
        )
    # Lock order everywhere: the position, then the application (no deadlock between accepts).
    found = session.get(Application, application_id)
    if found is None:
        raise NotFound("申请不存在")
    position = repository.locked_position(session, found.position_id)
    application = repository.locked_application(session, application_id)
    if position is None or application is None:
        raise NotFound("申请不存在")
    _authorised(session, actor, application, position, action in ENTERPRISE_ACTIONS)
    allowed, target = TRANSITIONS[action]
    current = ApplicationStatus(application.status)
    if current not in allowed:
        raise Conflict(
            f"申请当前状态为“{status_label(current)}”，不能{ACTION_LABELS[action]}",
            code="invalid_transition",
            details=[
                field_detail("status", f"当前状态：{status_label(current)}", status=current.value)
            ],
        )
    if action is ApplicationAction.accept:
        _ensure_place_left(session, position)
        _ensure_no_place_held(session, application, position)
    before = _state(application)
    application.status = target
    application.updated_at = utcnow()
    session.add(application)
    session.flush()
    audit.record(session, actor, action.value, ENTITY, application.id, before, _state(application))
    if target in ENDED:
        repository.cancel_upcoming_interviews(session, [application.id], application.updated_at)
    _notify(session, application, position)
    if action is ApplicationAction.accept:
        # An internship or apprenticeship starts its agreement in the same transaction.
        internships.create_for_application(session, actor, application, position)
        _fill_if_full(session, actor, position)
    return _view(session, application.id, actor)


def _ensure_place_left(session: Session, position: Position) -> None:
    if position.status != PositionStatus.open:
        label = "已招满" if position.status == PositionStatus.filled else "已关闭"
        raise Conflict(
            f"岗位{label}，不能接受录用",
            code="position_not_open",
            details=[field_detail("position_id", f"岗位当前状态：{label}")],
        )
    if repository.accepted_count(session, position.id) >= position.headcount:
        raise Conflict(
            "岗位名额已满，不能接受录用",
            code="position_full",
            details=[field_detail("position_id", f"招聘人数{position.headcount}人，已全部录用")],
        )


# ---------------------------------------------------------------- one place per kind at a time


def _overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Two periods share a day; an open end runs on without end."""
    return (end is None or other_start <= end) and (other_end is None or start <= other_end)


def held_place_label(held: HeldPlace) -> str:
    """The held place as a person reads it: 实习岗位“数控”（某公司，2026-07-01至2026-12-31）."""
    period = (
        f"{held.start_date}起" if held.end_date is None else (f"{held.start_date}至{held.end_date}")
    )
    kind = POSITION_KIND_LABELS[PositionKind(held.kind)]
    return f"{kind}岗位“{held.title}”（{held.enterprise_name}，{period}）"


def conflicting_place(
    held: Sequence[HeldPlace], position: Position, exclude: uuid.UUID | None = None
) -> HeldPlace | None:
    """The first place in ``held`` of the position's kind whose period overlaps the position's:
    a student holds one accepted place per kind (实习 / 学徒 / 就业) at a time."""
    for place in held:
        if place.application_id == exclude or place.kind != str(position.kind):
            continue
        if _overlaps(place.start_date, place.end_date, position.start_date, position.end_date):
            return place
    return None


def held_places_of(
    session: Session, student_ids: Sequence[uuid.UUID], kinds: Sequence[str]
) -> dict[uuid.UUID, list[HeldPlace]]:
    """Each student's accepted places of ``kinds`` (placement rounds skip on them)."""
    out: dict[uuid.UUID, list[HeldPlace]] = {}
    for place in repository.held_places(session, student_ids, kinds):
        out.setdefault(place.student_id, []).append(place)
    return out


def _ensure_no_place_held(session: Session, application: Application, position: Position) -> None:
    """409 when the student already holds an accepted place of the same kind in an overlapping
    period. The student's row is locked first, so two accepts of one student's offers at
    different positions (each locking only its own position) check one after the other."""
    repository.lock_student(session, application.student_id)
    held = repository.held_places(session, [application.student_id], [str(position.kind)])
    found = conflicting_place(held, position, exclude=application.id)
    if found is None:
        return
    kind = POSITION_KIND_LABELS[PositionKind(position.kind)]
    raise Conflict(
        f"已接受{held_place_label(found)}，同一时间只能接受一个{kind}岗位",
        code="place_already_held",
        details=[
            field_detail(
                "position_id",
                f"已持有{held_place_label(found)}，期间与本岗位重叠",
                held_application_id=str(found.application_id),
                kind=str(position.kind),
            )
        ],
    )


def _fill_if_full(session: Session, actor: User, position: Position) -> None:
    """When the last place is taken: the position is filled and its open applications closed."""
    if repository.accepted_count(session, position.id) < position.headcount:
        return
    now = utcnow()
    before = audit.snapshot(position)
    position.status = PositionStatus.filled
    position.updated_at = now
    session.add(position)
    session.flush()
    audit.record(session, actor, "fill", "position", position.id, before, position)
    close_pending(session, actor, [position.id], "close_filled", "岗位已招满")


def close_pending(
    session: Session,
    actor: audit.Actor,
    position_ids: Sequence[uuid.UUID],
    action: str,
    reason: str,
) -> int:
    """Close the applications still waiting for an outcome at ``position_ids``, which were filled
    or closed: status ``closed`` (the student sees 岗位已招满或关闭), one audit row each with the
    reason. Accepted applications stay as they are. Returns how many were closed."""
    pending = repository.open_applications(session, position_ids, PENDING)
    now = utcnow()
    repository.close_applications(
        session, [pid for pid, _ in pending], ApplicationStatus.closed, now
    )
    repository.cancel_upcoming_interviews(session, [pid for pid, _ in pending], now)
    session.flush()
    reported: dict[tuple[str, str], list[uuid.UUID | None]] = {}
    for user_id, title, enterprise in repository.students_and_positions(
        session, [pid for pid, _ in pending]
    ):
        reported.setdefault((title, enterprise), []).append(user_id)
    for (title, enterprise), user_ids in reported.items():
        notifications.notify(
            session,
            user_ids=user_ids,
            kind=Kind.application_closed,
            title=f"{title}（{enterprise}）：{reason}，申请已关闭",
            link="/me#applications",
        )
    return audit.record_many(
        session,
        actor,
        action,
        ENTITY,
        [
            (
                application_id,
                {"status": status},
                {"status": ApplicationStatus.closed.value, "reason": reason},
            )
            for application_id, status in pending
        ],
    )


def _named(action: ApplicationAction) -> Callable[[Session, uuid.UUID, User], ApplicationPublic]:
    def run(session: Session, application_id: uuid.UUID, actor: User) -> ApplicationPublic:
        return transition(session, actor, application_id, action)

    run.__name__ = action.value
    run.__doc__ = f"{ACTION_LABELS[action]}（见 :func:`transition`）。"
    return run


review = _named(ApplicationAction.review)
offer = _named(ApplicationAction.offer)
reject = _named(ApplicationAction.reject)
accept = _named(ApplicationAction.accept)
decline = _named(ApplicationAction.decline)
withdraw = _named(ApplicationAction.withdraw)


def offer_placed(
    session: Session,
    actor: User,
    student_id: uuid.UUID,
    position_id: uuid.UUID,
    consent_at: datetime,
    message: str,
) -> Application | None:
    """A placement round's assignment becomes an offer, on the round organiser's authority.

    The student's choice of the position in the round is its consent to give its name and phone
    to the enterprise (PIPL Art. 23): an application is created with that time as ``consent_at``
    when the student has not applied. A submitted or reviewing application is offered; one
    already offered or accepted is left as it is (running a round again makes no second offer);
    one the student declined or withdrew, or that was rejected or closed, is not revived, nor is
    anything offered on a position that is no longer open. Returns the application offered or
    kept, None when nothing was offered.
    """
    position = repository.locked_position(session, position_id)
    if position is None or position.status != PositionStatus.open:
        return None
    if _under_age(session, student_id, position) is not None:
        # A student under 16 is not placed on an internship or apprenticeship: no offer.
        return None
    application = repository.application_of(session, student_id, position_id)
    if application is None:
        application = _create(
            session, actor, student_id, position, message, consent_at, consent_source=message
        )
    current = ApplicationStatus(application.status)
    if current in (ApplicationStatus.offered, ApplicationStatus.accepted):
        return application
    if current not in TRANSITIONS[ApplicationAction.offer][0]:
        return None
    before = _state(application)
    application.status = ApplicationStatus.offered
    application.updated_at = utcnow()
    session.add(application)
    session.flush()
    audit.record(session, actor, "offer", ENTITY, application.id, before, _state(application))
    _notify(session, application, position)
    return application


# ---------------------------------------------------------------- reads


def read_application(session: Session, actor: User, application_id: uuid.UUID) -> ApplicationPublic:
    return _view(session, application_id, actor)


def list_applications(
    session: Session, actor: User, filters: ApplicationFilters, page: PageParams
) -> tuple[list[ApplicationPublic], int]:
    """Each party its own side: a student its applications, an enterprise those to its positions,
    a school its students'; regulators and admins all of them (personal data masked)."""
    conditions: list[Any] = []
    if actor.role == Role.student:
        conditions.append(col(Application.student_id) == students.student_of(session, actor).id)
    elif actor.role == Role.enterprise:
        conditions.append(col(Position.enterprise_id) == actor.organization_id)
    elif actor.role == Role.school:
        conditions.append(col(Student.school_id) == actor.organization_id)
    elif actor.role not in SUPERVISOR_ROLES:
        raise Forbidden("当前角色无权查看申请")
    elif (scope := organizations.regional_scope(session, actor)) is not None:
        conditions.append(repository.concerning_region(scope))
    if filters.position_id is not None:
        conditions.append(col(Application.position_id) == filters.position_id)
    if filters.status is not None:
        conditions.append(col(Application.status) == filters.status.value)
    rows, total = repository.search(session, conditions, page.offset, page.page_size)
    return [public(row, actor) for row in rows], total
