"""``chanjiao report lists``: JSON to stdout, the three files into a directory, errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from service.db import get_engine
from tests.service.reports.helpers import COUNTY, PLAIN, PRIORITY, YEAR, region_with

Cli = Callable[..., Any]


@pytest.fixture
def db(fresh_db_url: str) -> str:
    with Session(get_engine(fresh_db_url)) as session:
        region_with(session, PLAIN, {YEAR: (100, 50)}, {YEAR: 80})
        region_with(session, PRIORITY, {YEAR: (40, 39)}, {YEAR: 100})
        session.commit()
    return fresh_db_url


def lists(run_cli: Cli, db: str, *args: str) -> Any:
    return run_cli("--db", db, "report", "lists", "--region", COUNTY, "--year", str(YEAR), *args)


def test_one_list_as_json(run_cli: Cli, db: str) -> None:
    result = lists(run_cli, db, "--list", "talent-demand")

    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert [(r["rank"], r["major_code"], r["ratio"]) for r in body["talent_demand"]] == [
        (1, PRIORITY, 2.5),
        (2, PLAIN, 0.8),
    ]


def test_all_three_as_csv_files(run_cli: Cli, db: str, tmp_path: Path) -> None:
    result = lists(run_cli, db, "--format", "csv", "--out", str(tmp_path / "lists"))

    assert result.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "lists").iterdir())
    assert names == [
        f"industry_{COUNTY}_{YEAR}.csv",
        f"policy_{COUNTY}_{YEAR}.csv",
        f"talent_demand_{COUNTY}_{YEAR}.csv",
    ]
    text = (tmp_path / "lists" / f"policy_{COUNTY}_{YEAR}.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert (rows[1][1], rows[1][3], rows[1][5]) == (
        "财政",
        "发改社会〔2023〕699号",
        "高职学校、应用型本科高校",
    )
    assert rows[1][6] == "8000"


def test_an_unknown_region_fails_in_chinese(run_cli: Cli, db: str) -> None:
    result = run_cli("--db", db, "report", "lists", "--region", "999999", "--year", str(YEAR))

    assert result.exit_code == 2
    assert "错误：地区代码 999999 不存在" in result.stderr
