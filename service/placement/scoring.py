"""The recommender's score of the applicants for one position, when an enterprise asks for it.

`score_applicants` is the one entry point the rounds use. It is the matcher's score
(:mod:`matching.recommend`, the same one ``GET /api/v1/students/{id}/recommendations`` gives, in
[0, 1]: 0.5 × major + 0.3 × skills + 0.1 × region + 0.1 × pay): the position alone is put in a
`PositionIndex` fitted on the database's catalogue, and each applicant is scored against it.
Two things differ from a student's own recommendations, because here the student has already
chosen the position: the student's preferred kinds do not filter it out, nor does a preferred
region in another province (the recommender would skip such a position; here its region part is
0, below the 0.5 of the same province). Every score comes with its reasons in words, kept with
the round and shown (PIPL Art. 24: an automated ranking must be explainable).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session

from models import Position, Student
from service.errors import Conflict, field_detail

if TYPE_CHECKING:
    from matching.recommend import Recommendation

_REGION_WORDS = {
    None: "学生未填意向地区",
    "preferred": "岗位在意向地区内",
    "same_province": "岗位与意向地区同省",
    "elsewhere": "岗位不在意向地区所在省份",
}


@dataclass(frozen=True)
class Score:
    student_id: uuid.UUID
    score: float
    reasons: list[str]


def _reasons(
    found: Recommendation, region: str | None, weights: tuple[float, ...], score: float
) -> list[str]:
    c = found.components
    why = found.reasons
    words = [f"{why.major_label}（专业{c['major']:g}）"]
    words.append(
        "具备岗位技能：" + "、".join(why.matched_skills)
        if why.matched_skills
        else "未具备岗位所列技能"
    )
    if why.missing_skills:
        words.append("欠缺技能：" + "、".join(why.missing_skills))
    words.append(_REGION_WORDS[region])
    if why.priority_industry:
        words.append(f"服务重点产业：{why.priority_industry}")
    major, skills, region_w, pay = weights
    words.append(
        f"综合{score:g} = {major:g}×专业{c['major']:g} + {skills:g}×技能{c['skills']:g}"
        f" + {region_w:g}×地区{c['region']:g} + {pay:g}×薪酬{c['pay']:g}"
    )
    return words


def score_applicants(
    session: Session, position: Position, students: Sequence[Student]
) -> list[Score]:
    """Each student's recommender score for ``position``, best first (equal scores keep the
    given order; the round's lottery settles them)."""
    from dataclasses import replace

    from matching.recommend import PositionIndex, StudentProfile
    from service.recommendations import index as position_index
    from service.recommendations import repository as recommendations

    records = position_index.open_position_records(session, [position.id])
    if not records:
        raise Conflict(
            "岗位已不在招聘中，不能按推荐评分排序",
            details=[field_detail("position_id", "岗位当前不在招聘中")],
        )
    index = PositionIndex().fit(position_index.catalogue(session), records)
    weights = (index.major_weight, index.skill_weight, index.region_weight, index.pay_weight)
    terms: dict[str, list[str]] = {}
    scores = []
    for student in students:
        if student.major_code not in terms:
            terms[student.major_code] = recommendations.major_terms_of(session, student.major_code)
        profile = StudentProfile(
            major_code=student.major_code,
            skills=tuple(student.skills),
            certificates=tuple(student.certificates),
            preferred_regions=tuple(student.preferred_regions),
        )
        found = index.recommend(profile, k=1, major_terms=terms[student.major_code])
        if found:
            best = found[0]
            region = best.reasons.region
            score = best.score
        else:
            # Only a preferred region in another province filters the position out.
            best = index.recommend(
                replace(profile, preferred_regions=()),
                k=1,
                major_terms=terms[student.major_code],
            )[0]
            region = "elsewhere"
            score = round(best.score - index.region_weight * best.components["region"], 4)
            best = replace(best, components={**best.components, "region": 0.0})
        scores.append(Score(student.id, score, _reasons(best, region, weights, score)))
    return sorted(scores, key=lambda s: -s.score)
