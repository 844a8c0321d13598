"""The recommender's score of a student for a position, used when an enterprise asks for it.

`score_applicants` is the one entry point the rounds use. It scores on the student's and the
position's own fields (major, skills, region) with the rule below, and returns every score with
its reasons so they can be kept with the round and shown (PIPL Art. 24: an automated ranking must
be explainable). When the matcher's recommender lands in ``matching``, this function is where it
plugs in; the rounds do not change.

Rule (out of 100): major 50 for the same catalogue code, 30 for the same 专业类 (first four
digits), 15 for the same 专业大类 (first two), 25 when the position names no major; skills 30 × the
share of the position's skills the student has (15 when it names none); region 20 when the
position lies in one of the student's preferred regions (10 when the student names none).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

MAJOR_POINTS = {"code": 50.0, "class": 30.0, "group": 15.0, "any": 25.0}
SKILL_POINTS = 30.0
REGION_POINTS = 20.0


@dataclass(frozen=True)
class StudentFacts:
    id: uuid.UUID
    major_code: str
    skills: Sequence[str]
    preferred_regions: Sequence[str]


@dataclass(frozen=True)
class PositionFacts:
    major_codes: Sequence[str]
    skills: Sequence[str]
    region_code: str


@dataclass(frozen=True)
class Score:
    student_id: uuid.UUID
    score: float
    reasons: list[str]


def _in_region(position_region: str, preferred: str) -> bool:
    # 500000 (a province) covers 5001xx; 500100 (a city) covers 5001xx; 500106 only itself.
    prefix = preferred.rstrip("0")
    prefix = prefix + "0" * (len(prefix) % 2)
    return position_region.startswith(prefix)


def score_student(position: PositionFacts, student: StudentFacts) -> Score:
    reasons: list[str] = []
    code = student.major_code
    if not position.major_codes:
        major = MAJOR_POINTS["any"]
        reasons.append(f"岗位不限专业（{major:g}分）")
    elif code in position.major_codes:
        major = MAJOR_POINTS["code"]
        reasons.append(f"专业对口：{code}（{major:g}分）")
    elif any(c[:4] == code[:4] for c in position.major_codes):
        major = MAJOR_POINTS["class"]
        reasons.append(f"同一专业类：{code[:4]}（{major:g}分）")
    elif any(c[:2] == code[:2] for c in position.major_codes):
        major = MAJOR_POINTS["group"]
        reasons.append(f"同一专业大类：{code[:2]}（{major:g}分）")
    else:
        major = 0.0
        reasons.append("专业不对口（0分）")
    if position.skills:
        have = [s for s in position.skills if s in set(student.skills)]
        skills = SKILL_POINTS * len(have) / len(position.skills)
        listed = "、".join(have) if have else "无"
        reasons.append(
            f"技能匹配{len(have)}/{len(position.skills)}：{listed}（{round(skills, 1):g}分）"
        )
    else:
        skills = SKILL_POINTS / 2
        reasons.append(f"岗位未列技能要求（{skills:g}分）")
    if not student.preferred_regions:
        region = REGION_POINTS / 2
        reasons.append(f"学生未填意向地区（{region:g}分）")
    elif any(_in_region(position.region_code, r) for r in student.preferred_regions):
        region = REGION_POINTS
        reasons.append(f"岗位在意向地区内（{region:g}分）")
    else:
        region = 0.0
        reasons.append("岗位不在意向地区（0分）")
    return Score(student.id, round(major + skills + region, 1), reasons)


def score_applicants(position: PositionFacts, students: Sequence[StudentFacts]) -> list[Score]:
    """Each student's score for ``position``, best first (equal scores keep the given order)."""
    scores = [score_student(position, student) for student in students]
    return sorted(scores, key=lambda s: -s.score)
