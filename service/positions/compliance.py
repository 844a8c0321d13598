"""Posting rules (docs/design/policy.md §3) on positions: facts from the database, rules from data.

:func:`check_facts` needs no session, for callers that gather the facts of many positions themselves
(the bulk import: :func:`existing_interns` answers for many enterprises in one query).

Beside the rules, the review model (`rules.review`, trained on ``seed/data/screen_corpus.csv`` on
first use) scores each text a person reads that the rules found nothing in: a score at or above
`rules.review.REVIEW_THRESHOLD` adds a ``needs_review`` warning (待人工复核) with its score, which
never blocks; regulators list those postings (``GET /positions/compliance-findings?review=true``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

from sqlmodel import Session

from models import Organization, PositionKind, PositionStatus
from rules import review
from rules.review import REVIEW_THRESHOLD, ReviewModel, sentences
from rules.screen import (
    TEXT_FIELDS,
    ComplianceRules,
    Finding,
    PositionFacts,
    check_position,
)
from service import clock
from service.positions import repository
from service.posting_rules import load_rules

CORPUS_FILE = Path(__file__).resolve().parents[2] / "seed" / "data" / "screen_corpus.csv"
REVIEW_CODE = "needs_review"
REVIEW_SOURCE = (
    "产教通岗位文本复核模型（字符 n-gram 分类器，按 seed/data/screen_corpus.csv 标注语料训练；"
    "仅提示监管部门人工复核，不阻止发布）"
)
_FIELD_LABELS = {
    "title": "岗位名称",
    "description": "岗位描述",
    "requirements": "任职要求",
    "skills": "技能要求",
}
# Statuses whose interns are (or are about to be) at the enterprise: a closed posting was withdrawn
# or expired before filling, so it places nobody.
INTERN_STATUSES = (PositionStatus.open, PositionStatus.filled)


class PositionLike(Protocol):
    """What the checks read from a position, a draft or an import row."""

    @property
    def enterprise_id(self) -> uuid.UUID: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def requirements(self) -> str: ...
    @property
    def skills(self) -> list[str]: ...
    @property
    def headcount(self) -> int: ...
    @property
    def monthly_pay(self) -> float | None: ...
    @property
    def same_post_wage(self) -> float | None: ...
    @property
    def post_staff_count(self) -> int | None: ...
    @property
    def hours_per_day(self) -> float | None: ...
    @property
    def hours_per_week(self) -> float | None: ...


def facts_of(
    position: PositionLike, *, staff_count: int | None, existing_interns: int
) -> PositionFacts:
    """The facts of ``position`` at an enterprise with ``staff_count`` and ``existing_interns``."""
    return PositionFacts(
        kind=str(position.kind),
        title=position.title,
        description=position.description or "",
        headcount=position.headcount,
        monthly_pay=position.monthly_pay,
        same_post_wage=position.same_post_wage,
        hours_per_day=position.hours_per_day,
        hours_per_week=position.hours_per_week,
        enterprise_staff_count=staff_count,
        existing_interns=existing_interns,
        post_staff_count=position.post_staff_count,
        # Every posting on this platform is aimed at vocational students (docs/design/policy.md §3).
        open_to_vocational=True,
        skills=tuple(position.skills or ()),
        requirements=position.requirements or "",
    )


@cache
def review_model(path: Path = CORPUS_FILE) -> ReviewModel:
    """The review classifier of the labelled corpus, once per process: its stored weights
    (``rules/review_weights.json``, no scikit-learn), or trained now if the corpus has changed
    since they were written."""
    return review.load(path)


@lru_cache(maxsize=65536)
def _sentence_score(sentence: str) -> float:
    # Imports repeat their sentences across rows: each is scored once.
    return review_model().scores([sentence])[0]


def review_findings(facts: PositionFacts, rules_found: Collection[str]) -> list[Finding]:
    """``needs_review`` warnings for the texts of ``facts`` (fields not in ``rules_found``) whose
    most suspect sentence scores at least `REVIEW_THRESHOLD`."""
    texts = {
        "title": facts.title,
        "description": facts.description,
        "requirements": facts.requirements,
        "skills": "\n".join(facts.skills),
    }
    findings = []
    for field_name in TEXT_FIELDS:
        if field_name in rules_found:
            continue
        scored = [(_sentence_score(part), part) for part in sentences(texts[field_name])]
        if not scored:
            continue
        score, sentence = max(scored)
        if score < REVIEW_THRESHOLD:
            continue
        label = _FIELD_LABELS[field_name]
        findings.append(
            Finding(
                code=REVIEW_CODE,
                severity="warning",
                field=field_name,
                message=(
                    f"{label}中的“{sentence}”经文本模型评分{score:.2f}，疑似含有不平等的招聘条件，"
                    "待人工复核（不影响发布）"
                ),
                rule="review_model",
                source=REVIEW_SOURCE,
                category="待人工复核",
                words=(sentence,),
                context=(sentence,),
                suggestion="如确有不平等条件，请按相应类别的建议修改",
                score=round(score, 3),
            )
        )
    return findings


def check_facts(
    facts: PositionFacts, rules: ComplianceRules | None = None, *, review: bool = True
) -> list[Finding]:
    """The findings of one position's facts (blocking first, review marks last); no database
    needed. ``review=False`` leaves out the review model."""
    findings = check_position(facts, rules or load_rules())
    if review:
        found = {f.field for f in findings if f.category}
        findings.extend(review_findings(facts, found))
    return findings


def existing_interns(
    session: Session,
    enterprise_ids: Collection[uuid.UUID],
    *,
    today: date,
    exclude: Sequence[uuid.UUID] = (),
) -> dict[uuid.UUID, int]:
    """Interns each enterprise already takes: the headcount of its open or filled internships that
    have not ended by ``today``; one aggregate query for all enterprises (missing ones have 0)."""
    if not enterprise_ids:
        return {}
    counts = repository.internship_headcounts(
        session, enterprise_ids, INTERN_STATUSES, today, exclude
    )
    return {enterprise: counts.get(enterprise, 0) for enterprise in enterprise_ids}


def check(session: Session, position: PositionLike, *, today: date | None = None) -> list[Finding]:
    """The findings of ``position`` (stored or not) with its enterprise's figures from the database.

    A stored position (one with an ``id``) is left out of the enterprise's existing interns, so that
    re-checking an open internship does not count its own headcount twice.
    """
    enterprise = session.get(Organization, position.enterprise_id)
    staff_count = enterprise.staff_count if enterprise is not None else None
    interns = 0
    if str(position.kind) == PositionKind.internship:
        own_id = getattr(position, "id", None)
        interns = existing_interns(
            session,
            [position.enterprise_id],
            today=today or clock.today(),
            exclude=[own_id] if isinstance(own_id, uuid.UUID) else [],
        )[position.enterprise_id]
    return check_facts(facts_of(position, staff_count=staff_count, existing_interns=interns))
