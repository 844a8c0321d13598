"""Programme–industry alignment: which priority industries a major serves, and how well.

Three pieces of evidence, each a number in [0, 1] returned beside the score:

- ``crosswalk`` — the 产业发展清单 lists the major itself (1) or its 专业类 (``class_credit``);
- ``text`` — TF-IDF similarity (character 2–3-grams) of the major's name and 专业简介 terms with the
  industry's name, keywords and GB/T 4754 names, divided by ``text_saturation`` and capped at 1;
- ``demand`` — of the region's positions in the industry's GB/T 4754 codes, the share that ask for
  the major, divided by ``demand_saturation`` and capped at 1.

The score is their weighted sum; a major counts as aligned to an industry at ``aligned_threshold``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "AlignmentComponents",
    "DemandEvidence",
    "IndustryAlignment",
    "IndustryProfile",
    "MajorProfile",
    "ProgrammeAligner",
]

FloatArray = npt.NDArray[np.float64]

# The major's own name says more than any one of its many 专业简介 terms.
_NAME_REPEAT = 3


@dataclass(frozen=True)
class MajorProfile:
    """A catalogue major with the words of its 专业简介.

    Attributes
    ----------
    code, name, level, class_code : str
        Catalogue code, name, level and four-digit 专业类 code.
    terms : tuple of str
        Occupations, 岗位群, courses and certificates from the 专业简介.
    """

    code: str
    name: str
    level: str
    class_code: str
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndustryProfile:
    """A priority industry (产业发展清单 entry) with its crosswalks.

    Attributes
    ----------
    key, name, category : str
        Identifier, Chinese name and category (新兴 / 紧缺 / 改造升级 / 生活服务).
    lists : tuple of str
        The policy lists naming it.
    major_codes : tuple of str
        Six-digit major codes and four-digit 专业类 codes that serve it.
    industry_codes : tuple of str
        GB/T 4754 codes (any level; a code covers every code it prefixes).
    keywords : tuple of str
        Words that name its work.
    industry_names : tuple of str
        The GB/T 4754 names of ``industry_codes``.
    region_code : str or None
        None for a national entry; a region's own entry otherwise (Chongqing's 机器人).
    """

    key: str
    name: str
    category: str
    lists: tuple[str, ...] = ()
    major_codes: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    industry_names: tuple[str, ...] = ()
    region_code: str | None = None


@dataclass(frozen=True)
class DemandEvidence:
    """Positions of a region counted by their enterprise's GB/T 4754 code.

    Attributes
    ----------
    totals : mapping of str to float
        Positions per GB/T 4754 code.
    asked : mapping of (str, str) to float
        Positions per (GB/T 4754 code, major code) that ask for the major (a position asking
        for a 专业类 may be passed to each member major with a weight below 1).
    """

    totals: Mapping[str, float] = field(default_factory=dict)
    asked: Mapping[tuple[str, str], float] = field(default_factory=dict)


# Named tuples, not frozen dataclasses: one call builds 68 000 of them (1 486 majors × 46
# industries), and a tuple is several times cheaper to create.
class AlignmentComponents(NamedTuple):
    """The three pieces of evidence, each in [0, 1]."""

    crosswalk: float
    text: float
    demand: float

    def to_dict(self) -> dict[str, float]:
        return {"crosswalk": self.crosswalk, "text": self.text, "demand": self.demand}


class IndustryAlignment(NamedTuple):
    """How well one major serves one priority industry.

    Attributes
    ----------
    key, name, category : str
        The industry.
    lists : tuple of str
        The policy lists naming it.
    region_code : str or None
        Set for a region's own industry.
    score : float
        Weighted sum of the components, in [0, 1].
    components : AlignmentComponents
        The evidence.
    via : str or None
        ``"major"`` or ``"class"`` when the crosswalk lists the major or its 专业类.
    demand_share : float or None
        The raw share of the industry's positions asking for the major (None: no positions).
    """

    key: str
    name: str
    category: str
    lists: tuple[str, ...]
    region_code: str | None
    score: float
    components: AlignmentComponents
    via: str | None
    demand_share: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "category": self.category,
            "lists": list(self.lists),
            "region_code": self.region_code,
            "score": self.score,
            "components": self.components.to_dict(),
            "via": self.via,
            "demand_share": self.demand_share,
        }


# BaseEstimator gives get_params / set_params / repr and the tags check_is_fitted asks for.
class ProgrammeAligner(BaseEstimator):  # type: ignore[misc]
    """Score every major against every priority industry.

    Parameters
    ----------
    crosswalk_weight, text_weight, demand_weight : float, default=0.6, 0.25, 0.15
        Weights of the components; they must sum to 1 so that the score stays in [0, 1].
    class_credit : float, default=0.85
        Crosswalk value when the list names the major's 专业类 rather than the major.
    text_saturation : float, default=0.3
        Cosine similarity that counts as full textual evidence.
    demand_saturation : float, default=0.1
        Share of an industry's positions asking for the major that counts as full demand evidence
        (an industry's positions ask for many majors, so one tenth is already a strong signal).
    aligned_threshold : float, default=0.5
        Least score that counts a major as aligned to an industry (联合体 indicator 4.1).
    decimals : int, default=4
        Rounding of reported figures.

    Attributes
    ----------
    majors_ : tuple of MajorProfile
    industries_ : tuple of IndustryProfile
    major_index_ : dict of str to int
    crosswalk_ : ndarray of shape (n_majors, n_industries)
    text_ : ndarray of shape (n_majors, n_industries)
    vectorizer_ : TfidfVectorizer

    Examples
    --------
    >>> aligner = ProgrammeAligner().fit(
    ...     [MajorProfile("520201", "护理", "高职专科", "5202", ("护士",))],
    ...     [IndustryProfile("nursing", "护理", "紧缺", major_codes=("5202",), keywords=("护士",))],
    ... )
    >>> aligner.align("520201")[0].components.crosswalk
    0.85
    """

    def __init__(
        self,
        crosswalk_weight: float = 0.6,
        text_weight: float = 0.25,
        demand_weight: float = 0.15,
        class_credit: float = 0.85,
        text_saturation: float = 0.3,
        demand_saturation: float = 0.1,
        aligned_threshold: float = 0.5,
        decimals: int = 4,
    ) -> None:
        self.crosswalk_weight = crosswalk_weight
        self.text_weight = text_weight
        self.demand_weight = demand_weight
        self.class_credit = class_credit
        self.text_saturation = text_saturation
        self.demand_saturation = demand_saturation
        self.aligned_threshold = aligned_threshold
        self.decimals = decimals

    def _check_params(self) -> None:
        weights = (self.crosswalk_weight, self.text_weight, self.demand_weight)
        if min(weights) < 0 or abs(sum(weights) - 1.0) > 1e-9:
            raise ValueError("三项权重须非负且之和为 1")
        if not 0 <= self.class_credit <= 1 or not 0 <= self.aligned_threshold <= 1:
            raise ValueError("class_credit 与 aligned_threshold 应在 0 与 1 之间")
        if self.text_saturation <= 0 or self.demand_saturation <= 0:
            raise ValueError("text_saturation 与 demand_saturation 须为正数")

    def fit(
        self, majors: Sequence[MajorProfile], industries: Sequence[IndustryProfile]
    ) -> ProgrammeAligner:
        """Build the crosswalk and text matrices.

        Parameters
        ----------
        majors : sequence of MajorProfile
            The catalogue (codes unique).
        industries : sequence of IndustryProfile
            The priority-industry list, national and regional entries.

        Returns
        -------
        ProgrammeAligner
            self.
        """
        self._check_params()
        self.majors_ = tuple(majors)
        self.industries_ = tuple(industries)
        self.major_index_ = {major.code: i for i, major in enumerate(self.majors_)}
        if len(self.major_index_) != len(self.majors_):
            raise ValueError("专业代码重复")
        n_majors, n_industries = len(self.majors_), len(self.industries_)
        crosswalk = np.zeros((n_majors, n_industries))
        by_class: dict[str, list[int]] = {}
        for i, major in enumerate(self.majors_):
            by_class.setdefault(major.class_code, []).append(i)
        for j, industry in enumerate(self.industries_):
            for code in industry.major_codes:
                if len(code) == 4:
                    rows = by_class.get(code, [])
                    crosswalk[rows, j] = np.maximum(crosswalk[rows, j], self.class_credit)
                elif code in self.major_index_:
                    crosswalk[self.major_index_[code], j] = 1.0
        self.crosswalk_ = crosswalk
        major_docs = [
            " ".join([major.name] * _NAME_REPEAT + list(major.terms)) for major in self.majors_
        ]
        industry_docs = [
            " ".join(
                [industry.name] * _NAME_REPEAT
                + list(industry.keywords)
                + list(industry.industry_names)
            )
            for industry in self.industries_
        ]
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True, lowercase=True
        )
        matrix = self.vectorizer_.fit_transform(major_docs + industry_docs)
        cosine = (matrix[:n_majors] @ matrix[n_majors:].T).toarray()
        self.text_ = np.minimum(1.0, cosine / self.text_saturation)
        self._industry_codes = [tuple(industry.industry_codes) for industry in self.industries_]
        return self

    # ------------------------------------------------------------------ scoring

    def visible(self, region_codes: Collection[str] | None = None) -> npt.NDArray[np.bool_]:
        """Which industries count: national ones, plus those of ``region_codes`` (a region and
        the regions containing it)."""
        check_is_fitted(self)
        wanted = set(region_codes or ())
        return np.array(
            [i.region_code is None or i.region_code in wanted for i in self.industries_],
            dtype=bool,
        )

    def demand_shares(self, evidence: DemandEvidence | None) -> FloatArray:
        """The share of each industry's positions that ask for each major.

        Returns
        -------
        ndarray of shape (n_majors, n_industries)
            NaN where the industry has no positions in the evidence.
        """
        check_is_fitted(self)
        n_majors, n_industries = len(self.majors_), len(self.industries_)
        if evidence is None or not evidence.totals:
            return np.full((n_majors, n_industries), np.nan)
        gb_codes = sorted(set(evidence.totals) | {g for g, _ in evidence.asked})
        gb_index = {code: g for g, code in enumerate(gb_codes)}
        # member[g, j]: GB code g lies under one of industry j's codes (codes nest by prefix).
        rows, cols = [], []
        for j, codes in enumerate(self._industry_codes):
            for g, gb in enumerate(gb_codes):
                if any(gb.startswith(code) for code in codes):
                    rows.append(g)
                    cols.append(j)
        member = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(gb_codes), n_industries)
        )
        totals = np.array([evidence.totals.get(code, 0.0) for code in gb_codes], dtype=float)
        a_rows, a_cols, a_vals = [], [], []
        for (gb, major), count in evidence.asked.items():
            i = self.major_index_.get(major)
            if i is not None:
                a_rows.append(i)
                a_cols.append(gb_index[gb])
                a_vals.append(float(count))
        asked = sparse.csr_matrix((a_vals, (a_rows, a_cols)), shape=(n_majors, len(gb_codes)))
        industry_totals = member.T @ totals
        asked_per_industry = (asked @ member).toarray()
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = asked_per_industry / industry_totals[np.newaxis, :]
        shares[:, industry_totals <= 0] = np.nan
        return np.asarray(shares, dtype=float)

    def score_matrix(
        self, evidence: DemandEvidence | None = None
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Scores of every major against every industry.

        Returns
        -------
        scores, demand, shares : ndarray of shape (n_majors, n_industries)
            The weighted score, the demand component and the raw demand share (NaN: no data).
        """
        check_is_fitted(self)
        shares = self.demand_shares(evidence)
        demand = np.minimum(1.0, np.nan_to_num(shares, nan=0.0) / self.demand_saturation)
        scores = (
            self.crosswalk_weight * self.crosswalk_
            + self.text_weight * self.text_
            + self.demand_weight * demand
        )
        return scores, demand, shares

    def align(
        self,
        major_code: str,
        evidence: DemandEvidence | None = None,
        region_codes: Collection[str] | None = None,
    ) -> list[IndustryAlignment]:
        """The visible industries ranked for one major, best first.

        Raises
        ------
        KeyError
            When the major is not in the fitted catalogue.
        """
        return self.align_many([major_code], evidence, region_codes)[major_code]

    def align_many(
        self,
        major_codes: Iterable[str],
        evidence: DemandEvidence | None = None,
        region_codes: Collection[str] | None = None,
    ) -> dict[str, list[IndustryAlignment]]:
        """`align` for several majors with one matrix computation."""
        check_is_fitted(self)
        codes = list(dict.fromkeys(major_codes))
        missing = [code for code in codes if code not in self.major_index_]
        if missing:
            raise KeyError(f"专业代码不在目录中：{', '.join(missing)}")
        scores, demand, shares = self.score_matrix(evidence)
        visible = np.flatnonzero(self.visible(region_codes))
        d = self.decimals
        rows = np.array([self.major_index_[code] for code in codes], dtype=np.intp)
        # Everything rounded and converted to Python floats in bulk: the per-item loop only builds
        # the result objects (all 1 486 majors × 46 industries in well under a second).
        score_rows = np.round(scores[np.ix_(rows, visible)], d)
        order_rows = np.argsort(-score_rows, axis=1, kind="stable")
        crosswalk_rows = np.round(self.crosswalk_[np.ix_(rows, visible)], d).tolist()
        text_rows = np.round(self.text_[np.ix_(rows, visible)], d).tolist()
        demand_rows = np.round(demand[np.ix_(rows, visible)], d).tolist()
        share_block = np.round(shares[np.ix_(rows, visible)], d)
        share_rows = [[None if np.isnan(v) else v for v in row] for row in share_block.tolist()]
        heads = [
            (i.key, i.name, i.category, i.lists, i.region_code)
            for i in (self.industries_[j] for j in visible)
        ]
        out: dict[str, list[IndustryAlignment]] = {}
        for r, code in enumerate(codes):
            score_row = score_rows[r].tolist()
            crosswalk_row, text_row = crosswalk_rows[r], text_rows[r]
            demand_row, share_row = demand_rows[r], share_rows[r]
            # Best score first; equal scores keep the list's order (stable sort on the negation).
            out[code] = [
                IndustryAlignment(
                    heads[j][0],
                    heads[j][1],
                    heads[j][2],
                    heads[j][3],
                    heads[j][4],
                    score_row[j],
                    AlignmentComponents(crosswalk_row[j], text_row[j], demand_row[j]),
                    None
                    if crosswalk_row[j] == 0
                    else ("major" if crosswalk_row[j] == 1 else "class"),
                    share_row[j],
                )
                for j in order_rows[r].tolist()
            ]
        return out

    def aligned(self, alignments: Sequence[IndustryAlignment]) -> list[IndustryAlignment]:
        """The alignments at or above ``aligned_threshold``."""
        return [item for item in alignments if item.score >= self.aligned_threshold]
