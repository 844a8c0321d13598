"""Pure computation on plain data: text normalisation, catalogue resolution, supply-demand
warnings, posting compliance and placement (deferred acceptance).

No database, no HTTP: callers pass sequences and dataclasses, as an estimator takes ``X``.
"""

from matching.compliance import (
    KINDS,
    ComplianceRules,
    Finding,
    PositionFacts,
    Severity,
    TermRule,
    check_position,
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
from matching.resolve import LEVELS, Candidate, MajorRecord, MajorResolver, Resolution, class_key
from matching.text import char_ngrams, normalize_major_name, pinyin_initials, pinyin_syllables
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

__all__ = [
    "ACTION_LABELS",
    "ACTION_ORDER",
    "Assessment",
    "Candidate",
    "ComplianceRules",
    "DeferredAcceptance",
    "DestinationTier",
    "Finding",
    "KINDS",
    "LEVELS",
    "MajorRecord",
    "MajorResolver",
    "MajorSeries",
    "PlacementError",
    "PlacementInstance",
    "PlacementPosition",
    "PlacementResult",
    "PlacementStudent",
    "PolicyProfile",
    "PositionFacts",
    "ProjectedYear",
    "RULE_IDS",
    "Reason",
    "Resolution",
    "SchoolQuota",
    "Severity",
    "TermRule",
    "WarningClassifier",
    "YearFigures",
    "char_ngrams",
    "check_position",
    "class_key",
    "find_blocking_pairs",
    "normalize_major_name",
    "pinyin_initials",
    "pinyin_syllables",
    "project_ratio",
    "solve_placement",
]
