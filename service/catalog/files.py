"""Reading the reference data files of ``seed/data`` into rows for the catalogue tables.

Each reader returns plain dicts keyed by column name, deduplicated on the table's primary key (the
first row of a key wins) and ordered so that a parent always comes before its children: the loader
inserts in that order and foreign keys are checked per statement.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matching.text import pinyin_initials
from service.errors import Invalid

logger = logging.getLogger(__name__)

Row = dict[str, Any]

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "seed" / "data"

_REGION_LEVELS = ("province", "city", "county")
_INDUSTRY_LEVELS = ("门类", "大类", "中类", "小类")
_OCCUPATION_LEVELS = ("大类", "中类", "小类", "细类")


class ReferenceFileError(Invalid):
    """A reference data file is missing a column or holds a value the catalogue cannot take."""

    code = "reference_file_invalid"


@dataclass(frozen=True)
class ReferenceFile:
    """One data file: the table it fills, its primary key and how its rows are read."""

    table: str
    file_name: str
    key: tuple[str, ...]
    read: Callable[[Path], list[Row]]
    # Rows only added, never overwritten: regulators edit them afterwards (policy measures).
    insert_only: bool = False


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _read_csv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in columns if column not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceFileError(f"{path.name} 缺少列：{', '.join(missing)}")
        return [{column: (row[column] or "").strip() for column in columns} for row in reader]


def _by_level(rows: list[Row], levels: Sequence[str], path: Path) -> list[Row]:
    order = {level: i for i, level in enumerate(levels)}
    unknown = sorted({row["level"] for row in rows} - set(order))
    if unknown:
        raise ReferenceFileError(f"{path.name} 含未知层级：{', '.join(unknown)}")
    return sorted(rows, key=lambda row: (order[row["level"]], row["code"]))


def read_regions(path: Path) -> list[Row]:
    rows: list[Row] = []
    for raw in _read_csv(path, ("code", "name", "level", "parent_code")):
        code = raw["code"]
        # Codes are GB/T 2260 six digits: the province is the first two, padded with zeros.
        rows.append(
            {
                "code": code,
                "name": raw["name"],
                "level": raw["level"],
                "parent_code": _blank_to_none(raw["parent_code"]),
                "province_code": code[:2] + "0000",
            }
        )
    return _by_level(rows, _REGION_LEVELS, path)


def read_industries(path: Path) -> list[Row]:
    rows: list[Row] = [
        {
            "code": raw["code"],
            "name": raw["name"],
            "level": raw["level"],
            "parent_code": _blank_to_none(raw["parent_code"]),
        }
        for raw in _read_csv(path, ("code", "name", "level", "parent_code"))
    ]
    return _by_level(rows, _INDUSTRY_LEVELS, path)


def read_occupations(path: Path) -> list[Row]:
    rows: list[Row] = [
        {
            "code": raw["code"],
            "name": raw["name"],
            "level": raw["level"],
            "parent_code": _blank_to_none(raw["parent_code"]),
            "gbm": _blank_to_none(raw["gbm"]),
            "mark": _blank_to_none(raw["mark"]),
        }
        for raw in _read_csv(path, ("code", "name", "level", "parent_code", "gbm", "mark"))
    ]
    return _by_level(rows, _OCCUPATION_LEVELS, path)


def read_majors(path: Path) -> list[Row]:
    columns = (
        "code",
        "name",
        "level",
        "category_code",
        "category_name",
        "class_code",
        "class_name",
        "note",
    )
    rows: list[Row] = []
    for raw in _read_csv(path, columns):
        row: Row = dict(raw)
        row["note"] = _blank_to_none(raw["note"])
        row["pinyin_initials"] = pinyin_initials(raw["name"])[:64]
        rows.append(row)
    return sorted(rows, key=lambda row: row["code"])


def read_major_aliases(path: Path) -> list[Row]:
    return [
        {
            "major_code": raw["major_code"],
            "alias": raw["alias"],
            "kind": raw["kind"],
            "source": _blank_to_none(raw["source"]),
        }
        for raw in _read_csv(path, ("major_code", "alias", "kind", "source"))
        if raw["alias"]
    ]


def read_major_terms(path: Path) -> list[Row]:
    return [dict(raw) for raw in _read_csv(path, ("major_code", "kind", "term")) if raw["term"]]


def read_strategic_emerging(path: Path) -> list[Row]:
    rows: list[Row] = []
    columns = ("industry_code", "area", "path", "partial", "key_products")
    for raw in _read_csv(path, columns):
        partial = raw["partial"].lower()
        if partial not in ("true", "false"):
            raise ReferenceFileError(
                f"{path.name} 的 partial 应为 true/false，得到“{raw['partial']}”"
            )
        rows.append(
            {
                "industry_code": raw["industry_code"],
                "path": raw["path"],
                "area": raw["area"],
                "partial": partial == "true",
                "key_products": _blank_to_none(raw["key_products"]),
            }
        )
    return rows


def _read_json_list(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        # Either a bare list or {"profiles": [...]}-style wrappers: take the one list inside.
        lists = [value for value in data.values() if isinstance(value, list)]
        if len(lists) != 1:
            raise ReferenceFileError(f"{path.name} 应为对象列表")
        data = lists[0]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ReferenceFileError(f"{path.name} 应为对象列表")
    return data


def _string_list(item: dict[str, Any], field: str, path: Path) -> list[str]:
    value = item.get(field) or []
    if not isinstance(value, list):
        raise ReferenceFileError(f"{path.name} 中 {item.get('key')} 的 {field} 应为列表")
    return [str(element) for element in value]


def read_priority_industries(path: Path) -> list[Row]:
    rows: list[Row] = []
    for item in _read_json_list(path):
        for field in ("key", "name", "category"):
            if not item.get(field):
                raise ReferenceFileError(f"{path.name} 的条目缺少 {field}：{item}")
        rows.append(
            {
                "key": str(item["key"]),
                "name": str(item["name"]),
                "category": str(item["category"]),
                "lists": _string_list(item, "lists", path),
                "source": str(item.get("source") or ""),
                "industry_codes": _string_list(item, "industry_codes", path),
                "major_codes": _string_list(item, "major_codes", path),
                "keywords": _string_list(item, "keywords", path),
                "region_code": _blank_to_none(item.get("region_code")),
            }
        )
    return rows


def read_policy_profiles(path: Path) -> list[Row]:
    rows: list[Row] = []
    for item in _read_json_list(path):
        if not item.get("key") or not item.get("name"):
            raise ReferenceFileError(f"{path.name} 的条目缺少 key 或 name")
        rows.append({"key": str(item["key"]), "name": str(item["name"]), "params": item})
    return rows


_MEASURE_KINDS = ("财政", "金融", "土地", "信用")


def read_policy_measures(path: Path) -> list[Row]:
    rows: list[Row] = []
    for order, item in enumerate(_read_json_list(path), start=1):
        for field in ("key", "title", "issuer", "document_no", "kind", "eligible"):
            if not item.get(field):
                raise ReferenceFileError(f"{path.name} 的条目缺少 {field}：{item.get('key')}")
        if item["kind"] not in _MEASURE_KINDS:
            raise ReferenceFileError(
                f"{path.name} 中 {item['key']} 的支持方式应为财政/金融/土地/信用"
            )
        cap = item.get("amount_cap_wan_yuan")
        rows.append(
            {
                "key": str(item["key"]),
                "title": str(item["title"]),
                "issuer": str(item["issuer"]),
                "document_no": str(item["document_no"]),
                "clause": str(item.get("clause") or ""),
                "kind": str(item["kind"]),
                "eligible": str(item["eligible"]),
                "amount_cap_wan_yuan": None if cap is None else int(cap),
                "amount_note": str(item.get("amount_note") or ""),
                "region_code": _blank_to_none(item.get("region_code")),
                "sort_order": order,
                "updated_by": None,
                "updated_at": None,
                "withdrawn_at": None,
            }
        )
    return rows


# Load order: every table after the tables its foreign keys point to.
REFERENCE_FILES: tuple[ReferenceFile, ...] = (
    ReferenceFile("region", "regions.csv", ("code",), read_regions),
    ReferenceFile("industry", "industries.csv", ("code",), read_industries),
    ReferenceFile("occupation", "occupations.csv", ("code",), read_occupations),
    ReferenceFile("major", "majors.csv", ("code",), read_majors),
    ReferenceFile("major_alias", "major_aliases.csv", ("major_code", "alias"), read_major_aliases),
    ReferenceFile(
        "major_term", "major_terms.csv", ("major_code", "kind", "term"), read_major_terms
    ),
    ReferenceFile(
        "strategic_emerging_industry",
        "strategic_emerging.csv",
        ("industry_code", "path"),
        read_strategic_emerging,
    ),
    ReferenceFile(
        "priority_industry", "priority_industries.json", ("key",), read_priority_industries
    ),
    ReferenceFile("policy_profile", "policy_profiles.json", ("key",), read_policy_profiles),
    ReferenceFile(
        "policy_measure", "policy_support.json", ("key",), read_policy_measures, insert_only=True
    ),
)


def unique_by_key(rows: Iterable[Row], key: Sequence[str], file_name: str) -> list[Row]:
    """The first row of each primary key; later rows with the same key are logged and dropped."""
    seen: set[tuple[Any, ...]] = set()
    kept: list[Row] = []
    for row in rows:
        identity = tuple(row[column] for column in key)
        if identity in seen:
            logger.warning("%s: duplicate key %s ignored", file_name, identity)
            continue
        seen.add(identity)
        kept.append(row)
    return kept
