"""The reference data files of ``seed/data``: counts, hierarchy, curated crosswalks, provenance.

Counts are pinned as literals and, where the reference folder is present, recomputed from it, so
that a silent change on either side fails. The generated files must equal a fresh rebuild.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from seed import build_reference

DATA = Path(build_reference.__file__).resolve().parent / "data"
REFERENCE = build_reference.DEFAULT_SOURCE
needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"reference catalogues not found at {REFERENCE}"
)

MAJOR_LEVEL_RANGES = {"中职": (61, 79), "高职专科": (41, 59), "职教本科": (21, 39)}
PRIORITY_LISTS = {
    "战略性新兴产业",
    "新兴专业方向",
    "紧缺",
    "改造升级",
    "生活服务业",
    "行业产教融合共同体",
    "联合体新兴产业",
    "急需紧缺学科专业",
}
# docs/design/policy.md §1, list by list (entries named in several lists are merged into one).
POLICY_LIST_MEMBERS = {
    "战略性新兴产业": {
        "新一代信息技术", "集成电路", "人工智能", "工业互联网", "储能", "智能制造", "生物医药",
        "新材料",
    },
    "新兴专业方向": {"先进制造", "新能源", "新材料", "生物技术", "人工智能"},
    "紧缺": {"护理", "康养", "托育", "家政", "养老"},
    "改造升级": {"冶金", "医药", "建材", "轻纺"},
    "生活服务业": {"养老", "托育", "家政"},
    "行业产教融合共同体": {
        "新一代信息技术", "高档数控机床和机器人", "高端仪器", "航空航天装备", "船舶与海洋工程装备",
        "先进轨道交通装备", "能源电子", "节能与新能源汽车", "电力装备", "农机装备", "新材料",
        "生物医药",
    },
    "联合体新兴产业": {
        "新一代信息技术", "生物技术", "新能源", "新材料", "高端装备", "节能与新能源汽车",
        "节能环保", "航空航天装备", "船舶与海洋工程装备",
    },
    "急需紧缺学科专业": {
        "现代农业", "智能制造", "高端装备", "新一代信息技术", "生物医药", "节能环保", "新能源",
        "新材料", "研发设计", "数字创意", "现代交通运输", "高效物流", "融资租赁", "电子商务",
        "服务外包", "家政", "健康", "养老", "文化", "旅游", "集成电路", "航空发动机及燃气轮机",
        "网络安全", "人工智能",
    },
}  # fmt: skip


def read(name: str, folder: Path = DATA) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def priority_industries() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (DATA / "priority_industries.json").read_text(encoding="utf-8")
    )
    return data


def count_by(rows: list[dict[str, str]], column: str) -> dict[str, int]:
    return dict(Counter(row[column] for row in rows))


def distinct_per_level(rows: list[dict[str, str]], column: str) -> dict[str, int]:
    return {
        level: len({row[column] for row in rows if row["level"] == level})
        for level in MAJOR_LEVEL_RANGES
    }


def assert_tree(rows: list[dict[str, str]], levels: tuple[str, ...]) -> None:
    """Every parent exists and sits exactly one level above its child; roots have no parent."""
    level_of = {row["code"]: row["level"] for row in rows}
    assert len(level_of) == len(rows)
    for row in rows:
        depth = levels.index(row["level"])
        if depth == 0:
            assert row["parent_code"] == ""
        else:
            assert level_of[row["parent_code"]] == levels[depth - 1], row


# --------------------------------------------------------------------------- majors


def test_major_counts_are_pinned() -> None:
    majors = read("majors.csv")
    assert len(majors) == 1486
    assert count_by(majors, "level") == {"中职": 368, "高职专科": 797, "职教本科": 321}
    assert distinct_per_level(majors, "category_code") == {
        "中职": 19,
        "高职专科": 19,
        "职教本科": 19,
    }
    # The catalogue has 97 专业类 overall; not every level uses all of them.
    assert distinct_per_level(majors, "class_code") == {"中职": 88, "高职专科": 97, "职教本科": 92}


@needs_reference
def test_majors_equal_the_reference() -> None:
    source = read("majors_2021.csv", REFERENCE)
    majors = read("majors.csv")
    assert {row["major_code"] for row in source} == {row["code"] for row in majors}
    assert count_by(source, "level") == count_by(majors, "level")
    for level in MAJOR_LEVEL_RANGES:
        in_level = [row for row in source if row["level"] == level]
        assert (
            len({row["major_class_code"] for row in in_level})
            == distinct_per_level(majors, "class_code")[level]
        )
        assert (
            len({row["major_category_code"] for row in in_level})
            == distinct_per_level(majors, "category_code")[level]
        )


def test_major_hierarchy_is_consistent() -> None:
    majors = read("majors.csv")
    class_names: dict[str, set[str]] = {}
    for row in majors:
        low, high = MAJOR_LEVEL_RANGES[row["level"]]
        assert low <= int(row["category_code"]) <= high, row
        assert row["class_code"].startswith(row["category_code"])
        assert re.fullmatch(re.escape(row["class_code"]) + r"\d{2}K?", row["code"]), row
        class_names.setdefault(row["class_code"], set()).add(row["class_name"])
    assert all(len(names) == 1 for names in class_names.values())


def test_k_suffixed_codes_are_kept() -> None:
    majors = {row["code"]: row for row in read("majors.csv")}
    assert majors["520101K"]["name"] == "临床医学"
    assert majors["520101K"]["level"] == "高职专科"
    assert majors["570102K"]["name"] == "学前教育"
    assert "520101" not in majors


# --------------------------------------------------------------------------- classifications


def test_industries() -> None:
    industries = read("industries.csv")
    assert count_by(industries, "level") == {"门类": 20, "大类": 97, "中类": 473, "小类": 1382}
    assert_tree(industries, build_reference.INDUSTRY_LEVELS)
    assert all(row["name"] == row["name"].strip() for row in industries)
    names = {row["code"]: row["name"] for row in industries}
    assert names["3973"] == "集成电路制造"
    assert names["7517"] == "三维（3D）打印技术推广服务"


@needs_reference
def test_industries_equal_the_reference() -> None:
    source = read("industries_gbt4754_2017.csv", REFERENCE)
    industries = read("industries.csv")
    assert count_by(source, "level") == count_by(industries, "level")
    assert {(row["code"], row["parent"]) for row in source} == {
        (row["code"], row["parent_code"]) for row in industries
    }


def test_occupations() -> None:
    occupations = read("occupations.csv")
    assert count_by(occupations, "level") == {"大类": 8, "中类": 79, "小类": 449, "细类": 1636}
    assert_tree(occupations, build_reference.OCCUPATION_LEVELS)
    assert {row["mark"] for row in occupations} == {"", "S", "L", "L/S"}


@needs_reference
def test_occupations_equal_the_reference() -> None:
    source = read("occupations_2022.csv", REFERENCE)
    occupations = read("occupations.csv")
    assert count_by(source, "level") == count_by(occupations, "level")
    assert {row["code"] for row in source} == {row["code"] for row in occupations}


def test_regions() -> None:
    regions = read("regions.csv")
    # The source lists 2978 counties, three of them 不设区的地级市 repeated under their city code.
    assert count_by(regions, "level") == {"province": 31, "city": 342, "county": 2975}
    assert_tree(regions, ("province", "city", "county"))
    assert all(re.fullmatch(r"\d{6}", row["code"]) for row in regions)
    by_code = {row["code"]: row for row in regions}
    assert by_code["500106"]["parent_code"] == "500100"
    assert by_code["500100"]["parent_code"] == "500000"
    assert by_code["500000"]["name"] == "重庆市"
    assert by_code["500100"]["name"] == "市辖区"
    assert by_code["500200"]["name"] == "县"
    assert by_code["500101"]["name"] == "万州区"
    assert by_code["440300"]["parent_code"] == "440000"
    assert by_code["441900"]["level"] == "city"


@needs_reference
def test_regions_equal_the_reference() -> None:
    regions = count_by(read("regions.csv"), "level")
    assert regions["province"] == len(read("regions_provinces.csv", REFERENCE))
    assert regions["city"] == len(read("regions_cities.csv", REFERENCE))
    counties = read("regions_counties.csv", REFERENCE)
    repeated_cities = [row for row in counties if row["code"] == row["cityCode"].ljust(6, "0")]
    assert len(counties) == 2978
    assert {row["code"] for row in repeated_cities} == {"441900", "442000", "460400"}
    assert regions["county"] == len(counties) - len(repeated_cities)


def test_strategic_emerging() -> None:
    rows = read("strategic_emerging.csv")
    small_classes = {row["code"] for row in read("industries.csv") if row["level"] == "小类"}
    assert len(rows) == 939
    assert len({row["industry_code"] for row in rows}) == 469
    assert len({row["area"] for row in rows}) == 9
    assert {row["industry_code"] for row in rows} <= small_classes
    assert {row["partial"] for row in rows} == {"true", "false"}
    assert len({(row["industry_code"], row["path"]) for row in rows}) == len(rows)


@needs_reference
def test_strategic_emerging_equals_the_reference() -> None:
    source = read("strategic_emerging_2018_to_gbt4754.csv", REFERENCE)
    rows = read("strategic_emerging.csv")
    assert {(row["gbt4754_code"], row["sei_path"]) for row in source} == {
        (row["industry_code"], row["path"]) for row in rows
    }


# --------------------------------------------------------------------------- major terms


def test_major_terms_are_short_terms_of_known_majors() -> None:
    terms = read("major_terms.csv")
    codes = {row["code"] for row in read("majors.csv")}
    assert {row["kind"] for row in terms} == set(build_reference.TERM_KINDS)
    assert {row["major_code"] for row in terms} <= codes
    assert len({row["major_code"] for row in terms}) == 1319
    keys = [(row["major_code"], row["kind"], row["term"]) for row in terms]
    assert len(set(keys)) == len(keys)
    for row in terms:
        # Terms, not prose: no sentence punctuation, bounded length.
        assert 2 <= len(row["term"]) <= build_reference.MAX_TERM_LENGTH, row
        assert not re.search(r"[。；;，,：:]|本专业", row["term"]), row


def test_major_terms_examples() -> None:
    terms = {(row["major_code"], row["kind"], row["term"]) for row in read("major_terms.csv")}
    assert ("510401", "occupation", "集成电路版图设计") in terms
    assert ("510401", "course", "Verilog硬件描述语言") in terms
    assert ("510401", "certificate", "集成电路开发与测试") in terms
    # A group name holding a 、 (2015 大典 wording, not in the 2022 list) is re-joined.
    assert ("500701", "occupation", "交通运输、仓储和邮政业服务人员") in terms
    assert ("500701", "occupation", "交通运输") not in terms
    # Page wraps are joined: "增材制造设备操" + "作与维护".
    assert ("460112", "certificate", "增材制造设备操作与维护") in terms
    # Code lines written without the space ("专业代码260102") are still read.
    assert ("260102", "occupation", "智能制造工程技术人员") in terms
    # A profile whose code line was lost is attached to the next free code of its 专业类.
    assert ("210104", "occupation", "设施园艺作物生产") in terms
    assert ("210103", "occupation", "设施园艺作物生产") not in terms


def test_occupation_term_extraction() -> None:
    paragraph = (
        "面向政府机关和会计师事务所的审计、会计等职业，计算机程序设计员和计算机软件测试员、"
        "轻工机械等机械装备中零件制造工艺编制、设计、安装等岗位（群）。"
    )
    assert build_reference.occupation_terms([paragraph], []) == [
        "审计",
        "会计",
        "计算机程序设计员",
        "计算机软件测试员",
        "机械装备中零件制造工艺编制",
    ]
    protected = ["交通运输、仓储物流和邮政业服务人员"]
    assert build_reference.occupation_terms(
        ["面向快递员、交通运输、仓储物流和邮政业服务人员等职业。"], protected
    ) == ["快递员", "交通运输、仓储物流和邮政业服务人员"]
    # The 2015 wording is not in the 2022 list: the short head is re-joined to its tail.
    assert build_reference.occupation_terms(
        ["面向秘书、交通运输、仓储和邮政业服务人员等职业。"], [], {"秘书"}
    ) == ["秘书", "交通运输、仓储和邮政业服务人员"]


# --------------------------------------------------------------------------- curated files


def test_major_aliases() -> None:
    aliases = read("major_aliases.csv")
    majors = {row["code"]: row for row in read("majors.csv")}
    official = {(row["level"], row["name"]) for row in majors.values()}
    assert len(aliases) == 145
    assert count_by(aliases, "kind") == {"former_name": 79, "abbreviation": 66}
    per_level: Counter[tuple[str, str]] = Counter()
    for row in aliases:
        major = majors[row["major_code"]]
        assert row["alias"] != major["name"], row
        # An alias never shadows the exact name of another major at its level.
        assert (major["level"], row["alias"]) not in official, row
        assert row["source"], row
        per_level[(major["level"], row["alias"])] += 1
    assert max(per_level.values()) == 1
    pairs = {(row["major_code"], row["alias"], row["kind"]) for row in aliases}
    assert {
        ("530302", "会计", "former_name"),
        ("730301", "会计", "former_name"),
        ("590302", "老年服务与管理", "former_name"),
        ("530802", "物流管理", "former_name"),
        ("540106", "酒店管理", "former_name"),
        ("590401", "文秘", "former_name"),
        ("530201", "金融管理", "former_name"),
        ("530501", "国际贸易实务", "former_name"),
        ("770101", "学前教育", "former_name"),
        ("700206", "汽修", "abbreviation"),
        ("460103", "数控", "abbreviation"),
        ("530701", "电商", "abbreviation"),
        ("510102", "物联网", "abbreviation"),
    } <= pairs


def test_priority_industries_codes_exist() -> None:
    entries = priority_industries()
    majors = {row["code"]: row for row in read("majors.csv")}
    classes = {row["class_code"] for row in majors.values()}
    industries = {row["code"] for row in read("industries.csv")}
    regions = {row["code"] for row in read("regions.csv")}
    keys = [entry["key"] for entry in entries]
    assert len(keys) == len(set(keys)) == 46
    for entry in entries:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", entry["key"]), entry["key"]
        assert set(entry["lists"]) <= PRIORITY_LISTS, entry["key"]
        assert entry["category"] in {"新兴", "紧缺", "改造升级", "生活服务"}
        assert entry["region_code"] is None or entry["region_code"] in regions
        assert entry["industry_codes"], entry["key"]
        assert set(entry["industry_codes"]) <= industries, entry["key"]
        assert entry["keywords"], entry["key"]
        assert len(set(entry["keywords"])) == len(entry["keywords"]), entry["key"]
        assert entry["major_codes"]
        for code in entry["major_codes"]:
            assert code in (classes if len(code) == 4 else majors), (entry["key"], code)
        # Every clause cites its document by title.
        assert all(part.startswith("《") for part in entry["source"].split("; ")), entry["key"]


def test_priority_industries_cover_policy_lists() -> None:
    entries = priority_industries()
    national = [entry for entry in entries if entry["region_code"] is None]
    for list_name, members in POLICY_LIST_MEMBERS.items():
        assert {e["name"] for e in national if list_name in e["lists"]} == members, list_name
    chongqing = {e["name"] for e in entries if e["region_code"] == "500000"}
    assert chongqing == {"机器人", "物业"}
    upgrade = {e["name"] for e in entries if e["category"] == "改造升级"}
    assert upgrade == {"冶金", "医药", "建材", "轻纺"}


def test_priority_crosswalk_anchors() -> None:
    by_name = {e["name"]: e for e in priority_industries() if e["region_code"] is None}
    assert {"7104", "5104", "3104"} <= set(by_name["集成电路"]["major_codes"])
    assert {"3973", "6520"} <= set(by_name["集成电路"]["industry_codes"])
    assert {"7202", "5202", "3202"} <= set(by_name["护理"]["major_codes"])
    assert {"720803", "520802"} <= set(by_name["托育"]["major_codes"])
    assert {"790302", "590302", "390302"} <= set(by_name["养老"]["major_codes"])
    assert "8020" in by_name["托育"]["industry_codes"]


# --------------------------------------------------------------------------- reproducibility


@needs_reference
def test_build_is_deterministic_and_committed_files_are_current(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert build_reference.main(["--source", str(REFERENCE), "--out", str(first)]) == 0
    build_reference.build(REFERENCE, second)
    for name in build_reference.GENERATED_FILES:
        built = (first / name).read_bytes()
        assert built == (second / name).read_bytes(), name
        assert built == (DATA / name).read_bytes(), f"{name} is stale: rerun seed.build_reference"
    # Curated files are never written by the script.
    assert sorted(path.name for path in first.iterdir()) == sorted(build_reference.GENERATED_FILES)
