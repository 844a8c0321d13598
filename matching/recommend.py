"""Explainable position recommendations for students, from an in-memory index updated in place.

`PositionIndex` holds the open positions as rows of a few sparse matrices (majors asked, 专业类
asked, skills, character bigrams of the text) and numpy arrays (kind, region, pay, closing date,
priority flag). Positions are added, replaced and removed one at a time — a changed posting costs
one row, never a rebuild — and new rows are merged into the main matrices in batches.

A student's score, in [0, 1], is

    0.5 × major + 0.3 × skills + 0.1 × region + 0.1 × pay

- major: 1 the position asks for the student's major; 0.9 it asks for the student's 专业类 as a
  class; 0.7 it asks for another major of the same 专业类; 0.4 of the same 专业大类; 0.3 it asks
  for no major; otherwise up to 0.3 by how much the position's words resemble the major's;
- skills: the share of the position's listed skills the student has (skills and certificates),
  blended 7:3 with the share of the student's skills that the position's text mentions;
- region: 1 inside a preferred region, 0.5 elsewhere in its province (no preference: 0.5);
- pay: monthly pay over ``pay_reference``, capped at 1 (0 when not stated).

Filters come first: open, closing date not passed, the student's preferred kinds, and (when the
student names regions) the provinces of those regions. Equal scores (to four decimals) rank
positions in a priority or shortage industry first, then by the position's id.

A query costs what the student can change, not the index's length: the rows asking for a related
major or listing one of the student's skills come from inverted indexes (the matrices' column-major
copies); every other row's score is fixed but for the region, so those are walked in an order kept
per province by `merge` only until no further row can reach the shortlist. The text parts are then
computed for the shortlist alone (at most ``max_text_candidates`` rows).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils.validation import check_is_fitted

from matching.resolve import MajorRecord, class_key

__all__ = [
    "PositionIndex",
    "PositionRecord",
    "Recommendation",
    "RecommendationReasons",
    "StudentProfile",
    "normalize_skill",
]

FloatArray = npt.NDArray[np.float64]

_N_FEATURES = 2**20
_NO_CLOSING = np.iinfo(np.int32).max
# The per-row arrays, grown together and compacted together.
_ARRAYS = (
    "_alive",
    "_kind",
    "_region",
    "_pay",
    "_closing",
    "_priority",
    "_n_skills",
    "_no_major",
    "_text_norm",
)
# The structural major score of each relation code (`_SAME_MAJOR` … `_RELATED_TEXT`).
_MAJOR_SCORES = np.array([1.0, 0.9, 0.7, 0.4, 0.3, 0.0])
_KINDS = ("apprenticeship", "internship", "job")
# Scores are compared at four decimals; a priority flag adds less than half a step, so it orders
# equal scores and never reorders different ones.
_DECIMALS = 4
_PRIORITY_NUDGE = 0.4 * 10.0**-_DECIMALS


def normalize_skill(text: str) -> str:
    """A skill or certificate name folded for comparison: NFKC, lower case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@dataclass(frozen=True)
class PositionRecord:
    """An open position as the index sees it.

    Attributes
    ----------
    id : str
        Identifier (the caller's primary key as text).
    title, enterprise, kind, region_code : str
        Title, enterprise name, kind (apprenticeship / internship / job), GB/T 2260 code.
    major_codes : tuple of str
        Catalogue majors asked for.
    class_codes : tuple of str
        专业类 asked for as a whole (four digits).
    skills : tuple of str
        Skills listed on the posting.
    description : str
        Free text; only its character bigrams are kept.
    monthly_pay : float or None
        Monthly pay in 元.
    closing_date : date or None
        Last day to apply.
    priority_industries : tuple of str
        Names of the priority or shortage industries the position's enterprise works in.
    version : str
        The caller's change marker (e.g. ``updated_at``), kept to detect changed rows.
    """

    id: str
    title: str
    enterprise: str
    kind: str
    region_code: str
    major_codes: tuple[str, ...] = ()
    class_codes: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    description: str = ""
    monthly_pay: float | None = None
    closing_date: date | None = None
    priority_industries: tuple[str, ...] = ()
    version: str = ""


@dataclass(frozen=True)
class StudentProfile:
    """What the recommender may use about a student (no name, no contact data).

    Attributes
    ----------
    major_code : str
        The student's catalogue major.
    skills, certificates : tuple of str
        Skills, and 职业技能等级证书 held.
    preferred_regions : tuple of str
        GB/T 2260 codes (a province or city includes its districts).
    preferred_kinds : tuple of str
        Position kinds wanted; empty means any.
    """

    major_code: str
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    preferred_regions: tuple[str, ...] = ()
    preferred_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecommendationReasons:
    """Why a position was recommended.

    Attributes
    ----------
    major : str
        ``same_major``, ``same_class_requested``, ``same_class``, ``same_category``,
        ``any_major``, ``related_text`` or ``unrelated``.
    major_label : str
        The same in Chinese.
    matched_skills : tuple of str
        The student's skills and certificates the position lists or mentions.
    missing_skills : tuple of str
        Skills the position lists that the student lacks.
    region : str or None
        ``preferred`` or ``same_province``; None without a preference.
    priority_industry : str or None
        The priority or shortage industry the position serves, if any.
    """

    major: str
    major_label: str
    matched_skills: tuple[str, ...]
    missing_skills: tuple[str, ...]
    region: str | None
    priority_industry: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "major": self.major,
            "major_label": self.major_label,
            "matched_skills": list(self.matched_skills),
            "missing_skills": list(self.missing_skills),
            "region": self.region,
            "priority_industry": self.priority_industry,
        }


@dataclass(frozen=True)
class Recommendation:
    """One recommended position with its score, its components and its reasons."""

    position_id: str
    title: str
    enterprise: str
    kind: str
    region_code: str
    monthly_pay: float | None
    score: float
    components: dict[str, float]
    reasons: RecommendationReasons

    def to_dict(self) -> dict[str, Any]:
        return {
            "position_id": self.position_id,
            "title": self.title,
            "enterprise": self.enterprise,
            "kind": self.kind,
            "region_code": self.region_code,
            "monthly_pay": self.monthly_pay,
            "score": self.score,
            "components": dict(self.components),
            "reasons": self.reasons.to_dict(),
        }


_MAJOR_LABELS = {
    "same_major": "专业对口",
    "same_class_requested": "岗位招收本专业类",
    "same_class": "同一专业类",
    "same_category": "同一专业大类",
    "any_major": "岗位不限专业",
    "related_text": "岗位内容与专业相关",
    "unrelated": "专业不相关",
}


@dataclass
class _Rows:
    """A sparse matrix that grows by rows: a merged CSR part and a list of pending rows."""

    n_cols: int
    main: sparse.csr_matrix = field(init=False)
    pending_indices: list[npt.NDArray[np.int32]] = field(default_factory=list)
    _by_column: sparse.csc_matrix | None = field(default=None, init=False)
    _pending_by_column: tuple[npt.NDArray[np.int32], npt.NDArray[np.intp]] | None = field(
        default=None, init=False
    )

    def __post_init__(self) -> None:
        self.main = sparse.csr_matrix((0, self.n_cols), dtype=np.float32)

    @property
    def n_rows(self) -> int:
        return int(self.main.shape[0]) + len(self.pending_indices)

    def append(self, indices: npt.NDArray[np.int32]) -> None:
        self.pending_indices.append(indices)
        self._pending_by_column = None

    def merge(self) -> None:
        if not self.pending_indices:
            return
        lengths = np.fromiter((len(i) for i in self.pending_indices), dtype=np.int64)
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        indices = (
            np.concatenate(self.pending_indices) if lengths.sum() else np.zeros(0, dtype=np.int32)
        )
        block = sparse.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr),
            shape=(len(self.pending_indices), self.n_cols),
        )
        self.main = sparse.vstack([self.main, block], format="csr", dtype=np.float32)
        self.pending_indices = []
        self._by_column = None
        self._pending_by_column = None

    def rows_with(self, columns: npt.NDArray[np.int32]) -> npt.NDArray[np.intp]:
        """Every row holding one of ``columns``, once per column held (unsorted).

        Merged rows are looked up in a column-major copy (built on first use after a merge),
        pending rows in their entries sorted by column (built on first use after an append): the
        cost follows the matching entries, not the width or the length of the matrix.
        """
        by_column = self._by_column
        if by_column is None:
            by_column = self._by_column = self.main.tocsc()
        starts, ends = by_column.indptr[columns], by_column.indptr[columns + 1]
        parts = [
            by_column.indices[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
        ]
        if self.pending_indices:
            if self._pending_by_column is None:
                lengths = [len(indices) for indices in self.pending_indices]
                entries = np.concatenate(self.pending_indices)
                rows = np.repeat(np.arange(len(lengths)), lengths) + int(self.main.shape[0])
                order = np.argsort(entries, kind="stable")
                self._pending_by_column = (entries[order], rows[order])
            entries, rows = self._pending_by_column
            low = np.searchsorted(entries, columns, side="left")
            high = np.searchsorted(entries, columns, side="right")
            parts += [rows[lo:hi] for lo, hi in zip(low.tolist(), high.tolist(), strict=True)]
        return np.concatenate(parts).astype(np.intp) if parts else np.zeros(0, dtype=np.intp)

    def take(self, slots: npt.NDArray[np.intp]) -> sparse.csr_matrix:
        """The rows ``slots`` (ascending) as a CSR matrix, without merging pending rows."""
        n_main = int(self.main.shape[0])
        split = int(np.searchsorted(slots, n_main))
        head = self.main[slots[:split]]
        if split == len(slots):
            return head
        pending = [self.pending_indices[s - n_main] for s in slots[split:].tolist()]
        lengths = np.fromiter((len(i) for i in pending), dtype=np.int64, count=len(pending))
        indptr = np.concatenate(([0], np.cumsum(lengths)))
        indices = np.concatenate(pending) if lengths.sum() else np.zeros(0, dtype=np.int32)
        tail = sparse.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr),
            shape=(len(pending), self.n_cols),
        )
        return sparse.vstack([head, tail], format="csr", dtype=np.float32)

    def keep(self, slots: npt.NDArray[np.intp]) -> None:
        """Keep only the rows ``slots`` (after a merge), renumbered from 0."""
        self.merge()
        self.main = self.main[slots]
        self._by_column = None

    def nbytes(self) -> int:
        m = self.main
        pending = sum(i.nbytes for i in self.pending_indices)
        return int(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes + pending)


# BaseEstimator gives get_params / set_params / repr and the tags check_is_fitted asks for.
class PositionIndex(BaseEstimator):  # type: ignore[misc]
    """Open positions indexed for per-student top-k recommendation.

    Parameters
    ----------
    major_weight, skill_weight, region_weight, pay_weight : float, default=0.5, 0.3, 0.1, 0.1
        Weights of the components; they must sum to 1.
    pay_reference : float, default=8000.0
        Monthly pay (元) that earns the full pay component.
    text_saturation : float, default=0.3
        Cosine similarity of the major's words with the position's that counts as fully related.
    merge_every : int, default=512
        Pending rows kept before they are merged into the main matrices.
    max_text_candidates : int, default=600
        Most positions whose text is compared with the student's in one query: the best by the
        other components (text adds at most 0.45 to a score, so only positions within that of the
        k-th best can move into the top k).

    Attributes
    ----------
    catalogue_ : dict of str to MajorRecord
        Majors by code.
    slots_ : dict of str to int
        Row of each indexed position.
    records_ : list of PositionRecord or None
        The record of each row (None: removed), its description dropped once hashed.
    """

    def __init__(
        self,
        major_weight: float = 0.5,
        skill_weight: float = 0.3,
        region_weight: float = 0.1,
        pay_weight: float = 0.1,
        pay_reference: float = 8000.0,
        text_saturation: float = 0.3,
        merge_every: int = 512,
        max_text_candidates: int = 600,
    ) -> None:
        self.major_weight = major_weight
        self.skill_weight = skill_weight
        self.region_weight = region_weight
        self.pay_weight = pay_weight
        self.pay_reference = pay_reference
        self.text_saturation = text_saturation
        self.merge_every = merge_every
        self.max_text_candidates = max_text_candidates

    # ------------------------------------------------------------------ building

    def fit(
        self, catalogue: Sequence[MajorRecord], positions: Iterable[PositionRecord] = ()
    ) -> PositionIndex:
        """Start an index over a major catalogue, optionally with positions.

        Parameters
        ----------
        catalogue : sequence of MajorRecord
            The major catalogue (for 专业类 and 大类 relations).
        positions : iterable of PositionRecord
            Initial open positions.

        Returns
        -------
        PositionIndex
            self.
        """
        weights = (self.major_weight, self.skill_weight, self.region_weight, self.pay_weight)
        if min(weights) < 0 or abs(sum(weights) - 1.0) > 1e-9:
            raise ValueError("四项权重须非负且之和为 1")
        if self.pay_reference <= 0 or self.text_saturation <= 0 or self.merge_every < 1:
            raise ValueError("pay_reference、text_saturation、merge_every 须为正数")
        self.catalogue_ = {record.code: record for record in catalogue}
        self._major_ids = {code: i for i, code in enumerate(sorted(self.catalogue_))}
        class_keys = sorted({class_key(r.class_code) for r in self.catalogue_.values()})
        self._class_ids = {key: i for i, key in enumerate(class_keys)}
        # Majors of each level-independent 专业类 and 大类, as indicator vectors over major ids.
        n_majors = len(self._major_ids)
        class_members: dict[str, list[int]] = {}
        category_members: dict[str, list[int]] = {}
        for code, record in self.catalogue_.items():
            key = class_key(record.class_code)
            class_members.setdefault(key, []).append(self._major_ids[code])
            category_members.setdefault(key[:2], []).append(self._major_ids[code])
        self._class_members = {
            k: np.array(sorted(v), dtype=np.int32) for k, v in class_members.items()
        }
        self._category_members = {
            k: np.array(sorted(v), dtype=np.int32) for k, v in category_members.items()
        }
        self._hasher = HashingVectorizer(
            analyzer="char",
            ngram_range=(2, 2),
            n_features=_N_FEATURES,
            alternate_sign=False,
            norm=None,
            binary=True,
            lowercase=True,
            dtype=np.float32,
        )
        self._skill_hasher = HashingVectorizer(
            analyzer=_identity,
            n_features=_N_FEATURES,
            alternate_sign=False,
            norm=None,
            binary=True,
        )
        self._majors = _Rows(n_majors)
        self._classes = _Rows(len(self._class_ids))
        self._skills = _Rows(_N_FEATURES)
        self._text = _Rows(_N_FEATURES)
        capacity = 1024
        self._alive = np.zeros(capacity, dtype=bool)
        self._kind = np.zeros(capacity, dtype=np.int8)
        self._region = np.zeros(capacity, dtype=np.int32)
        self._pay = np.zeros(capacity, dtype=np.float32)
        self._closing = np.zeros(capacity, dtype=np.int32)
        self._priority = np.zeros(capacity, dtype=bool)
        self._n_skills = np.zeros(capacity, dtype=np.int16)
        self._no_major = np.zeros(capacity, dtype=bool)
        self._text_norm = np.zeros(capacity, dtype=np.float32)
        self.slots_: dict[str, int] = {}
        self.records_: list[PositionRecord | None] = []
        self._order_rows()
        self.add_many(positions)
        return self

    def _grow(self, needed: int) -> None:
        capacity = len(self._alive)
        if needed <= capacity:
            return
        new = max(needed, capacity * 2)
        for name in _ARRAYS:
            old = getattr(self, name)
            grown = np.zeros(new, dtype=old.dtype)
            grown[:capacity] = old
            setattr(self, name, grown)

    def _hash(self, texts: list[str]) -> list[npt.NDArray[np.int32]]:
        matrix = self._hasher.transform(texts).tocsr()
        return [
            np.asarray(matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]], dtype=np.int32)
            for i in range(len(texts))
        ]

    def _skill_columns_many(
        self, skill_lists: Sequence[Iterable[str]]
    ) -> list[npt.NDArray[np.int32]]:
        # Whole skill names hashed to one column each: a skill matches only the same skill.
        names = [sorted({normalize_skill(s) for s in skills} - {""}) for skills in skill_lists]
        matrix = self._skill_hasher.transform(names).tocsr()
        return [
            np.unique(np.asarray(matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]])).astype(
                np.int32
            )
            for i in range(len(names))
        ]

    def _skill_columns(self, skills: Iterable[str]) -> npt.NDArray[np.int32]:
        return self._skill_columns_many([list(skills)])[0]

    def add_many(self, positions: Iterable[PositionRecord]) -> int:
        """Add or replace positions; returns how many were written."""
        check_is_fitted(self, "slots_")
        records = list(positions)
        if not records:
            return 0
        texts = self._hash([_position_text(record) for record in records])
        skills = self._skill_columns_many([record.skills for record in records])
        for record, text, skill_columns in zip(records, texts, skills, strict=True):
            self._put(record, text, skill_columns)
        # Merged once per batch: merging while appending would copy the matrices again and again.
        if len(self._text.pending_indices) >= self.merge_every:
            self.merge()
        return len(records)

    def add(self, position: PositionRecord) -> None:
        """Add a position, or replace the indexed one with the same id."""
        self.add_many([position])

    upsert = add

    def remove(self, position_id: str) -> bool:
        """Drop a position (closed, filled, withdrawn); False when it was not indexed."""
        check_is_fitted(self, "slots_")
        slot = self.slots_.pop(position_id, None)
        if slot is None:
            return False
        self._alive[slot] = False
        self.records_[slot] = None
        return True

    def _put(
        self,
        record: PositionRecord,
        text: npt.NDArray[np.int32],
        skill_columns: npt.NDArray[np.int32],
    ) -> None:
        if record.kind not in _KINDS:
            raise ValueError(f"岗位类型“{record.kind}”无效")
        self.remove(record.id)
        slot = len(self.records_)
        self._grow(slot + 1)
        # Only the bigrams of the description are kept (above): the text itself is dropped.
        self.records_.append(replace(record, description="") if record.description else record)
        self.slots_[record.id] = slot
        majors = sorted({self._major_ids[c] for c in record.major_codes if c in self._major_ids})
        classes = sorted(
            {
                self._class_ids[class_key(c)]
                for c in record.class_codes
                if len(c) == 4 and class_key(c) in self._class_ids
            }
        )
        self._majors.append(np.asarray(majors, dtype=np.int32))
        self._classes.append(np.asarray(classes, dtype=np.int32))
        self._skills.append(skill_columns)
        self._text.append(text)
        self._alive[slot] = True
        self._kind[slot] = _KINDS.index(record.kind)
        self._region[slot] = int(record.region_code)
        self._pay[slot] = record.monthly_pay or 0.0
        self._closing[slot] = (
            record.closing_date.toordinal() if record.closing_date else _NO_CLOSING
        )
        self._priority[slot] = bool(record.priority_industries)
        self._n_skills[slot] = len(skill_columns)
        self._no_major[slot] = not majors and not classes
        self._text_norm[slot] = np.sqrt(len(text))

    def merge(self) -> None:
        """Fold pending rows into the main matrices (done automatically every ``merge_every``),
        and drop removed rows once they outnumber the live ones."""
        for rows in (self._majors, self._classes, self._skills, self._text):
            rows.merge()
        removed = len(self.records_) - len(self.slots_)
        if removed > max(self.merge_every, len(self.slots_)):
            self._compact()
        if self._ordered_rows != self._majors.n_rows:
            self._order_rows()

    def _compact(self) -> None:
        n = len(self.records_)
        live = np.flatnonzero(self._alive[:n])
        for rows in (self._majors, self._classes, self._skills, self._text):
            rows.keep(live)
        for name in _ARRAYS:
            old = getattr(self, name)
            new = np.zeros_like(old)
            new[: len(live)] = old[live]
            setattr(self, name, new)
        self.records_ = [self.records_[slot] for slot in live.tolist()]
        self.slots_ = {
            record.id: slot for slot, record in enumerate(self.records_) if record is not None
        }
        self._ordered_rows = -1  # renumbered: `merge` orders them again

    def __len__(self) -> int:
        return len(self.slots_)

    def version(self, position_id: str) -> str | None:
        """The ``version`` of an indexed position, None when it is not indexed."""
        slot = self.slots_.get(position_id)
        record = None if slot is None else self.records_[slot]
        return None if record is None else record.version

    def memory_bytes(self) -> int:
        """Bytes held by the matrices and arrays (records' Python objects not counted)."""
        arrays = sum(getattr(self, name).nbytes for name in _ARRAYS) + sum(
            a.nbytes
            for a in (self._bound, self._order, self._province_order, self._order_provinces)
        )
        matrices = sum(
            rows.nbytes() for rows in (self._majors, self._classes, self._skills, self._text)
        )
        return int(arrays + matrices)

    # ------------------------------------------------------------------ querying

    def recommend(
        self,
        student: StudentProfile,
        k: int = 20,
        today: date | None = None,
        major_terms: Sequence[str] = (),
    ) -> list[Recommendation]:
        """The ``k`` best open positions for a student, best first, each with its reasons.

        Parameters
        ----------
        student : StudentProfile
            The student.
        k : int, default=20
            How many to return.
        today : date or None
            Positions whose closing date is before it are skipped (None: no date filter).
        major_terms : sequence of str
            Words of the student's major (occupations, courses from the 专业简介) for the
            text relation with positions that ask for unrelated or no majors.

        Returns
        -------
        list of Recommendation
        """
        check_is_fitted(self, "slots_")
        if k < 1:
            raise ValueError("k 至少为 1")
        if self._majors.n_rows == 0:
            return []
        query = self._query(student, today)
        return self._finish(query, self._shortlist_slots(query, k), k, major_terms)

    # A query touches only the rows its student can change: those asking for a related major or
    # class and those listing one of the student's skills (found through the column-major copies
    # of the sparse matrices, an inverted index), the pending rows, and — for every other row,
    # whose score is fixed but for the region — the best of them in the order kept by `merge`
    # (per province when the student names regions), walked until no further row can reach the
    # shortlist. Nothing of the index's length is allocated or scanned per query.

    def _query(self, student: StudentProfile, today: date | None) -> _Query:
        """What the student asks of every row: the rows their major and skills reach, found in
        the column-major copies of the sparse matrices (an inverted index), and the filters."""
        n = self._majors.n_rows
        # One byte per row: the strongest relation of the row's majors to the student's (-1:
        # none). Relations are written from the weakest to the strongest, each overwriting.
        code = np.full(n, -1, dtype=np.int8)
        record = self.catalogue_.get(student.major_code)
        if record is not None:
            key = class_key(record.class_code)
            relations = (
                (self._majors, self._category_members[key[:2]], _SAME_CATEGORY),
                (self._majors, self._class_members[key], _SAME_CLASS),
                (self._classes, np.array([self._class_ids[key]], dtype=np.int32), _CLASS_REQUESTED),
                (
                    self._majors,
                    np.array([self._major_ids[student.major_code]], dtype=np.int32),
                    _SAME_MAJOR,
                ),
            )
            for rows, columns, relation in relations:
                code[rows.rows_with(columns)] = relation
        owned = (*student.skills, *student.certificates)
        skill_cols = self._skill_columns(owned)
        # One byte per row: how many of the row's listed skills the student has.
        listed = np.zeros(n, dtype=np.uint8)
        touched = code >= 0
        if skill_cols.size:
            # Only rows listing one of the student's skills get a coverage above 0.
            listing = np.sort(self._skills.rows_with(skill_cols))
            starts = np.flatnonzero(np.diff(listing, prepend=-1))
            listed[listing[starts]] = np.diff(np.append(starts, listing.size))
            touched[listing[starts]] = True
        touched[max(0, self._ordered_rows) :] = True  # pending rows: not in the order yet
        kinds = [_KINDS.index(kind) for kind in student.preferred_kinds if kind in _KINDS]
        return _Query(
            student=student,
            owned=owned,
            today=None if today is None else today.toordinal(),
            kinds=np.array(kinds, dtype=np.int8),
            code=code,
            touched=touched,
            listed=listed,
        )

    def _keep(self, query: _Query, slots: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        """Those of ``slots`` that pass the filters: open, not closed, kind, province."""
        keep = self._alive[slots]
        if query.today is not None:
            keep &= self._closing[slots] >= query.today
        if query.kinds.size:
            keep &= np.isin(self._kind[slots], query.kinds)
        if query.student.preferred_regions:
            keep &= _region_masks(self._region[slots], query.student.preferred_regions)[1]
        return slots[keep]

    def _parts(self, query: _Query, slots: npt.NDArray[np.intp]) -> _Parts:
        """The score's components without the text, for ``slots`` only."""
        code = query.code[slots]
        code = np.where(code >= 0, code, np.where(self._no_major[slots], _ANY_MAJOR, _RELATED_TEXT))
        has = query.listed[slots]
        coverage = np.zeros(slots.size)
        np.divide(has, self._n_skills[slots].astype(np.float64), out=coverage, where=has > 0)
        preferred = _region_masks(self._region[slots], query.student.preferred_regions)[0]
        region: FloatArray = (
            np.where(preferred, 1.0, 0.5)
            if query.student.preferred_regions
            else np.full(slots.size, 0.5)
        )
        pay = np.minimum(1.0, self._pay[slots] / self.pay_reference)
        major = _MAJOR_SCORES[code]
        base = (
            self.major_weight * major
            + self.skill_weight * 0.7 * coverage
            + self.region_weight * region
            + self.pay_weight * pay
        )
        return _Parts(slots, code, major, coverage, preferred, region, pay, base)

    def _shortlist_slots(self, query: _Query, k: int) -> _Parts:
        """The candidates whose score could still reach the top ``k`` once the text parts are
        added: the ``max_text_candidates`` best by the other components (ties: the lower slot),
        those of them within the text's room of the k-th best; all candidates when there are
        no more than that. Equal to the same selection over every row
        (tests/matching/test_recommend.py computes it)."""
        limit = max(self.max_text_candidates, k)
        # Rows the student's major or skills reach, and pending rows (not in the order yet).
        touched = np.flatnonzero(query.touched)
        pool = [self._parts(query, self._keep(query, touched))]
        pooled = pool[0].slots.size
        threshold = -np.inf  # the limit-th best base in the pool once it holds ``limit``
        if pooled >= limit:
            threshold = _kth_largest(pool[0].base, limit)
        step = max(256, 2 * limit)
        exhausted = True
        for segment in self._segments(query):
            at = 0
            while at < segment.size:
                if pooled >= limit and self._bound[segment[at]] < threshold:
                    exhausted = False  # no row from here on can enter the best ``limit``
                    break
                window = segment[at : at + step]
                at += step
                chunk = self._keep(query, window[~query.touched[window]])
                if not chunk.size:
                    continue
                parts = self._parts(query, chunk)
                pool.append(parts)
                pooled += chunk.size
                if pooled >= limit:
                    threshold = _kth_largest(np.concatenate([p.base for p in pool]), limit)
        everything = _Parts.concat(pool)
        if exhausted and everything.slots.size <= limit:
            return everything.take(np.argsort(everything.slots))
        best = _top(everything.base, everything.slots, limit)
        values = everything.base[best]
        kth = np.partition(values, len(best) - k)[len(best) - k]
        room = self.major_weight * 0.3 + self.skill_weight * 1.0
        chosen = best[values + room >= kth]
        return everything.take(chosen[np.argsort(everything.slots[chosen])])

    def _segments(self, query: _Query) -> list[npt.NDArray[np.intp]]:
        """The merged rows in the order of their best possible base, per preferred province."""
        if not query.student.preferred_regions:
            return [self._order]
        provinces = sorted(
            {
                int(code[:2])
                for code in query.student.preferred_regions
                if len(code) == 6 and code.isdigit()
            }
        )
        out = []
        for province in provinces:
            low, high = np.searchsorted(self._order_provinces, [province, province + 1])
            if high > low:
                out.append(self._province_order[low:high])
        return out

    def _order_rows(self) -> None:
        """Sort the merged rows by the best base they can reach without the student's major or
        skills (major 0.3 when they ask for none, the best region, their pay), once per merge."""
        n = self._majors.n_rows
        pay = np.minimum(1.0, self._pay[:n] / self.pay_reference)
        static = self.major_weight * np.where(self._no_major[:n], 0.3, 0.0) + self.pay_weight * pay
        # A bound on the computed base (the same sums, rounded differently) of an untouched row.
        self._bound = static + self.region_weight * 1.0 + 1e-9
        slots = np.arange(n)
        self._order = np.lexsort((slots, -static))
        province = self._region[:n] // 10000
        by_province = np.lexsort((slots, -static, province))
        self._province_order = by_province
        self._order_provinces = province[by_province]
        self._ordered_rows = n

    def _finish(
        self, query: _Query, short: _Parts, k: int, major_terms: Sequence[str]
    ) -> list[Recommendation]:
        """Score the shortlist with the text parts and build the top ``k``, best first (equal
        scores: a priority industry first, then the position's id)."""
        student, owned = query.student, query.owned
        shortlist = short.slots
        if shortlist.size == 0:
            return []
        # Text: the student's skills found in the position's words, and the major's relatedness.
        owned_names = sorted({s.strip() for s in owned if len(normalize_skill(s)) >= 2})
        rows = self._text.take(shortlist)
        mentioned = np.zeros((len(shortlist), len(owned_names)), dtype=bool)
        if owned_names:
            owned_bigrams = self._hash(owned_names)
            hits = _overlaps(rows, owned_bigrams)
            sizes = np.array([len(b) for b in owned_bigrams], dtype=np.float64)
            mentioned = (hits >= sizes[np.newaxis, :]) & (sizes[np.newaxis, :] > 0)
        mention_share = (
            mentioned.sum(axis=1) / len(owned_names) if owned_names else np.zeros(len(shortlist))
        )
        short_listed = self._n_skills[shortlist].astype(np.float64)
        skill_score = np.where(
            short_listed > 0, 0.7 * short.coverage + 0.3 * mention_share, mention_share
        )
        related = np.zeros(len(shortlist))
        unrelated = short.code == _RELATED_TEXT
        record = self.catalogue_.get(student.major_code)
        if unrelated.any() and record is not None:
            major_text = self._hash([" ".join([record.name, *major_terms])])[0]
            if major_text.size:
                overlap = _overlaps(rows[unrelated], [major_text])
                norms = self._text_norm[shortlist[unrelated]] * np.sqrt(major_text.size)
                with np.errstate(divide="ignore", invalid="ignore"):
                    cosine = np.where(norms > 0, overlap.ravel() / norms, 0.0)
                related[unrelated] = 0.3 * np.minimum(1.0, cosine / self.text_saturation)
        short_major = np.where(unrelated, related, short.major)
        score = (
            self.major_weight * short_major
            + self.skill_weight * skill_score
            + self.region_weight * short.region
            + self.pay_weight * short.pay
        )
        rounded = np.round(score, _DECIMALS)
        composite = rounded + _PRIORITY_NUDGE * self._priority[shortlist]
        top = min(k, len(shortlist))
        # Every row tied with the k-th best takes part in the order by id, so the same rows come
        # back whichever of them a partition happened to put first.
        cut = np.partition(composite, len(composite) - top)[len(composite) - top]
        chosen = np.flatnonzero(composite >= cut)
        ids = [self.records_[int(shortlist[j])].id for j in chosen]  # type: ignore[union-attr]
        order = sorted(range(len(chosen)), key=lambda i: (-composite[chosen[i]], ids[i]))[:top]
        owned_by_name = {normalize_skill(s): s for s in owned}
        results = []
        for i in order:
            j = int(chosen[i])
            slot = int(shortlist[j])
            position = self.records_[slot]
            assert position is not None
            matched = [s for s in position.skills if normalize_skill(s) in owned_by_name]
            matched += [
                name
                for name, hit in zip(owned_names, mentioned[j], strict=True)
                if hit and normalize_skill(name) not in {normalize_skill(m) for m in matched}
            ]
            missing = [s for s in position.skills if normalize_skill(s) not in owned_by_name]
            kind = _MAJOR_KIND_NAMES[int(short.code[j])]
            if kind == "related_text" and short_major[j] == 0:
                kind = "unrelated"
            results.append(
                Recommendation(
                    position_id=position.id,
                    title=position.title,
                    enterprise=position.enterprise,
                    kind=position.kind,
                    region_code=position.region_code,
                    monthly_pay=position.monthly_pay,
                    score=float(rounded[j]),
                    components={
                        "major": round(float(short_major[j]), _DECIMALS),
                        "skills": round(float(skill_score[j]), _DECIMALS),
                        "region": round(float(short.region[j]), _DECIMALS),
                        "pay": round(float(short.pay[j]), _DECIMALS),
                    },
                    reasons=RecommendationReasons(
                        major=kind,
                        major_label=_MAJOR_LABELS[kind],
                        matched_skills=tuple(matched),
                        missing_skills=tuple(missing),
                        region=None
                        if not student.preferred_regions
                        else ("preferred" if short.preferred[j] else "same_province"),
                        priority_industry=position.priority_industries[0]
                        if position.priority_industries
                        else None,
                    ),
                )
            )
        return results


@dataclass(frozen=True)
class _Query:
    """One student's query: the rows their major and skills reach, and the filters."""

    student: StudentProfile
    owned: tuple[str, ...]
    today: int | None
    kinds: npt.NDArray[np.int8]
    code: npt.NDArray[np.int8]  # per row: the strongest major relation, -1 none
    touched: npt.NDArray[np.bool_]  # per row: reached by the major or the skills, or pending
    listed: npt.NDArray[np.uint8]  # per row: how many of its listed skills the student has


@dataclass(frozen=True)
class _Parts:
    """The components of the score but the text, for some rows (``slots``)."""

    slots: npt.NDArray[np.intp]
    code: npt.NDArray[np.int8]
    major: FloatArray
    coverage: FloatArray
    preferred: npt.NDArray[np.bool_]
    region: FloatArray
    pay: npt.NDArray[np.floating[Any]]
    base: FloatArray

    def take(self, at: npt.NDArray[np.intp]) -> _Parts:
        return _Parts(*(getattr(self, f.name)[at] for f in fields(self)))

    @staticmethod
    def concat(parts: list[_Parts]) -> _Parts:
        return _Parts(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(_Parts))
        )


def _lookup(
    sorted_slots: npt.NDArray[np.intp], slots: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
    """For each of ``slots``: whether it is in ``sorted_slots`` (ascending, unique), and where."""
    if sorted_slots.size == 0:
        return np.zeros(slots.size, dtype=bool), np.zeros(slots.size, dtype=np.intp)
    at = np.minimum(np.searchsorted(sorted_slots, slots), sorted_slots.size - 1)
    return sorted_slots[at] == slots, at


def _kth_largest(values: FloatArray, k: int) -> float:
    return float(np.partition(values, values.size - k)[values.size - k])


def _top(base: FloatArray, slots: npt.NDArray[np.intp], limit: int) -> npt.NDArray[np.intp]:
    """Positions in ``base`` of its ``limit`` largest values; among equal values the lower slot."""
    if base.size <= limit:
        return np.arange(base.size)
    cut = _kth_largest(base, limit)
    above = np.flatnonzero(base > cut)
    equal = np.flatnonzero(base == cut)
    equal = equal[np.argsort(slots[equal], kind="stable")[: limit - above.size]]
    return np.concatenate([above, equal])


_SAME_MAJOR, _CLASS_REQUESTED, _SAME_CLASS, _SAME_CATEGORY, _ANY_MAJOR, _RELATED_TEXT = range(6)
_MAJOR_KIND_NAMES = (
    "same_major",
    "same_class_requested",
    "same_class",
    "same_category",
    "any_major",
    "related_text",
)


def _identity(words: list[str]) -> list[str]:
    return words


def _position_text(record: PositionRecord) -> str:
    return " ".join([record.title, *record.skills, record.description])


def _overlaps(rows: sparse.csr_matrix, queries: list[npt.NDArray[np.int32]]) -> FloatArray:
    """How many columns of each query each row holds: (n_rows, n_queries).

    The rows are projected onto the few columns the queries use (one ``searchsorted`` over the
    rows' entries), so nothing of the width of the hashed feature space is allocated per query.
    """
    used = np.unique(np.concatenate(queries)) if queries else np.zeros(0, dtype=np.int32)
    if used.size == 0 or rows.shape[0] == 0:
        return np.zeros((rows.shape[0], len(queries)))
    entries = np.asarray(rows.indices)
    # A table look-up finds the few entries that matter; only those are located in ``used``.
    hit = np.isin(entries, used, kind="table")
    where = np.zeros(entries.size, dtype=np.intp)
    where[hit] = np.searchsorted(used, entries[hit])
    per_row = np.add.reduceat(hit.astype(np.int64), rows.indptr[:-1]) if entries.size else None
    counts = np.zeros(rows.shape[0], dtype=np.int64)
    if per_row is not None:
        # reduceat repeats a value for empty rows; they hold no entry, hence no hit.
        counts = np.where(np.diff(rows.indptr) > 0, per_row, 0)
    projected = sparse.csr_matrix(
        (np.ones(int(hit.sum())), where[hit], np.concatenate(([0], np.cumsum(counts)))),
        shape=(rows.shape[0], used.size),
    )
    membership = np.zeros((used.size, len(queries)))
    for j, query in enumerate(queries):
        membership[np.searchsorted(used, np.unique(query)), j] = 1.0
    return np.asarray(projected @ membership)


def _region_masks(
    regions: npt.NDArray[np.int32], preferred: Sequence[str]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(inside a preferred region, inside a preferred region's province) per row."""
    inside = np.zeros(len(regions), dtype=bool)
    province = np.zeros(len(regions), dtype=bool)
    for code in preferred:
        if len(code) != 6 or not code.isdigit():
            continue
        prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        low, high = int(prefix.ljust(6, "0")), int(prefix.ljust(6, "9"))
        inside |= (regions >= low) & (regions <= high)
        province |= (regions >= int(code[:2] + "0000")) & (regions <= int(code[:2] + "9999"))
    return inside, province
