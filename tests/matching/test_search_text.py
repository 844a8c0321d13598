"""Words for the full-text index and the terms of a query (jieba, folded, syntax-free)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from matching.search_text import (
    WORDS_FILE,
    fts5_query,
    index_words,
    major_words,
    normalize,
    query_terms,
    tsquery,
)

MAJORS_CSV = Path(__file__).resolve().parents[2] / "seed" / "data" / "majors.csv"


def test_the_words_file_follows_the_catalogue() -> None:
    with MAJORS_CSV.open(encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    assert WORDS_FILE.read_text(encoding="utf-8").split() == major_words(names)


def test_major_words_add_the_stem() -> None:
    assert major_words(["集成电路技术", "护理", "工业机器人技术", "C语言"]) == [
        "工业机器人",
        "工业机器人技术",
        "护理",
        "集成电路",
        "集成电路技术",
    ]


def test_normalize_keeps_only_folded_letters_and_digits() -> None:
    assert normalize("ＦＡＮＵＣ系统、Café—C++ “x²”") == "fanuc系统 cafe c    x2 "


def test_index_words_hold_the_parts_of_longer_words() -> None:
    words = index_words("数控车床操作工", ["PLC"], ["工业机器人运维"]).split()
    assert words[:5] == ["数控车床", "数控", "车床", "操作工", "操作"]
    assert {"plc", "工业机器人", "机器人", "运维"} <= set(words)
    assert index_words("", []) == ""
    assert index_words("a" * 40) == ""  # longer than any word


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("工业机器人运维", ["工业机器人", "运维"]),
        ('"数控" OR 护理*', ["数控", "or", "护理"]),
        ("x", ["x"]),
    ],
)
def test_query_terms(query: str, terms: list[str]) -> None:
    assert query_terms(query) == terms


def test_backend_queries_quote_every_term() -> None:
    words = "{search_title search_body}"
    assert fts5_query(["数控", "车"]) == f'{words} : "数控" {words} : "车"*'
    assert tsquery(["数控", "车"]) == "'数控':AD & '车':*AD"


def test_a_region_is_one_more_word_of_the_query() -> None:
    # User words are matched in the title and body only, the region's word in its own column
    # (SQLite) or weight (PostgreSQL): typing a region word finds nothing.
    assert fts5_query(["数控"], "500100") == (
        '{search_title search_body} : "数控" search_scope : "r500100"'
    )
    assert tsquery(["数控"], "500100") == "'数控':AD & 'r500100':B"
