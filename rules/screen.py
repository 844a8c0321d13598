"""Posting rules checked when a position is published (docs/design/policy.md §3).

The thresholds and the word lists are data (``seed/data/compliance_rules.json``, read into
`ComplianceRules`); this module only applies them. Every `Finding` says which rule it applied,
the figures or the words that tripped it, and the policy source.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

__all__ = [
    "KINDS",
    "ComplianceRules",
    "Finding",
    "PositionFacts",
    "Severity",
    "TermRule",
    "TEXT_FIELDS",
    "age_number",
    "age_on",
    "student_age_finding",
    "check_position",
    "check_message",
    "contact_details",
    "normalize_text",
    "normalized",
]

KINDS: tuple[str, ...] = ("apprenticeship", "internship", "job")
"""Position kinds: 学徒, 实习, 就业."""

Severity = Literal["blocking", "warning"]
_SEVERITIES: tuple[Severity, ...] = ("blocking", "warning")

# ASCII terms such as 985 or KTV must stand alone: "2110" or "KTV1" is something else.
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
_FIELD_LABELS = {
    "title": "岗位名称",
    "description": "岗位描述",
    "requirements": "任职要求",
    "skills": "技能要求",
}
# The texts a person reads, in the order they are screened.
TEXT_FIELDS: tuple[str, ...] = ("title", "description", "requirements", "skills")
_NUMERIC_SOURCE_KEYS = (
    "intern_share_of_staff",
    "intern_share_of_post",
    "internship_pay",
    "hours",
    "min_age",
    "child_labour",
)
_AGE_KINDS = ("", "limit", "floor")
# Characters of context quoted on each side of the words found.
_CONTEXT = 12
# (ComplianceRules attribute, Finding.code) of each word list, in the order they are checked.
_TERM_GROUPS = (
    ("discriminatory_terms", "discriminatory_term"),
    ("banned_venue_terms", "banned_venue"),
    ("fee_terms", "fee_charged"),
    ("working_time_terms", "working_time_term"),
)


@dataclass(frozen=True)
class TermRule:
    """One word or pattern that a posting must not contain.

    Attributes
    ----------
    category : str
        What the words are, in Chinese (学历歧视, 性别歧视, 户籍歧视, 禁止场所, 违规收费 …).
    message : str
        Why they are not allowed, in Chinese.
    source : str
        Policy or legal source.
    term : str or None
        A literal term; an ASCII letter or digit at either end must not touch another one, so
        ``211`` does not match ``2110``.
    regex : str or None
        A regular expression used as given (case-insensitive) — exactly one of term and regex.
    kinds : tuple of str
        Position kinds the rule applies to.
    vocational_only : bool
        Apply only to postings open to vocational students (学历 conditions).
    severity : {"blocking", "warning"}
        Whether the words block publication.
    suggestion : str
        A fair wording to use instead, in Chinese (限男性 → 性别不限).
    age : {"", "limit", "floor"}
        The words state ages, in the groups ``low`` and ``high``: a ``limit`` (an age range or
        ceiling) is a finding of its own and blocks when a bound is under ``min_age``; a
        ``floor`` (年满18周岁) is lawful and only blocks when it is under ``min_age``.
    """

    category: str
    message: str
    source: str
    term: str | None = None
    regex: str | None = None
    kinds: tuple[str, ...] = KINDS
    vocational_only: bool = False
    severity: Severity = "blocking"
    suggestion: str = ""
    age: str = ""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.term is None) == (self.regex is None):
            raise ValueError(f"“{self.category}”规则须且只须给出 term 或 regex 之一")
        if self.severity not in _SEVERITIES or not set(self.kinds) <= set(KINDS):
            raise ValueError(f"“{self.category}”规则的 severity 或 kinds 无效")
        if self.age not in _AGE_KINDS:
            raise ValueError(f"“{self.category}”规则的 age 无效：{self.age}")
        if self.term is not None:
            source = re.escape(normalize_text(self.term))
            if _ASCII_WORD.match(self.term[0]):
                source = r"(?<![0-9A-Za-z])" + source
            if _ASCII_WORD.match(self.term[-1]):
                source += r"(?![0-9A-Za-z])"
        else:
            source = cast(str, self.regex)
        object.__setattr__(self, "pattern", re.compile(source, re.IGNORECASE))

    @property
    def label(self) -> str:
        """The term, or the pattern when there is no literal term."""
        return self.term if self.term is not None else cast(str, self.regex)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TermRule:
        """Build from plain data (as in ``compliance_rules.json``)."""
        severity = str(data.get("severity", "blocking"))
        if severity not in _SEVERITIES:
            raise ValueError(f"severity “{severity}”无效")
        return cls(
            category=str(data["category"]),
            message=str(data["message"]),
            source=str(data["source"]),
            term=data.get("term"),
            regex=data.get("regex"),
            kinds=tuple(data.get("kinds", KINDS)),
            vocational_only=bool(data.get("vocational_only", False)),
            severity=severity,
            suggestion=str(data.get("suggestion", "")),
            age=str(data.get("age", "")),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form; ``from_dict(to_dict())`` gives an equal rule."""
        out: dict[str, Any] = (
            {"term": self.term} if self.term is not None else {"regex": self.regex}
        )
        out.update(
            category=self.category,
            message=self.message,
            source=self.source,
            kinds=list(self.kinds),
            vocational_only=self.vocational_only,
            severity=self.severity,
        )
        if self.suggestion:
            out["suggestion"] = self.suggestion
        if self.age:
            out["age"] = self.age
        return out


@dataclass(frozen=True)
class ComplianceRules:
    """Thresholds and word lists of the posting rules.

    Attributes
    ----------
    sources : mapping of str to str
        Source per numeric rule: intern_share_of_staff, intern_share_of_post, internship_pay,
        hours, min_age, child_labour (an age limit under ``min_age`` in a posting).
    intern_share_of_staff_max : float, default=0.10
        Interns at one enterprise over its 在岗职工总数, at most.
    intern_share_of_post_max : float, default=0.20
        Interns on one post over the staff on that kind of post, at most.
    internship_pay_min_share : float, default=0.80
        Internship pay over the enterprise's wage for the same post, at least.
    max_hours_per_day, max_hours_per_week : float, default=8, 40
        Working time of students (no overtime).
    min_age : int, default=16
        No placement of students younger than this (checked where students are placed).
    student_kinds : tuple of str, default=("apprenticeship", "internship")
        Kinds held by students, to which the working-time limits apply.
    discriminatory_terms, banned_venue_terms, fee_terms, working_time_terms : tuple of TermRule
        Words that a posting must not contain.
    benign_patterns : tuple of str
        Regular expressions for text that is blanked out before the words are looked for: the
        negations (性别不限, 不收押金) and phone numbers, which would otherwise trip a rule. They
        are applied to the normalised text (see `normalized`).
    """

    sources: Mapping[str, str]
    intern_share_of_staff_max: float = 0.10
    intern_share_of_post_max: float = 0.20
    internship_pay_min_share: float = 0.80
    max_hours_per_day: float = 8
    max_hours_per_week: float = 40
    min_age: int = 16
    student_kinds: tuple[str, ...] = ("apprenticeship", "internship")
    discriminatory_terms: tuple[TermRule, ...] = ()
    banned_venue_terms: tuple[TermRule, ...] = ()
    fee_terms: tuple[TermRule, ...] = ()
    working_time_terms: tuple[TermRule, ...] = ()
    benign_patterns: tuple[str, ...] = ()
    benign: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        missing = [key for key in _NUMERIC_SOURCE_KEYS if not self.sources.get(key)]
        if missing:
            raise ValueError(f"合规规则缺少依据：{', '.join(missing)}")
        compiled = tuple(re.compile(p, re.IGNORECASE) for p in self.benign_patterns)
        object.__setattr__(self, "benign", compiled)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ComplianceRules:
        """Build from plain data (``seed/data/compliance_rules.json``); unknown keys are errors."""
        known = {f.name for f in fields(cls) if f.init}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"合规规则含未知字段：{', '.join(unknown)}")
        values: dict[str, Any] = dict(data)
        values["sources"] = {str(k): str(v) for k, v in data["sources"].items()}
        for name, _ in _TERM_GROUPS:
            values[name] = tuple(TermRule.from_dict(item) for item in data.get(name, ()))
        for name in ("student_kinds", "benign_patterns"):
            if name in data:
                values[name] = tuple(data[name])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form; ``from_dict(to_dict())`` gives equal rules."""
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        out["sources"] = dict(self.sources)
        out["student_kinds"] = list(self.student_kinds)
        out["benign_patterns"] = list(self.benign_patterns)
        for name, _ in _TERM_GROUPS:
            out[name] = [rule.to_dict() for rule in getattr(self, name)]
        return out


@dataclass(frozen=True)
class PositionFacts:
    """What the checks need to know about a position.

    Attributes
    ----------
    kind : str
        ``"apprenticeship"``, ``"internship"`` or ``"job"``.
    title, description : str
        Free text of the posting.
    headcount : int
        Places offered.
    monthly_pay : float or None
        Pay per month (元).
    same_post_wage : float or None
        The enterprise's wage for the same post (元/月).
    hours_per_day, hours_per_week : float or None
        Working time.
    enterprise_staff_count : int or None
        在岗职工总数 of the enterprise.
    existing_interns : int
        Open internship headcount already at this enterprise (other postings).
    post_staff_count : int or None
        Staff on this kind of post.
    open_to_vocational : bool
        The posting is aimed at vocational students (学历 conditions are then checked).
    skills : tuple of str
        The skills asked for, each a text a person reads.
    requirements : str
        任职要求, free text a person reads (screened like the description).
    """

    kind: str
    title: str
    description: str
    headcount: int
    monthly_pay: float | None
    same_post_wage: float | None
    hours_per_day: float | None
    hours_per_week: float | None
    enterprise_staff_count: int | None
    existing_interns: int
    post_staff_count: int | None
    open_to_vocational: bool = True
    skills: tuple[str, ...] = ()
    requirements: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"岗位类型“{self.kind}”不在 {KINDS} 之中")
        if self.headcount < 0 or self.existing_interns < 0:
            raise ValueError("招聘人数和已有实习人数不能为负数")


@dataclass(frozen=True)
class Finding:
    """One problem with a posting.

    Attributes
    ----------
    code : str
        Machine-readable kind of problem, e.g. ``discriminatory_term``.
    severity : {"blocking", "warning"}
        ``blocking`` stops publication until the posting is edited; ``warning`` is shown.
    field : str
        The posting field concerned (``title``, ``description``, ``monthly_pay`` …).
    message : str
        Chinese, with the figures or the words that tripped the rule.
    rule : str
        The rule applied (a `ComplianceRules` field name).
    source : str
        Policy or legal source.
    category : str
        What kind of problem, in Chinese (性别歧视, 户籍歧视 …); empty for the figures.
    words : tuple of str
        The words found, as the enterprise wrote them (full-width, traditional, spaced …).
    context : tuple of str
        Each of the words in its surrounding text, as written (… marks a cut).
    suggestion : str
        A fair wording to use instead, in Chinese.
    score : float or None
        The review classifier's score, on its findings (code ``needs_review``) only.
    """

    code: str
    severity: Severity
    field: str
    message: str
    rule: str
    source: str
    category: str = ""
    words: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    suggestion: str = ""
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON; the text fields only where they say something."""
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "message": self.message,
            "rule": self.rule,
            "source": self.source,
        }
        if self.category:
            out["category"] = self.category
        if self.words:
            out["words"] = list(self.words)
            out["context"] = list(self.context)
        if self.suggestion:
            out["suggestion"] = self.suggestion
        if self.score is not None:
            out["score"] = self.score
        return out


def check_position(facts: PositionFacts, rules: ComplianceRules) -> list[Finding]:
    """Check a position against the posting rules.

    Parameters
    ----------
    facts : PositionFacts
        The position.
    rules : ComplianceRules
        Thresholds and word lists.

    Returns
    -------
    list of Finding
        Blocking findings first, then warnings; empty when the posting may be published.
    """
    findings = _term_findings(facts, rules)
    if facts.kind in rules.student_kinds:
        findings.extend(_hours_findings(facts, rules))
    if facts.kind == "internship":
        findings.extend(_pay_findings(facts, rules))
        findings.extend(_share_findings(facts, rules))
    # Stable sort: within each severity the findings stay in the order they were checked.
    findings.sort(key=lambda finding: _SEVERITIES.index(finding.severity))
    return findings


# ---------------------------------------------------------------------------- normalisation

# Marks in the normalised text: blanked benign text, and the end of a sentence. Neither matches
# a rule nor glues its neighbours into a match.
_BENIGN_MARK = "\u2063"
_BOUNDARY = "\u2063"
# Sentence ends stay as a boundary, so that two sentences never read as one word.
# A colon too: 任职要求：单身员工可住宿舍 is a label and its content, not 要求单身.
_SENTENCE_ENDS = frozenset("。!?;:\n\r")
# The "-" and "~" of an age range (18-35岁) stay between digits and Chinese numerals alike.
_KEPT = frozenset("-~")
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")


@cache
def _simplified() -> dict[str, str]:
    """Traditional → simplified, one character to one character (the table of the zhconv
    package, read as data), so that every character of the normalised text still points at one
    character of the original."""
    data = resources.files("zhconv").joinpath("zhcdict.json").read_text(encoding="utf-8")
    table: dict[str, str] = json.loads(data)["zh2Hans"]
    return {k: v for k, v in table.items() if len(k) == 1 and len(v) == 1 and k != v}


def _is_separator(char: str) -> bool:
    return unicodedata.category(char)[0] in "ZPC" and char not in _KEPT


def normalized(text: str) -> tuple[str, list[int]]:
    """The text the rules read, and for each of its characters the index of the character of
    ``text`` it came from.

    NFKC (full-width → half-width), traditional → simplified, lower case; invisible characters
    (zero-width spaces and joiners, controls) dropped; spaces and punctuation dropped, except a
    sentence end (kept as a boundary mark) and the separators between two ASCII letters or digits
    (985/211, 1.6米 stay as written, a run of spaces as one space). So 只 要 女 生, 仅\u200d限本地
    户口 and 技校生勿擾 read 只要女生, 仅限本地户口 and 技校生勿扰.
    """
    if _is_plain(text):
        return text, list(range(len(text)))
    return _normalized_chars(text)


# Characters that normalisation leaves as they are, and those it changes or drops: a text made of
# the first alone reads as written (most of an import's titles), with no pass over its characters.
_PLAIN_CHARS: set[str] = set()
_CHANGED_CHARS: set[str] = set()


def _is_plain(text: str) -> bool:
    """Whether `normalized` gives ``text`` back unchanged, character for character."""
    chars = set(text)
    if chars <= _PLAIN_CHARS:
        return True
    if chars & _CHANGED_CHARS:
        return False
    for char in chars - _PLAIN_CHARS:
        if _normalized_chars(char)[0] == char:
            _PLAIN_CHARS.add(char)
        else:
            _CHANGED_CHARS.add(char)
            return False
    return True


def _normalized_chars(text: str) -> tuple[str, list[int]]:
    """`normalized`, character by character."""
    table = _simplified()
    chars: list[tuple[str, int]] = []
    for index, original in enumerate(text):
        for char in unicodedata.normalize("NFKC", original):
            if char in _SENTENCE_ENDS:
                chars.append((_BOUNDARY, index))
            elif unicodedata.category(char) in ("Cf", "Cc", "Co", "Cn") and char != _BENIGN_MARK:
                continue
            else:
                chars.append((table.get(char, char).lower(), index))
    out: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(chars):
        char, index = chars[i]
        if char == _BENIGN_MARK or not _is_separator(char):
            out.append(char)
            where.append(index)
            i += 1
            continue
        j = i
        while j < len(chars) and chars[j][0] != _BENIGN_MARK and _is_separator(chars[j][0]):
            j += 1
        before = out[-1] if out else ""
        after = chars[j][0] if j < len(chars) else ""
        if _ASCII_ALNUM.fullmatch(before) and _ASCII_ALNUM.fullmatch(after):
            run = [c for c, _ in chars[i:j]]
            kept = next((c for c in run if not c.isspace()), " ")
            out.append(kept)
            where.append(chars[i][1])
        i = j
    return "".join(out), where


def normalize_text(text: str) -> str:
    """The normalised text alone (see `normalized`)."""
    return normalized(text)[0]


def _blank_benign(text: str, rules: ComplianceRules) -> str:
    """``text`` with every benign pattern's matches blanked. Each pattern reads the text as it
    was, so one pattern's blanks never hide the words another needs (户口均可 inside
    本地户口和外地户口均可)."""
    joined = _joined(rules.benign)
    if joined is not None and joined.search(text) is None:
        return text  # no pattern matches anywhere: nothing to blank (one scan, not one a pattern)
    blank = [False] * len(text)
    for pattern in rules.benign:
        for match in pattern.finditer(text):
            blank[match.start() : match.end()] = [True] * (match.end() - match.start())
    return "".join(_BENIGN_MARK if b else c for c, b in zip(text, blank, strict=True))


# ---------------------------------------------------------------------------- words


_CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def age_number(text: str) -> int | None:
    """18, 十八, 三十五, 二十 → the number; None when ``text`` is no age."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CHINESE_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return int("".join(str(_CHINESE_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    if "十" in units or len(tens) > 1 or len(units) > 1:
        return None
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)


def _ages(match: re.Match[str]) -> list[int]:
    groups = match.groupdict()
    found = [age_number(groups[name] or "") for name in ("low", "high") if name in groups]
    return [age for age in found if age is not None]


@dataclass
class _Hit:
    rule: TermRule
    start: int
    end: int
    severity: Severity
    under_age: bool


def _quote(text: str, where: list[int], start: int, end: int) -> tuple[str, str]:
    """The words of ``text`` behind the normalised span, as written, and their context."""
    first, last = where[start], where[end - 1] + 1
    words = text[first:last]
    left, right = max(0, first - _CONTEXT), min(len(text), last + _CONTEXT)
    context = (
        ("…" if left > 0 else "")
        + text[left:last].replace("\n", " ")
        + text[last:right].replace("\n", " ")
        + ("…" if right < len(text) else "")
    )
    return words, context


# One pattern of every term rule of a rule set, keyed on the rule set (see _prefilter).
_PREFILTERS: dict[int, tuple[ComplianceRules, re.Pattern[str] | None]] = {}
_NAMED_GROUP = re.compile(r"(?<!\\)\(\?P<[A-Za-z_][A-Za-z0-9_]*>")
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


# The alternation of each tuple of benign patterns (see _joined), keyed on the tuple.
_JOINED: dict[int, tuple[tuple[re.Pattern[str], ...], re.Pattern[str] | None]] = {}


def _joined(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """One pattern that finds something in a text wherever one of ``patterns`` does (None when
    they cannot be joined: a back-reference, or flags that differ)."""
    cached = _JOINED.get(id(patterns))
    if cached is not None and cached[0] is patterns:
        return cached[1]
    combined = _alternation([p.pattern for p in patterns], {p.flags for p in patterns})
    _JOINED[id(patterns)] = (patterns, combined)
    return combined


def _alternation(sources: list[str], flags: set[int]) -> re.Pattern[str] | None:
    if not sources or len(flags) != 1 or any(_BACKREFERENCE.search(s) for s in sources):
        return None
    joined = "|".join(f"(?:{_NAMED_GROUP.sub('(?:', source)})" for source in sources)
    try:
        return re.compile(joined, flags.pop())
    except re.error:
        return None


def _prefilter(rules: ComplianceRules) -> re.Pattern[str] | None:
    """The alternation of every term rule's pattern (named groups made plain): a text it finds
    nothing in holds no rule's match, and is passed over in one scan instead of one per rule
    (most texts: an import's titles are unique to their rows). None when the patterns cannot be
    joined (a back-reference)."""
    cached = _PREFILTERS.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    sources = [rule.pattern.pattern for rule in _all_rules(rules)]
    combined: re.Pattern[str] | None = None
    if sources and not any(_BACKREFERENCE.search(source) for source in sources):
        joined = "|".join(f"(?:{_NAMED_GROUP.sub('(?:', source)})" for source in sources)
        try:
            combined = re.compile(joined, re.IGNORECASE)
        except re.error:
            combined = None
    _PREFILTERS[id(rules)] = (rules, combined)
    return combined


def _text_hits(
    text: str, kind: str, open_to_vocational: bool, rules: ComplianceRules
) -> list[_Hit]:
    """The rules' matches in one normalised text: within a category, a match that overlaps an
    earlier one (of an earlier rule) is the same words and is dropped."""
    prefilter = _prefilter(rules)
    if prefilter is not None and prefilter.search(text) is None:
        return []
    hits: list[_Hit] = []
    claimed: dict[str, list[tuple[int, int]]] = {}
    for group, _ in _TERM_GROUPS:
        term_rules: Sequence[TermRule] = getattr(rules, group)
        for rule in term_rules:
            if kind not in rule.kinds or (rule.vocational_only and not open_to_vocational):
                continue
            spans = claimed.setdefault(rule.category, [])
            for match in rule.pattern.finditer(text):
                start, end = match.span()
                if start == end or any(start < e and s < end for s, e in spans):
                    continue
                under_age = bool(rule.age) and any(a < rules.min_age for a in _ages(match))
                if rule.age == "floor" and not under_age:
                    continue
                spans.append((start, end))
                severity: Severity = "blocking" if under_age else rule.severity
                hits.append(_Hit(rule, start, end, severity, under_age))
    return hits


# The findings of one field's text, by (field, text, kind, open to vocational students): an import
# repeats its descriptions and skills across thousands of rows, each is screened once. Keyed on the
# rules object too (a changed rule set never reads another's findings); bounded by clearing
# (10 000 texts: a few tens of MB at most in a server).
_FieldKey = tuple[int, str, str, str, bool]
_FIELD_CACHE: dict[_FieldKey, tuple[ComplianceRules, tuple[Finding, ...]]] = {}
_FIELD_CACHE_SIZE = 10_000


def _term_findings(facts: PositionFacts, rules: ComplianceRules) -> list[Finding]:
    findings: list[Finding] = []
    texts = {
        "title": facts.title,
        "description": facts.description,
        "requirements": facts.requirements,
        "skills": "\n".join(facts.skills),
    }
    for field_name in TEXT_FIELDS:
        original = texts[field_name]
        if not original:
            continue
        key = (id(rules), field_name, original, facts.kind, facts.open_to_vocational)
        cached = _FIELD_CACHE.get(key)
        if cached is None or cached[0] is not rules:
            found = tuple(
                _field_findings(field_name, original, facts.kind, facts.open_to_vocational, rules)
            )
            if len(_FIELD_CACHE) >= _FIELD_CACHE_SIZE:
                _FIELD_CACHE.clear()
            cached = _FIELD_CACHE[key] = (rules, found)
        findings.extend(cached[1])
    return findings


def _field_findings(
    field_name: str, original: str, kind: str, open_to_vocational: bool, rules: ComplianceRules
) -> list[Finding]:
    """The term rules' findings in one field's text."""
    findings: list[Finding] = []
    if original:
        text, where = normalized(original)
        scanned = _blank_benign(text, rules)
        hits = _text_hits(scanned, kind, open_to_vocational, rules)
        if not hits:
            return findings  # most texts (an import's titles): no rule's order to look up
        # One finding per category (and severity) per field, in the order the rules are listed.
        grouped: dict[tuple[str, bool], list[_Hit]] = {}
        for hit in sorted(hits, key=lambda h: h.start):
            grouped.setdefault((hit.rule.category, hit.under_age), []).append(hit)
        order = {id(rule): n for n, rule in enumerate(_all_rules(rules))}
        for (_, under_age), group in sorted(
            grouped.items(), key=lambda item: min(order[id(h.rule)] for h in item[1])
        ):
            quoted: dict[str, str] = {}
            for hit in group:
                words, context = _quote(original, where, hit.start, hit.end)
                quoted.setdefault(words, context)
            rule = group[0].rule
            label = _FIELD_LABELS[field_name]
            marks = "、".join(f"“{words}”" for words in quoted)
            if under_age:
                findings.append(
                    Finding(
                        code="child_labour_age",
                        severity="blocking",
                        field=field_name,
                        message=(
                            f"{label}含有未满{rules.min_age}周岁的年龄条件{marks}：不得招用"
                            f"未满{rules.min_age}周岁的未成年人，也不得安排未满{rules.min_age}"
                            "周岁的学生实习"
                        ),
                        rule="min_age",
                        source=rules.sources["child_labour"],
                        category="童工年龄",
                        words=tuple(quoted),
                        context=tuple(quoted.values()),
                        suggestion=f"年满{rules.min_age}周岁",
                    )
                )
                continue
            group_name, code = _group_of(rules, rule)
            findings.append(
                Finding(
                    code=code,
                    severity=min((h.severity for h in group), key=_SEVERITIES.index),
                    field=field_name,
                    message=f"{label}含有{rule.category}用语{marks}：{rule.message}",
                    rule=group_name,
                    source=rule.source,
                    category=rule.category,
                    words=tuple(quoted),
                    context=tuple(quoted.values()),
                    suggestion=rule.suggestion,
                )
            )
    return findings


def _all_rules(rules: ComplianceRules) -> list[TermRule]:
    return [rule for group, _ in _TERM_GROUPS for rule in getattr(rules, group)]


def _group_of(rules: ComplianceRules, rule: TermRule) -> tuple[str, str]:
    for group, code in _TERM_GROUPS:
        if any(candidate is rule for candidate in getattr(rules, group)):
            return group, code
    raise LookupError(rule.label)  # pragma: no cover - every hit comes from a group


def age_on(birth_date: date, day: date) -> int:
    """Full years of someone born on ``birth_date`` on ``day`` (周岁); born on 29 February, the
    birthday of a common year is 1 March."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def student_age_finding(
    kind: str, birth_date: date | None, start: date, today: date, rules: ComplianceRules
) -> Finding | None:
    """The under-16 rule for placing a student on a position of ``kind`` starting on ``start``:
    a blocking finding when the student is younger than ``rules.min_age`` on the later of
    ``start`` and ``today``; None when the rule does not apply or is met (no birth date: the
    school has not entered one, nothing to check)."""
    if kind not in rules.student_kinds or birth_date is None:
        return None
    day = max(start, today)
    age = age_on(birth_date, day)
    if age >= rules.min_age:
        return None
    return Finding(
        code="student_under_min_age",
        severity="blocking",
        field="birth_date",
        message=(
            f"学生到岗时（{day.isoformat()}）未满{rules.min_age}周岁（{age}周岁），不得安排"
            "或接收其参加实习、学徒岗位"
        ),
        rule="min_age",
        source=rules.sources["child_labour"],
        category="童工年龄",
    )


def _hours_findings(facts: PositionFacts, rules: ComplianceRules) -> list[Finding]:
    findings: list[Finding] = []
    limits = (
        (
            "hours_per_day",
            facts.hours_per_day,
            rules.max_hours_per_day,
            "每日",
            "max_hours_per_day",
        ),
        (
            "hours_per_week",
            facts.hours_per_week,
            rules.max_hours_per_week,
            "每周",
            "max_hours_per_week",
        ),
    )
    for field_name, hours, limit, period, rule in limits:
        if hours is not None and hours > limit:
            findings.append(
                Finding(
                    code=f"{field_name}_exceeded",
                    severity="blocking",
                    field=field_name,
                    message=(
                        f"{period}工作时长{_number(hours)}小时，超过学生{period}"
                        f"{_number(limit)}小时的上限（不得安排学生加班）"
                    ),
                    rule=rule,
                    source=rules.sources["hours"],
                )
            )
    return findings


def _pay_findings(facts: PositionFacts, rules: ComplianceRules) -> list[Finding]:
    source = rules.sources["internship_pay"]
    share = rules.internship_pay_min_share
    if facts.same_post_wage is None or facts.same_post_wage <= 0:
        return [
            Finding(
                code="same_post_wage_missing",
                severity="warning",
                field="same_post_wage",
                message=(
                    f"未填写本单位同岗位职工工资，无法核对实习报酬是否不低于其{_percent(share)}"
                ),
                rule="internship_pay_min_share",
                source=source,
            )
        ]
    floor = facts.same_post_wage * share
    if facts.monthly_pay is None:
        return [
            Finding(
                code="monthly_pay_missing",
                severity="warning",
                field="monthly_pay",
                message=(
                    f"未填写实习报酬，无法核对是否不低于同岗位工资{_number(facts.same_post_wage)}"
                    f"元的{_percent(share)}（{_number(floor)}元）"
                ),
                rule="internship_pay_min_share",
                source=source,
            )
        ]
    # Compare the share itself: 4000 / 5000 is exactly 0.8, while 5000 * 0.8 carries float noise.
    if facts.monthly_pay / facts.same_post_wage < share:
        return [
            Finding(
                code="internship_pay_below_share",
                severity="blocking",
                field="monthly_pay",
                message=(
                    f"实习报酬每月{_number(facts.monthly_pay)}元，低于本单位同岗位工资"
                    f"{_number(facts.same_post_wage)}元的{_percent(share)}"
                    f"（{_number(floor)}元）"
                ),
                rule="internship_pay_min_share",
                source=source,
            )
        ]
    return []


def _share_findings(facts: PositionFacts, rules: ComplianceRules) -> list[Finding]:
    findings: list[Finding] = []
    interns = facts.existing_interns + facts.headcount
    staff = facts.enterprise_staff_count
    staff_share = rules.intern_share_of_staff_max
    if staff is None or staff <= 0:
        findings.append(
            Finding(
                code="staff_count_missing",
                severity="warning",
                field="enterprise_staff_count",
                message=(
                    f"未填写企业在岗职工总数，无法核对实习学生是否不超过其{_percent(staff_share)}"
                ),
                rule="intern_share_of_staff_max",
                source=rules.sources["intern_share_of_staff"],
            )
        )
    elif interns / staff > staff_share:
        findings.append(
            Finding(
                code="intern_share_of_staff_exceeded",
                severity="blocking",
                field="headcount",
                message=(
                    f"实习学生{interns}人（已有{facts.existing_interns}人，本岗位"
                    f"{facts.headcount}人），超过企业在岗职工总数{staff}人的"
                    f"{_percent(staff_share)}（{_number(staff * staff_share)}人）"
                ),
                rule="intern_share_of_staff_max",
                source=rules.sources["intern_share_of_staff"],
            )
        )
    post_staff = facts.post_staff_count
    post_share = rules.intern_share_of_post_max
    if post_staff is None or post_staff <= 0:
        findings.append(
            Finding(
                code="post_staff_count_missing",
                severity="warning",
                field="post_staff_count",
                message=(
                    f"未填写同类岗位在岗职工人数，无法核对本岗位实习学生是否不超过其"
                    f"{_percent(post_share)}"
                ),
                rule="intern_share_of_post_max",
                source=rules.sources["intern_share_of_post"],
            )
        )
    elif facts.headcount / post_staff > post_share:
        findings.append(
            Finding(
                code="intern_share_of_post_exceeded",
                severity="blocking",
                field="headcount",
                message=(
                    f"本岗位实习学生{facts.headcount}人，超过同类岗位在岗职工{post_staff}人的"
                    f"{_percent(post_share)}（{_number(post_staff * post_share)}人）"
                ),
                rule="intern_share_of_post_max",
                source=rules.sources["intern_share_of_post"],
            )
        )
    return findings


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def _number(value: float) -> str:
    # :g-style without float noise: 5000 * 0.8 = 4000.0000000000005 prints as 4000.
    rounded = round(value, 2)
    return str(int(rounded)) if float(rounded).is_integer() else f"{rounded:g}"


# ---------------------------------------------------------------------------- messages

# Term groups that apply to a message: no fees, no discrimination (and no child labour, which the
# discrimination rules' age conditions catch).
MESSAGE_TERM_CODES = frozenset({"discriminatory_term", "fee_charged", "child_labour_age"})
MESSAGE_CONTACT_SOURCE = (
    "《中华人民共和国个人信息保护法》第六条：处理个人信息应当限于实现处理目的的最小范围；"
    "第十三条、第二十三条：向他人提供个人信息应当取得个人的单独同意"
)
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9](?:[- ]?[0-9]){8})(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_WECHAT = re.compile(
    r"(?:微信|weixin|wechat|vx|wx|v信|威信)\s*(?:号|id)?\s*[:：是为]?\s*([A-Za-z][-_A-Za-z0-9]{5,19})",
    re.IGNORECASE,
)
_CONTACT_KINDS = {"mobile": "手机号", "email": "电子邮箱", "wechat": "微信号"}


def contact_details(text: str) -> list[tuple[str, str, str]]:
    """Mobile numbers, e-mail addresses and WeChat ids in ``text``: (kind, as written, canonical
    form), the canonical form comparable across spellings (digits only; lower case)."""
    plain = unicodedata.normalize("NFKC", text)
    found: list[tuple[str, str, str]] = []
    for match in _MOBILE.finditer(plain):
        found.append(("mobile", match.group(0), re.sub(r"[^0-9]", "", match.group(1))))
    for match in _EMAIL.finditer(plain):
        found.append(("email", match.group(0), match.group(0).lower()))
    for match in _WECHAT.finditer(plain):
        found.append(("wechat", match.group(1), match.group(1).lower()))
    return found


def check_message(
    text: str,
    kind: str,
    rules: ComplianceRules,
    *,
    from_employer: bool,
    shared: Sequence[str] = (),
) -> list[Finding]:
    """Check an enterprise's message to an applicant like a posting of ``kind``.

    Parameters
    ----------
    text : str
        The message.
    kind : str
        The kind of the position applied to (the word lists differ by kind).
    rules : ComplianceRules
        Word lists.
    from_employer : bool
        Only an enterprise's messages are screened; a student's are its own words.
    shared : sequence of str
        What the student wrote in the thread: contact details found there were shared by the
        student and may be repeated.

    Returns
    -------
    list of Finding
        Blocking findings (fees, discrimination, the student's contact details the student did
        not share), field ``body``; empty when the message may be sent.
    """
    if not from_employer or not text:
        return []
    facts = PositionFacts(
        kind=kind,
        title="",
        description=text,
        headcount=0,
        monthly_pay=None,
        same_post_wage=None,
        hours_per_day=None,
        hours_per_week=None,
        enterprise_staff_count=None,
        existing_interns=0,
        post_staff_count=None,
    )
    findings = [
        replace(f, field="body", message=f.message.replace(_FIELD_LABELS["description"], "消息", 1))
        for f in _term_findings(facts, rules)
        if f.code in MESSAGE_TERM_CODES and f.severity == "blocking"
    ]
    allowed = {canonical for item in shared for _, _, canonical in contact_details(item)}
    for contact_kind, written, canonical in contact_details(text):
        if canonical in allowed:
            continue
        label = _CONTACT_KINDS[contact_kind]
        findings.append(
            Finding(
                code="student_contact",
                severity="blocking",
                field="body",
                message=(
                    f"消息含有{label}“{written}”：为保护学生个人信息，企业消息中的手机号、"
                    "电子邮箱和微信号只能是学生本人在本对话中提供的"
                ),
                rule="student_contact",
                source=MESSAGE_CONTACT_SOURCE,
                category="学生联系方式",
                words=(written,),
                context=(written,),
                suggestion="通过平台消息沟通；面试地点和线上链接请写在面试安排中",
            )
        )
    return findings
