"""Placement rounds: creation, students' choices, enterprises' rankings, the run, the results.

Who may do what:
- a school, park or government account creates a round for its organisation (the *organiser*);
  a school invites only its own students;
- an invited student ranks the invited positions, until the deadline;
- the enterprise of an invited position ranks students for it (explicitly, or by the recommender's
  score once the deadline has passed and the applicants are known), until the round is run;
- the organiser (or an admin) runs the round after the deadline; running again gives the same
  result, since the inputs are frozen by then and the seed is the round's; a run round
  (已运行，待公布) shows its result to the organiser only;
- the organiser publishes the run round (已公布): the assignments become offers and the parties
  are notified then, not at the run (an offer would reveal the result); a published round is
  neither published nor run again (409);
- the results show each party its own side: the organiser all, a school its students, an
  enterprise its positions, a student its own place.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from matching.placement import (
    PlacementInstance,
    PlacementPosition,
    PlacementStudent,
    SchoolQuota,
    solve_placement,
)
from models import (
    Organization,
    OrganizationKind,
    OrganizationStatus,
    PlacementRound,
    Position,
    PositionKind,
    PositionStatus,
    RankingSource,
    Role,
    RoundStatus,
    Student,
    User,
)
from models.base import POSITION_KIND_LABELS, utcnow
from service import audit, notifications, posting_rules
from service import position_access as access
from service.applications import operations as applications
from service.errors import Conflict, Forbidden, Invalid, NotFound, field_detail
from service.organizations import operations as organizations
from service.placement import repository, scoring
from service.placement.schemas import (
    SEED_MAX,
    AgeSkipPublic,
    AssignmentPublic,
    ChoicesIn,
    ChoicesPublic,
    EnterpriseCapacityIn,
    PairPublic,
    RankingEntry,
    RankingIn,
    RankingPublic,
    ResultsPublic,
    RoundCreate,
    RoundPositionPublic,
    RoundPublic,
    SchoolQuotaIn,
    Side,
    SkippedPublic,
)
from service.students import operations as students_ops
from service.students import privacy

ENTITY = "placement_round"
ORGANISER_KINDS = (OrganizationKind.school, OrganizationKind.park, OrganizationKind.government)
ORGANISER_ROLES = (Role.school, Role.regulator)
ROUND_POSITION_KINDS = (PositionKind.apprenticeship, PositionKind.internship)


def _aware(value: datetime) -> datetime:
    # SQLite hands timezone-aware columns back naive; they were stored in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _get_round(session: Session, round_id: uuid.UUID) -> PlacementRound:
    row = session.get(PlacementRound, round_id)
    if row is None:
        raise NotFound("双选轮次不存在")
    return row


def _is_organiser(actor: User, row: PlacementRound) -> bool:
    if actor.role == Role.admin:
        return True
    return actor.role in ORGANISER_ROLES and actor.organization_id == row.owner_id


def _deadline_passed(row: PlacementRound) -> bool:
    return utcnow() >= _aware(row.deadline_at)


def _public(session: Session, row: PlacementRound) -> RoundPublic:
    return RoundPublic(
        id=row.id,
        owner_id=row.owner_id,
        title=row.title,
        deadline_at=row.deadline_at,
        seed=row.seed,
        status=row.status,
        positions=[
            RoundPositionPublic(
                position_id=p.id,
                title=p.title,
                kind=p.kind,
                enterprise_id=p.enterprise_id,
                capacity=rp.capacity,
            )
            for rp, p in repository.round_positions(session, row.id)
        ],
        student_count=repository.student_count(session, row.id),
        enterprise_capacities=[EnterpriseCapacityIn(**c) for c in row.enterprise_capacities],
        school_quotas=[SchoolQuotaIn(**q) for q in row.school_quotas],
        created_at=row.created_at,
        run_at=row.run_at,
    )


# ---------------------------------------------------------------- creating a round


def _organiser_of(session: Session, actor: User) -> Organization:
    organization = (
        session.get(Organization, actor.organization_id) if actor.organization_id else None
    )
    if (
        actor.role not in ORGANISER_ROLES
        or organization is None
        or organization.kind not in ORGANISER_KINDS
    ):
        raise Forbidden("只有学校、园区或政府部门的账户可以组织双选轮次")
    if organization.status != OrganizationStatus.verified:
        raise Forbidden("机构尚未通过审核或已被暂停，不能组织双选轮次")
    return organization


def _check_positions(
    session: Session, body: RoundCreate
) -> tuple[list[tuple[uuid.UUID, int]], dict[uuid.UUID, Position]]:
    ids = [item.position_id for item in body.positions]
    found = repository.positions_by_id(session, ids)
    problems = []
    seen: set[uuid.UUID] = set()
    chosen: list[tuple[uuid.UUID, int]] = []
    for index, item in enumerate(body.positions):
        where = f"positions.{index}.position_id"
        position = found.get(item.position_id)
        if item.position_id in seen:
            problems.append(field_detail(where, "岗位重复"))
        elif position is None:
            problems.append(field_detail(where, "岗位不存在"))
        elif position.kind not in ROUND_POSITION_KINDS:
            problems.append(field_detail(where, "只有学徒和实习岗位可以参加双选"))
        elif position.status != PositionStatus.open:
            problems.append(field_detail(where, "岗位不在招聘中"))
        elif item.capacity is not None and item.capacity > position.headcount:
            problems.append(
                field_detail(
                    f"positions.{index}.capacity", f"名额不能超过岗位招聘人数{position.headcount}"
                )
            )
        else:
            capacity = position.headcount if item.capacity is None else item.capacity
            chosen.append((item.position_id, capacity))
        seen.add(item.position_id)
    if problems:
        raise Invalid("岗位有误", details=problems)
    return chosen, found


def _check_students(session: Session, body: RoundCreate, organiser: Organization) -> None:
    found = repository.students_by_id(session, body.student_ids)
    problems = []
    seen: set[uuid.UUID] = set()
    for index, sid in enumerate(body.student_ids):
        where = f"student_ids.{index}"
        student = found.get(sid)
        if sid in seen:
            problems.append(field_detail(where, "学生重复"))
        elif student is None:
            problems.append(field_detail(where, "学生不存在"))
        elif organiser.kind == OrganizationKind.school and student.school_id != organiser.id:
            problems.append(field_detail(where, "学校只能邀请本校学生"))
        seen.add(sid)
    if problems:
        raise Invalid("学生有误", details=problems)


def _check_constraints(
    session: Session, body: RoundCreate, positions: dict[uuid.UUID, Position]
) -> None:
    enterprises = {p.enterprise_id for p in positions.values()}
    schools = {s.school_id for s in repository.students_by_id(session, body.student_ids).values()}
    problems = []
    seen_enterprises: set[uuid.UUID] = set()
    for index, cap in enumerate(body.enterprise_capacities):
        if cap.enterprise_id not in enterprises:
            problems.append(
                field_detail(
                    f"enterprise_capacities.{index}.enterprise_id", "企业没有参加本轮的岗位"
                )
            )
        elif cap.enterprise_id in seen_enterprises:
            problems.append(
                field_detail(f"enterprise_capacities.{index}.enterprise_id", "企业重复")
            )
        seen_enterprises.add(cap.enterprise_id)
    seen_pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for index, quota in enumerate(body.school_quotas):
        if quota.enterprise_id not in enterprises:
            problems.append(
                field_detail(f"school_quotas.{index}.enterprise_id", "企业没有参加本轮的岗位")
            )
        elif quota.school_id not in schools:
            problems.append(
                field_detail(f"school_quotas.{index}.school_id", "学校没有参加本轮的学生")
            )
        elif (quota.school_id, quota.enterprise_id) in seen_pairs:
            problems.append(field_detail(f"school_quotas.{index}", "同一学校和企业的上限重复"))
        seen_pairs.add((quota.school_id, quota.enterprise_id))
    if problems:
        raise Invalid("名额设置有误", details=problems)


def _check_scope(
    session: Session, actor: User, body: RoundCreate, positions: dict[uuid.UUID, Position]
) -> None:
    """A park's or government's round brings together its own region's positions and students."""
    scope = organizations.regional_scope(session, actor)
    if scope is None:
        return
    problems = [
        field_detail(f"positions.{index}.position_id", "岗位不在本部门管辖地区内")
        for index, item in enumerate(body.positions)
        if positions[item.position_id].region_code not in scope
    ]
    students = repository.students_by_id(session, body.student_ids)
    inside = {
        school_id
        for school_id in {s.school_id for s in students.values()}
        if organizations.supervises_organization(session, actor, school_id)
    }
    problems += [
        field_detail(f"student_ids.{index}", "学生所在学校不在本部门管辖地区内")
        for index, sid in enumerate(body.student_ids)
        if students[sid].school_id not in inside
    ]
    if problems:
        raise Forbidden("双选轮次只能包含本部门管辖地区的岗位和学生", details=problems)


def create_round(session: Session, actor: User, body: RoundCreate) -> RoundPublic:
    organiser = _organiser_of(session, actor)
    if body.deadline_at <= utcnow():
        raise Invalid("截止时间已过", details=[field_detail("deadline_at", "截止时间应晚于现在")])
    chosen, positions = _check_positions(session, body)
    _check_students(session, body, organiser)
    _check_constraints(session, body, positions)
    _check_scope(session, actor, body, positions)
    row = PlacementRound(
        owner_id=organiser.id,
        title=body.title.strip(),
        deadline_at=body.deadline_at,
        seed=secrets.randbelow(SEED_MAX + 1) if body.seed is None else body.seed,
        enterprise_capacities=[c.model_dump(mode="json") for c in body.enterprise_capacities],
        school_quotas=[q.model_dump(mode="json") for q in body.school_quotas],
        created_by=actor.id,
    )
    repository.add_round(session, row, chosen, body.student_ids)
    audit.record(session, actor, "create", ENTITY, row.id, after=row.model_dump(mode="json"))
    return _public(session, row)


def read_round(session: Session, actor: User, round_id: uuid.UUID) -> RoundPublic:
    row = _get_round(session, round_id)
    _side(session, actor, row)  # only the parties of the round see it
    return _public(session, row)


# ---------------------------------------------------------------- the two sides' lists


def _student_of(session: Session, actor: User, row: PlacementRound) -> uuid.UUID:
    student = repository.student_of_user(session, actor.id) if actor.role == Role.student else None
    if student is None or not repository.is_invited(session, row.id, student.id):
        raise Forbidden("只有本轮邀请的学生可以填报志愿")
    return student.id


def my_rounds(session: Session, actor: User) -> list[tuple[RoundPublic, bool]]:
    """A student's rounds, each with whether its choices can still be changed."""
    student = repository.student_of_user(session, actor.id) if actor.role == Role.student else None
    if student is None:
        return []
    return [
        (_public(session, row), row.status == RoundStatus.open and not _deadline_passed(row))
        for row in repository.rounds_of_student(session, student.id)
    ]


def set_choices(
    session: Session, actor: User, round_id: uuid.UUID, body: ChoicesIn
) -> ChoicesPublic:
    row = _get_round(session, round_id)
    student_id = _student_of(session, actor, row)
    if row.status != RoundStatus.open or _deadline_passed(row):
        raise Conflict("志愿填报已截止")
    invited = {p.id for _, p in repository.round_positions(session, row.id)}
    problems = []
    for index, pid in enumerate(body.position_ids):
        if pid not in invited:
            problems.append(field_detail(f"position_ids.{index}", "岗位不在本轮"))
        elif pid in body.position_ids[:index]:
            problems.append(field_detail(f"position_ids.{index}", "岗位重复"))
    if problems:
        raise Invalid("志愿有误", details=problems)
    repository.replace_choices(session, row.id, student_id, body.position_ids)
    return ChoicesPublic(round_id=row.id, student_id=student_id, position_ids=body.position_ids)


def read_choices(session: Session, actor: User, round_id: uuid.UUID) -> ChoicesPublic:
    row = _get_round(session, round_id)
    student_id = _student_of(session, actor, row)
    return ChoicesPublic(
        round_id=row.id,
        student_id=student_id,
        position_ids=repository.choices_of(session, row.id, student_id),
    )


def _own_position(
    session: Session, actor: User, row: PlacementRound, position_id: uuid.UUID
) -> Position:
    found = repository.round_position(session, row.id, position_id)
    if found is None:
        raise NotFound("岗位不在本轮")
    return access.owned(session, actor, found[1], "只能为本企业的岗位排序")


def _ranking_public(session: Session, row: PlacementRound, position_id: uuid.UUID) -> RankingPublic:
    return RankingPublic(
        round_id=row.id,
        position_id=position_id,
        entries=[
            RankingEntry(
                student_id=r.student_id,
                rank=r.rank,
                source=r.source,
                score=r.score,
                reasons=list(r.reasons),
            )
            for r in repository.ranking_of(session, row.id, position_id)
        ],
    )


def _explicit_rows(session: Session, row: PlacementRound, body: RankingIn) -> list[dict[str, Any]]:
    flat = [
        (rank, sid, index)
        for rank, (index, entry) in enumerate(enumerate(body.student_ids), start=1)
        for sid in (entry if isinstance(entry, list) else [entry])
    ]
    invited = repository.invited_among(session, row.id, [sid for _, sid, _ in flat])
    problems = []
    seen: set[uuid.UUID] = set()
    for _, sid, index in flat:
        if sid in seen:
            problems.append(field_detail(f"student_ids.{index}", f"学生{sid}重复"))
        elif sid not in invited:
            problems.append(field_detail(f"student_ids.{index}", f"学生{sid}不在本轮"))
        seen.add(sid)
    if problems:
        raise Invalid("排序有误", details=problems)
    return [
        {"student_id": sid, "rank": rank, "source": RankingSource.enterprise, "reasons": []}
        for rank, sid, _ in flat
    ]


def _recommender_rows(
    session: Session, row: PlacementRound, position: Position
) -> list[dict[str, Any]]:
    applicants = repository.applicants_of(session, row.id, position.id)
    rows = []
    rank = 0
    previous: float | None = None
    for position_in_list, score in enumerate(
        scoring.score_applicants(session, position, applicants), start=1
    ):
        # Equal scores share a rank: a tie, broken by the round's lottery when it runs.
        if score.score != previous:
            rank, previous = position_in_list, score.score
        rows.append(
            {
                "student_id": score.student_id,
                "rank": rank,
                "source": RankingSource.recommender,
                "score": score.score,
                "reasons": score.reasons,
            }
        )
    return rows


def set_ranking(
    session: Session, actor: User, round_id: uuid.UUID, position_id: uuid.UUID, body: RankingIn
) -> RankingPublic:
    row = _get_round(session, round_id)
    position = _own_position(session, actor, row, position_id)
    if row.status != RoundStatus.open:
        raise Conflict("本轮已完成分配，不能再修改排序")
    if body.method == "recommender":
        if body.student_ids:
            raise Invalid(
                "按推荐评分排序时不能同时给出顺序",
                details=[field_detail("student_ids", "method 为 recommender 时应为空")],
            )
        if not _deadline_passed(row):
            raise Conflict("志愿截止后申请人才确定，届时才能按推荐评分排序")
        rows = _recommender_rows(session, row, position)
    else:
        rows = _explicit_rows(session, row, body)
    repository.replace_ranking(session, row.id, position.id, rows)
    return _ranking_public(session, row, position.id)


def read_ranking(
    session: Session, actor: User, round_id: uuid.UUID, position_id: uuid.UUID
) -> RankingPublic:
    row = _get_round(session, round_id)
    if not _is_organiser(actor, row):
        _own_position(session, actor, row, position_id)
    elif repository.round_position(session, row.id, position_id) is None:
        raise NotFound("岗位不在本轮")
    return _ranking_public(session, row, position_id)


# ---------------------------------------------------------------- running a round


def skip_held(
    session: Session, row: PlacementRound
) -> tuple[dict[uuid.UUID, list[uuid.UUID]], list[dict[str, str]]]:
    """Each student's choices without the positions of a kind it already holds an accepted
    place of (overlapping in time), and one skip entry per student and kind left out. A place
    at one of the round's own positions is not elsewhere: running again gives the same result."""
    positions = {p.id: p for _, p in repository.round_positions(session, row.id)}
    choices = repository.all_choices(session, row.id)
    held = {
        student_id: [place for place in places if place.position_id not in positions]
        for student_id, places in applications.held_places_of(
            session, list(choices), sorted({str(p.kind) for p in positions.values()})
        ).items()
    }
    kept: dict[uuid.UUID, list[uuid.UUID]] = {}
    skipped: dict[tuple[uuid.UUID, str], dict[str, str]] = {}
    for student_id, chosen in choices.items():
        kept[student_id] = []
        for position_id in chosen:
            position = positions.get(position_id)
            place = (
                applications.conflicting_place(held.get(student_id, []), position)
                if position is not None
                else None
            )
            if position is None or place is None:
                kept[student_id].append(position_id)
                continue
            kind = str(position.kind)
            label = POSITION_KIND_LABELS[PositionKind(kind)]
            skipped.setdefault(
                (student_id, kind),
                {
                    "student_id": str(student_id),
                    "kind": kind,
                    "held_application_id": str(place.application_id),
                    "reason": (
                        f"已接受{applications.held_place_label(place)}，本轮的{label}志愿不参加分配"
                    ),
                },
            )
    return kept, [skipped[key] for key in sorted(skipped, key=lambda k: (str(k[0]), k[1]))]


def _age_skips(
    session: Session,
    row: PlacementRound,
    positions: list[Position],
    choices: dict[uuid.UUID, list[uuid.UUID]],
) -> list[dict[str, str]]:
    """The choices of students under 16 for internships and apprenticeships, which the run passes
    over, each with the reason and its source; kept on ``row`` (issue 28: not skipped silently)."""
    born = repository.birth_dates(session, row.id)
    by_id = {p.id: p for p in positions}
    skipped: list[dict[str, str]] = []
    for student_id in sorted(born):
        for position_id in choices.get(student_id, []):
            position = by_id.get(position_id)
            if position is None:
                continue
            finding = posting_rules.student_age_check(
                str(position.kind), born[student_id], position.start_date
            )
            if finding is not None:
                skipped.append(
                    {
                        "student_id": str(student_id),
                        "position_id": str(position_id),
                        "reason": finding.message,
                        "source": finding.source,
                    }
                )
    row.age_skipped = skipped
    return skipped


def build_instance(
    session: Session, row: PlacementRound, choices: dict[uuid.UUID, list[uuid.UUID]] | None = None
) -> PlacementInstance:
    """The round as the solver's plain data; ids are the UUIDs' text, listed in id order.
    ``choices`` (default: the stored ones) are the students' lists after :func:`skip_held`; a
    student's choices of positions its age bars are left out (``row.age_skipped`` says which)."""
    positions = repository.round_positions(session, row.id)
    taken = repository.placed_elsewhere(session, row.id, [p.id for _, p in positions])
    rankings = repository.all_rankings(session, row.id)
    if choices is None:
        choices = repository.all_choices(session, row.id)
    skipped = _age_skips(session, row, [p for _, p in positions], choices)
    passed_over = {(uuid.UUID(s["student_id"]), uuid.UUID(s["position_id"])) for s in skipped}
    choices = {
        sid: [p for p in chosen if (sid, p) not in passed_over] for sid, chosen in choices.items()
    }

    def ranking(position_id: uuid.UUID) -> list[str | list[str]]:
        groups: list[list[str]] = []
        last: int | None = None
        for rank, sid in rankings.get(position_id, []):
            if rank != last:
                groups.append([])
                last = rank
            groups[-1].append(str(sid))
        return [g[0] if len(g) == 1 else g for g in groups]

    return PlacementInstance(
        students=[
            PlacementStudent(str(sid), [str(p) for p in choices.get(sid, [])], str(school))
            for sid, school in repository.round_students(session, row.id)
        ],
        positions=[
            PlacementPosition(
                str(p.id),
                # Places already given by other rounds come off the headcount.
                max(0, min(rp.capacity, p.headcount - taken.get(p.id, 0))),
                ranking(p.id),
                str(p.enterprise_id),
            )
            for rp, p in positions
        ],
        enterprise_capacities={
            str(c["enterprise_id"]): int(c["capacity"]) for c in row.enterprise_capacities
        },
        school_quotas=[
            SchoolQuota(str(q["school_id"]), str(q["enterprise_id"]), int(q["limit"]))
            for q in row.school_quotas
        ],
    )


def run_round(session: Session, actor: User, round_id: uuid.UUID) -> ResultsPublic:
    row = _get_round(session, round_id)
    if not _is_organiser(actor, row):
        raise Forbidden("只有组织方可以运行分配")
    if not _deadline_passed(row):
        raise Conflict("志愿截止后才能运行分配")
    if row.status == RoundStatus.completed:
        raise Conflict("结果已公布，不能再运行分配", code="round_published")
    choices, skipped = skip_held(session, row)
    result = solve_placement(build_instance(session, row, choices), row.seed)
    pairs = sorted((uuid.UUID(s), uuid.UUID(p)) for s, p in result.assignments.items())
    before = {"status": row.status, "run_at": row.run_at}
    now = utcnow()
    # Only the organiser sees the result until it is published: no offer, no notification yet.
    repository.replace_assignments(session, row.id, pairs)
    row.status = RoundStatus.run
    row.run_at = now
    row.lottery = result.lottery
    row.blocking_pairs = [{"student_id": s, "position_id": p} for s, p in result.blocking_pairs]
    row.unfilled = result.unfilled
    row.skipped = skipped
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "run",
        ENTITY,
        row.id,
        before=before,
        after={
            "status": row.status,
            "assigned": len(pairs),
            "skipped": len(skipped),
            "seed": row.seed,
        },
    )
    return _results(session, row, "organiser", None)


def publish_round(session: Session, actor: User, round_id: uuid.UUID) -> ResultsPublic:
    """The organiser publishes a run round: each assignment becomes an offer (the student sees it
    in its applications, the enterprise its applicant), the parties see their results and are
    notified. Once published the round is not run again."""
    row = _get_round(session, round_id)
    if not _is_organiser(actor, row):
        raise Forbidden("只有组织方可以公布结果")
    if row.status == RoundStatus.completed:
        raise Conflict("本轮结果已公布，不能重复公布", code="round_published")
    if row.status != RoundStatus.run or row.run_at is None:
        raise Conflict("本轮尚未运行分配，运行后才能公布结果", code="round_not_run")
    pairs = repository.assignments_of(session, row.id)
    positions = repository.round_positions(session, row.id)
    # A choice could be changed or withdrawn until the deadline: the consent is final then.
    consent_at = min(_aware(row.deadline_at), utcnow())
    offered = 0
    for student_id, position_id in pairs:
        if (
            applications.offer_placed(
                session, actor, student_id, position_id, consent_at, f"双选轮次：{row.title}"
            )
            is not None
        ):
            offered += 1
    before = {"status": row.status}
    row.status = RoundStatus.completed
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "publish",
        ENTITY,
        row.id,
        before=before,
        after={"status": row.status, "assigned": len(pairs), "offered": offered},
    )
    _notify_results(session, row, pairs, [(p.id, p.enterprise_id) for _, p in positions])
    return _results(session, row, "organiser", None)


def _notify_results(
    session: Session,
    row: PlacementRound,
    pairs: list[tuple[uuid.UUID, uuid.UUID]],
    positions: list[tuple[uuid.UUID, uuid.UUID]],
) -> None:
    """The results published: each invited student placed or not, each school and enterprise of
    the round its count (no student is named to anyone but itself)."""
    kind = notifications.NotificationKind.placement_published
    students = repository.round_students(session, row.id)
    placed = {student_id for student_id, _ in pairs}
    accounts = repository.student_accounts(session, [sid for sid, _ in students])
    for is_placed, title in (
        (True, f"双选轮次“{row.title}”结果已公布：你获得了录用通知，请在“我的申请”中接受或婉拒"),
        (False, f"双选轮次“{row.title}”结果已公布：本轮未分配到岗位"),
    ):
        notifications.notify(
            session,
            user_ids=[accounts.get(sid) for sid, _ in students if (sid in placed) == is_placed],
            kind=kind,
            title=title,
            link="/me#applications",
        )
    by_school: dict[uuid.UUID, int] = {}
    for sid, school in students:
        by_school[school] = by_school.get(school, 0) + (sid in placed)
    for school, count in by_school.items():
        notifications.notify(
            session,
            user_ids=notifications.staff_of(session, [school]),
            kind=kind,
            title=f"双选轮次“{row.title}”结果已公布：本校{count}名学生获分配",
        )
    enterprise_of = dict(positions)
    by_enterprise: dict[uuid.UUID, int] = {}
    for _, position_id in pairs:
        enterprise = enterprise_of.get(position_id)
        if enterprise is not None:
            by_enterprise[enterprise] = by_enterprise.get(enterprise, 0) + 1
    for enterprise in dict.fromkeys(e for _, e in positions):
        notifications.notify(
            session,
            user_ids=notifications.staff_of(session, [enterprise]),
            kind=kind,
            title=(
                f"双选轮次“{row.title}”结果已公布："
                f"贵单位岗位获分配{by_enterprise.get(enterprise, 0)}人"
            ),
            link="/enterprise#applications",
        )


# ---------------------------------------------------------------- results, each its own side


def _side(session: Session, actor: User, row: PlacementRound) -> tuple[Side, set[uuid.UUID] | None]:
    """Which side ``actor`` is on, and the student or position ids it may see (None: all)."""
    if _is_organiser(actor, row):
        return "organiser", None
    if actor.role == Role.student:
        student = repository.student_of_user(session, actor.id)
        if student is not None and repository.is_invited(session, row.id, student.id):
            return "student", {student.id}
    elif actor.role == Role.enterprise:
        own = {
            p.id
            for _, p in repository.round_positions(session, row.id)
            if p.enterprise_id == actor.organization_id
        }
        if own:
            return "enterprise", own
    elif actor.role == Role.school:
        own = {
            sid
            for sid, school in repository.round_students(session, row.id)
            if school == actor.organization_id
        }
        if own:
            return "school", own
    raise Forbidden("不是本轮的参与方")


def _results(
    session: Session, row: PlacementRound, side: Side, visible: set[uuid.UUID] | None
) -> ResultsPublic:
    assert row.run_at is not None
    pairs = repository.assignments_of(session, row.id)
    if side == "enterprise":
        assert visible is not None
        shown = [(s, p) for s, p in pairs if p in visible]
        unassigned: list[uuid.UUID] = []
        unfilled = {pid: n for pid, n in row.unfilled.items() if uuid.UUID(pid) in visible}
    else:
        shown = [(s, p) for s, p in pairs if visible is None or s in visible]
        placed = {s for s, _ in pairs}
        unassigned = [
            sid
            for sid, _ in repository.round_students(session, row.id)
            if sid not in placed and (visible is None or sid in visible)
        ]
        unfilled = dict(row.unfilled) if side == "organiser" else {}
    organiser = side == "organiser"
    return ResultsPublic(
        round_id=row.id,
        side=side,
        seed=row.seed,
        run_at=row.run_at,
        assignments=[AssignmentPublic(student_id=s, position_id=p) for s, p in shown],
        unassigned=unassigned,
        unfilled=unfilled,
        blocking_pairs=[PairPublic(**pair) for pair in row.blocking_pairs] if organiser else [],
        lottery=dict(row.lottery) if organiser else {},
        skipped=[
            SkippedPublic(
                student_id=uuid.UUID(item["student_id"]),
                kind=item["kind"],
                kind_label=POSITION_KIND_LABELS[PositionKind(item["kind"])],
                held_application_id=uuid.UUID(item["held_application_id"]),
                reason=item["reason"],
            )
            for item in row.skipped
            if side != "enterprise"
            and (visible is None or uuid.UUID(item["student_id"]) in visible)
        ],
        # The reason names the student's age: the enterprise side does not read it.
        age_skipped=[
            AgeSkipPublic(**skip)
            for skip in row.age_skipped
            if side != "enterprise"
            and (visible is None or uuid.UUID(skip["student_id"]) in visible)
        ],
    )


def results(session: Session, actor: User, round_id: uuid.UUID) -> ResultsPublic:
    row = _get_round(session, round_id)
    side, visible = _side(session, actor, row)
    if row.status == RoundStatus.open or row.run_at is None:
        raise Conflict("本轮尚未运行分配")
    if row.status != RoundStatus.completed and side != "organiser":
        # Run but not published: only the organiser reviews the result.
        raise Conflict("本轮结果尚未公布", code="round_not_published")
    return _results(session, row, side, visible)


# ---------------------------------------------------------------- pages: rounds by name

CANDIDATE_POSITIONS = 300


@dataclass(frozen=True)
class CandidatePosition:
    id: uuid.UUID
    title: str
    kind: str
    enterprise_name: str
    headcount: int


@dataclass(frozen=True)
class CandidateSchool:
    id: uuid.UUID
    name: str
    students: int


@dataclass(frozen=True)
class NamedAssignment:
    student: str  # masked unless the viewer may see it (students.privacy)
    student_no: str
    school: str
    position: str
    enterprise: str


@dataclass(frozen=True)
class NamedResults:
    results: ResultsPublic
    assignments: list[NamedAssignment]
    unassigned: list[tuple[str, str, str]]  # (masked name, 学号, school)
    unfilled: list[tuple[str, str, int]]  # (position, enterprise, places left)


def organiser_rounds(session: Session, actor: User) -> list[RoundPublic]:
    """The rounds of the actor's organisation, newest first."""
    if actor.organization_id is None:
        return []
    owned = repository.rounds_owned_by(session, actor.organization_id)
    return [_public(session, row) for row in owned]


def round_enterprise_names(session: Session, found: RoundPublic) -> dict[uuid.UUID, str]:
    return repository.organization_names(session, [p.enterprise_id for p in found.positions])


def round_candidates(
    session: Session, actor: User, graduation_year: int | None
) -> tuple[list[CandidatePosition], list[CandidateSchool]]:
    """What an organiser may put in a round: open apprenticeship and internship positions and the
    schools whose students it may invite (its region's, for a park or a government body)."""
    organiser = _organiser_of(session, actor)
    scope = organizations.regional_scope(session, actor)
    positions = [
        CandidatePosition(p.id, p.title, str(p.kind), name, p.headcount)
        for p, name in repository.open_positions_of_kinds(
            session, [str(k) for k in ROUND_POSITION_KINDS], scope, CANDIDATE_POSITIONS
        )
    ]
    schools = [
        CandidateSchool(sid, name, n)
        for sid, name, n in repository.schools_with_students(session, scope, graduation_year)
        if organiser.kind != OrganizationKind.school or sid == organiser.id
    ]
    return positions, schools


def students_to_invite(
    session: Session, school_ids: list[uuid.UUID], graduation_year: int | None
) -> list[uuid.UUID]:
    """The students of the chosen schools (of a graduation year): the round checks the scope."""
    return repository.student_ids_of_schools(session, school_ids, graduation_year)


def named_results(session: Session, actor: User, round_id: uuid.UUID) -> NamedResults:
    """The results the actor may see, by name: schools, enterprises and positions named, each
    student's name masked unless the actor may see it (as the students' API masks it)."""
    found = results(session, actor, round_id)
    student_ids = [a.student_id for a in found.assignments] + list(found.unassigned)
    students = repository.students_by_id(session, student_ids)
    position_ids = [a.position_id for a in found.assignments] + [
        uuid.UUID(p) for p in found.unfilled
    ]
    positions = repository.positions_by_id(session, position_ids)
    names = repository.organization_names(
        session,
        [s.school_id for s in students.values()] + [p.enterprise_id for p in positions.values()],
    )

    def student_name(student: Student) -> str:
        shown = students_ops.sees_personal_data(actor, student)
        return student.name if shown else privacy.mask_name(student.name)

    def position_of(position_id: uuid.UUID) -> tuple[str, str]:
        position = positions.get(position_id)
        if position is None:
            return "—", "—"
        return position.title, names.get(position.enterprise_id, "—")

    assignments = []
    for a in found.assignments:
        student = students[a.student_id]
        title, enterprise = position_of(a.position_id)
        assignments.append(
            NamedAssignment(
                student_name(student),
                student.student_no,
                names.get(student.school_id, "—"),
                title,
                enterprise,
            )
        )
    unassigned = [
        (student_name(s), s.student_no, names.get(s.school_id, "—"))
        for s in (students[sid] for sid in found.unassigned)
    ]
    unfilled = [
        (*position_of(uuid.UUID(pid)), left) for pid, left in found.unfilled.items() if left
    ]
    return NamedResults(found, assignments, unassigned, unfilled)
