from __future__ import annotations

from datetime import date
from typing import Any

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
