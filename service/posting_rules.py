"""The posting rules as data (``seed/data/compliance_rules.json``), read once per process, and the
one rule about a student rather than a posting: nobody under 16 on an internship or apprenticeship.

A part of its own so that applications and placement apply the age rule without importing
positions (which imports applications).
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

from rules.screen import ComplianceRules, Finding, student_age_finding
from service import clock

RULES_FILE = Path(__file__).resolve().parents[1] / "seed" / "data" / "compliance_rules.json"


@cache
def load_rules(path: Path = RULES_FILE) -> ComplianceRules:
    """The posting rules of ``seed/data/compliance_rules.json`` (read once per process)."""
    return ComplianceRules.from_dict(json.loads(path.read_text(encoding="utf-8")))


def student_age_check(
    kind: str, birth_date: date | None, start: date, *, today: date | None = None
) -> Finding | None:
    """The under-16 rule for a student placed on a position (see ``rules.screen``)."""
    return student_age_finding(kind, birth_date, start, today or clock.today(), load_rules())
