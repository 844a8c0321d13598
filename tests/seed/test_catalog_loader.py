"""The reference loader: counts match the files, a second load changes nothing, edits apply."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from models import Industry, Major, MajorAlias, PolicyProfile, PriorityIndustry, Region
from seed.catalog import load_catalog
from service.catalog import operations as catalog
from service.catalog import repository
from service.catalog.files import DEFAULT_DATA_DIR, REFERENCE_FILES, ReferenceFileError

KEYS = {spec.table: (spec.file_name, spec.key) for spec in REFERENCE_FILES}


def _distinct_keys_in_file(table: str) -> int:
    file_name, key = KEYS[table]
    path = DEFAULT_DATA_DIR / file_name
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data["profiles"] if isinstance(data, dict) else data
        return len({item["key"] for item in items})
    with path.open(encoding="utf-8") as handle:
        return len({tuple(row[column] for column in key) for row in csv.DictReader(handle)})


def _count(session: Session, table: str) -> int:
    return repository.count_rows(session, repository.table(table))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    return folder


def _rewrite_csv(path: Path, edit: object) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    rows = edit(rows)  # type: ignore[operator]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("table", sorted(KEYS))
def test_every_table_holds_the_rows_of_its_file(session: Session, table: str) -> None:
    assert _count(session, table) == _distinct_keys_in_file(table)


def test_majors_match_the_2021_catalogue_with_its_supplements(session: Session) -> None:
    rows = session.execute(select(col(Major.level), func.count()).group_by(col(Major.level)))
    per_level = dict(rows.all())
    assert per_level == {"中职": 368, "高职专科": 797, "职教本科": 321}


def test_a_second_load_changes_nothing(session: Session) -> None:
    report = catalog.load_reference(session)
    assert [table for table, load in report.items() if load.changed or load.missing] == []
    assert {table: load.unchanged for table, load in report.items()} == {
        table: _distinct_keys_in_file(table) for table in KEYS
    }


def test_load_catalog_returns_the_rows_per_table(session: Session) -> None:
    counts = load_catalog(session)
    assert counts == {table: _distinct_keys_in_file(table) for table in KEYS}


def test_regions_know_their_province(session: Session) -> None:
    county = session.get(Region, "500101")
    assert county is not None
    assert (county.name, county.parent_code, county.province_code) == ("万州区", "500100", "500000")
    mismatched = session.execute(
        select(func.count()).where(
            col(Region.province_code) != func.substr(col(Region.code), 1, 2) + "0000"
        )
    ).scalar_one()
    assert mismatched == 0


def test_majors_carry_pinyin_initials(session: Session) -> None:
    major = session.get(Major, "510203")
    assert major is not None
    assert (major.name, major.pinyin_initials, major.class_code) == ("软件技术", "rjjs", "5102")


def test_policy_profiles_keep_the_whole_object(session: Session) -> None:
    profile = session.get(PolicyProfile, "national")
    assert profile is not None
    assert profile.name == "全国默认"
    assert profile.params["key"] == "national"
    assert profile.params["name"] == "全国默认"


def test_priority_industries_keep_their_lists(session: Session) -> None:
    robotics = session.get(PriorityIndustry, "robotics-chongqing")
    assert robotics is not None
    assert (robotics.category, robotics.region_code, robotics.lists) == (
        "新兴",
        "500000",
        ["战略性新兴产业"],
    )


def test_every_code_in_the_priority_list_is_in_the_catalogue(session: Session) -> None:
    majors = set(session.execute(select(col(Major.code))).scalars())
    classes = set(session.execute(select(col(Major.class_code))).scalars())
    industries = set(session.execute(select(col(Industry.code))).scalars())
    unknown = [
        (entry.key, code)
        for entry in session.execute(select(PriorityIndustry)).scalars()
        for code in entry.major_codes
        if code not in majors and code not in classes
    ] + [
        (entry.key, code)
        for entry in session.execute(select(PriorityIndustry)).scalars()
        for code in entry.industry_codes
        if code not in industries
    ]
    assert unknown == []


def test_edits_in_the_files_are_applied_and_counted(session: Session, data_copy: Path) -> None:
    def rename(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:
            if row["code"] == "510203":
                row["name"] = "软件技术与服务"
        return rows

    def swap_alias(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        dropped = [row for row in rows if (row["major_code"], row["alias"]) != ("530701", "电商")]
        return [
            *dropped,
            {"major_code": "510203", "alias": "软件", "kind": "abbreviation", "source": ""},
        ]

    _rewrite_csv(data_copy / "majors.csv", rename)
    _rewrite_csv(data_copy / "major_aliases.csv", swap_alias)

    report = catalog.load_reference(session, data_copy)

    major, alias = report["major"], report["major_alias"]
    assert (major.inserted, major.updated, major.deleted) == (0, 1, 0)
    assert (alias.inserted, alias.updated, alias.deleted) == (1, 0, 1)
    assert [table for table, load in report.items() if load.changed] == ["major", "major_alias"]
    renamed = session.get(Major, "510203")
    assert renamed is not None
    assert (renamed.name, renamed.pinyin_initials) == ("软件技术与服务", "rjjsyfw")
    assert session.get(MajorAlias, ("530701", "电商")) is None
    # The resolver of this process follows the load at once.
    assert catalog.resolve_major(session, "软件技术与服务", "高职专科").code == "510203"
    assert catalog.resolve_major(session, "软件", "高职专科").method == "alias"


def test_a_missing_file_leaves_its_table_alone(session: Session, data_copy: Path) -> None:
    (data_copy / "major_terms.csv").unlink()
    report = catalog.load_reference(session, data_copy)
    assert report["major_term"].missing is True
    assert report["major_term"].total == 0
    assert _count(session, "major_term") == _distinct_keys_in_file("major_term")


def test_a_file_without_a_column_is_refused(session: Session, data_copy: Path) -> None:
    path = data_copy / "majors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines), encoding="utf-8")
    with pytest.raises(ReferenceFileError, match="majors.csv 缺少列：note"):
        catalog.load_reference(session, data_copy)


def test_a_code_without_its_parent_is_refused(session: Session, data_copy: Path) -> None:
    with (data_copy / "major_aliases.csv").open("a", encoding="utf-8") as handle:
        handle.write("999999,不存在的专业,abbreviation,\n")
    with pytest.raises(ReferenceFileError, match="major_aliases.csv 无法导入 major_alias 表"):
        catalog.load_reference(session, data_copy)
