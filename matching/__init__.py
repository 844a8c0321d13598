"""Pure computation on plain data: text normalisation, catalogue resolution, supply-demand
warnings, posting compliance, programme–industry alignment, recommendations, partner programmes
and placement (deferred acceptance).

No database, no HTTP: callers pass sequences and dataclasses, as an estimator takes ``X``.

The public names load on first use (PEP 562), so importing one module (``matching.placement``)
does not load the others' scikit-learn, rapidfuzz and pypinyin.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matching.alignment import (
        AlignmentComponents,
        DemandEvidence,
        IndustryAlignment,
        IndustryProfile,
        MajorProfile,
        ProgrammeAligner,
    )
    from matching.compliance import (
        KINDS,
        ComplianceRules,
        Finding,
        PositionFacts,
        Severity,
        TermRule,
        check_position,
    )
    from matching.partners import (
        PartnerDemand,
        PartnerMatch,
        PartnerRanker,
        ProgrammeCandidate,
    )
    from matching.placement import (
        DeferredAcceptance,
        PlacementError,
        PlacementInstance,
        PlacementPosition,
        PlacementResult,
        PlacementStudent,
        SchoolQuota,
        find_blocking_pairs,
        solve_placement,
    )
    from matching.recommend import (
        PositionIndex,
        PositionRecord,
        Recommendation,
        RecommendationReasons,
        StudentProfile,
        normalize_skill,
    )
    from matching.resolve import (
        LEVELS,
        Candidate,
        MajorRecord,
        MajorResolver,
        Resolution,
        class_key,
    )
    from matching.text import (
        char_ngrams,
        normalize_major_name,
        pinyin_initials,
        pinyin_syllables,
    )
    from matching.warnings import (
        ACTION_LABELS,
        ACTION_ORDER,
        RULE_IDS,
        Assessment,
        DestinationTier,
        MajorSeries,
        PolicyProfile,
        ProjectedYear,
        Reason,
        WarningClassifier,
        YearFigures,
        project_ratio,
    )

_MODULE_OF = {
    "ACTION_LABELS": "matching.warnings",
    "ACTION_ORDER": "matching.warnings",
    "AlignmentComponents": "matching.alignment",
    "Assessment": "matching.warnings",
    "Candidate": "matching.resolve",
    "ComplianceRules": "matching.compliance",
    "DeferredAcceptance": "matching.placement",
    "DemandEvidence": "matching.alignment",
    "DestinationTier": "matching.warnings",
    "Finding": "matching.compliance",
    "IndustryAlignment": "matching.alignment",
    "IndustryProfile": "matching.alignment",
    "KINDS": "matching.compliance",
    "LEVELS": "matching.resolve",
    "MajorProfile": "matching.alignment",
    "MajorRecord": "matching.resolve",
    "MajorResolver": "matching.resolve",
    "MajorSeries": "matching.warnings",
    "PartnerDemand": "matching.partners",
    "PartnerMatch": "matching.partners",
    "PartnerRanker": "matching.partners",
    "PlacementError": "matching.placement",
    "PlacementInstance": "matching.placement",
    "PlacementPosition": "matching.placement",
    "PlacementResult": "matching.placement",
    "PlacementStudent": "matching.placement",
    "PolicyProfile": "matching.warnings",
    "PositionFacts": "matching.compliance",
    "PositionIndex": "matching.recommend",
    "PositionRecord": "matching.recommend",
    "ProgrammeAligner": "matching.alignment",
    "ProgrammeCandidate": "matching.partners",
    "ProjectedYear": "matching.warnings",
    "RULE_IDS": "matching.warnings",
    "Reason": "matching.warnings",
    "Recommendation": "matching.recommend",
    "RecommendationReasons": "matching.recommend",
    "Resolution": "matching.resolve",
    "SchoolQuota": "matching.placement",
    "Severity": "matching.compliance",
    "StudentProfile": "matching.recommend",
    "TermRule": "matching.compliance",
    "WarningClassifier": "matching.warnings",
    "YearFigures": "matching.warnings",
    "char_ngrams": "matching.text",
    "check_position": "matching.compliance",
    "class_key": "matching.resolve",
    "find_blocking_pairs": "matching.placement",
    "normalize_major_name": "matching.text",
    "normalize_skill": "matching.recommend",
    "pinyin_initials": "matching.text",
    "pinyin_syllables": "matching.text",
    "project_ratio": "matching.warnings",
    "solve_placement": "matching.placement",
}

__all__ = [
    "ACTION_LABELS",
    "ACTION_ORDER",
    "AlignmentComponents",
    "Assessment",
    "Candidate",
    "ComplianceRules",
    "DeferredAcceptance",
    "DemandEvidence",
    "DestinationTier",
    "Finding",
    "IndustryAlignment",
    "IndustryProfile",
    "KINDS",
    "LEVELS",
    "MajorProfile",
    "MajorRecord",
    "MajorResolver",
    "MajorSeries",
    "PartnerDemand",
    "PartnerMatch",
    "PartnerRanker",
    "PlacementError",
    "PlacementInstance",
    "PlacementPosition",
    "PlacementResult",
    "PlacementStudent",
    "PolicyProfile",
    "PositionFacts",
    "PositionIndex",
    "PositionRecord",
    "ProgrammeAligner",
    "ProgrammeCandidate",
    "ProjectedYear",
    "RULE_IDS",
    "Reason",
    "Recommendation",
    "RecommendationReasons",
    "Resolution",
    "SchoolQuota",
    "Severity",
    "StudentProfile",
    "TermRule",
    "WarningClassifier",
    "YearFigures",
    "char_ngrams",
    "check_position",
    "class_key",
    "find_blocking_pairs",
    "normalize_major_name",
    "normalize_skill",
    "pinyin_initials",
    "pinyin_syllables",
    "project_ratio",
    "solve_placement",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'matching' has no attribute {name!r}")
    value = getattr(importlib.import_module(_MODULE_OF[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
