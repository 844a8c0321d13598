from __future__ import annotations

import random
from datetime import date
from typing import Any

import numpy as np
import pytest

from matching.recommend import PositionIndex, PositionRecord, StudentProfile
from matching.resolve import MajorRecord
from tests.matching.evaluation import recommendation_metrics

CATALOGUE = [
    MajorRecord("520201", "护理", "高职专科", "5202"),
    MajorRecord("520202", "助产", "高职专科", "5202"),
    MajorRecord("520301", "药学", "高职专科", "5203"),
    MajorRecord("510203", "软件技术", "高职专科", "5102"),
    MajorRecord("720201", "护理", "中职", "7202"),
]
TODAY = date(2026, 11, 23)


def position(pid: str, **fields) -> PositionRecord:
    values: dict[str, Any] = {
        "title": "岗位",
        "enterprise": "企业",
        "kind": "job",
        "region_code": "500106",
        "monthly_pay": 4000.0,
    }
    values.update(fields)
    return PositionRecord(id=pid, **values)


def index(*positions: PositionRecord, **params) -> PositionIndex:
    return PositionIndex(**params).fit(CATALOGUE, positions)


def ids(results) -> list[str]:
    return [r.position_id for r in results]


def test_major_relation_orders_positions() -> None:
    idx = index(
        position("same", major_codes=("520201",)),
        position("class_asked", class_codes=("5202",)),
        position("sibling", major_codes=("520202",)),
        position("category", major_codes=("520301",)),
        position("any"),
        position("other", major_codes=("510203",)),
    )
    results = idx.recommend(StudentProfile("520201"), k=6)
    assert ids(results) == ["same", "class_asked", "sibling", "category", "any", "other"]
    assert [r.reasons.major for r in results] == [
        "same_major",
        "same_class_requested",
        "same_class",
        "same_category",
        "any_major",
        "unrelated",
    ]
    assert results[0].score == 0.6  # 0.5 × 1 (major) + 0.1 × 0.5 (region) + 0.1 × 0.5 (pay)
    # A 中职 student of 护理 shares the 专业类 across levels (7202 ≙ 5202).
    secondary = idx.recommend(StudentProfile("720201"), k=3)
    assert [r.reasons.major for r in secondary] == [
        "same_class_requested",
        "same_class",
        "same_class",
    ]


def test_skills_and_certificates_are_matched_and_missing_ones_named() -> None:
    idx = index(
        position(
            "p",
            major_codes=("520201",),
            skills=("静脉输液", "急救", "护理文书"),
            description="需持有护士执业资格证，熟悉心肺复苏",
        )
    )
    student = StudentProfile(
        "520201", skills=("急救", "心肺复苏"), certificates=("护士执业资格证",)
    )
    [result] = idx.recommend(student, k=1)
    assert result.reasons.matched_skills == ("急救", "心肺复苏", "护士执业资格证")
    assert result.reasons.missing_skills == ("静脉输液", "护理文书")
    # 1 of 3 listed skills (0.7 weight) and 3 of 3 of the student's found in the text (0.3).
    assert result.components["skills"] == round(0.7 / 3 + 0.3, 4)


def test_filters_closed_kind_and_region_and_scores_region() -> None:
    idx = index(
        position("expired", major_codes=("520201",), closing_date=date(2026, 11, 22)),
        position("intern", major_codes=("520201",), kind="internship"),
        position("sichuan", major_codes=("520201",), region_code="510104"),
        position("district", major_codes=("520201",), region_code="500106"),
        position("city", major_codes=("520201",), region_code="500230"),
    )
    student = StudentProfile("520201", preferred_regions=("500106",), preferred_kinds=("job",))
    results = idx.recommend(student, k=10, today=TODAY)
    assert ids(results) == ["district", "city"]
    assert [r.reasons.region for r in results] == ["preferred", "same_province"]


def test_priority_industry_breaks_ties_only() -> None:
    idx = index(
        position("a", major_codes=("520201",)),
        position("b", major_codes=("520201",), priority_industries=("护理",)),
        position("c", major_codes=("520201",), monthly_pay=4100.0),
    )
    results = idx.recommend(StudentProfile("520201"), k=3)
    assert ids(results) == ["c", "b", "a"]
    assert results[1].reasons.priority_industry == "护理"
    assert results[1].score == results[2].score


def test_incremental_add_update_remove_equal_a_fresh_index() -> None:
    idx = index(merge_every=2)
    idx.add(position("a", major_codes=("520202",)))
    idx.add(position("b", major_codes=("510203",)))
    idx.add(position("c", major_codes=("520201",)))
    idx.add(position("a", major_codes=("520201",), monthly_pay=9000.0))  # changed
    assert idx.remove("b") is True
    assert idx.remove("b") is False
    fresh = index(
        position("c", major_codes=("520201",)),
        position("a", major_codes=("520201",), monthly_pay=9000.0),
    )
    student = StudentProfile("520201")
    assert [r.to_dict() for r in idx.recommend(student)] == [
        r.to_dict() for r in fresh.recommend(student)
    ]
    assert len(idx) == 2


def test_removed_rows_are_compacted_away() -> None:
    idx = index(merge_every=1)
    for i in range(10):
        idx.add(position(f"p{i}", major_codes=("520201",)))
    for i in range(8):
        idx.remove(f"p{i}")
    idx.merge()
    assert len(idx.records_) == 2
    assert ids(idx.recommend(StudentProfile("520201"))) == ["p8", "p9"]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="权重"):
        index(pay_weight=0.5)
    with pytest.raises(ValueError, match="k"):
        index().recommend(StudentProfile("520201"), k=0)
    with pytest.raises(ValueError, match="岗位类型"):
        index(position("x", kind="volunteer"))


def test_synthetic_students_precision_and_mrr() -> None:
    # Figures quoted in the README; the right positions are known by construction.
    assert recommendation_metrics(k=3) == {"precision_at_3": 0.6417, "mrr": 0.9875}


# ---------------------------------------------------------------- the sparse query equals the full

WIDE_CATALOGUE = [
    *CATALOGUE,
    MajorRecord("460103", "数控技术", "高职专科", "4601"),
    MajorRecord("460104", "机械制造及自动化", "高职专科", "4601"),
    MajorRecord("540101", "旅游管理", "高职专科", "5401"),
    MajorRecord("660103", "数控技术应用", "中职", "6601"),
]
SKILL_POOL = ("急救", "静脉输液", "数控编程", "CAD 制图", "导游", "普通话", "焊接", "护理文书")
REGIONS = ("500106", "500230", "500101", "510104", "510703", "110105")


def _full_base(idx: PositionIndex, student: StudentProfile, today: date | None):
    """The score without text for EVERY row, and the candidates, computed over the whole index as
    the recommender did before the sparse query (issue 25.5): the reference."""
    from matching.recommend import _KINDS, _region_masks
    from matching.resolve import class_key

    n = idx._majors.n_rows
    keep = idx._alive[:n].copy()
    if today is not None:
        keep &= idx._closing[:n] >= today.toordinal()
    kinds = [_KINDS.index(kind) for kind in student.preferred_kinds if kind in _KINDS]
    if kinds:
        keep &= np.isin(idx._kind[:n], kinds)
    preferred, province = _region_masks(idx._region[:n], student.preferred_regions)
    if student.preferred_regions:
        keep &= province
    major = np.where(idx._no_major[:n], 0.3, 0.0)
    record = idx.catalogue_.get(student.major_code)
    if record is not None:
        key = class_key(record.class_code)
        for matrix, columns, value in (
            (idx._majors, idx._category_members[key[:2]], 0.4),
            (idx._majors, idx._class_members[key], 0.7),
            (idx._classes, np.array([idx._class_ids[key]], dtype=np.int32), 0.9),
            (idx._majors, np.array([idx._major_ids[student.major_code]], dtype=np.int32), 1.0),
        ):
            major[matrix.rows_with(columns)] = value
    coverage = np.zeros(n)
    skill_cols = idx._skill_columns([*student.skills, *student.certificates])
    if skill_cols.size:
        rows, counts = np.unique(idx._skills.rows_with(skill_cols), return_counts=True)
        coverage[rows] = counts / idx._n_skills[:n].astype(np.float64)[rows]
    region = np.where(preferred, 1.0, 0.5) if student.preferred_regions else np.full(n, 0.5)
    pay = np.minimum(1.0, idx._pay[:n] / idx.pay_reference)
    base = (
        idx.major_weight * major
        + idx.skill_weight * 0.7 * coverage
        + idx.region_weight * region
        + idx.pay_weight * pay
    )
    return base, np.flatnonzero(keep)


def _full_shortlist(idx: PositionIndex, student: StudentProfile, k: int, today: date | None):
    """The shortlist over every row: the ``max_text_candidates`` best candidates by the score
    without text (equal ones: the lower row), those within the text's room of the k-th best."""
    base, candidates = _full_base(idx, student, today)
    limit = max(idx.max_text_candidates, k)
    if len(candidates) <= limit:
        return candidates, base
    order = np.lexsort((candidates, -base[candidates]))[:limit]
    best = candidates[order]
    kth = np.sort(base[best])[::-1][k - 1]
    room = idx.major_weight * 0.3 + idx.skill_weight * 1.0
    return np.sort(best[base[best] + room >= kth]), base


def _big_index(rng: random.Random, n: int, removed: float = 0.05, **params) -> PositionIndex:
    """Positions with many equal scores (pay in a few steps), three provinces, every kind, some
    closed; updated and removed after a merge so that the index holds pending and dead rows."""
    majors = [m.code for m in WIDE_CATALOGUE]

    def make(i: int) -> PositionRecord:
        return position(
            f"p{i:05d}",
            kind=rng.choice(("job", "internship", "apprenticeship")),
            region_code=rng.choice(REGIONS),
            major_codes=tuple(rng.sample(majors, rng.choice((0, 0, 1, 1, 2)))),
            class_codes=("5202",) if rng.random() < 0.03 else (),
            skills=tuple(rng.sample(SKILL_POOL, rng.randint(0, 3))),
            description=rng.choice(("熟悉急救与护理", "数控编程和焊接", "导游 普通话", "")),
            monthly_pay=rng.choice((None, 3000.0, 4500.0, 6000.0, 9000.0)),
            closing_date=rng.choice((None, date(2026, 11, 1), date(2027, 3, 1))),
            priority_industries=("护理",) if rng.random() < 0.1 else (),
        )

    idx = PositionIndex(merge_every=64, **params).fit(WIDE_CATALOGUE, [make(i) for i in range(n)])
    idx.merge()
    for i in rng.sample(range(n), int(n * removed)):
        idx.remove(f"p{i:05d}")
    if removed > 0.5:
        idx.merge()  # compacts: the rows are renumbered and ordered again
        assert len(idx.records_) == len(idx)
    idx.add_many([make(i) for i in rng.sample(range(n), 40)])  # pending: fewer than merge_every
    return idx


@pytest.mark.parametrize(
    ("max_text_candidates", "removed"), [(3, 0.05), (40, 0.05), (600, 0.05), (40, 0.6)]
)
def test_sparse_query_equals_the_full_computation(max_text_candidates: int, removed: float) -> None:
    rng = random.Random(max_text_candidates)
    idx = _big_index(rng, 4000, removed, max_text_candidates=max_text_candidates)
    assert idx._ordered_rows < idx._majors.n_rows  # some rows are pending
    majors = [m.code for m in WIDE_CATALOGUE] + ["999999"]
    region_choices = [(), ("500106",), ("500000",), ("510104", "110000"), ("5001",), ("510700",)]
    for _ in range(60):
        student = StudentProfile(
            rng.choice(majors),
            skills=tuple(rng.sample(SKILL_POOL, rng.randint(0, 3))),
            certificates=("护士执业资格证",) if rng.random() < 0.2 else (),
            preferred_regions=rng.choice(region_choices),
            preferred_kinds=tuple(rng.sample(("job", "internship"), rng.randint(0, 1))),
        )
        k = rng.choice((1, 5, 20))
        today = rng.choice((TODAY, None))
        expected, base = _full_shortlist(idx, student, k, today)
        query = idx._query(student, today)
        short = idx._shortlist_slots(query, k)
        assert short.slots.tolist() == expected.tolist()
        assert short.base.tolist() == base[expected].tolist()  # the same floats, bit for bit
        # The top-k built on the full shortlist is what the index answers.
        full = idx._finish(query, idx._parts(query, expected), k, ("护士",))
        answer = idx.recommend(student, k=k, today=today, major_terms=("护士",))
        assert [r.to_dict() for r in answer] == [r.to_dict() for r in full]


def test_top_k_among_equal_scores_is_by_id() -> None:
    # Ten positions with the same score: the first three by id, whichever way they were added.
    names = [f"p{i}" for i in range(10)]
    rng = random.Random(3)
    for _ in range(3):
        rng.shuffle(names)
        idx = index(*(position(name, major_codes=("520201",)) for name in names))
        idx.merge()
        assert ids(idx.recommend(StudentProfile("520201"), k=3)) == ["p0", "p1", "p2"]
