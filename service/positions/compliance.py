"""Posting rules (docs/design/policy.md §3) on positions: facts from the database, rules from data.

:func:`check_facts` needs no session, for callers that gather the facts of many positions themselves
(the bulk import: :func:`existing_interns` answers for many enterprises in one query).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Protocol

from sqlmodel import Session

from models import Organization, PositionKind, PositionStatus
from rules.screen import ComplianceRules, Finding, PositionFacts, check_position
from service import clock
from service.positions import repository

RULES_FILE = Path(__file__).resolve().parents[2] / "seed" / "data" / "compliance_rules.json"
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


@cache
def load_rules(path: Path = RULES_FILE) -> ComplianceRules:
    """The posting rules of ``seed/data/compliance_rules.json`` (read once per process)."""
    return ComplianceRules.from_dict(json.loads(path.read_text(encoding="utf-8")))


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
    )


def check_facts(facts: PositionFacts, rules: ComplianceRules | None = None) -> list[Finding]:
    """The findings of one position's facts (blocking first); no database needed."""
    return check_position(facts, rules or load_rules())


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
