"""Resolution of messy major names to the 职业教育专业目录 (vocational major catalogue).

Schools type majors in many ways: full-width digits, spaces, a trailing 专业, a direction in
brackets, a former name, the name of the same major at another level, a typo. `MajorResolver`
maps each input to one catalogue entry or, when it cannot be sure, to none with suggestions —
never to a silent wrong guess.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from matching.text import normalize_major_name, pinyin_syllables

__all__ = ["LEVELS", "Candidate", "MajorRecord", "MajorResolver", "Resolution", "class_key"]

LEVELS: tuple[str, ...] = ("中职", "高职专科", "职教本科")
"""The three levels of the catalogue, from lowest to highest."""

_CODE = re.compile(r"\d{6}K?")
_CODE_THEN_NAME = re.compile(r"(\d{6}K?)[\s\-_:.,/|·]*(\D.*)")
# Unknown pinyin syllables in a query can never match a catalogue syllable, so one sentinel serves.
_UNKNOWN_SYLLABLE = "\U000f0000"
_SYLLABLE_BASE = 0xE000
# Trailing words people drop when they write a major's name (机电一体化 for 机电一体化技术).
_DROPPABLE_SUFFIXES = ("技术与管理", "工程技术", "技术", "管理", "工程")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
# Large batches are scored in chunks so that the score matrix stays a few megabytes.
_CHUNK = 1024
# Below this many comparisons a thread pool costs more than it saves.
_PARALLEL_MIN_CELLS = 200_000


@dataclass(frozen=True)
class MajorRecord:
    """One catalogue major.

    Attributes
    ----------
    code : str
        专业代码, six digits, sometimes with a ``K`` suffix (e.g. ``"520101K"``).
    name : str
        专业名称 as in the catalogue.
    level : str
        One of `LEVELS`: 中职, 高职专科 or 职教本科.
    class_code : str
        专业类 code, four digits (e.g. ``"5102"`` 计算机类).
    aliases : tuple of str
        Other names that mean this major: former names (renamed majors) and abbreviations.
    """

    code: str
    name: str
    level: str
    class_code: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A catalogue major suggested for an input, with its similarity score (0–100)."""

    code: str
    name: str
    level: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON."""
        return {"code": self.code, "name": self.name, "level": self.level, "score": self.score}


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one input.

    Attributes
    ----------
    input : str
        The input as given.
    code, name, level : str or None
        The catalogue major it resolved to; all None when it did not resolve.
    score : float
        100 for ``code``, ``exact`` and ``alias``; the similarity for ``fuzzy`` and
        ``counterpart``; the best candidate's score (or 0) when unresolved.
    method : str or None
        ``"code"``, ``"exact"``, ``"alias"``, ``"short_form"``, ``"fuzzy"`` or
        ``"counterpart"``; None when unresolved.
    candidates : tuple of Candidate
        When unresolved: the best few suggestions (score ≥ the resolver's ``candidate_cutoff``),
        best first. When ``fuzzy``: the runners-up as well, the chosen major first. When
        ``counterpart``: the major(s) the input named at the other level. Otherwise empty.
    """

    input: str
    code: str | None
    name: str | None
    level: str | None
    score: float
    method: str | None
    candidates: tuple[Candidate, ...]

    @property
    def resolved(self) -> bool:
        """Whether the input resolved to one catalogue major."""
        return self.code is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON."""
        return {
            "input": self.input,
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "score": self.score,
            "method": self.method,
            "candidates": [candidate.to_dict() for candidate in self.candidates],
        }


class _LevelIndex(NamedTuple):
    """Fuzzy-matching choices of one level (or of all levels)."""

    records: npt.NDArray[np.intp]  # catalogue positions, one per segment
    texts: list[str]  # normalised names and aliases, grouped by record
    syllables: list[str]  # the same texts as pinyin-syllable strings (see _level_syllables)
    starts: npt.NDArray[np.intp]  # first choice of each record, for np.maximum.reduceat


def class_key(class_code: str) -> str:
    """Level-independent key of a 专业类 code.

    The 大类 codes run 61–79 at 中职, 41–59 at 高职专科 and 21–39 at 职教本科, the same 19 大类 in
    the same order, so ``7102``, ``5102`` and ``3102`` (计算机类) all give ``"1102"``.

    Parameters
    ----------
    class_code : str
        A four-digit 专业类 code.

    Returns
    -------
    str
        The key shared by the corresponding 专业类 at every level.
    """
    return f"{int(class_code[:2]) % 20:02d}{class_code[2:]}"


class _Estimator:
    """scikit-learn's estimator contract (``get_params``, ``set_params``, so ``clone`` works)
    without importing scikit-learn: importing ``sklearn.base`` pulls scipy in, ~100 MB and ~2 s
    that every import of a file and every command paid for a catalogue lookup."""

    @classmethod
    def _param_names(cls) -> list[str]:
        code = cls.__init__.__code__  # the parameters of __init__, as scikit-learn reads them
        return list(code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount])

    @classmethod
    def _defaults(cls) -> dict[str, Any]:
        names = cls._param_names()
        defaults = cls.__init__.__defaults__ or ()
        return dict(zip(names[len(names) - len(defaults) :], defaults, strict=True))

    def get_params(self, deep: bool = True) -> dict[str, Any]:  # noqa: ARG002 - sklearn's API
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Any:
        names = self._param_names()
        for name, value in params.items():
            if name not in names:
                raise ValueError(f"Invalid parameter {name!r} for {type(self).__name__}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if value != self._defaults().get(name, object())
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    def _check_fitted(self) -> None:
        """scikit-learn's ``NotFittedError`` (imported only to be raised) before ``fit``."""
        if not any(name.endswith("_") and not name.startswith("_") for name in vars(self)):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. "
                "Call 'fit' with appropriate arguments before using this estimator."
            )


class MajorResolver(_Estimator):
    """Resolve free-text major names or codes to catalogue majors.

    The steps, first hit wins: a catalogue code (also full-width, optionally followed by the
    name) → the exact normalised name → an alias (former name, abbreviation) → fuzzy similarity
    over the normalised names and aliases of the level. When ``level`` is given and the input
    names a major of another level exactly (by code, name or alias), the result is its
    counterpart at ``level``: the same normalised name there, or else the most similar major of
    the corresponding 专业类 (see `class_key`) scoring at least ``candidate_cutoff``.

    A fuzzy score is the rapidfuzz ``ratio`` of the normalised strings, or, when higher,
    ``homophone_weight`` times the ratio of their pinyin-syllable sequences, so that a wrong
    character typed through a pinyin input method (电子商物 for 电子商务) still scores high
    but never as high as the right characters.

    Parameters
    ----------
    score_cutoff : float, default=85.0
        Least fuzzy score (0–100) that resolves a name.
    n_candidates : int, default=5
        Most suggestions returned with a result.
    candidate_cutoff : float, default=50.0
        Least score for a suggestion, and for a 专业类 counterpart.
    homophone_weight : float, default=0.95
        Weight of the pinyin-syllable score; 0 turns the homophone channel off.

    Attributes
    ----------
    records_ : tuple of MajorRecord
        The catalogue as fitted.
    code_index_ : dict of str to int
        Catalogue position by code.
    name_index_ : dict of str to list of int
        Catalogue positions by normalised name (several when levels share a name).
    alias_index_ : dict of str to list of int
        Catalogue positions by normalised alias.
    level_index_ : dict of str to _LevelIndex
        Fuzzy-matching choices per level, and over all levels under the key ``"*"``.
    class_members_ : dict of tuple of (str, str) to list of int
        Catalogue positions by (level, `class_key`).
    syllable_codes_ : dict of str to str
        One private-use character per pinyin syllable seen in the catalogue.

    Examples
    --------
    >>> resolver = MajorResolver().fit(
    ...     [MajorRecord("510203", "软件技术", "高职专科", "5102")]
    ... )
    >>> resolver.resolve("软件技术（移动应用开发方向）").code
    '510203'
    """

    def __init__(
        self,
        score_cutoff: float = 85.0,
        n_candidates: int = 5,
        candidate_cutoff: float = 50.0,
        homophone_weight: float = 0.95,
    ) -> None:
        self.score_cutoff = score_cutoff
        self.n_candidates = n_candidates
        self.candidate_cutoff = candidate_cutoff
        self.homophone_weight = homophone_weight

    # ------------------------------------------------------------------ fitting

    def fit(self, records: Sequence[MajorRecord]) -> MajorResolver:
        """Index a catalogue.

        Parameters
        ----------
        records : sequence of MajorRecord
            The catalogue; codes must be unique and levels one of `LEVELS`.

        Returns
        -------
        MajorResolver
            self.

        Raises
        ------
        ValueError
            On a bad hyperparameter, an unknown level, a malformed or duplicate code.
        """
        self._check_params()
        catalogue = tuple(records)
        code_index: dict[str, int] = {}
        name_index: dict[str, list[int]] = {}
        alias_index: dict[str, list[int]] = {}
        class_members: dict[tuple[str, str], list[int]] = {}
        normalised: list[str] = []
        for position, record in enumerate(catalogue):
            if record.level not in LEVELS:
                raise ValueError(f"专业 {record.code} 的层次“{record.level}”不在 {LEVELS} 之中")
            if not _CODE.fullmatch(record.code) or not re.fullmatch(r"\d{4}", record.class_code):
                raise ValueError(
                    f"专业代码或专业类代码格式错误：{record.code} / {record.class_code}"
                )
            if record.code in code_index:
                raise ValueError(f"专业代码重复：{record.code}")
            code_index[record.code] = position
            name = normalize_major_name(record.name)
            normalised.append(name)
            name_index.setdefault(name, []).append(position)
            for alias in {normalize_major_name(alias) for alias in record.aliases} - {name, ""}:
                alias_index.setdefault(alias, []).append(position)
            key = (record.level, class_key(record.class_code))
            class_members.setdefault(key, []).append(position)

        self.records_ = catalogue
        self.normalised_names_ = normalised
        self.code_index_ = code_index
        self.name_index_ = name_index
        self.alias_index_ = alias_index
        self.class_members_ = class_members
        self.syllable_codes_: dict[str, str] = {}
        self._syllable_lock = threading.Lock()
        self._syllables_made = False
        aliases_by_position: dict[int, list[str]] = {}
        for alias, positions in alias_index.items():
            for position in positions:
                aliases_by_position.setdefault(position, []).append(alias)
        self.short_index_ = self._build_short_index(catalogue, normalised)
        self.level_index_ = {
            level: self._build_level_index(
                [p for p in range(len(catalogue)) if level in ("*", catalogue[p].level)],
                aliases_by_position,
            )
            for level in ("*", *LEVELS)
        }
        return self

    @staticmethod
    def _build_short_index(
        catalogue: Sequence[MajorRecord], normalised: list[str]
    ) -> dict[str, tuple[dict[str, list[int]], dict[str, list[int]]]]:
        """Per level: names without a droppable suffix, and names by their first character."""
        index: dict[str, tuple[dict[str, list[int]], dict[str, list[int]]]] = {}
        for level in ("*", *LEVELS):
            trimmed: dict[str, list[int]] = {}
            first: dict[str, list[int]] = {}
            for position, record in enumerate(catalogue):
                if level not in ("*", record.level):
                    continue
                name = normalised[position]
                for suffix in _DROPPABLE_SUFFIXES:
                    if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                        trimmed.setdefault(name[: -len(suffix)], []).append(position)
                        break
                if name:
                    first.setdefault(name[0], []).append(position)
            index[level] = (trimmed, first)
        return index

    def _check_params(self) -> None:
        if not 0.0 <= self.candidate_cutoff <= self.score_cutoff <= 100.0:
            raise ValueError("需要 0 <= candidate_cutoff <= score_cutoff <= 100")
        if self.n_candidates < 1:
            raise ValueError("n_candidates 至少为 1")
        if not 0.0 <= self.homophone_weight <= 1.0:
            raise ValueError("homophone_weight 应在 0 与 1 之间")

    def _build_level_index(
        self, positions: list[int], aliases_by_position: dict[int, list[str]]
    ) -> _LevelIndex:
        texts: list[str] = []
        starts: list[int] = []
        for position in positions:
            starts.append(len(texts))
            texts.append(self.normalised_names_[position])
            texts.extend(sorted(aliases_by_position.get(position, [])))
        return _LevelIndex(
            records=np.asarray(positions, dtype=np.intp),
            texts=texts,
            syllables=[],
            starts=np.asarray(starts, dtype=np.intp),
        )

    def _level_syllables(self, level: str) -> list[str]:
        """The pinyin-syllable strings of a level's choices, made on the first fuzzy query (every
        level's at once, in the order of ``fit``, so the syllable codes are always the same): an
        import whose names are all exact never loads pypinyin's phrase dictionary (~55 MB)."""
        with self._syllable_lock:  # a fitted resolver serves the server's threads
            if not self._syllables_made:
                for key, index in self.level_index_.items():
                    syllables = [self._syllable_string(text, learn=True) for text in index.texts]
                    self.level_index_[key] = index._replace(syllables=syllables)
                self._syllables_made = True
        return self.level_index_[level].syllables

    def _syllable_string(self, text: str, *, learn: bool) -> str:
        # One character per syllable makes rapidfuzz compare syllables, not letters: "shang" and
        # "shan" are different syllables, not 80 % alike.
        codes = self.syllable_codes_
        out = []
        for syllable in pinyin_syllables(text):
            code = codes.get(syllable)
            if code is None:
                if not learn:
                    out.append(_UNKNOWN_SYLLABLE)
                    continue
                code = codes[syllable] = chr(_SYLLABLE_BASE + len(codes))
            out.append(code)
        return "".join(out)

    # ------------------------------------------------------------------ resolving

    def resolve(self, name: str, level: str | None = None) -> Resolution:
        """Resolve one input.

        Parameters
        ----------
        name : str
            A major name or code as typed.
        level : str or None, default=None
            Restrict to this level (one of `LEVELS`); None searches every level, and a name
            found at several levels is then ambiguous.

        Returns
        -------
        Resolution
            See `Resolution`; ``code`` is None unless the input is unambiguous.
        """
        return self.resolve_many([name], level)[0]

    def resolve_many(self, names: Iterable[str], level: str | None = None) -> list[Resolution]:
        """Resolve a batch of inputs, in order.

        Codes, exact names and aliases are dictionary look-ups; the rest are scored together
        with ``rapidfuzz.process.cdist`` against the level's names in chunks, and each distinct
        normalised input is scored once.

        Parameters
        ----------
        names : iterable of str
            Major names or codes as typed.
        level : str or None, default=None
            As in `resolve`, for the whole batch.

        Returns
        -------
        list of Resolution
            One per input, in input order.
        """
        self._check_fitted()
        if level is not None and level not in LEVELS:
            raise ValueError(f"层次“{level}”不在 {LEVELS} 之中")
        inputs = list(names)
        results: list[Resolution | None] = [None] * len(inputs)
        pending: dict[str, list[int]] = {}
        for i, raw in enumerate(inputs):
            direct, query = self._resolve_direct(raw, level)
            if direct is None:
                direct = self._resolve_short(raw, query, level)
            if direct is not None:
                results[i] = direct
            else:
                pending.setdefault(query, []).append(i)
        if pending:
            queries = list(pending)
            for query, outcome in zip(queries, self._resolve_fuzzy(queries, level), strict=True):
                for i in pending[query]:
                    results[i] = _with_input(outcome, inputs[i])
        return [result for result in results if result is not None]

    def _resolve_direct(self, raw: str, level: str | None) -> tuple[Resolution | None, str]:
        """Code, exact and alias look-ups; returns (result, normalised query for fuzzy)."""
        compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw)).upper()
        if _CODE.fullmatch(compact):
            position = self._lookup_code(compact)
            if position is None:
                return _unresolved(raw, ()), ""
            return self._at_level(raw, [position], "code", level), ""
        prefixed = _CODE_THEN_NAME.fullmatch(compact)
        query = normalize_major_name(prefixed.group(2) if prefixed else raw)
        if prefixed:
            position = self._lookup_code(prefixed.group(1))
            if position is not None:
                if self._name_agrees(position, query):
                    return self._at_level(raw, [position], "code", level), query
                # The code and the name point at different majors: either could be the typo.
                score = round(_ratio(query, self.normalised_names_[position]), 2)
                named = self.name_index_.get(query) or self.alias_index_.get(query) or []
                candidates = [
                    self._candidate(p, 100.0) for p in self._by_code(named) if p != position
                ]
                candidates.append(self._candidate(position, score))
                return _unresolved(raw, tuple(candidates[: self.n_candidates])), query
        if not query:
            return _unresolved(raw, ()), query
        hits = [
            ("exact", self.name_index_.get(query, [])),
            ("alias", self.alias_index_.get(query, [])),
        ]
        if level is not None:
            # An alias at the asked level beats an exact name at another level.
            for method, positions in hits:
                here = [p for p in positions if self.records_[p].level == level]
                if here:
                    return self._at_level(raw, here, method, level, query), query
        for method, positions in hits:
            if positions:
                return self._at_level(raw, positions, method, level, query), query
        return None, query

    def _resolve_short(self, raw: str, query: str, level: str | None) -> Resolution | None:
        """A short form: the name without a trailing 技术/管理/工程, or an abbreviation made of
        the leading characters of its words (电商 → 电子商务, see `_is_abbreviation`).

        Only a single fitting major resolves; a short form fitting several majors is left to
        the fuzzy step (which then suggests, never guesses), and a name fitting majors at
        several levels with no level asked comes back unresolved with them as candidates.
        """
        if len(query) < 2 or not _CJK.fullmatch(query):
            return None
        trimmed, first = self.short_index_[level or "*"]
        fits = set(trimmed.get(query, []))
        for position in first.get(query[0], []):
            name = self.normalised_names_[position]
            if len(name) > len(query) and _is_abbreviation(query, name):
                fits.add(position)
        if not fits:
            return None
        names = {self.normalised_names_[p] for p in fits}
        if len(names) > 1:
            return None
        # Another major holding the short form inside its name (物流 in 现代物流管理) makes it
        # ambiguous: leave it to the fuzzy step's suggestions.
        index = self.level_index_[level or "*"]
        holders = {
            int(index.records[r])
            for r, start in enumerate(index.starts.tolist())
            if query in index.texts[start]
        }
        if holders - fits:
            return None
        positions = self._by_code(fits)
        if len(positions) > 1:
            return _unresolved(
                raw,
                tuple(
                    self._candidate(p, round(_ratio(query, self.normalised_names_[p]), 2))
                    for p in positions[: self.n_candidates]
                ),
            )
        score = round(_ratio(query, self.normalised_names_[positions[0]]), 2)
        return self._resolution(raw, positions[0], score, "short_form", ())

    def _lookup_code(self, code: str) -> int | None:
        position = self.code_index_.get(code)
        if position is None:
            # The K of 国控 majors (520101K 临床医学) is often left off, or added to the wrong code.
            toggled = code[:-1] if code.endswith("K") else code + "K"
            position = self.code_index_.get(toggled)
        return position

    def _name_agrees(self, position: int, query: str) -> bool:
        if not query or query == self.normalised_names_[position]:
            return True
        if position in self.alias_index_.get(query, ()):
            return True
        return _ratio(query, self.normalised_names_[position]) >= self.score_cutoff

    def _at_level(
        self,
        raw: str,
        positions: Sequence[int],
        method: str,
        level: str | None,
        query: str | None = None,
    ) -> Resolution:
        """A hit on one or more catalogue positions, checked against the requested level."""
        records = self.records_
        if level is not None:
            here = [p for p in positions if records[p].level == level]
            if not here:
                return self._counterpart(raw, positions, level, query)
            positions = here
        if len(positions) > 1:
            # The same name at several levels and no level asked: do not pick one.
            return _unresolved(
                raw, tuple(self._candidate(p, 100.0) for p in self._by_code(positions))
            )
        return self._resolution(raw, positions[0], 100.0, method, ())

    def _counterpart(
        self, raw: str, anchors: Sequence[int], level: str, query: str | None
    ) -> Resolution:
        """The major at ``level`` corresponding to majors found at another level."""
        records = self.records_
        anchor_candidates = tuple(self._candidate(p, 100.0) for p in self._by_code(anchors))
        scores: dict[int, float] = {}
        for anchor in anchors:
            anchor_name = self.normalised_names_[anchor]
            probes = [text for text in (query, anchor_name) if text]
            same_name = [
                p for p in self.name_index_.get(anchor_name, []) if records[p].level == level
            ]
            if same_name:
                for p in same_name:
                    scores[p] = 100.0
                continue
            members = self.class_members_.get((level, class_key(records[anchor].class_code)), [])
            if not members:
                continue
            choices = [self.normalised_names_[p] for p in members]
            matrix = process.cdist(
                probes,
                choices,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=self.candidate_cutoff,
                dtype=np.float64,
            )
            for p, score in zip(members, matrix.max(axis=0), strict=True):
                if score >= self.candidate_cutoff:
                    scores[p] = max(scores.get(p, 0.0), float(score))
        if not scores:
            return _unresolved(raw, anchor_candidates)
        best = max(scores.values())
        top = sorted(p for p, score in scores.items() if score == best)
        if len(top) > 1:
            ranked = sorted(scores.items(), key=lambda item: (-item[1], records[item[0]].code))
            return _unresolved(
                raw, tuple(self._candidate(p, s) for p, s in ranked[: self.n_candidates])
            )
        return self._resolution(raw, top[0], best, "counterpart", anchor_candidates)

    def _resolve_fuzzy(self, queries: list[str], level: str | None) -> list[Resolution]:
        """Score normalised queries against the level's choices; results carry no input yet."""
        index = self.level_index_[level or "*"]
        if self.homophone_weight > 0:
            self._level_syllables(level or "*")  # the catalogue's codes before the queries'
        syllable_queries = (
            [self._syllable_string(query, learn=False) for query in queries]
            if self.homophone_weight > 0
            else []
        )
        outcomes: list[Resolution] = []
        for start in range(0, len(queries), _CHUNK):
            chunk = queries[start : start + _CHUNK]
            scores = self._score(chunk, index.texts)
            if syllable_queries:
                # Dividing the cutoff keeps every weighted score that could reach candidate_cutoff.
                syllable_scores = self._score(
                    syllable_queries[start : start + _CHUNK],
                    self._level_syllables(level or "*"),
                    cutoff=min(100.0, self.candidate_cutoff / self.homophone_weight),
                )
                np.maximum(scores, syllable_scores * self.homophone_weight, out=scores)
            per_record = np.maximum.reduceat(scores, index.starts, axis=1)
            outcomes.extend(self._decide(row, index.records) for row in per_record)
        return outcomes

    def _score(self, queries: list[str], choices: list[str], cutoff: float | None = None) -> Any:
        workers = -1 if len(queries) * len(choices) >= _PARALLEL_MIN_CELLS else 1
        return process.cdist(
            queries,
            choices,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=self.candidate_cutoff if cutoff is None else cutoff,
            dtype=np.float64,
            workers=workers,
        )

    def _decide(self, row: npt.NDArray[np.float64], positions: npt.NDArray[np.intp]) -> Resolution:
        records = self.records_
        kept = np.flatnonzero(row >= self.candidate_cutoff)
        if kept.size == 0:
            return _unresolved("", ())
        # Best score first, then catalogue code, so that equal scores come out in a stable order.
        order = sorted(kept.tolist(), key=lambda j: (-row[j], records[positions[j]].code))
        ranked = [(int(positions[j]), round(float(row[j]), 2)) for j in order]
        candidates = tuple(self._candidate(p, s) for p, s in ranked[: self.n_candidates])
        best = ranked[0][1]
        tied = [p for p, s in ranked if s == best]
        if best < self.score_cutoff or len(tied) > 1:
            return _unresolved("", candidates)
        return self._resolution("", ranked[0][0], best, "fuzzy", candidates)

    # ------------------------------------------------------------------ building results

    def _by_code(self, positions: Iterable[int]) -> list[int]:
        return sorted(positions, key=lambda p: self.records_[p].code)

    def _candidate(self, position: int, score: float) -> Candidate:
        record = self.records_[position]
        return Candidate(code=record.code, name=record.name, level=record.level, score=score)

    def _resolution(
        self,
        raw: str,
        position: int,
        score: float,
        method: str,
        candidates: tuple[Candidate, ...],
    ) -> Resolution:
        record = self.records_[position]
        return Resolution(
            input=raw,
            code=record.code,
            name=record.name,
            level=record.level,
            score=score,
            method=method,
            candidates=candidates,
        )


def _unresolved(raw: str, candidates: tuple[Candidate, ...]) -> Resolution:
    score = candidates[0].score if candidates else 0.0
    return Resolution(
        input=raw, code=None, name=None, level=None, score=score, method=None, candidates=candidates
    )


def _with_input(outcome: Resolution, raw: str) -> Resolution:
    return replace(outcome, input=raw)


def _is_abbreviation(short: str, name: str) -> bool:
    """Whether ``short`` is made of leading characters of the name's two-character words, in
    order and without skipping a word: 电商 from 电子|商务, 跨境电商 from 跨境|电子|商务, but not
    汽车维修 from 汽车|检测|与维|修技|术 (a word skipped)."""
    blocks = [name[i : i + 2] for i in range(0, len(name), 2)]

    def fits(rest: str, block: int) -> bool:
        if not rest:
            return True
        if block == len(blocks):
            return False
        word = blocks[block]
        return any(
            rest.startswith(word[:n]) and fits(rest[n:], block + 1)
            for n in range(min(len(word), len(rest)), 0, -1)
        )

    return fits(short, 0)


def _ratio(left: str, right: str) -> float:
    return float(fuzz.ratio(left, right, processor=None, score_cutoff=0.0))
