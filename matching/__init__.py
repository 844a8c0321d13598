"""Pure computation on plain data: text normalisation, catalogue resolution, programme–industry
alignment, recommendations, partner programmes and placement (deferred acceptance). The rules that
judge rather than match (the adjustment warnings, the posting screen) live in ``rules``.

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

_MODULE_OF = {
    "AlignmentComponents": "matching.alignment",
    "Candidate": "matching.resolve",
    "DeferredAcceptance": "matching.placement",
    "DemandEvidence": "matching.alignment",
    "IndustryAlignment": "matching.alignment",
    "IndustryProfile": "matching.alignment",
    "LEVELS": "matching.resolve",
    "MajorProfile": "matching.alignment",
    "MajorRecord": "matching.resolve",
    "MajorResolver": "matching.resolve",
    "PartnerDemand": "matching.partners",
    "PartnerMatch": "matching.partners",
    "PartnerRanker": "matching.partners",
    "PlacementError": "matching.placement",
    "PlacementInstance": "matching.placement",
    "PlacementPosition": "matching.placement",
    "PlacementResult": "matching.placement",
    "PlacementStudent": "matching.placement",
    "PositionIndex": "matching.recommend",
    "PositionRecord": "matching.recommend",
    "ProgrammeAligner": "matching.alignment",
    "ProgrammeCandidate": "matching.partners",
    "Recommendation": "matching.recommend",
    "RecommendationReasons": "matching.recommend",
    "Resolution": "matching.resolve",
    "SchoolQuota": "matching.placement",
    "StudentProfile": "matching.recommend",
    "char_ngrams": "matching.text",
    "class_key": "matching.resolve",
    "find_blocking_pairs": "matching.placement",
    "normalize_major_name": "matching.text",
    "normalize_skill": "matching.recommend",
    "pinyin_initials": "matching.text",
    "pinyin_syllables": "matching.text",
    "solve_placement": "matching.placement",
}

__all__ = [
    "AlignmentComponents",
    "Candidate",
    "DeferredAcceptance",
    "DemandEvidence",
    "IndustryAlignment",
    "IndustryProfile",
    "LEVELS",
    "MajorProfile",
    "MajorRecord",
    "MajorResolver",
    "PartnerDemand",
    "PartnerMatch",
    "PartnerRanker",
    "PlacementError",
    "PlacementInstance",
    "PlacementPosition",
    "PlacementResult",
    "PlacementStudent",
    "PositionIndex",
    "PositionRecord",
    "ProgrammeAligner",
    "ProgrammeCandidate",
    "Recommendation",
    "RecommendationReasons",
    "Resolution",
    "SchoolQuota",
    "StudentProfile",
    "char_ngrams",
    "class_key",
    "find_blocking_pairs",
    "normalize_major_name",
    "normalize_skill",
    "pinyin_initials",
    "pinyin_syllables",
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
