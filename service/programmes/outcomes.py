"""Outcomes that feed the figures (issue 27 point 7): where a school opts in, each cohort's
placed and in-field counts are computed from the platform's accepted places and shown beside the
figures the school typed, with the difference.

- placed (去向落实): students of the cohort (the school's students of the major graduating that
  year) holding an accepted 就业 or 学徒 place; an accepted 实习 place is counted apart (interns),
  since an internship during study is no graduate destination;
- in-field (对口): placed students of whom at least one such place asks for their major, their
  专业类 as a whole, or another major of the same 专业类 — the partner ranker's major fit
  (`matching.partners.PartnerRanker.fit_of`: same_major, same_class_requested, same_class); the
  same 专业大类 alone, or a position asking for no major, is not 对口.

The internship records (issue 27 points 1–6, built elsewhere) will refine this: a place ended
early should count only while it ran, and a completed internship may count as a destination
where the school's rules say so. Who reads: the school itself, its regulators and admins; the
opt-in is the school's own act.
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session

from matching.partners import PartnerDemand, PartnerRanker
from matching.resolve import MajorRecord
from models import Organization, PositionKind, Role, User
from models.base import SUPERVISOR_ROLES
from models.validators import normalize_code
from service import audit
from service.errors import Forbidden, NotFound
from service.programmes import operations as programmes
from service.programmes import repository
from service.programmes.schemas import (
    CohortOutcome,
    ComputedOutcome,
    OutcomeDifference,
    OutcomesOptIn,
    OutcomesSetting,
    ReportedOutcome,
    SchoolOutcomes,
)

IN_FIELD_FITS = frozenset({"same_major", "same_class_requested", "same_class"})
PLACED_KINDS = frozenset({PositionKind.job.value, PositionKind.apprenticeship.value})
RULE = (
    "平台计算口径：落实 = 已接受就业或学徒岗位录用的本届本专业学生；对口 = 其中岗位要求本专业、"
    "本专业类或同一专业类其他专业的学生（仅同一专业大类或岗位不限专业不计）；实习录用单列，"
    "不计入落实。差额 = 学校填报 − 平台计算。"
)
OPTED_IN_LABELS = {True: "已开启", False: "未开启"}


def _school(session: Session, school_code: str) -> Organization:
    school = repository.school_by_code(session, normalize_code(school_code))
    if school is None:
        raise NotFound("学校不存在")
    return school


def _readable_school(session: Session, viewer: User, school_code: str) -> Organization:
    """The school itself, its regulators and admins; another school's account 403 when the
    school is public, a regulator of another region 404 (as the school's programme view)."""
    school = _school(session, school_code)
    if not programmes.member_or_supervisor(session, viewer, school.id):
        if programmes.is_public(school) and viewer.role not in SUPERVISOR_ROLES:
            raise Forbidden("只能查看本校的毕业去向核对")
        raise NotFound("学校不存在")
    return school


def set_opt_in(
    session: Session, actor: User, school_code: str, body: OutcomesOptIn
) -> OutcomesSetting:
    """The school turns the comparison on or off for itself (audited)."""
    school = _school(session, school_code)
    if actor.role != Role.school or actor.organization_id != school.id:
        if programmes.is_public(school):
            raise Forbidden("只能为本校设置毕业去向核对")
        raise NotFound("学校不存在")
    before = {"outcomes_opt_in": school.outcomes_opt_in}
    repository.set_outcomes_opt_in(session, school, body.opted_in)
    audit.record(
        session,
        actor,
        "outcomes_opt_in",
        "organization",
        school.id,
        before,
        {"outcomes_opt_in": body.opted_in},
    )
    return OutcomesSetting(
        school_code=school.code,
        opted_in=body.opted_in,
        opted_in_label=OPTED_IN_LABELS[body.opted_in],
    )


def _computed(
    session: Session, school: Organization, year: int | None
) -> dict[tuple[str, int], ComputedOutcome]:
    places = repository.accepted_places(session, school.id, year)
    demands = repository.position_demands(session, (pid for _, _, _, pid, _ in places))
    ranker = PartnerRanker().fit(
        [
            MajorRecord(code=code, name=name, level=level, class_code=class_code)
            for code, name, level, class_code in repository.major_records(session)
        ]
    )
    placed: dict[tuple[str, int], set[object]] = defaultdict(set)
    in_field: dict[tuple[str, int], set[object]] = defaultdict(set)
    interns: dict[tuple[str, int], set[object]] = defaultdict(set)
    for student, major, graduation, position, kind in places:
        key = (major, graduation)
        if kind not in PLACED_KINDS:
            interns[key].add(student)
            continue
        placed[key].add(student)
        majors, classes = demands.get(position, ([], []))
        demand = PartnerDemand(tuple(majors), tuple(classes), school.region_code, 1)
        if ranker.fit_of(demand, major) in IN_FIELD_FITS:
            in_field[key].add(student)
    students = repository.student_counts(session, school.id, year)
    keys = set(students) | set(placed) | set(interns)
    return {
        key: ComputedOutcome(
            students=students.get(key, 0),
            placed=len(placed[key]),
            in_field=len(in_field[key]),
            interns=len(interns[key]),
        )
        for key in keys
    }


def school_outcomes(
    session: Session, viewer: User, school_code: str, year: int | None = None
) -> SchoolOutcomes:
    """Each cohort's typed figures beside the platform's (when the school opted in)."""
    school = _readable_school(session, viewer, school_code)
    reported: dict[tuple[str, int], ReportedOutcome] = {
        (code, cohort.graduation_year): ReportedOutcome(
            graduates=cohort.graduates, placed=cohort.placed, in_field=cohort.in_field
        )
        for code, cohorts in repository.school_cohorts(session, school.id).items()
        for cohort in cohorts
        if year is None or cohort.graduation_year == year
    }
    computed = _computed(session, school, year) if school.outcomes_opt_in else {}
    keys = sorted(set(reported) | set(computed), key=lambda k: (-k[1], k[0]))
    names = {code: name for code, name, _, _ in repository.major_records(session)}
    cohorts = []
    for key in keys:
        typed, platform = reported.get(key), computed.get(key)
        cohorts.append(
            CohortOutcome(
                major_code=key[0],
                major_name=names.get(key[0], key[0]),
                graduation_year=key[1],
                reported=typed,
                computed=platform,
                difference=None
                if typed is None or platform is None
                else OutcomeDifference(
                    placed=typed.placed - platform.placed,
                    in_field=typed.in_field - platform.in_field,
                ),
            )
        )
    return SchoolOutcomes(
        school_id=school.id,
        school_code=school.code,
        school_name=school.name,
        opted_in=school.outcomes_opt_in,
        opted_in_label=OPTED_IN_LABELS[school.outcomes_opt_in],
        year=year,
        rule=RULE,
        cohorts=cohorts,
    )
