"""The matcher's operations: alignment of majors and schools, recommendations, partner programmes.

The estimators live in `matching`; here they are fitted on the database's catalogue (cached per
catalogue fingerprint, like the name resolver) and fed with SQL aggregates.
"""

from __future__ import annotations

import threading
import uuid
from datetime import date
from typing import Any

from cachetools import LRUCache
from sqlalchemy import Engine
from sqlmodel import Session

from matching.alignment import (
    DemandEvidence,
    IndustryAlignment,
    IndustryProfile,
    MajorProfile,
    ProgrammeAligner,
)
from matching.partners import PartnerDemand, PartnerRanker, ProgrammeCandidate
from matching.recommend import StudentProfile
from matching.resolve import MajorRecord
from models import Role, Student, User
from service import clock
from service import position_access as access
from service.catalog import operations as catalog
from service.catalog import repository as catalog_repository
from service.errors import Forbidden, Invalid, NotFound, field_detail
from service.organizations import operations as organizations
from service.recommendations import index as position_index
from service.recommendations import repository
from service.reports import operations as reports
from service.reports import repository as reports_repository

MAX_K = 100
TOP_INDUSTRIES = 3

_aligners: LRUCache[tuple[Any, ...], ProgrammeAligner] = LRUCache(maxsize=2)
_aligners_lock = threading.Lock()


def _fingerprint(session: Session) -> tuple[Any, ...]:
    # The priority list and the terms change only with `seed catalog`, which also changes majors'
    # fingerprint rows or is followed by a new process; the count of entries catches a reload.
    return (
        catalog_repository.major_fingerprint(session),
        len(repository.priority_industries(session)),
    )


def get_aligner(session: Session) -> ProgrammeAligner:
    """A `ProgrammeAligner` fitted on the database's catalogue, cached per fingerprint."""
    fingerprint = _fingerprint(session)
    with _aligners_lock:
        aligner = _aligners.get(fingerprint)
        if aligner is not None:
            return aligner
        terms = repository.major_terms(session, repository.ALIGNMENT_TERM_KINDS)
        majors = [
            MajorProfile(code, name, level, class_code, tuple(terms.get(code, ())))
            for code, name, level, class_code, _ in repository.majors(session)
        ]
        entries = repository.priority_industries(session)
        names = repository.industry_names(
            session, [code for entry in entries for code in entry.industry_codes]
        )
        industries = [
            IndustryProfile(
                key=entry.key,
                name=entry.name,
                category=entry.category,
                lists=tuple(entry.lists),
                major_codes=tuple(entry.major_codes),
                industry_codes=tuple(entry.industry_codes),
                keywords=tuple(entry.keywords),
                industry_names=tuple(names[c] for c in entry.industry_codes if c in names),
                region_code=entry.region_code,
            )
            for entry in entries
        ]
        aligner = ProgrammeAligner().fit(majors, industries)
        _aligners[fingerprint] = aligner
        return aligner


def _evidence(session: Session, region: str | None) -> tuple[DemandEvidence | None, list[str]]:
    if not region:
        return None, []
    scope = catalog.region_scope(session, region)
    totals, asked = repository.demand_counts(session, scope.low, scope.high)
    return DemandEvidence(totals, asked), catalog.region_ancestors(session, region)


def major_alignment(session: Session, major_code: str, region: str | None) -> dict[str, Any]:
    """The priority industries ranked for one major (with the region's own and its demand)."""
    major = catalog.get_major(session, major_code)
    aligner = get_aligner(session)
    evidence, regions = _evidence(session, region)
    items = aligner.align(major.code, evidence, regions)
    return {
        "major_code": major.code,
        "major_name": major.name,
        "level": major.level,
        "region": region,
        "aligned_threshold": aligner.aligned_threshold,
        "weights": _weights(aligner),
        "industries": [_industry(item) for item in items],
    }


def _weights(aligner: ProgrammeAligner) -> dict[str, float]:
    return {
        "crosswalk": aligner.crosswalk_weight,
        "text": aligner.text_weight,
        "demand": aligner.demand_weight,
    }


def _industry(item: IndustryAlignment) -> dict[str, Any]:
    return {
        "industry": item.name,
        "industry_key": item.key,
        "category": item.category,
        "lists": list(item.lists),
        "region_code": item.region_code,
        "score": item.score,
        "components": item.components.to_dict(),
        "via": item.via,
        "demand_share": item.demand_share,
    }


def school_alignment(session: Session, viewer: User | None, school_code: str) -> dict[str, Any]:
    """Each programme's top industries and the share aligned to the region's priority industries
    (联合体 indicator 4.1)."""
    school = repository.school_by_code(session, school_code)
    if school is None:
        raise NotFound(f"学校标识码 {school_code} 不存在")
    if viewer is not None and organizations.out_of_scope(session, viewer, school.id):
        raise NotFound(f"学校标识码 {school_code} 不存在")  # another region's, for a regulator
    if viewer is not None and not (
        viewer.role in (Role.admin, Role.regulator) or viewer.organization_id == school.id
    ):
        raise Forbidden("只能查看本校的专业产业对接情况")
    aligner = get_aligner(session)
    evidence, regions = _evidence(session, school.region_code)
    programmes = repository.school_major_codes(session, school.id)
    by_major = aligner.align_many([code for code, _ in programmes], evidence, regions)
    names = reports_repository.majors(session, [code for code, _ in programmes])
    rows = []
    for code, year in programmes:
        items = by_major[code]
        aligned = aligner.aligned(items)
        name, level = names.get(code, (code, ""))
        rows.append(
            {
                "major_code": code,
                "major_name": name,
                "level": level,
                "latest_year": year,
                "aligned": bool(aligned),
                "aligned_industries": [item.name for item in aligned],
                "top_industries": [_industry(item) for item in items[:TOP_INDUSTRIES]],
            }
        )
    n_aligned = sum(1 for row in rows if row["aligned"])
    return {
        "school_code": school.code,
        "school_name": school.name,
        "region_code": school.region_code,
        "aligned_threshold": aligner.aligned_threshold,
        "threshold_note": (
            f"专业与某一重点产业的对接得分不低于{aligner.aligned_threshold:g}即计为对接"
            "（全国清单及本地区清单，联合体监测指标4.1）"
        ),
        "programmes": len(rows),
        "aligned_programmes": n_aligned,
        "aligned_share": round(n_aligned / len(rows), 4) if rows else None,
        "rows": rows,
    }


# ---------------------------------------------------------------- recommendations


def index_fingerprint(session: Session) -> tuple[Any, ...]:
    """What a new recommendation index is built for: the major catalogue."""
    return (catalog_repository.major_fingerprint(session),)


def start_index(engine: Engine) -> None:
    """Build the recommendation index of ``engine``'s database in the background (start-up)."""
    position_index.start(engine, index_fingerprint)


def stop_index() -> None:
    position_index.stop()


def _check_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise Invalid("推荐数量超出范围", details=[field_detail("k", f"应在1至{MAX_K}之间")])
    return k


def student_of_user(session: Session, user: User) -> Student:
    if user.role != Role.student:
        raise Forbidden("仅学生本人可查看“我的推荐”")
    student = repository.student_of_user(session, user.id)
    if student is None:
        raise NotFound("当前账号未关联学生档案")
    return student


def student_for_school(session: Session, viewer: User | None, student_id: uuid.UUID) -> Student:
    student = session.get(Student, student_id)
    if student is None:
        raise NotFound("学生不存在")
    if viewer is not None and not (
        viewer.role == Role.admin
        or (viewer.role == Role.school and viewer.organization_id == student.school_id)
    ):
        # Another school's student is as good as absent (no probing of ids).
        raise NotFound("学生不存在")
    return student


def find_student(session: Session, ref: str) -> Student:
    """A student by id or by ``学校标识码/学号`` (the command line)."""
    ref = ref.strip()
    if "/" in ref:
        school_code, _, number = ref.partition("/")
        student = repository.student_by_number(session, school_code.strip(), number.strip())
    else:
        try:
            student = session.get(Student, uuid.UUID(ref))
        except ValueError:
            raise Invalid(
                "学生标识无效",
                details=[field_detail("student", "应为学生ID，或“学校标识码/学号”")],
            ) from None
    if student is None:
        raise NotFound(f"学生 {ref} 不存在")
    return student


def recommend(
    session: Session, student: Student, k: int = 20, today: date | None = None
) -> dict[str, Any]:
    """The student's top-k open positions, each with its score and reasons."""
    _check_k(k)
    profile = StudentProfile(
        major_code=student.major_code,
        skills=tuple(student.skills),
        certificates=tuple(getattr(student, "certificates", None) or ()),
        preferred_regions=tuple(student.preferred_regions),
        preferred_kinds=tuple(getattr(student, "preferred_kinds", None) or ()),
    )
    terms = repository.major_terms_of(session, student.major_code)
    results, indexed = position_index.recommend(
        session,
        index_fingerprint,
        profile,
        k,
        today or clock.today(),
        terms,
    )
    return {
        "student_id": str(student.id),
        "major_code": student.major_code,
        "k": k,
        "indexed_positions": indexed,
        "data": [result.to_dict() for result in results],
    }


# ---------------------------------------------------------------- partner programmes


def candidate_programmes(
    session: Session, viewer: User | None, position_id: uuid.UUID, k: int = 20
) -> dict[str, Any]:
    """Programmes ranked for a position by major fit, coming cohorts and distance."""
    _check_k(k)
    position = access.privileged_position(
        session, viewer, position_id, "只能查看本企业或本辖区岗位的候选专业"
    )
    majors = repository.position_majors(session, [position.id]).get(position.id, [])
    classes = repository.position_classes(session, [position.id]).get(position.id, [])
    catalogue = {
        code: MajorRecord(code=code, name=name, level=level, class_code=class_code)
        for code, name, level, class_code, _ in repository.majors(session)
    }
    ranker = PartnerRanker().fit(list(catalogue.values()))
    demand = PartnerDemand(
        major_codes=tuple(sorted(majors)),
        class_codes=tuple(sorted(classes)),
        region_code=position.region_code,
        headcount=position.headcount,
    )
    related = [code for code in catalogue if ranker.fit_of(demand, code) is not None]
    start_year = position.start_date.year
    lags = reports.graduation_lags()
    earliest = start_year - max(lags.values())
    candidates: dict[tuple[uuid.UUID, str], dict[str, Any]] = {}
    for pid, school_id, school, region, code, year, plan in repository.programme_plans(
        session, related, earliest
    ):
        graduation = year + lags.get(catalogue[code].level, 3)
        entry = candidates.setdefault(
            (school_id, code),
            {"id": pid, "school": school, "region": region, "cohort": 0, "years": []},
        )
        entry["id"] = pid  # the latest programme row of the school and major
        # Students who graduate from the position's start year on, within the next cycle.
        if start_year <= graduation < start_year + lags.get(catalogue[code].level, 3):
            entry["cohort"] += int(plan)
            entry["years"].append(graduation)
    ranked = ranker.rank(
        demand,
        [
            ProgrammeCandidate(
                programme_id=str(entry["id"]),
                school_id=str(school_id),
                school_name=entry["school"],
                major_code=code,
                region_code=entry["region"],
                coming_cohort=entry["cohort"],
                graduation_years=tuple(sorted(set(entry["years"]))),
            )
            for (school_id, code), entry in sorted(candidates.items(), key=lambda x: str(x[0]))
        ],
        k=k,
    )
    return {
        "position_id": str(position.id),
        "title": position.title,
        "major_codes": list(demand.major_codes),
        "class_codes": list(demand.class_codes),
        "headcount": position.headcount,
        "order_training": position.order_training,
        "data": [match.to_dict() for match in ranked],
    }
