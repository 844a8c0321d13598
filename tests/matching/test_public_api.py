from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import matching
import rules

PURE_PACKAGES = (Path(matching.__file__).parent, Path(rules.__file__).parent)


def test_all_is_pinned_and_sorted() -> None:
    assert matching.__all__ == [
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
    assert matching.__all__ == sorted(matching.__all__)


def test_every_public_name_resolves() -> None:
    for name in matching.__all__:
        assert getattr(matching, name) is not None


def test_matching_and_rules_import_only_allowed_packages() -> None:
    # matching and rules are pure: they must not reach the database, the web layer or the models.
    allowed = {"numpy", "scipy", "sklearn", "rapidfuzz", "jieba", "pypinyin", "matching", "rules"}
    for path in (path for package in PURE_PACKAGES for path in package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            third_party = {root for root in roots if root not in _STDLIB}
            assert third_party <= allowed, f"{path.name} imports {third_party - allowed}"


_STDLIB = {
    "__future__",
    "bisect",
    "collections",
    "csv",
    "dataclasses",
    "datetime",
    "functools",
    "hashlib",
    "heapq",
    "importlib",
    "itertools",
    "json",
    "logging",
    "math",
    "operator",
    "pathlib",
    "random",
    "re",
    "sys",
    "threading",
    "typing",
    "unicodedata",
}


def test_one_module_does_not_load_the_others() -> None:
    # `chanjiao placement run` imports matching.placement alone: no scikit-learn, no rapidfuzz,
    # and numpy only once an instance is large enough to need it.
    code = (
        "import sys, matching.placement; "
        "print(sorted({'sklearn', 'rapidfuzz', 'numpy'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"
