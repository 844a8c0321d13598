"""``chanjiao seed catalog`` and ``chanjiao catalog resolve`` on a database of their own."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session

from models import Major
from service.catalog.files import DEFAULT_DATA_DIR
from service.db import get_engine

Cli = Callable[..., Any]


def _table_line(output: str, table: str) -> list[str]:
    return next(line.split() for line in output.splitlines() if line.startswith(table + " "))


def test_seed_catalog_on_a_loaded_database_changes_nothing(run_cli: Cli, fresh_db_url: str) -> None:
    result = run_cli("--db", fresh_db_url, "seed", "catalog")
    assert result.exit_code == 0
    assert _table_line(result.output, "major") == [
        "major",
        "majors.csv",
        "1486",
        "0",
        "0",
        "1486",
        "0",
    ]
    assert result.output.splitlines()[-1] == "参考目录无变化。"


def test_seed_catalog_applies_an_edited_file_and_resolve_sees_it(
    run_cli: Cli, fresh_db_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    path = data / "majors.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["code"] == "520201":
            row["name"] = "护理与健康照护"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    result = run_cli("--db", fresh_db_url, "seed", "catalog", "--data", str(data))

    assert result.exit_code == 0
    assert _table_line(result.output, "major") == [
        "major",
        "majors.csv",
        "1486",
        "0",
        "1",
        "1485",
        "0",
    ]
    assert result.output.splitlines()[-1] == "参考目录已更新：写入 1 行。"
    with Session(get_engine(fresh_db_url)) as session:
        major = session.get(Major, "520201")
        assert major is not None
        assert major.name == "护理与健康照护"
    resolved = run_cli(
        "--db",
        fresh_db_url,
        "catalog",
        "resolve",
        "护理与健康照护",
        "--level",
        "高职专科",
        "--format",
        "json",
    )
    assert json.loads(resolved.output)["code"] == "520201"


def test_seed_catalog_refuses_a_broken_file_and_writes_nothing(
    run_cli: Cli, fresh_db_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    with (data / "major_terms.csv").open("a", encoding="utf-8") as handle:
        handle.write("999999,course,不存在的专业的课程\n")
    (data / "regions.csv").write_text(
        (data / "regions.csv").read_text(encoding="utf-8").replace("万州区", "万州"),
        encoding="utf-8",
    )

    result = run_cli("--db", fresh_db_url, "seed", "catalog", "--data", str(data))

    assert result.exit_code == 2
    assert "错误：major_terms.csv 无法导入 major_term 表" in result.stderr
    assert "（未写入任何数据）" in result.stderr
    # regions.csv loaded before the broken file; its change was rolled back with the rest.
    again = run_cli("--db", fresh_db_url, "seed", "catalog")
    assert again.output.splitlines()[-1] == "参考目录无变化。"


def test_resolve_as_a_table(run_cli: Cli, fresh_db_url: str) -> None:
    result = run_cli("--db", fresh_db_url, "catalog", "resolve", "软件技术（移动应用开发方向）专业")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "软件技术（移动应用开发方向）专业 → 510203 软件技术（高职专科）  方式：exact  得分：100"
    ]


def test_resolve_lists_candidates_when_unsure(run_cli: Cli, fresh_db_url: str) -> None:
    result = run_cli("--db", fresh_db_url, "catalog", "resolve", "护理学", "--level", "高职专科")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "护理学 → 未能确定",
        "候选：",
        "  520201  护理（高职专科）  80",
    ]


def test_resolve_as_json(run_cli: Cli, fresh_db_url: str) -> None:
    result = run_cli(
        "--db",
        fresh_db_url,
        "catalog",
        "resolve",
        "数控技术应用",
        "--level",
        "高职专科",
        "--format",
        "json",
    )
    assert json.loads(result.output) == {
        "input": "数控技术应用",
        "code": "460103",
        "name": "数控技术",
        "level": "高职专科",
        "score": 80.0,
        "method": "counterpart",
        "candidates": [{"code": "660103", "name": "数控技术应用", "level": "中职", "score": 100.0}],
    }


def test_resolve_refuses_an_unknown_level(run_cli: Cli, fresh_db_url: str) -> None:
    result = run_cli("--db", fresh_db_url, "catalog", "resolve", "护理", "--level", "大专")
    assert result.exit_code == 2
    assert result.stderr == (
        "错误：专业层次取值无效：大专（应为以下之一：中职、高职专科、职教本科）\n"
    )


def test_a_missing_database_file_is_refused_not_created(run_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    message = (
        f"错误：数据库文件 {path} 不存在：在仓库根目录运行 make demo（演示城市，即默认的 "
        "./chanjiao.db）或 chanjiao db upgrade（空库）建库，或用 --db 指定已有的数据库"
    )
    for args, suffix in (
        (("seed", "catalog"), "（未写入任何数据）\n"),
        (("catalog", "resolve", "护理"), "\n"),
    ):
        result = run_cli("--db", f"sqlite:///{path}", *args)
        assert (result.exit_code, result.stderr) == (2, message + suffix)
    assert not path.exists()


def test_an_unmigrated_database_gets_a_hint(run_cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "empty.db").touch()
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for args in (("seed", "catalog"), ("catalog", "resolve", "护理")):
        result = run_cli("--db", url, *args)
        assert result.exit_code == 2
        assert result.stderr == (
            "错误：数据库不可用或尚未建表，请先运行 chanjiao db upgrade（OperationalError）\n"
        )
