"""Internships and apprenticeships after an accepted offer (issue 27).

States (anything else is a 409 naming the current state)::

    待签协议 awaiting_agreement ─all parties confirm→ 待开始 ready
    待开始 ready ─terms changed→ 待签协议 (every confirmation cleared)
    待签协议 / 待开始 ─start (agreement, insurance, mentors)→ 进行中 in_progress
    进行中 ─complete (both evaluations)→ 已完成 completed
    待签协议 / 待开始 / 进行中 ─end (a labelled reason)→ 提前终止 ended_early

Made in the transaction of the student's accept (service/applications) for a position of kind
实习 or 学徒; a 就业 position makes none. The tripartite agreement (职业学校学生实习管理规定, 2021)
is filled from the position; each party confirms in turn — the school, the enterprise, the student —
and, for a student under 18 or whose birth date the school has not entered, the guardian, whose
consent the school records (it holds the signed 知情同意书). A change of terms clears every
confirmation. Weekly logs are checked against the working-time rules (rules/internship.py); a breach
is a finding for the school, the enterprise and the region's regulator. A daily job flags an
internship in progress whose logs stopped for two weeks.

Personal data: the student's name and phone are shown to the student, its school and the
enterprise (the student consented when applying); regulators and admins see masks. Mentors are
staff, their contact is not masked. Audit rows name the student by id only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col

from models import (
    INTERNSHIP_STATUS_LABELS,
    Application,
    Internship,
    InternshipFinding,
    InternshipLog,
    InternshipStatus,
    Organization,
    Position,
    PositionKind,
    Region,
    Role,
    Student,
    User,
)
from models.base import POSITION_KIND_LABELS, SUPERVISOR_ROLES, utcnow
from rules import internship as internship_rules
from rules.screen import age_on
from service import audit, clock, notifications, posting_rules
from service.errors import Conflict, Forbidden, Invalid, NotFound, field_detail
from service.internships import repository
from service.internships.repository import InternshipRow
from service.internships.schemas import (
    END_REASON_LABELS,
    GRADE_LABELS,
    PARTY_LABELS,
    AgreementPublic,
    AgreementTerms,
    AgreementUpdate,
    CertificatePublic,
    Comment,
    CommentCreate,
    Confirmation,
    ConfirmBody,
    EndBody,
    EndReason,
    Evaluation,
    EvaluationBody,
    FindingPublic,
    InsuranceBody,
    InternshipPosition,
    InternshipPublic,
    InternshipStudent,
    LogCreate,
    LogPublic,
    MentorsBody,
    Party,
    as_dict,
)
from service.organizations import operations as organizations
from service.pagination import PageParams
from service.students import operations as students
from service.students import privacy

ENTITY = "internship"
STUDENT_KINDS = frozenset({PositionKind.internship, PositionKind.apprenticeship})
ADULT_AGE = 18
DEFAULT_LENGTH = timedelta(days=182)  # 岗位实习 normally six months
STOPPED_AFTER = timedelta(days=14)
NOT_STARTED = (InternshipStatus.awaiting_agreement, InternshipStatus.ready)
OPEN = (*NOT_STARTED, InternshipStatus.in_progress)
PARTY_ORDER = (Party.school, Party.enterprise, Party.student)
ROLE_PARTY = {
    Role.school: Party.school,
    Role.enterprise: Party.enterprise,
    Role.student: Party.student,
}

DEFAULT_TERMS = {
    "rest": "每周至少休息2天；不安排学生在休息日、法定节假日实习，不安排加班和夜班",
    "pay_method": "以货币形式按月足额支付给学生本人，不得通过第三方代发，不得克扣或收取押金、费用",
    "meals_lodging": "按实习单位职工标准提供或协商确定",
    "safety": (
        "实习单位提供符合国家标准的劳动安全卫生条件和必要的劳动防护用品，实习前进行安全教育；"
        "不安排学生从事高空、井下、放射性、有毒、易燃易爆及其他具有较高安全风险的实习"
    ),
    "insurance_terms": (
        "实习开始前投保实习责任保险，保险期限覆盖实习全过程；发生事故时按保险合同和有关规定处理，"
        "不属于保险赔付范围或超出赔付额度的部分由责任方依法承担"
    ),
    "assessment": "实习单位评价与学校考核相结合，学校根据实习单位评价和实习周志评定成绩",
    "early_termination": (
        "经三方协商一致可变更或解除协议；出现安全风险、学生身体原因或一方严重违约时可提前终止，"
        "提前终止须书面说明原因"
    ),
    "disputes": "各方按协议承担违约责任；争议由三方协商解决，协商不成的依法申请调解、仲裁或诉讼",
}
CLAUSE_SOURCES = {
    "agreement": (
        "《职业学校学生实习管理规定》（教职成〔2021〕4号）：学生参加岗位实习前，职业学校、实习单位、"
        "学生三方应签订实习协议；未按规定签订的，不得安排学生实习；未满18周岁的学生须取得监护人"
        "签字的知情同意书"
    ),
    "pay": "《职业学校学生实习管理规定》（教职成〔2021〕4号）第十八条",
    "hours": posting_rules.load_rules().sources["hours"],
    "night_and_overtime": internship_rules.NIGHT_AND_OVERTIME_SOURCE,
    "insurance": "《职业学校学生实习管理规定》（教职成〔2021〕4号）：实习责任保险",
}


def status_label(status: str) -> str:
    return INTERNSHIP_STATUS_LABELS[InternshipStatus(status)]


def kind_label(kind: str) -> str:
    return POSITION_KIND_LABELS[PositionKind(kind)]


# ---------------------------------------------------------------- creation


def _add_months_default(start: date, end: date | None) -> date:
    return end if end is not None and end >= start else start + DEFAULT_LENGTH


def guardian_required(birth_date: date | None, start: date) -> bool:
    """Under 18 on the first day, or no birth date entered: the guardian must confirm."""
    return birth_date is None or age_on(birth_date, start) < ADULT_AGE


def create_for_application(
    session: Session, actor: audit.Actor, application: Application, position: Position
) -> Internship | None:
    """The internship of an accepted application, in the accept's transaction (None for 就业)."""
    if PositionKind(position.kind) not in STUDENT_KINDS:
        return None
    existing = repository.of_application(session, application.id)
    if existing is not None:
        return existing
    student = session.get(Student, application.student_id)
    enterprise = session.get(Organization, position.enterprise_id)
    region = session.get(Region, position.region_code)
    if student is None or enterprise is None:
        raise NotFound("申请不存在")
    start = position.start_date
    end = _add_months_default(start, position.end_date)
    place = enterprise.name + (f"（{region.name}）" if region is not None else "")
    terms = AgreementTerms(
        post=position.title,
        place=place[:200],
        content=position.description[:2000],
        start_date=start,
        end_date=end,
        hours_per_day=position.hours_per_day or 8,
        hours_per_week=position.hours_per_week or 40,
        monthly_pay=position.monthly_pay,
        same_post_wage=position.same_post_wage,
        **DEFAULT_TERMS,
    )
    now = utcnow()
    internship = Internship(
        application_id=application.id,
        student_id=student.id,
        position_id=position.id,
        school_id=student.school_id,
        enterprise_id=position.enterprise_id,
        kind=str(position.kind),
        status=InternshipStatus.awaiting_agreement,
        start_date=start,
        end_date=end,
        terms=as_dict(terms),
        confirmations={},
        created_at=now,
        updated_at=now,
    )
    session.add(internship)
    session.flush()
    audit.record(session, actor, "create", ENTITY, internship.id, None, _state(internship))
    _tell(
        session,
        internship,
        ALL_PARTIES,
        "：录用已接受，实习协议待确认",
        "请学校、实习单位、学生依次确认三方协议（未满18周岁的学生还须监护人确认）。",
    )
    return internship


def _state(internship: Internship) -> dict[str, Any]:
    # No personal data: the student by id only.
    return {
        "status": str(internship.status),
        "student_id": str(internship.student_id),
        "position_id": str(internship.position_id),
        "agreement_version": internship.agreement_version,
        "confirmations": sorted(internship.confirmations),
    }


# ---------------------------------------------------------------- notifications


def _tell(
    session: Session,
    internship: Internship,
    parties: Iterable[Party],
    title: str,
    body: str = "",
) -> None:
    """Tell the parties of an internship (the student's account, the school's and the
    enterprise's staff; the guardian's turn goes to the school, which records it). The text
    names the post and what happens next, never the student."""
    users: list[uuid.UUID | None] = []
    wanted = set(parties)
    if Party.guardian in wanted:
        wanted.add(Party.school)
    if Party.student in wanted:
        student = session.get(Student, internship.student_id)
        users.append(student.user_id if student is not None else None)
    organizations_told = [
        internship.school_id if Party.school in wanted else None,
        internship.enterprise_id if Party.enterprise in wanted else None,
    ]
    users.extend(notifications.staff_of(session, organizations_told))
    position = session.get(Position, internship.position_id)
    post = position.title if position is not None else "实习"
    notifications.notify(
        session,
        user_ids=users,
        kind=notifications.NotificationKind.internship,
        title=f"「{post}」{title}"[:200],
        body=body,
        link=f"/internships/{internship.id}",
    )


ALL_PARTIES = (Party.school, Party.enterprise, Party.student)


# ---------------------------------------------------------------- views


def _visible(session: Session, viewer: User, row: InternshipRow) -> bool:
    internship = row.internship
    if viewer.role in SUPERVISOR_ROLES:
        return organizations.supervises_organization(
            session, viewer, internship.school_id
        ) or organizations.supervises_organization(session, viewer, internship.enterprise_id)
    if viewer.role == Role.enterprise:
        return viewer.organization_id == internship.enterprise_id
    if viewer.role == Role.school:
        return viewer.organization_id == internship.school_id
    return viewer.role == Role.student and row.student.user_id == viewer.id


def _sees_personal_data(viewer: User, row: InternshipRow) -> bool:
    if students.sees_personal_data(viewer, row.student):
        return True
    return viewer.role == Role.enterprise and viewer.organization_id == row.internship.enterprise_id


def _row(session: Session, viewer: User, internship_id: uuid.UUID) -> InternshipRow:
    row = repository.row_of(session, internship_id)
    if row is None or not _visible(session, viewer, row):
        raise NotFound("实习不存在")
    return row


def _student_name(viewer: User, row: InternshipRow) -> str:
    name = row.student.name
    return name if _sees_personal_data(viewer, row) else privacy.mask_name(name)


def _guardian_required(row: InternshipRow) -> bool:
    return guardian_required(row.student.birth_date, row.internship.start_date)


def _parties(row: InternshipRow) -> list[Party]:
    return [*PARTY_ORDER, Party.guardian] if _guardian_required(row) else list(PARTY_ORDER)


def _confirmations(row: InternshipRow, unmasked: bool) -> list[Confirmation]:
    done = row.internship.confirmations
    out = []
    for party in (*PARTY_ORDER, Party.guardian):
        entry = done.get(party.value)
        by = entry.get("by") if entry else None
        if by is not None and party is Party.guardian and not unmasked:
            by = privacy.mask_name(by)
        out.append(
            Confirmation(
                party=party,
                party_label=PARTY_LABELS[party],
                required=party in _parties(row),
                confirmed=entry is not None,
                confirmed_at=datetime.fromisoformat(entry["at"]) if entry else None,
                confirmed_by=by,
            )
        )
    return out


def _confirmed(row: InternshipRow) -> bool:
    return all(party.value in row.internship.confirmations for party in _parties(row))


def _evaluation(data: dict[str, Any] | None) -> Evaluation | None:
    if data is None:
        return None
    body = EvaluationBody.model_validate({k: data[k] for k in ("score", "grade", "comment")})
    return Evaluation(
        score=body.score,
        grade=body.grade,
        grade_label=GRADE_LABELS[body.grade],
        comment=body.comment,
        at=datetime.fromisoformat(data["at"]),
    )


def _insurance_gap(internship: Internship) -> str | None:
    if internship.insurance is None:
        return "未登记实习责任保险"
    insurance = InsuranceBody.model_validate(internship.insurance)
    if insurance.cover_start > internship.start_date or insurance.cover_end < internship.end_date:
        return "实习责任保险期限未覆盖实习期"
    return None


def missing_before_start(row: InternshipRow) -> list[str]:
    """What the internship still lacks before it may start, in Chinese."""
    internship = row.internship
    missing = []
    unconfirmed = [
        PARTY_LABELS[p] for p in _parties(row) if p.value not in internship.confirmations
    ]
    if unconfirmed:
        missing.append(f"三方协议尚未确认（待{'、'.join(unconfirmed)}确认）")
    gap = _insurance_gap(internship)
    if gap is not None:
        missing.append(gap)
    if internship.mentors is None:
        missing.append("未指定学校指导教师和企业指导人员")
    return missing


def public(row: InternshipRow, viewer: User, findings_count: int) -> InternshipPublic:
    internship, student, position = row.internship, row.student, row.position
    unmasked = _sees_personal_data(viewer, row)
    reason = EndReason(internship.end_reason) if internship.end_reason else None
    not_started = InternshipStatus(internship.status) in NOT_STARTED
    return InternshipPublic(
        id=internship.id,
        application_id=internship.application_id,
        kind=PositionKind(internship.kind),
        kind_label=kind_label(internship.kind),
        status=InternshipStatus(internship.status),
        status_label=status_label(internship.status),
        start_date=internship.start_date,
        end_date=internship.end_date,
        student=InternshipStudent(
            id=student.id,
            name=student.name if unmasked else privacy.mask_name(student.name),
            phone=student.phone if unmasked else privacy.mask_phone(student.phone),
            masked=not unmasked,
            school_id=internship.school_id,
            school_name=row.school_name,
            major_name=row.major_name,
        ),
        position=InternshipPosition(
            id=position.id,
            title=position.title,
            enterprise_id=internship.enterprise_id,
            enterprise_name=row.enterprise_name,
            region_code=position.region_code,
        ),
        agreement_version=internship.agreement_version,
        agreement_confirmed=_confirmed(row),
        guardian_required=_guardian_required(row),
        confirmations=_confirmations(row, unmasked),
        insurance=InsuranceBody.model_validate(internship.insurance)
        if internship.insurance
        else None,
        mentors=MentorsBody.model_validate(internship.mentors) if internship.mentors else None,
        enterprise_evaluation=_evaluation(internship.enterprise_evaluation),
        school_evaluation=_evaluation(internship.school_evaluation),
        missing_before_start=missing_before_start(row) if not_started else [],
        started_on=internship.started_on,
        ended_on=internship.ended_on,
        end_reason=reason,
        end_reason_label=END_REASON_LABELS[reason] if reason else None,
        end_note=internship.end_note,
        findings_count=findings_count,
        created_at=internship.created_at,
    )


def _view(session: Session, viewer: User, internship_id: uuid.UUID) -> InternshipPublic:
    row = _row(session, viewer, internship_id)
    counts = repository.finding_counts(session, [internship_id])
    return public(row, viewer, counts.get(internship_id, 0))


def read_internship(session: Session, viewer: User, internship_id: uuid.UUID) -> InternshipPublic:
    return _view(session, viewer, internship_id)


def list_internships(
    session: Session, viewer: User, status: InternshipStatus | None, page: PageParams
) -> tuple[list[InternshipPublic], int]:
    """A student its own, a school its students', an enterprise those on its positions, a
    regulator its region's (a national regulator and an admin all)."""
    conditions = _scope_conditions(session, viewer)
    if status is not None:
        conditions.append(col(Internship.status) == status.value)
    rows, total = repository.search(session, conditions, page.offset, page.page_size)
    counts = repository.finding_counts(session, [r.internship.id for r in rows])
    return [public(r, viewer, counts.get(r.internship.id, 0)) for r in rows], total


def _scope_conditions(session: Session, viewer: User) -> list[Any]:
    if viewer.role == Role.student:
        return [col(Internship.student_id) == students.student_of(session, viewer).id]
    if viewer.role == Role.enterprise:
        return [col(Internship.enterprise_id) == viewer.organization_id]
    if viewer.role == Role.school:
        return [col(Internship.school_id) == viewer.organization_id]
    if viewer.role not in SUPERVISOR_ROLES:
        raise Forbidden("当前角色无权查看实习")
    scope = organizations.regional_scope(session, viewer)
    return [] if scope is None else [repository.concerning_region(scope)]


# ---------------------------------------------------------------- acting


def _acting(
    session: Session, actor: User, internship_id: uuid.UUID, *, roles: frozenset[Role]
) -> tuple[Internship, InternshipRow]:
    """The internship locked, for a party of it in ``roles`` (others: 404 as if absent)."""
    row = _row(session, actor, internship_id)
    if actor.role not in roles:
        raise NotFound("实习不存在")
    internship = repository.locked(session, internship_id)
    if internship is None:
        raise NotFound("实习不存在")
    return internship, InternshipRow(
        internship, row.position, row.enterprise_name, row.student, row.school_name, row.major_name
    )


def _require_status(
    internship: Internship, allowed: tuple[InternshipStatus, ...], what: str
) -> None:
    current = InternshipStatus(internship.status)
    if current not in allowed:
        raise Conflict(
            f"实习当前状态为“{status_label(current)}”，不能{what}",
            code="invalid_transition",
            details=[
                field_detail("status", f"当前状态：{status_label(current)}", status=current.value)
            ],
        )


def _save(
    session: Session, actor: User, action: str, internship: Internship, before: dict[str, Any]
) -> None:
    internship.updated_at = utcnow()
    session.add(internship)
    session.flush()
    audit.record(session, actor, action, ENTITY, internship.id, before, _state(internship))


def _finding_details(findings: list[Any]) -> list[dict[str, Any]]:
    return [
        field_detail(f.field, f.message, code=f.code, rule=f.rule, source=f.source)
        for f in findings
    ]


def update_agreement(
    session: Session, actor: User, internship_id: uuid.UUID, body: AgreementUpdate
) -> AgreementPublic:
    """Change clauses (school or enterprise, before the start); a change clears every
    confirmation and the internship waits for the agreement again."""
    internship, row = _acting(
        session, actor, internship_id, roles=frozenset({Role.school, Role.enterprise})
    )
    _require_status(internship, NOT_STARTED, "修改协议")
    changes = body.model_dump(mode="json", exclude_unset=True)
    merged = {**internship.terms, **changes}
    try:
        terms = AgreementTerms.model_validate(merged)
    except ValidationError as error:
        raise Invalid(
            "协议条款有误",
            details=[
                field_detail(".".join(str(p) for p in e["loc"]) or "end_date", e["msg"])
                for e in error.errors()
            ],
        ) from None
    findings = internship_rules.terms_findings(
        internship.kind,
        terms.monthly_pay,
        terms.same_post_wage,
        terms.hours_per_day,
        terms.hours_per_week,
        posting_rules.load_rules(),
    )
    if findings:
        raise Invalid("协议条款违反实习管理规定", details=_finding_details(findings))
    new_terms = as_dict(terms)
    if new_terms != internship.terms:
        before = _state(internship)
        internship.terms = new_terms
        internship.start_date = terms.start_date
        internship.end_date = terms.end_date
        internship.agreement_version += 1
        internship.confirmations = {}
        internship.status = InternshipStatus.awaiting_agreement
        _save(session, actor, "update_agreement", internship, before)
        _tell(
            session,
            internship,
            ALL_PARTIES,
            "：协议条款已修改，须重新确认",
            f"协议已改为第{internship.agreement_version}版，此前的确认均已失效。",
        )
    return _agreement(session, actor, row.internship.id)


def confirm_agreement(
    session: Session, actor: User, internship_id: uuid.UUID, body: ConfirmBody
) -> AgreementPublic:
    """Confirm the agreement as one's party, in turn: school, enterprise, student, then (when
    required) the guardian, recorded by the school."""
    internship, row = _acting(
        session,
        actor,
        internship_id,
        roles=frozenset({Role.school, Role.enterprise, Role.student}),
    )
    _require_status(internship, NOT_STARTED, "确认协议")
    own = ROLE_PARTY[Role(actor.role)]
    party = body.party or own
    if party is Party.guardian:
        if own is not Party.school:
            raise Conflict(
                "监护人的确认由学校登记（学校留存监护人签字的知情同意书）",
                details=[field_detail("party", "只有学校可以登记监护人确认")],
            )
        if not body.guardian_name or not body.guardian_relation:
            raise Invalid(
                "登记监护人确认须填写监护人姓名和与学生关系",
                details=[
                    field_detail(name, "必填")
                    for name in ("guardian_name", "guardian_relation")
                    if not getattr(body, name)
                ],
            )
    elif party is not own:
        raise Conflict(
            f"只能以本方（{PARTY_LABELS[own]}）身份确认",
            details=[field_detail("party", f"应为 {own.value}")],
        )
    parties = _parties(row)
    if party not in parties:
        raise Conflict(
            "学生已年满18周岁，无须监护人确认", details=[field_detail("party", "无须监护人确认")]
        )
    if party.value in internship.confirmations:
        raise Conflict(f"{PARTY_LABELS[party]}已确认本版协议", code="already_confirmed")
    waiting = next(p for p in parties if p.value not in internship.confirmations)
    if waiting is not party:
        raise Conflict(
            f"须先由{PARTY_LABELS[waiting]}确认协议",
            code="not_your_turn",
            details=[field_detail("party", f"下一确认方：{PARTY_LABELS[waiting]}")],
        )
    before = _state(internship)
    by = (
        f"{body.guardian_name}（{body.guardian_relation}）"
        if party is Party.guardian
        else actor.username
    )
    internship.confirmations = {
        **internship.confirmations,
        party.value: {
            "at": utcnow().isoformat(),
            "by": by,
            "version": internship.agreement_version,
        },
    }
    if all(p.value in internship.confirmations for p in parties):
        internship.status = InternshipStatus.ready
    _save(session, actor, f"confirm_{party.value}", internship, before)
    following = next((p for p in parties if p.value not in internship.confirmations), None)
    if following is not None:
        _tell(
            session,
            internship,
            [following],
            f"：{PARTY_LABELS[party]}已确认协议，请{PARTY_LABELS[following]}确认",
        )
    else:
        missing = missing_before_start(row)
        _tell(
            session,
            internship,
            [Party.school, Party.enterprise],
            "：三方协议已全部确认",
            f"开始前还需：{'、'.join(missing)}" if missing else "可以开始实习。",
        )
    return _agreement(session, actor, internship.id)


def set_insurance(
    session: Session, actor: User, internship_id: uuid.UUID, body: InsuranceBody
) -> InternshipPublic:
    """Record the liability insurance; its cover must hold the whole internship."""
    internship, _row_ = _acting(
        session, actor, internship_id, roles=frozenset({Role.school, Role.enterprise})
    )
    _require_status(internship, OPEN, "登记保险")
    details = []
    if body.cover_start > internship.start_date:
        details.append(
            field_detail("cover_start", f"保险起始日期须不晚于实习开始日期{internship.start_date}")
        )
    if body.cover_end < internship.end_date:
        details.append(
            field_detail("cover_end", f"保险终止日期须不早于实习结束日期{internship.end_date}")
        )
    if details:
        raise Invalid("保险期限须覆盖整个实习期", details=details)
    before = {**_state(internship), "insurance": internship.insurance}
    internship.insurance = as_dict(body)
    internship.updated_at = utcnow()
    session.add(internship)
    session.flush()
    audit.record(
        session,
        actor,
        "set_insurance",
        ENTITY,
        internship.id,
        before,
        {**_state(internship), "insurance": internship.insurance},
    )
    return _view(session, actor, internship.id)


def set_mentors(
    session: Session, actor: User, internship_id: uuid.UUID, body: MentorsBody
) -> InternshipPublic:
    """Name the school mentor and the enterprise mentor (staff data)."""
    internship, _row_ = _acting(
        session, actor, internship_id, roles=frozenset({Role.school, Role.enterprise})
    )
    _require_status(internship, OPEN, "指定导师")
    before = {**_state(internship), "mentors": internship.mentors}
    internship.mentors = as_dict(body)
    internship.updated_at = utcnow()
    session.add(internship)
    session.flush()
    audit.record(
        session,
        actor,
        "set_mentors",
        ENTITY,
        internship.id,
        before,
        {**_state(internship), "mentors": internship.mentors},
    )
    return _view(session, actor, internship.id)


def start(session: Session, actor: User, internship_id: uuid.UUID) -> InternshipPublic:
    """Start: only with the agreement confirmed by every party, insurance and mentors."""
    internship, row = _acting(
        session, actor, internship_id, roles=frozenset({Role.school, Role.enterprise})
    )
    _require_status(internship, NOT_STARTED, "开始实习")
    missing = missing_before_start(row)
    if missing:
        raise Conflict(
            "不能开始实习：" + "；".join(missing),
            code="not_ready_to_start",
            details=[field_detail("internship", m) for m in missing],
        )
    before = _state(internship)
    internship.status = InternshipStatus.in_progress
    internship.started_on = clock.today()
    _save(session, actor, "start", internship, before)
    return _view(session, actor, internship.id)


# ---------------------------------------------------------------- logs


def _finding_public(finding: InternshipFinding, row: InternshipRow, viewer: User) -> FindingPublic:
    return FindingPublic(
        id=finding.id,
        internship_id=finding.internship_id,
        log_id=finding.log_id,
        code=finding.code,
        label=internship_rules.FINDING_LABELS.get(finding.code, finding.code),
        reference_date=finding.reference_date,
        message=finding.message,
        rule=finding.rule,
        source=finding.source,
        created_at=finding.created_at,
        school_name=row.school_name,
        enterprise_name=row.enterprise_name,
        student_name=_student_name(viewer, row),
    )


def _log_public(log: InternshipLog, findings: list[FindingPublic]) -> LogPublic:
    return LogPublic(
        id=log.id,
        week_start_date=log.week_start_date,
        content=log.content,
        days_worked=log.days_worked,
        total_hours=log.total_hours,
        max_daily_hours=log.max_daily_hours,
        daily_hours=list(log.daily_hours),
        night_shift=log.night_shift,
        overtime=log.overtime,
        findings=[f for f in findings if f.log_id == log.id],
        comments=[Comment.model_validate(c) for c in log.comments],
        created_at=log.created_at,
    )


def add_log(session: Session, actor: User, internship_id: uuid.UUID, body: LogCreate) -> LogPublic:
    """The student's weekly log; its breaches of the working-time rules become findings."""
    internship, row = _acting(session, actor, internship_id, roles=frozenset({Role.student}))
    _require_status(internship, (InternshipStatus.in_progress,), "填写周志")
    week = body.week_start_date
    first_week = internship.start_date - timedelta(days=internship.start_date.weekday())
    if week < first_week or week > internship.end_date or week > clock.today():
        raise Invalid(
            "周起始日期须在实习期内且不晚于今天",
            details=[
                field_detail(
                    "week_start_date",
                    f"实习期为{internship.start_date}至{internship.end_date}",
                )
            ],
        )
    if repository.log_of_week(session, internship.id, week) is not None:
        raise Conflict(
            f"{week}这一周的周志已填写",
            code="log_exists",
            details=[field_detail("week_start_date", "每周只填写一篇周志")],
        )
    if body.daily_hours is not None:
        daily = [float(h) for h in body.daily_hours]
        days = sum(1 for h in daily if h > 0)
        total = sum(daily)
        longest = max(daily, default=0.0)
    else:
        days = body.days_worked or 0
        total = float(body.total_hours or 0)
        daily = []
        longest = total / days if days else 0.0
    log = InternshipLog(
        internship_id=internship.id,
        week_start_date=week,
        content=body.content,
        days_worked=days,
        total_hours=total,
        max_daily_hours=longest,
        daily_hours=daily,
        night_shift=body.night_shift,
        overtime=body.overtime,
        comments=[],
    )
    session.add(log)
    session.flush()
    facts = internship_rules.WeekFacts(
        kind=internship.kind,
        days_worked=days,
        total_hours=total,
        max_daily_hours=longest,
        night_shift=body.night_shift,
        overtime=body.overtime,
    )
    findings = []
    for breach in internship_rules.week_findings(facts, posting_rules.load_rules()):
        finding = InternshipFinding(
            internship_id=internship.id,
            log_id=log.id,
            code=breach.code,
            reference_date=week,
            message=f"{week}起一周：{breach.message}",
            rule=breach.rule,
            source=breach.source,
        )
        session.add(finding)
        findings.append(finding)
    session.flush()
    if findings:
        _tell(
            session,
            internship,
            [Party.school, Party.enterprise],
            f"：周志发现{len(findings)}项违反实习管理规定的情况",
            "；".join(f.message for f in findings)[:1000],
        )
    audit.record(
        session,
        actor,
        "add_log",
        ENTITY,
        internship.id,
        None,
        {
            "log_id": str(log.id),
            "week_start_date": week,
            "total_hours": total,
            "max_daily_hours": longest,
            "night_shift": body.night_shift,
            "overtime": body.overtime,
            "findings": [f.code for f in findings],
        },
    )
    return _log_public(log, [_finding_public(f, row, actor) for f in findings])


def list_logs(session: Session, viewer: User, internship_id: uuid.UUID) -> list[LogPublic]:
    row = _row(session, viewer, internship_id)
    findings = [
        _finding_public(f, row, viewer) for f in repository.findings_of(session, internship_id)
    ]
    return [_log_public(log, findings) for log in repository.logs_of(session, internship_id)]


def comment_log(
    session: Session,
    actor: User,
    internship_id: uuid.UUID,
    log_id: uuid.UUID,
    body: CommentCreate,
) -> LogPublic:
    """A mentor's comment on a log: the school's mentor through the school's account, the
    enterprise's through the enterprise's."""
    internship, row = _acting(
        session, actor, internship_id, roles=frozenset({Role.school, Role.enterprise})
    )
    log = session.get(InternshipLog, log_id)
    if log is None or log.internship_id != internship.id:
        raise NotFound("周志不存在")
    mentors = MentorsBody.model_validate(internship.mentors) if internship.mentors else None
    if actor.role == Role.school:
        by, mentor = "学校指导教师", mentors.school_mentor.name if mentors else actor.username
    else:
        by, mentor = "企业指导人员", mentors.enterprise_mentor.name if mentors else actor.username
    comment = Comment(by=by, mentor_name=mentor, text=body.text, at=utcnow())
    log.comments = [*log.comments, comment.model_dump(mode="json")]
    session.add(log)
    session.flush()
    audit.record(
        session,
        actor,
        "comment_log",
        ENTITY,
        internship.id,
        None,
        {"log_id": str(log.id), "by": by},
    )
    findings = [
        _finding_public(f, row, actor) for f in repository.findings_of(session, internship.id)
    ]
    return _log_public(log, findings)


# ---------------------------------------------------------------- findings


def internship_findings(
    session: Session, viewer: User, internship_id: uuid.UUID
) -> list[FindingPublic]:
    row = _row(session, viewer, internship_id)
    return [_finding_public(f, row, viewer) for f in repository.findings_of(session, internship_id)]


def list_findings(
    session: Session, viewer: User, page: PageParams
) -> tuple[list[FindingPublic], int]:
    """The school its students', the enterprise its own, a regulator its region's."""
    conditions = _scope_conditions(session, viewer)
    rows, total = repository.search_findings(session, conditions, page.offset, page.page_size)
    return [_finding_public(finding, row, viewer) for finding, row in rows], total


def flag_stopped_logs(session: Session, today: date | None = None) -> int:
    """Daily: an internship in progress with no log for two weeks gets a finding for its school
    (once per gap: the finding is keyed by the last day a log covered). Returns how many."""
    today = today or clock.today()
    flagged = []
    for internship, last_week in repository.active_with_last_log(session):
        started = internship.started_on or internship.start_date
        covered = last_week + timedelta(days=6) if last_week else started - timedelta(days=1)
        if today - covered < STOPPED_AFTER:
            continue
        if repository.finding_exists(session, internship.id, "logs_stopped", covered):
            continue
        finding = InternshipFinding(
            internship_id=internship.id,
            code="logs_stopped",
            reference_date=covered,
            message=(
                f"自{covered + timedelta(days=1)}起已{(today - covered).days}天未填写实习周志"
                "，请学校指导教师了解学生实习情况"
            ),
            rule="logs_stopped_days",
            source=(
                "《职业学校学生实习管理规定》（教职成〔2021〕4号）：学校和实习单位应加强对实习"
                "学生的日常管理和指导，及时掌握学生实习情况"
            ),
        )
        session.add(finding)
        flagged.append(finding)
        _tell(session, internship, [Party.school], "：已两周未填写实习周志", finding.message)
    session.flush()
    audit.record_many(
        session,
        "scheduler",
        "flag_logs_stopped",
        ENTITY,
        [(f.internship_id, None, {"reference_date": f.reference_date}) for f in flagged],
    )
    return len(flagged)


EVALUATION_NOTICE = timedelta(days=7)


def flag_due_evaluations(session: Session, today: date | None = None) -> int:
    """Daily: an internship in progress ending within a week (or past its end) that lacks the
    enterprise's evaluation or the school's grade gets one ``evaluation_due`` finding (keyed by
    its end date), so that both parties are reminded. Returns how many were flagged."""
    today = today or clock.today()
    flagged = []
    for internship, _last_week in repository.active_with_last_log(session):
        if internship.end_date - today > EVALUATION_NOTICE:
            continue
        missing = [
            label
            for label, given in (
                ("实习单位评价", internship.enterprise_evaluation),
                ("学校考核成绩", internship.school_evaluation),
            )
            if given is None
        ]
        if not missing:
            continue
        if repository.finding_exists(session, internship.id, "evaluation_due", internship.end_date):
            continue
        finding = InternshipFinding(
            internship_id=internship.id,
            code="evaluation_due",
            reference_date=internship.end_date,
            message=f"实习将于{internship.end_date}结束，尚缺{'、'.join(missing)}",
            rule="assessment",
            source="《职业学校学生实习管理规定》（教职成〔2021〕4号）：实习考核由学校和实习单位共同实施",
        )
        session.add(finding)
        flagged.append(finding)
        _tell(
            session,
            internship,
            [Party.school, Party.enterprise],
            "：实习即将结束，请完成评价",
            finding.message,
        )
    session.flush()
    audit.record_many(
        session,
        "scheduler",
        "flag_evaluation_due",
        ENTITY,
        [(f.internship_id, None, {"reference_date": f.reference_date}) for f in flagged],
    )
    return len(flagged)


# ---------------------------------------------------------------- ending


def evaluate(
    session: Session, actor: User, internship_id: uuid.UUID, body: EvaluationBody
) -> InternshipPublic:
    """The enterprise's evaluation or the school's grade (the caller's role decides which)."""
    internship, _row_ = _acting(
        session, actor, internship_id, roles=frozenset({Role.school, Role.enterprise})
    )
    _require_status(internship, (InternshipStatus.in_progress,), "评价")
    before = _state(internship)
    data = {**body.model_dump(mode="json"), "at": utcnow().isoformat()}
    if actor.role == Role.enterprise:
        internship.enterprise_evaluation = data
        action = "evaluate_enterprise"
    else:
        internship.school_evaluation = data
        action = "evaluate_school"
    _save(session, actor, action, internship, before)
    return _view(session, actor, internship.id)


def complete(session: Session, actor: User, internship_id: uuid.UUID) -> InternshipPublic:
    """The school completes an internship in progress once both evaluations are in."""
    internship, _row_ = _acting(session, actor, internship_id, roles=frozenset({Role.school}))
    _require_status(internship, (InternshipStatus.in_progress,), "办理完成")
    missing = []
    if internship.enterprise_evaluation is None:
        missing.append("实习单位评价")
    if internship.school_evaluation is None:
        missing.append("学校考核成绩")
    if missing:
        raise Conflict(
            f"不能办理完成：尚缺{'、'.join(missing)}",
            code="evaluations_missing",
            details=[field_detail("evaluations", m) for m in missing],
        )
    before = _state(internship)
    internship.status = InternshipStatus.completed
    internship.ended_on = clock.today()
    _save(session, actor, "complete", internship, before)
    _tell(
        session,
        internship,
        ALL_PARTIES,
        "：实习已完成，实习证明可以下载打印",
    )
    return _view(session, actor, internship.id)


def end_early(
    session: Session, actor: User, internship_id: uuid.UUID, body: EndBody
) -> InternshipPublic:
    """End before completion, with a reason from the labelled list."""
    internship, _row_ = _acting(
        session, actor, internship_id, roles=frozenset({Role.school, Role.enterprise})
    )
    _require_status(internship, OPEN, "提前终止")
    before = _state(internship)
    internship.status = InternshipStatus.ended_early
    internship.ended_on = clock.today()
    internship.end_reason = body.reason.value
    internship.end_note = body.note.strip()
    _save(session, actor, "end", internship, before)
    _tell(
        session,
        internship,
        ALL_PARTIES,
        f"：实习已提前终止（{END_REASON_LABELS[body.reason]}）",
    )
    return _view(session, actor, internship.id)


# ---------------------------------------------------------------- documents


def _agreement(session: Session, viewer: User, internship_id: uuid.UUID) -> AgreementPublic:
    row = _row(session, viewer, internship_id)
    internship = row.internship
    terms = AgreementTerms.model_validate(internship.terms)
    floor = (
        internship_rules.pay_floor(terms.same_post_wage, posting_rules.load_rules())
        if internship.kind == PositionKind.internship
        else None
    )
    return AgreementPublic(
        internship_id=internship.id,
        title=f"职业学校学生{kind_label(internship.kind)}三方协议",
        version=internship.agreement_version,
        kind_label=kind_label(internship.kind),
        school_name=row.school_name,
        enterprise_name=row.enterprise_name,
        student_name=_student_name(viewer, row),
        major_name=row.major_name,
        guardian_required=_guardian_required(row),
        terms=terms,
        pay_floor=round(floor, 2) if floor is not None else None,
        insurance=InsuranceBody.model_validate(internship.insurance)
        if internship.insurance
        else None,
        mentors=MentorsBody.model_validate(internship.mentors) if internship.mentors else None,
        confirmations=_confirmations(row, _sees_personal_data(viewer, row)),
        confirmed=_confirmed(row),
        sources=CLAUSE_SOURCES,
    )


def read_agreement(session: Session, viewer: User, internship_id: uuid.UUID) -> AgreementPublic:
    return _agreement(session, viewer, internship_id)


def certificate(session: Session, viewer: User, internship_id: uuid.UUID) -> CertificatePublic:
    """The certificate of completion, only for a completed internship."""
    row = _row(session, viewer, internship_id)
    internship = row.internship
    if InternshipStatus(internship.status) is not InternshipStatus.completed:
        raise Conflict(
            f"实习当前状态为“{status_label(internship.status)}”，完成后才能出具实习证明",
            code="not_completed",
        )
    enterprise_evaluation = _evaluation(internship.enterprise_evaluation)
    school_evaluation = _evaluation(internship.school_evaluation)
    if (
        enterprise_evaluation is None
        or school_evaluation is None
        or internship.started_on is None
        or internship.ended_on is None
    ):
        raise Conflict("实习记录不完整，不能出具实习证明", code="not_completed")
    return CertificatePublic(
        internship_id=internship.id,
        number=f"SX{internship.ended_on:%Y%m%d}-{internship.id.hex[:8].upper()}",
        student_name=_student_name(viewer, row),
        school_name=row.school_name,
        major_name=row.major_name,
        enterprise_name=row.enterprise_name,
        post=str(internship.terms.get("post", row.position.title)),
        kind_label=kind_label(internship.kind),
        started_on=internship.started_on,
        ended_on=internship.ended_on,
        enterprise_evaluation=enterprise_evaluation,
        school_evaluation=school_evaluation,
    )
