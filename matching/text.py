"""Text normalisation for Chinese major names and free text.

Everything here is a pure function of its input: no catalogue, no state.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["char_ngrams", "normalize_major_name", "pinyin_initials", "pinyin_syllables"]

# NFKC already folds full-width ASCII and （）; these are the brackets and marks it leaves alone.
_PUNCTUATION = str.maketrans(
    {
        "【": "(",
        "〔": "(",
        "［": "(",
        "[": "(",
        "{": "(",
        "〖": "(",
        "】": ")",
        "〕": ")",
        "］": ")",
        "]": ")",
        "}": ")",
        "〗": ")",
        "・": "·",
        "•": "·",
        "‧": "·",
        "･": "·",
        "—": "-",
        "–": "-",
        "―": "-",
        "‐": "-",
        "‑": "-",
        "～": "~",
        "，": ",",
        "；": ";",
        "：": ":",
        "＆": "&",
        "&": "与",
        "、": "与",
        "《": None,
        "》": None,
        "“": None,
        "”": None,
        '"': None,
        "'": None,
        "‘": None,
        "’": None,
    }
)
_WHITESPACE = re.compile(r"\s+")
_INNER_BRACKETS = re.compile(r"\([^()]*\)")
_UNCLOSED_BRACKET = re.compile(r"\([^()]*$")
_SUFFIXES = ("专业方向", "专业", "方向")
_MAX_PASSES = 8
_EDGE_NOISE = ".,;:-~·"


def normalize_major_name(text: str) -> str:
    """Normalise a major name for comparison with the catalogue.

    Parameters
    ----------
    text : str
        A major name as typed by a school or an enterprise, e.g.
        ``"软件技术（移动应用开发方向）专业"``.

    Returns
    -------
    str
        The name with NFKC folding (full-width → half-width), ASCII letters lower-cased, all
        whitespace removed, bracketed parts removed (``（…）``, ``(…)``, ``【…】`` …), a
        trailing ``专业`` / ``方向`` / ``专业方向`` removed, and punctuation unified (``、`` and
        ``&`` → ``与``, dashes → ``-``, quotes and book-title marks dropped). Idempotent.

    Examples
    --------
    >>> normalize_major_name("软件技术（移动应用开发方向）")
    '软件技术'
    >>> normalize_major_name(" 大数据与会计 专业")
    '大数据与会计'
    """
    # Each step can expose work for another (``X(方向)专业``; lower-casing a letter NFKC already
    # folded), so repeat until nothing changes: a fixed point is what makes the function idempotent.
    result = text
    for _ in range(_MAX_PASSES):
        before = result
        result = unicodedata.normalize("NFKC", result).translate(_PUNCTUATION)
        result = _WHITESPACE.sub("", result).lower()
        result = _strip_brackets(result).strip(_EDGE_NOISE)
        for suffix in _SUFFIXES:
            # A bare "专业" stays: stripping it would leave nothing to match.
            if result.endswith(suffix) and len(result) > len(suffix):
                result = result[: -len(suffix)]
                break
        if result == before:
            break
    return result


def _strip_brackets(text: str) -> str:
    result = text
    while True:
        stripped = _INNER_BRACKETS.sub("", result)
        if stripped == result:
            break
        result = stripped
    result = _UNCLOSED_BRACKET.sub("", result).replace(")", "").replace("(", "")
    # "（软件技术）" alone is a name in brackets, not a name with a suffix: keep its content.
    return result or text.replace("(", "").replace(")", "")


def char_ngrams(text: str, n_min: int = 1, n_max: int = 2) -> list[str]:
    """Character n-grams of a string, shortest first.

    Parameters
    ----------
    text : str
        The text; it is used as given (normalise it first when comparing names).
    n_min, n_max : int
        The smallest and largest n-gram length, ``1 <= n_min <= n_max``.

    Returns
    -------
    list of str
        All n-grams of length ``n_min`` … ``n_max`` in order of length, then position; duplicates
        are kept so that counts can be taken.

    Raises
    ------
    ValueError
        If ``n_min < 1`` or ``n_max < n_min``.
    """
    if n_min < 1 or n_max < n_min:
        raise ValueError(f"需要 1 <= n_min <= n_max，得到 n_min={n_min}, n_max={n_max}")
    return [text[i : i + n] for n in range(n_min, n_max + 1) for i in range(len(text) - n + 1)]


def pinyin_syllables(text: str) -> list[str]:
    """Toneless pinyin syllables of a string, one per Chinese character.

    Non-Chinese runs (``"3D"``, ``"web"``) come back as one lower-case item each.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    list of str
        Syllables such as ``["ruan", "jian", "ji", "shu"]``.
    """
    from pypinyin import Style, lazy_pinyin  # ~55 MB of phrases: loaded when first needed

    return [syllable.lower() for syllable in lazy_pinyin(text, style=Style.NORMAL)]


def pinyin_initials(text: str) -> str:
    """Lower-case first letters of the pinyin of each character.

    Parameters
    ----------
    text : str
        The text, e.g. ``"软件技术"``.

    Returns
    -------
    str
        E.g. ``"rjjs"``. Non-Chinese runs are kept whole and lower-cased; whitespace is dropped.
        Heteronyms follow pypinyin's phrase dictionary, which can misread a character across a
        word boundary (与会计 → "yhj", as in 与会); good enough for initials and homophones,
        which compare readings made the same way.
    """
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(_WHITESPACE.sub("", text), style=Style.FIRST_LETTER)
    return "".join(letters).lower()
