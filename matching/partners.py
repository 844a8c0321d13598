"""Partner programmes for a position: which schools' programmes could supply it (订单培养, 学徒制).

`PartnerRanker` scores programmes for one position, in [0, 1]:

    0.6 × major fit + 0.25 × coming cohort + 0.15 × distance

- major fit: 1 the programme runs a major the position asks for; 0.9 the position asks for the
  programme's 专业类 as a class; 0.7 same 专业类; 0.4 same 专业大类 (other programmes are left out);
- coming cohort: the students the programme will graduate in the coming years (from its enrolment
  plans) over ``cohort_multiple`` × the position's headcount, capped at 1;
- distance: 1 same county or district, 0.8 same city, 0.5 same province, 0.1 farther.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from matching.resolve import MajorRecord, class_key

__all__ = ["PartnerDemand", "PartnerMatch", "PartnerRanker", "ProgrammeCandidate"]

_FIT = {"same_major": 1.0, "same_class_requested": 0.9, "same_class": 0.7, "same_category": 0.4}
_FIT_LABELS = {
    "same_major": "专业对口",
    "same_class_requested": "岗位招收该专业类",
    "same_class": "同一专业类",
    "same_category": "同一专业大类",
}
_DISTANCE = {"same_county": 1.0, "same_city": 0.8, "same_province": 0.5, "farther": 0.1}
_DISTANCE_LABELS = {
    "same_county": "同一区县",
    "same_city": "同一城市",
    "same_province": "同一省份",
    "farther": "外省",
}


@dataclass(frozen=True)
class PartnerDemand:
    """What a position asks for.

    Attributes
    ----------
    major_codes, class_codes : tuple of str
        Majors, and 专业类 asked as a whole.
    region_code : str
        Where the work is.
    headcount : int
        How many people.
    """

    major_codes: tuple[str, ...]
    class_codes: tuple[str, ...]
    region_code: str
    headcount: int


@dataclass(frozen=True)
class ProgrammeCandidate:
    """A school's programme (a major it runs) with the size of its coming cohorts.

    Attributes
    ----------
    programme_id, school_id, school_name, major_code, region_code : str
        The programme, its school, the major and the school's region.
    coming_cohort : int
        Students the programme will graduate in the coming years (enrolment plans).
    graduation_years : tuple of int
        The years those students graduate.
    """

    programme_id: str
    school_id: str
    school_name: str
    major_code: str
    region_code: str
    coming_cohort: int
    graduation_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class PartnerMatch:
    """One ranked programme with its components and reasons."""

    candidate: ProgrammeCandidate
    major_name: str
    level: str
    score: float
    components: dict[str, float]
    major: str
    distance: str

    def to_dict(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "programme_id": c.programme_id,
            "school_id": c.school_id,
            "school_name": c.school_name,
            "major_code": c.major_code,
            "major_name": self.major_name,
            "level": self.level,
            "region_code": c.region_code,
            "score": self.score,
            "components": dict(self.components),
            "reasons": {
                "major": self.major,
                "major_label": _FIT_LABELS[self.major],
                "coming_cohort": c.coming_cohort,
                "graduation_years": list(c.graduation_years),
                "distance": self.distance,
                "distance_label": _DISTANCE_LABELS[self.distance],
            },
        }


# BaseEstimator gives get_params / set_params / repr and the tags check_is_fitted asks for.
class PartnerRanker(BaseEstimator):  # type: ignore[misc]
    """Rank programmes for a position.

    Parameters
    ----------
    major_weight, cohort_weight, distance_weight : float, default=0.6, 0.25, 0.15
        Weights of the components; they must sum to 1.
    cohort_multiple : float, default=3.0
        A coming cohort of this many times the headcount earns the full cohort component.
    decimals : int, default=4
        Rounding of the reported figures.

    Attributes
    ----------
    catalogue_ : dict of str to MajorRecord
    """

    def __init__(
        self,
        major_weight: float = 0.6,
        cohort_weight: float = 0.25,
        distance_weight: float = 0.15,
        cohort_multiple: float = 3.0,
        decimals: int = 4,
    ) -> None:
        self.major_weight = major_weight
        self.cohort_weight = cohort_weight
        self.distance_weight = distance_weight
        self.cohort_multiple = cohort_multiple
        self.decimals = decimals

    def fit(self, catalogue: Sequence[MajorRecord]) -> PartnerRanker:
        """Keep the catalogue for the 专业类 and 大类 relations."""
        weights = (self.major_weight, self.cohort_weight, self.distance_weight)
        if min(weights) < 0 or abs(sum(weights) - 1.0) > 1e-9 or self.cohort_multiple <= 0:
            raise ValueError("权重须非负且之和为 1，cohort_multiple 须为正数")
        self.catalogue_ = {record.code: record for record in catalogue}
        return self

    def fit_of(self, demand: PartnerDemand, major_code: str) -> str | None:
        """How a programme's major fits what the position asks (None: it does not)."""
        check_is_fitted(self)
        record = self.catalogue_.get(major_code)
        if record is None:
            return None
        if major_code in demand.major_codes:
            return "same_major"
        key = class_key(record.class_code)
        if any(len(c) == 4 and class_key(c) == key for c in demand.class_codes):
            return "same_class_requested"
        asked = [self.catalogue_[c] for c in demand.major_codes if c in self.catalogue_]
        if any(class_key(a.class_code) == key for a in asked):
            return "same_class"
        categories = {class_key(a.class_code)[:2] for a in asked}
        categories |= {class_key(c)[:2] for c in demand.class_codes if len(c) == 4}
        if key[:2] in categories:
            return "same_category"
        return None

    def rank(
        self, demand: PartnerDemand, candidates: Sequence[ProgrammeCandidate], k: int = 20
    ) -> list[PartnerMatch]:
        """The ``k`` best programmes, best first (ties: larger cohort, then programme id)."""
        check_is_fitted(self)
        fits = [self.fit_of(demand, c.major_code) for c in candidates]
        kept = [i for i, fit in enumerate(fits) if fit is not None]
        if not kept:
            return []
        major = np.array([_FIT[fits[i]] for i in kept])  # type: ignore[index]
        cohort = np.array([candidates[i].coming_cohort for i in kept], dtype=float)
        cohort_score = np.minimum(1.0, cohort / (self.cohort_multiple * max(demand.headcount, 1)))
        distances = [_distance(demand.region_code, candidates[i].region_code) for i in kept]
        distance = np.array([_DISTANCE[d] for d in distances])
        score = np.round(
            self.major_weight * major
            + self.cohort_weight * cohort_score
            + self.distance_weight * distance,
            self.decimals,
        )
        order = sorted(
            range(len(kept)),
            key=lambda j: (-score[j], -cohort[j], candidates[kept[j]].programme_id),
        )[:k]
        d = self.decimals
        out = []
        for j in order:
            candidate = candidates[kept[j]]
            record = self.catalogue_[candidate.major_code]
            out.append(
                PartnerMatch(
                    candidate=candidate,
                    major_name=record.name,
                    level=record.level,
                    score=float(score[j]),
                    components={
                        "major": round(float(major[j]), d),
                        "cohort": round(float(cohort_score[j]), d),
                        "distance": round(float(distance[j]), d),
                    },
                    major=str(fits[kept[j]]),
                    distance=distances[j],
                )
            )
        return out


def _distance(here: str, there: str) -> str:
    if here == there:
        return "same_county"
    if here[:4] == there[:4]:
        return "same_city"
    if here[:2] == there[:2]:
        return "same_province"
    return "farther"
