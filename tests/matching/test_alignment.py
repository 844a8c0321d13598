from __future__ import annotations

import math

import pytest

from matching.alignment import DemandEvidence, IndustryProfile, MajorProfile, ProgrammeAligner
from tests.matching.evaluation import alignment_metrics

MAJORS = [
    MajorProfile("520201", "护理", "高职专科", "5202", ("护士", "临床护理")),
    MajorProfile("520202", "助产", "高职专科", "5202", ("助产士",)),
    MajorProfile("510203", "软件技术", "高职专科", "5102", ("软件开发工程师",)),
]
INDUSTRIES = [
    IndustryProfile("nursing", "护理", "紧缺", ("紧缺",), ("520201",), ("841",), ("护士", "护理")),
    IndustryProfile("health", "健康", "生活服务", (), ("5202",), ("84",), ("健康",)),
    IndustryProfile("it", "新一代信息技术", "新兴", (), (), ("65",), ("软件",)),
    IndustryProfile("local", "物业", "生活服务", (), ("520201",), (), (), (), "500000"),
]


def test_crosswalk_counts_the_major_and_its_class() -> None:
    aligner = ProgrammeAligner().fit(MAJORS, INDUSTRIES)
    by_key = {a.key: a for a in aligner.align("520202")}
    assert by_key["nursing"].components.crosswalk == 0.0
    assert by_key["health"].components.crosswalk == 0.85
    assert by_key["health"].via == "class"
    assert aligner.align("520201")[0].via == "major"


def test_regional_industries_count_only_in_their_region() -> None:
    aligner = ProgrammeAligner().fit(MAJORS, INDUSTRIES)
    assert [a.key for a in aligner.align("520201")] == ["nursing", "health", "it"]
    assert "local" in {a.key for a in aligner.align("520201", region_codes=["500000"])}


def test_demand_is_the_share_of_the_industrys_positions_asking_for_the_major() -> None:
    aligner = ProgrammeAligner().fit(MAJORS, INDUSTRIES)
    evidence = DemandEvidence(
        totals={"8411": 8.0, "8421": 2.0, "6511": 5.0},
        asked={("8411", "520201"): 4.0, ("6511", "510203"): 5.0},
    )
    by_key = {a.key: a for a in aligner.align("520201", evidence)}
    # 护理 covers 841x: 4 of 8 positions ask for the major; 健康 covers 84xx: 4 of 10.
    assert by_key["nursing"].demand_share == 0.5
    assert by_key["health"].demand_share == 0.4
    assert by_key["nursing"].components.demand == 1.0
    it = {a.key: a for a in aligner.align("510203", evidence)}["it"]
    assert it.demand_share == 1.0
    no_positions = {a.key: a for a in aligner.align("520201")}["nursing"]
    assert no_positions.demand_share is None


def test_score_is_the_weighted_sum_and_in_range() -> None:
    aligner = ProgrammeAligner().fit(MAJORS, INDUSTRIES)
    for item in aligner.align("520201", region_codes=["500000"]):
        c = item.components
        expected = 0.6 * c.crosswalk + 0.25 * c.text + 0.15 * c.demand
        assert math.isclose(item.score, expected, abs_tol=2e-4)
        assert 0.0 <= item.score <= 1.0


def test_threshold_and_parameters_are_checked() -> None:
    aligner = ProgrammeAligner(aligned_threshold=0.6).fit(MAJORS, INDUSTRIES)
    assert [a.key for a in aligner.aligned(aligner.align("520201"))] == ["nursing"]
    with pytest.raises(ValueError, match="权重"):
        ProgrammeAligner(text_weight=0.5).fit(MAJORS, INDUSTRIES)
    with pytest.raises(KeyError):
        aligner.align("999999")


def test_evaluation_set_precision_and_mrr() -> None:
    # Figures quoted in the README; the labels live in tests/matching/evaluation.py.
    assert alignment_metrics(blind=False) == {"precision_at_1": 0.9697, "mrr": 0.9848}
    assert alignment_metrics(blind=True) == {"precision_at_1": 0.9394, "mrr": 0.9697}
