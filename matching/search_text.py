"""Words for the full-text index, and the terms of a search query, both cut by jieba.

A text is stored as its words separated by spaces; SQLite FTS5 (unicode61) and PostgreSQL
(``to_tsvector('simple', …)``) then read the same tokens, so a query matches the same rows on both.
For that, a stored word holds only letters and digits, already folded (NFKC, lower case, no
diacritics): neither backend's tokenizer has anything left to split or to fold.

jieba's dictionary takes about a second to load; it is loaded once, on the first cut, never at
import time (``chanjiao --help`` stays fast).
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_QUERY_TERMS",
    "fts5_query",
    "index_words",
    "major_words",
    "normalize",
    "query_terms",
    "day_word",
    "month_word",
    "region_date_word",
    "region_word",
    "tsquery",
]

MAX_QUERY_TERMS = 6
MAX_WORD_LENGTH = 32
# Sub-words are looked up for words up to this length (a longer one is a rare run of letters).
_MAX_SPLIT_LENGTH = 12
# Names of the catalogue's majors, and their stems without 技术 (集成电路, 工业机器人 …), so that
# they cut as words; built from seed/data/majors.csv (a test keeps the file in step).
WORDS_FILE = Path(__file__).with_name("search_words.txt")
_STEM_SUFFIXES = ("技术", "工艺", "专业")

_lock = threading.Lock()
_tokenizer: Any = None


def _jieba() -> Any:
    """The tokenizer with the catalogue's words, built on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in WORDS_FILE.read_text(encoding="utf-8").split():
                    tokenizer.add_word(word)
                _tokenizer = tokenizer
    return _tokenizer


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, no diacritics; anything but a letter or a digit
    becomes a space (so no punctuation or query syntax reaches either index)."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    kept = (
        ch if ch.isalnum() else " " for ch in folded if unicodedata.category(ch) not in ("Mn", "Me")
    )
    return unicodedata.normalize("NFC", "".join(kept))


def _is_han(word: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in word)


def _cut(text: str) -> list[str]:
    """jieba's precise cut (dictionary only: without its HMM a word cuts the same whatever
    surrounds it, so a query and a posting agree)."""
    normalized = normalize(text)
    if not normalized.strip():
        return []
    words = _jieba().lcut(normalized, HMM=False)
    return [w for w in (word.strip() for word in words) if w]


def _runs(words: Sequence[str]) -> Iterator[str]:
    """Runs of single Chinese characters: a word missing from the dictionary (运维, 汽修)."""
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and _is_han(word):
            run.append(word)
            continue
        if len(run) > 1:
            yield "".join(run)
        run = []


def _sub_words(word: str, frequencies: dict[str, int]) -> Iterator[str]:
    for length in range(2, len(word)):
        for start in range(len(word) - length + 1):
            part = word[start : start + length]
            if frequencies.get(part):
                yield part


def index_words(*texts: str | Iterable[str]) -> str:
    """The words of ``texts`` (strings or lists of strings) to store, separated by spaces.

    Every word of jieba's cut, and inside a longer Chinese word each shorter dictionary word
    (数控车床 → 数控, 车床; 集成电路技术 → 集成, 电路, 集成电路, 技术), so that a query for a part
    finds the whole. A run of characters the dictionary lacks is kept whole with its pieces.
    """
    out: list[str] = []
    for text in texts:
        for part in [text] if isinstance(text, str) else text:
            out.extend(_part_words(part))
    return " ".join(out)


@lru_cache(maxsize=16384)
def _part_words(part: str) -> tuple[str, ...]:
    """The index words of one text. Cached: an import repeats its descriptions, skills and majors'
    names across thousands of rows, and jieba's cut is most of the cost of indexing a row."""
    frequencies: dict[str, int] = _jieba().FREQ
    out: list[str] = []
    words = _cut(part)
    for word in words:
        if len(word) > MAX_WORD_LENGTH:
            continue  # a run of letters, not a word (and too long for tsvector)
        out.append(word)
        if 2 < len(word) <= _MAX_SPLIT_LENGTH and _is_han(word):
            out.extend(_sub_words(word, frequencies))
    for run in _runs(words):
        run = run[:_MAX_SPLIT_LENGTH]
        out.append(run)
        out.extend(run[i : i + n] for n in range(2, len(run)) for i in range(len(run) - n + 1))
    return tuple(out)


def query_terms(query: str | None) -> list[str]:
    """The terms a position must all contain: jieba's cut of the query, a run of characters the
    dictionary lacks as one term, and without single characters when longer terms exist (they
    would match almost anything). A lone single character matches as a prefix."""
    if not query or not query.strip():
        return []
    terms: list[str] = []
    run: list[str] = []
    for word in [*_cut(query), ""]:
        if len(word) == 1 and _is_han(word):
            run.append(word)
            continue
        if run:
            terms.append("".join(run)[:_MAX_SPLIT_LENGTH])
            run = []
        if word:
            terms.append(word)
    if any(len(t) > 1 for t in terms):
        terms = [t for t in terms if len(t) > 1]
    return list(dict.fromkeys(terms))[:MAX_QUERY_TERMS]


# The FTS5 columns a user's words are matched in; the third, search_scope, holds region words.
_WORD_COLUMNS = "{search_title search_body}"


def region_word(code: str) -> str:
    """The index word of a region: ``r`` and its 6-digit code. A position is indexed with its
    county's, city's and province's words (r500112 r500100 r500000: migration 0013), so the word
    of a province, city or county code finds every position inside it."""
    return f"r{code}"


def month_word(year: int, month: int) -> str:
    """The index word of a month of publication (UTC): ``m`` and YYYYMM (migration 0013)."""
    return f"m{year:04d}{month:02d}"


def day_word(day: date) -> str:
    """The index word of a day of publication (UTC): ``d`` and YYYYMMDD (migration 0013)."""
    return f"d{day:%Y%m%d}"


def fts5_query(
    terms: Sequence[str], region: str | None = None, months: Sequence[str] | None = None
) -> str:
    """An FTS5 MATCH expression requiring every term (a single character as a prefix) in the
    title or the body, and the region's word (:func:`region_word`) when ``region`` is given.

    Terms hold only letters and digits (``normalize``), and each is quoted besides: no FTS5
    operator or column filter can come from the user's text; a term that looks like a region
    word is still matched in the title and body only. ``months``: published in one of these
    days or months (:func:`day_word`, :func:`month_word`).
    """
    phrases = [f'{_WORD_COLUMNS} : "{t}"' + ("*" if len(t) == 1 else "") for t in terms]
    if region is not None:
        phrases.append(f'search_scope : "{region_word(region)}"')
    query = " ".join(phrases)
    if months:
        # FTS5 wants an explicit AND before a parenthesised group.
        query += " AND search_scope : (" + " OR ".join(f'"{m}"' for m in months) + ")"
    return query


def region_date_word(code: str, date_word: str) -> str:
    """PostgreSQL's index word of a region and a day or month of publication together:
    ``r500112d20261129``, ``r500100m202611`` (migration 0015; each position has one per region
    word and date word). A window of dates in a region is then the short lists of its region's
    days or months, not the region's list over the whole table intersected with the dates'."""
    return f"{region_word(code)}{date_word}"


def tsquery(
    terms: Sequence[str], region: str | None = None, months: Sequence[str] | None = None
) -> str:
    """The same requirement as ``to_tsquery('simple', …)`` text: quoted lexemes joined by ``&``,
    the user's at the title's or the body's weight (A, D) only, the region's and dates' at B
    (a region and dates together: :func:`region_date_word`)."""
    lexemes = [f"'{t}':*AD" if len(t) == 1 else f"'{t}':AD" for t in terms]
    if months:
        words = months if region is None else [region_date_word(region, m) for m in months]
        lexemes.append("(" + " | ".join(f"'{w}':B" for w in words) + ")")
    elif region is not None:
        lexemes.append(f"'{region_word(region)}':B")
    return " & ".join(lexemes)


def major_words(names: Iterable[str]) -> list[str]:
    """Words for the tokenizer from major names: the name and its stem (集成电路技术 → 集成电路)."""
    words: list[str] = []
    for name in names:
        word = normalize(name).replace(" ", "")
        if not 2 <= len(word) <= _MAX_SPLIT_LENGTH or not _is_han(word):
            continue
        words.append(word)
        for suffix in _STEM_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                words.append(word[: -len(suffix)])
    return sorted(set(words))
