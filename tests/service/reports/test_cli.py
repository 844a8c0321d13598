"""``chanjiao report mismatch`` and ``chanjiao report snapshot`` on a database of their own."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlmodel import Session

from models import WarningSnapshot
from service.db import get_engine
from tests.service.reports.helpers import CITY, COUNTY, PLAIN, PRIORITY, YEAR, region_with

Cli = Callable[..., Any]


@pytest.fixture
def db(fresh_db_url: str) -> str:
    """A database holding a county where PLAIN is to be merged and PRIORITY to expand."""
    with Session(get_engine(fresh_db_url)) as session:
        region_with(
            session, PLAIN, {YEAR - 1: (100, 55), YEAR: (100, 50)}, {YEAR - 1: 80, YEAR: 80}
        )
        region_with(session, PRIORITY, {YEAR: (40, 39)}, {YEAR: 100})
        session.commit()
    return fresh_db_url


def mismatch(run_cli: Cli, db: str, *args: str) -> Any:
    return run_cli("--db", db, "report", "mismatch", "--region", COUNTY, "--year", str(YEAR), *args)


def test_json_goes_to_stdout(run_cli: Cli, db: str) -> None:
    result = mismatch(run_cli, db)

    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert (body["region_name"], body["profile"]) == ("沙坪坝区", "national")
    assert [(r["major_code"], r["action_label"]) for r in body["rows"]] == [
        (PLAIN, "撤并"),
        (PRIORITY, "扩招"),
    ]


def test_csv_goes_to_stdout_with_its_bom(run_cli: Cli, db: str) -> None:
    result = mismatch(run_cli, db, "--format", "csv", "--level", "高职专科")

    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert [(r[0], r[3]) for r in rows[1:]] == [(PLAIN, "撤并"), (PRIORITY, "扩招")]


def test_xlsx_needs_an_output_file(run_cli: Cli, db: str, tmp_path: Path) -> None:
    refused = mismatch(run_cli, db, "--format", "xlsx")
    assert refused.exit_code == 2
    assert refused.stderr == "错误：xlsx 格式须用 --out 指定输出文件\n"

    out = tmp_path / "report.xlsx"
    written = mismatch(run_cli, db, "--format", "xlsx", "--out", str(out))

    assert written.exit_code == 0
    assert written.stdout == ""
    sheet = load_workbook(out)["专业供需预警"]
    assert [sheet["A2"].value, sheet["D2"].value] == [PLAIN, "撤并"]


def test_html_to_a_file(run_cli: Cli, db: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = mismatch(run_cli, db, "--format", "html", "--out", str(out), "--profile", "anhui-2023")
    assert result.exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg ") == 2
    assert "安徽省（anhui-2023）" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--profile", "mars"), "错误：政策配置不存在（profile：政策配置“mars”不存在）\n"),
        (
            ("--level", "本科"),
            "错误：专业层次无效（level：层次应为中职、高职专科、职教本科之一）\n",
        ),
    ],
)
def test_bad_options_fail_with_a_chinese_message(
    run_cli: Cli, db: str, args: tuple[str, ...], message: str
) -> None:
    result = mismatch(run_cli, db, *args)
    assert (result.exit_code, result.stderr) == (2, message)


def test_an_unknown_region_fails(run_cli: Cli, db: str) -> None:
    result = run_cli("--db", db, "report", "mismatch", "--region", "999999", "--year", "2025")
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：地区不存在（region：地区代码“999999”不存在）\n",
    )


def test_snapshot_stores_the_cities_and_provinces(run_cli: Cli, db: str) -> None:
    result = run_cli("--db", db, "report", "snapshot")

    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"500000 {YEAR}年（national）：2个专业，撤并1，扩招1",
        f"{CITY} {YEAR}年（national）：2个专业，撤并1，扩招1",
    ]
    with Session(get_engine(db)) as session:
        count = session.execute(select(func.count()).select_from(WarningSnapshot)).scalar_one()
    assert count == 4


def test_snapshot_of_one_region_and_year(run_cli: Cli, db: str) -> None:
    result = run_cli("--db", db, "report", "snapshot", "--region", COUNTY, "--year", str(YEAR - 1))
    assert result.exit_code == 0
    assert result.stdout == f"{COUNTY} {YEAR - 1}年（national）：1个专业，调减1\n"


def test_the_national_report_and_the_refresh_of_its_aggregates(run_cli: Cli, db: str) -> None:
    def national() -> dict[str, Any]:
        result = run_cli(
            "--db", db, "report", "mismatch", "--region", "000000", "--year", str(YEAR)
        )
        assert result.exit_code == 0, result.output
        body: dict[str, Any] = json.loads(result.stdout)
        return body

    direct = national()
    refreshed = run_cli("--db", db, "report", "refresh")
    again = run_cli("--db", db, "report", "refresh")
    found = national()

    assert refreshed.exit_code == 0
    assert refreshed.stdout.startswith("汇总表已刷新（全量重建）")
    assert again.stdout.startswith("汇总表已刷新（增量刷新，重算0个地区年份、0个岗位）")
    assert (direct["region"], direct["region_name"], direct["figures_source"]) == (
        "000000",
        "全国",
        "direct",
    )
    assert (found["figures_source"], found["pending_changes"]) == ("aggregates", 0)
    assert found["rows"] == direct["rows"]
    assert [(r["major_code"], r["graduates"]) for r in found["rows"]] == [
        (PLAIN, 100),
        (PRIORITY, 40),
    ]
