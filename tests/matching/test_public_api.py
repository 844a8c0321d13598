from __future__ import annotations

import ast
from pathlib import Path

import matching

PACKAGE = Path(matching.__file__).parent


def test_all_is_pinned_and_sorted() -> None:
    assert matching.__all__ == [
        "ACTION_LABELS",
        "ACTION_ORDER",
        "Assessment",
        "Candidate",
        "ComplianceRules",
        "DestinationTier",
        "Finding",
        "KINDS",
        "LEVELS",
        "MajorRecord",
        "MajorResolver",
        "MajorSeries",
        "PolicyProfile",
        "PositionFacts",
        "ProjectedYear",
        "RULE_IDS",
        "Reason",
        "Resolution",
        "Severity",
        "TermRule",
        "WarningClassifier",
        "YearFigures",
        "char_ngrams",
        "check_position",
        "class_key",
        "normalize_major_name",
        "pinyin_initials",
        "pinyin_syllables",
        "project_ratio",
    ]
    assert matching.__all__ == sorted(matching.__all__)


def test_every_public_name_resolves() -> None:
    for name in matching.__all__:
        assert getattr(matching, name) is not None


def test_matching_imports_only_allowed_packages() -> None:
    # matching is pure: it must not reach the database, the web layer or the models.
    allowed = {"numpy", "scipy", "sklearn", "rapidfuzz", "jieba", "pypinyin", "matching"}
    for path in PACKAGE.glob("*.py"):
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
    "collections",
    "dataclasses",
    "logging",
    "math",
    "pathlib",
    "re",
    "threading",
    "typing",
    "unicodedata",
}
