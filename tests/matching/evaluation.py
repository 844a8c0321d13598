"""Labelled evaluation sets of the matcher, and their metrics (precision@k, mean reciprocal rank).

Kept in the tests, away from the code they evaluate: the estimators never see the labels.
``python -m tests.matching.evaluation`` prints the figures quoted in the README.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from matching.alignment import IndustryProfile, MajorProfile, ProgrammeAligner
from matching.recommend import PositionIndex, PositionRecord, StudentProfile
from matching.resolve import MajorRecord

DATA = Path(__file__).resolve().parents[2] / "seed" / "data"

# 高职专科 majors whose serving industries docs/design/policy.md §1's lists make unambiguous.
ALIGNMENT_LABELS: dict[str, set[str]] = {
    "410103": {"modern-agriculture"},
    "420801": {"energy-saving-environmental"},
    "430301": {"new-energy", "energy-electronics"},
    "430401": {"metallurgy"},
    "430504": {"energy-storage", "new-materials", "energy-electronics"},
    "430701": {"building-materials"},
    "440703": {"property-services-chongqing"},
    "460103": {"cnc-machine-tools-and-robots", "intelligent-manufacturing"},
    "460305": {"robotics-chongqing", "cnc-machine-tools-and-robots", "intelligent-manufacturing"},
    "460501": {"marine-equipment"},
    "460609": {"aerospace-equipment"},
    "460702": {"new-energy-vehicles"},
    "480401": {"light-textile"},
    "480402": {"light-textile"},
    "490201": {"traditional-pharma", "biomedicine"},
    "490202": {"biomedicine", "biotechnology"},
    "500409": {"aerospace-equipment"},
    "510204": {"digital-creative"},
    "510207": {"cybersecurity"},
    "510209": {"artificial-intelligence"},
    "510211": {"industrial-internet"},
    "510401": {"integrated-circuit"},
    "510402": {"integrated-circuit"},
    "520201": {"nursing"},
    "520202": {"nursing"},
    "520601": {"health-and-wellness"},
    "520802": {"childcare"},
    "530701": {"e-commerce"},
    "530702": {"e-commerce"},
    "530802": {"efficient-logistics"},
    "540102": {"tourism"},
    "590301": {"domestic-services"},
    "590302": {"elderly-care"},
}
REGION = ["500000"]


def precision_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return sum(1 for item in ranked[:k] if item in relevant) / k


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for rank, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def catalogue() -> tuple[list[MajorProfile], list[IndustryProfile]]:
    terms: dict[str, list[str]] = defaultdict(list)
    with (DATA / "major_terms.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kind"] in ("occupation", "certificate"):
                terms[row["major_code"]].append(row["term"])
    with (DATA / "industries.csv").open(encoding="utf-8") as f:
        industry_names = {row["code"]: row["name"] for row in csv.DictReader(f)}
    with (DATA / "majors.csv").open(encoding="utf-8") as f:
        majors = [
            MajorProfile(r["code"], r["name"], r["level"], r["class_code"], tuple(terms[r["code"]]))
            for r in csv.DictReader(f)
        ]
    entries = json.loads((DATA / "priority_industries.json").read_text(encoding="utf-8"))
    industries = [
        IndustryProfile(
            key=e["key"],
            name=e["name"],
            category=e["category"],
            lists=tuple(e["lists"]),
            major_codes=tuple(e["major_codes"]),
            industry_codes=tuple(e["industry_codes"]),
            keywords=tuple(e["keywords"]),
            industry_names=tuple(
                industry_names[c] for c in e["industry_codes"] if c in industry_names
            ),
            region_code=e["region_code"],
        )
        for e in entries
    ]
    return majors, industries


def alignment_metrics(*, blind: bool) -> dict[str, float]:
    """P@1 and MRR over `ALIGNMENT_LABELS`; ``blind`` hides the crosswalk (text evidence only)."""
    majors, industries = catalogue()
    if blind:
        industries = [IndustryProfile(**{**i.__dict__, "major_codes": ()}) for i in industries]
    aligner = ProgrammeAligner().fit(majors, industries)
    ranked = aligner.align_many(ALIGNMENT_LABELS, region_codes=REGION)
    p1 = [precision_at_k([a.key for a in ranked[c]], ALIGNMENT_LABELS[c], 1) for c in ranked]
    rr = [reciprocal_rank([a.key for a in ranked[c]], ALIGNMENT_LABELS[c]) for c in ranked]
    return {"precision_at_1": round(sum(p1) / len(p1), 4), "mrr": round(sum(rr) / len(rr), 4)}


# ---------------------------------------------------------------- synthetic students

SKILLS = [f"技能{i:02d}" for i in range(60)]
REGIONS = ["500103", "500106", "500112", "510104", "440106"]


def synthetic_market(seed: int = 7) -> tuple[PositionIndex, list[tuple[StudentProfile, set[str]]]]:
    """Positions and students whose right positions are known by construction.

    For each of 40 高职专科 majors: 3 right positions (the student's major, one or two of the
    student's skills among one or two others, in the student's preferred city) and, as
    distractors, positions of another major of the same 专业类, of the same 大类, of an unrelated
    major, and open to any major — with two of the student's skills each, and better paid.
    """
    rng = random.Random(seed)
    with (DATA / "majors.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] == "高职专科"]
    records = [MajorRecord(r["code"], r["name"], r["level"], r["class_code"]) for r in rows]
    by_class: dict[str, list[str]] = defaultdict(list)
    by_category: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_class[r["class_code"]].append(r["code"])
        by_category[r["category_code"]].append(r["code"])
    chosen = rng.sample([r for r in rows if len(by_class[r["class_code"]]) > 1], 40)
    positions: list[PositionRecord] = []
    students: list[tuple[StudentProfile, set[str]]] = []
    counter = 0

    def post(major: str | None, skills: list[str], region: str, pay: float) -> str:
        nonlocal counter
        counter += 1
        pid = f"p{counter:05d}"
        positions.append(
            PositionRecord(
                id=pid,
                title=f"岗位{counter}",
                enterprise=f"企业{counter % 97}",
                kind=rng.choice(["job", "internship", "apprenticeship"]),
                region_code=region,
                major_codes=(major,) if major else (),
                skills=tuple(skills),
                description="负责相关工作",
                monthly_pay=pay,
                closing_date=date(2027, 6, 30),
            )
        )
        return pid

    for row in chosen:
        code = row["code"]
        own = rng.sample(SKILLS, 4)
        home = rng.choice(REGIONS[:3])
        right = {
            post(
                code,
                rng.sample(own, rng.randint(1, 2)) + rng.sample(SKILLS, rng.randint(1, 2)),
                home,
                rng.uniform(4000, 7000),
            )
            for _ in range(3)
        }
        sibling = rng.choice([c for c in by_class[row["class_code"]] if c != code])
        cousin = rng.choice(
            [c for c in by_category[row["category_code"]] if c not in by_class[row["class_code"]]]
            or [sibling]
        )
        stranger = rng.choice(
            [r["code"] for r in rows if r["category_code"] != row["category_code"]]
        )
        # Distractors that ask for every skill they list from the student's, and pay more.
        for other in (sibling, sibling, cousin, cousin, stranger, None, None):
            post(other, rng.sample(own, 2), home, rng.uniform(6000, 9000))
        post(stranger, rng.sample(SKILLS, 3), home, 12000)
        students.append(
            (StudentProfile(code, skills=tuple(own), preferred_regions=(home[:4] + "00",)), right)
        )
    return PositionIndex().fit(records, positions), students


def recommendation_metrics(k: int = 3) -> dict[str, float]:
    index, students = synthetic_market()
    p, rr = [], []
    for student, right in students:
        ranked = [r.position_id for r in index.recommend(student, k=20, today=date(2026, 11, 23))]
        p.append(precision_at_k(ranked, right, k))
        rr.append(reciprocal_rank(ranked, right))
    return {f"precision_at_{k}": round(sum(p) / len(p), 4), "mrr": round(sum(rr) / len(rr), 4)}


if __name__ == "__main__":
    print("alignment", alignment_metrics(blind=False))  # noqa: T201
    print("alignment, crosswalk hidden", alignment_metrics(blind=True))  # noqa: T201
    print("recommendations", recommendation_metrics())  # noqa: T201
