"""Pure computation on plain data: text normalisation, catalogue resolution, supply-demand
warnings, posting compliance, programme–industry alignment, recommendations and partner programmes.

No database, no HTTP: callers pass sequences and dataclasses, as an estimator takes ``X``.
"""

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
from matching.partners import PartnerDemand, PartnerMatch, PartnerRanker, ProgrammeCandidate
from matching.recommend import (
    PositionIndex,
    PositionRecord,
    Recommendation,
    RecommendationReasons,
    StudentProfile,
    normalize_skill,
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
    "AlignmentComponents",
    "Assessment",
    "Candidate",
    "ComplianceRules",
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
    "Severity",
    "StudentProfile",
    "TermRule",
    "WarningClassifier",
    "YearFigures",
    "char_ngrams",
    "check_position",
    "class_key",
    "normalize_major_name",
    "normalize_skill",
    "pinyin_initials",
    "pinyin_syllables",
    "project_ratio",
]
