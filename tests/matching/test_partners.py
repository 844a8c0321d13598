from __future__ import annotations

from matching.partners import PartnerDemand, PartnerRanker, ProgrammeCandidate
from matching.resolve import MajorRecord

CATALOGUE = [
    MajorRecord("460305", "工业机器人技术", "高职专科", "4603"),
    MajorRecord("460301", "机电一体化技术", "高职专科", "4603"),
    MajorRecord("460103", "数控技术", "高职专科", "4601"),
    MajorRecord("520201", "护理", "高职专科", "5202"),
]


def candidate(pid: str, major: str, region: str, cohort: int) -> ProgrammeCandidate:
    return ProgrammeCandidate(pid, f"s{pid}", f"学校{pid}", major, region, cohort, (2027,))


def test_programmes_ranked_by_fit_cohort_and_distance() -> None:
    ranker = PartnerRanker().fit(CATALOGUE)
    demand = PartnerDemand(("460305",), (), "500106", headcount=10)
    ranked = ranker.rank(
        demand,
        [
            candidate("1", "460305", "500106", 30),
            candidate("2", "460305", "510104", 30),
            candidate("3", "460301", "500106", 60),
            candidate("4", "460103", "500230", 15),
            candidate("5", "520201", "500106", 300),
        ],
    )
    assert [m.candidate.programme_id for m in ranked] == ["1", "2", "3", "4"]
    first = ranked[0].to_dict()
    assert first["score"] == 1.0
    assert first["reasons"]["major"] == "same_major"
    assert first["reasons"]["distance"] == "same_county"
    assert ranked[3].components == {"major": 0.4, "cohort": 0.5, "distance": 0.5}


def test_a_class_request_fits_every_major_of_the_class() -> None:
    ranker = PartnerRanker().fit(CATALOGUE)
    demand = PartnerDemand((), ("4603",), "500106", headcount=5)
    assert ranker.fit_of(demand, "460301") == "same_class_requested"
    assert ranker.fit_of(demand, "460103") == "same_category"
    assert ranker.fit_of(demand, "520201") is None
