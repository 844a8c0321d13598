from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from matching.resolve import Candidate, MajorRecord, MajorResolver, Resolution, class_key

# The project's own copy of the catalogue (seed/data is rebuilt from the official reference files).
CATALOGUE = Path(__file__).resolve().parents[2] / "seed" / "data" / "majors.csv"

# Hand-written aliases: former names from the 2021 catalogue revision, and abbreviations.
ALIASES = {
    "530302": ("会计",),  # 大数据与会计, formerly 会计
    "530802": ("物流管理",),  # 现代物流管理, formerly 物流管理
    "530701": ("电商",),  # 电子商务 (高职专科)
    "460301": ("机电",),  # 机电一体化技术
}


def load_records() -> list[MajorRecord]:
    with CATALOGUE.open(encoding="utf-8") as f:
        return [
            MajorRecord(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                class_code=row["class_code"],
                aliases=ALIASES.get(row["code"], ()),
            )
            for row in csv.DictReader(f)
        ]


@pytest.fixture(scope="module")
def records() -> list[MajorRecord]:
    return load_records()


@pytest.fixture(scope="module")
def resolver(records: list[MajorRecord]) -> MajorResolver:
    return MajorResolver().fit(records)


def codes(resolution: Resolution) -> list[str]:
    return [candidate.code for candidate in resolution.candidates]


def test_catalogue_code_of_the_example_is_as_in_the_csv(records: list[MajorRecord]) -> None:
    by_code = {record.code: record for record in records}
    assert (by_code["510203"].name, by_code["510203"].level) == ("软件技术", "高职专科")
    assert len(records) == 1486


@pytest.mark.parametrize(
    ("raw", "level", "code", "method"),
    [
        ("软件技术", None, "510203", "exact"),
        ("软件技术", "高职专科", "510203", "exact"),
        ("大数据与会计", "高职专科", "530302", "exact"),
        ("510203", None, "510203", "code"),
        ("５１０２０３", None, "510203", "code"),
        (" 510203 ", "高职专科", "510203", "code"),
        ("520101k", None, "520101K", "code"),
        ("520101", None, "520101K", "code"),  # the K of 国控 majors left off
        ("510203 软件技术", None, "510203", "code"),
        ("５１０２０３软件技术专业", None, "510203", "code"),
        ("软 件 技 术", None, "510203", "exact"),
        ("ｓｏｆｔ", None, None, None),
        ("软件技术专业", None, "510203", "exact"),
        ("软件技术（移动应用开发方向）", "高职专科", "510203", "exact"),
        ("软件技术(移动应用开发方向)专业", "高职专科", "510203", "exact"),
        ("会计", None, "530302", "alias"),
        ("会计专业", "高职专科", "530302", "alias"),
        ("物流管理", "高职专科", "530802", "alias"),
        ("电商", "高职专科", "530701", "alias"),
        ("机电", None, "460301", "alias"),
    ],
)
def test_resolves(
    resolver: MajorResolver, raw: str, level: str | None, code: str | None, method: str | None
) -> None:
    resolution = resolver.resolve(raw, level)
    assert (resolution.code, resolution.method) == (code, method)
    assert resolution.input == raw


def test_exact_hit_has_full_score_and_no_candidates(resolver: MajorResolver) -> None:
    assert resolver.resolve("软件技术") == Resolution(
        input="软件技术",
        code="510203",
        name="软件技术",
        level="高职专科",
        score=100.0,
        method="exact",
        candidates=(),
    )


def test_name_of_another_level_gives_the_counterpart(resolver: MajorResolver) -> None:
    # 计算机应用 is 中职 710201 (计算机类 7102); at 高职专科 the 计算机类 is 5102.
    resolution = resolver.resolve("计算机应用", "高职专科")
    assert (resolution.code, resolution.name, resolution.level) == (
        "510201",
        "计算机应用技术",
        "高职专科",
    )
    assert resolution.method == "counterpart"
    assert resolution.score == pytest.approx(83.333, abs=1e-3)
    assert resolution.candidates == (Candidate("710201", "计算机应用", "中职", 100.0),)


def test_code_of_another_level_gives_the_counterpart(resolver: MajorResolver) -> None:
    resolution = resolver.resolve("710201", "高职专科")
    assert (resolution.code, resolution.method) == ("510201", "counterpart")


def test_alias_of_another_level_gives_the_counterpart(resolver: MajorResolver) -> None:
    # 会计 is an alias of 高职专科 530302 大数据与会计; 中职 财务会计类 7303 has 730301 会计事务.
    resolution = resolver.resolve("会计", "中职")
    assert (resolution.code, resolution.method) == ("730301", "counterpart")
    assert resolution.score == pytest.approx(66.667, abs=1e-3)
    assert codes(resolution) == ["530302"]


def test_no_counterpart_is_not_a_guess(resolver: MajorResolver) -> None:
    # 会计事务 (中职) is no closer than 50 to any 高职专科 财务会计类 name.
    resolution = resolver.resolve("会计事务", "高职专科")
    assert resolution.code is None
    assert resolution.method is None
    assert codes(resolution) == ["730301"]


def test_fuzzy_typo(resolver: MajorResolver) -> None:
    # 木 for 术: one wrong character of seven, not a homophone.
    resolution = resolver.resolve("计算机网络技木", "高职专科")
    assert (resolution.code, resolution.method) == ("510202", "fuzzy")
    assert resolution.score == pytest.approx(85.71, abs=1e-2)
    assert codes(resolution)[0] == "510202"


def test_fuzzy_homophone_typo(resolver: MajorResolver) -> None:
    resolution = resolver.resolve("电子商物", "高职专科")
    assert (resolution.code, resolution.method, resolution.score) == ("530701", "fuzzy", 95.0)
    assert codes(resolution) == ["530701", "530702", "530705"]


def test_homophone_channel_can_be_turned_off(records: list[MajorRecord]) -> None:
    resolver = MajorResolver(homophone_weight=0.0).fit(records)
    resolution = resolver.resolve("电子商物", "高职专科")
    assert resolution.code is None
    assert resolution.candidates[0] == Candidate("530701", "电子商务", "高职专科", 75.0)


@pytest.mark.parametrize("raw", ["xyzzy", "哈哈哈哈", "123", "", "  ", "（）"])
def test_gibberish_is_unresolved_without_candidates(resolver: MajorResolver, raw: str) -> None:
    resolution = resolver.resolve(raw)
    assert (resolution.code, resolution.method, resolution.candidates) == (None, None, ())
    assert resolution.score == 0.0


def test_unknown_code_is_unresolved(resolver: MajorResolver) -> None:
    resolution = resolver.resolve("999999")
    assert (resolution.code, resolution.candidates) == (None, ())


def test_below_cutoff_returns_candidates_only(resolver: MajorResolver) -> None:
    resolution = resolver.resolve("软件", "高职专科")
    assert resolution.code is None
    assert resolution.candidates == (
        Candidate("510203", "软件技术", "高职专科", 66.67),
        Candidate("510303", "通信软件技术", "高职专科", 50.0),
    )
    assert resolution.score == 66.67


def test_same_name_at_several_levels_is_ambiguous_without_level(resolver: MajorResolver) -> None:
    resolution = resolver.resolve("护理")
    assert resolution.code is None
    assert codes(resolution) == ["320201", "520201", "720201"]
    assert {candidate.score for candidate in resolution.candidates} == {100.0}
    assert resolver.resolve("护理", "高职专科").code == "520201"


def test_tied_fuzzy_scores_are_ambiguous(resolver: MajorResolver) -> None:
    # 计算机网络技术 exists at 中职 (710202) and 高职专科 (510202): the typo ties between them.
    resolution = resolver.resolve("计算机网络技木")
    assert resolution.code is None
    assert codes(resolution)[:2] == ["510202", "710202"]
    assert resolution.candidates[0].score == resolution.candidates[1].score


def test_code_and_name_that_disagree_are_not_resolved(resolver: MajorResolver) -> None:
    resolution = resolver.resolve("510203 护理")
    assert resolution.code is None
    assert codes(resolution) == ["320201", "520201", "720201", "510203"]


def test_resolve_many_matches_resolve_in_order(resolver: MajorResolver) -> None:
    names = ["软件技术", "电子商物", "xyzzy", "会计", "电子商物", "510203", "计算机应用", "软件"]
    batch = resolver.resolve_many(names, "高职专科")
    assert batch == [resolver.resolve(name, "高职专科") for name in names]
    assert [r.code for r in batch] == [
        "510203",
        "530701",
        None,
        "530302",
        "530701",
        "510203",
        "510201",
        None,
    ]


def test_resolve_many_accepts_an_empty_batch(resolver: MajorResolver) -> None:
    assert resolver.resolve_many([]) == []


def test_to_dict(resolver: MajorResolver) -> None:
    assert resolver.resolve("软件", "高职专科").to_dict() == {
        "input": "软件",
        "code": None,
        "name": None,
        "level": None,
        "score": 66.67,
        "method": None,
        "candidates": [
            {"code": "510203", "name": "软件技术", "level": "高职专科", "score": 66.67},
            {"code": "510303", "name": "通信软件技术", "level": "高职专科", "score": 50.0},
        ],
    }


def test_class_key_matches_across_levels() -> None:
    assert class_key("7102") == class_key("5102") == class_key("3102") == "1102"
    assert class_key("6101") == class_key("4101") == class_key("2101") == "0101"
    assert class_key("7903") == class_key("5903") == class_key("3903") == "1903"


def test_unfitted_resolver_raises() -> None:
    with pytest.raises(NotFittedError):
        MajorResolver().resolve("软件技术")


def test_unknown_level_raises(resolver: MajorResolver) -> None:
    with pytest.raises(ValueError, match="层次"):
        resolver.resolve("软件技术", "本科")


@pytest.mark.parametrize(
    "record",
    [
        MajorRecord("510203", "重复", "高职专科", "5102"),
        MajorRecord("51020", "短码", "高职专科", "5102"),
        MajorRecord("510299", "未知层次", "本科", "5102"),
    ],
)
def test_fit_rejects_bad_records(record: MajorRecord) -> None:
    base = MajorRecord("510203", "软件技术", "高职专科", "5102")
    with pytest.raises(ValueError, match="专业"):
        MajorResolver().fit([base, record])


@pytest.mark.parametrize(
    "params",
    [
        {"score_cutoff": 40.0},
        {"n_candidates": 0},
        {"homophone_weight": 1.5},
        {"candidate_cutoff": -1.0},
    ],
)
def test_fit_rejects_bad_hyperparameters(params: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="cutoff|n_candidates|homophone_weight"):
        MajorResolver(**params).fit([])  # type: ignore[arg-type]


def test_estimator_contract(records: list[MajorRecord]) -> None:
    resolver = MajorResolver(score_cutoff=90.0, n_candidates=3)
    assert resolver.get_params() == {
        "score_cutoff": 90.0,
        "n_candidates": 3,
        "candidate_cutoff": 50.0,
        "homophone_weight": 0.95,
    }
    assert resolver.fit(records) is resolver
    copy = clone(resolver)
    assert copy.get_params() == resolver.get_params()
    assert not hasattr(copy, "records_")


def test_resolve_many_on_the_whole_catalogue_finds_every_higher_major(
    records: list[MajorRecord],
) -> None:
    # Speed is measured by bench/bench_resolve.py; here the batch path must match the catalogue.
    resolver = MajorResolver().fit(records)
    higher = [record for record in records if record.level == "高职专科"]
    results = resolver.resolve_many([f"{record.name}专业" for record in higher], "高职专科")
    assert [result.code for result in results] == [record.code for record in higher]


def test_alias_at_the_asked_level_beats_a_name_at_another_level() -> None:
    records = [
        MajorRecord("730301", "会计事务", "中职", "7303"),
        MajorRecord("530302", "大数据与会计", "高职专科", "5303", aliases=("会计事务",)),
    ]
    resolver = MajorResolver().fit(records)
    # Without a level the exact name is the stronger evidence.
    assert (resolver.resolve("会计事务", "高职专科").code, resolver.resolve("会计事务").code) == (
        "530302",
        "730301",
    )
    assert resolver.resolve("会计事务", "高职专科").method == "alias"
    assert resolver.resolve("会计事务", "中职").method == "exact"


# ---------------------------------------------------------------- short forms


def _short_catalogue() -> MajorResolver:
    return MajorResolver().fit(
        [
            MajorRecord("530701", "电子商务", "高职专科", "5307"),
            MajorRecord("530702", "跨境电子商务", "高职专科", "5307"),
            MajorRecord("460301", "机电一体化技术", "高职专科", "4603"),
            MajorRecord("530801", "物流工程技术", "高职专科", "5308"),
            MajorRecord("530802", "现代物流管理", "高职专科", "5308"),
            MajorRecord("730701", "电子商务", "中职", "7307"),
        ]
    )


def test_short_forms_resolve_when_one_major_fits() -> None:
    resolver = _short_catalogue()
    shortened = resolver.resolve("电商", "高职专科")
    assert (shortened.code, shortened.method) == ("530701", "short_form")
    dropped = resolver.resolve("机电一体化", "高职专科")
    assert (dropped.code, dropped.method) == ("460301", "short_form")


def test_short_forms_never_guess_between_several_majors() -> None:
    resolver = _short_catalogue()
    # 物流 is 物流工程技术 without its suffix, and also inside 现代物流管理.
    assert resolver.resolve("物流", "高职专科").code is None
    # 电商 fits 电子商务 at two levels: with no level asked, both come back as candidates.
    unresolved = resolver.resolve("电商")
    assert unresolved.code is None
    assert [c.code for c in unresolved.candidates] == ["530701", "730701"]
