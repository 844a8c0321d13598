"""Point 7: ``chanjiao proposals list|show|export``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from service.adjustments import operations
from service.adjustments.schemas import ProposalCreate, WindowCreate
from service.db import get_engine
from tests.service.adjustments.helpers import build, window_body
from tests.service.reports.helpers import CITY, PLAIN, YEAR

Cli = Callable[..., Any]


@pytest.fixture
def db(fresh_db_url: str) -> tuple[str, str]:
    with Session(get_engine(fresh_db_url)) as session:
        world = build(session)
        accounts = world.accounts
        body = window_body()
        operations.create_window(
            session,
            accounts["regulator"],
            WindowCreate(
                region_code=CITY,
                year=YEAR,
                opens_on=date.fromisoformat(body["opens_on"]),
                closes_on=date.fromisoformat(body["closes_on"]),
            ),
        )
        stop = operations.create_proposal(
            session,
            accounts["runner"],
            ProposalCreate(year=YEAR, kind="stop", major=PLAIN, reason="供求比连续偏低"),
        )
        operations.submit_proposal(session, accounts["runner"], stop.id)
        operations.approve(session, accounts["regulator"], stop.id, "同意停招")
        session.commit()
        return fresh_db_url, str(stop.id)


def test_list_and_show(run_cli: Cli, db: tuple[str, str]) -> None:
    url, proposal_id = db
    listed = run_cli("--db", url, "proposals", "list", "--year", str(YEAR))
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0] == "共1条"
    assert "停招" in listed.stdout
    assert "已批准" in listed.stdout
    as_json = json.loads(run_cli("--db", url, "proposals", "list", "--format", "json").stdout)
    assert [p["kind_label"] for p in as_json["data"]] == ["停招"]

    shown = run_cli("--db", url, "proposals", "show", proposal_id)
    assert shown.exit_code == 0, shown.output
    assert "类型：停招    状态：已批准" in shown.stdout
    assert "预警建议撤并，布点数3→2" in shown.stdout
    assert "专业开设变更：410201 2026年计划 30 → 0" in shown.stdout
    missing = run_cli("--db", url, "proposals", "show", "00000000-0000-0000-0000-000000000000")
    assert missing.exit_code == 2
    assert "专业调整申请不存在" in missing.stderr


def test_export_the_filing(run_cli: Cli, db: tuple[str, str], tmp_path: Path) -> None:
    url, _ = db
    args = ("--db", url, "proposals", "export", "--region", CITY, "--year", str(YEAR))
    as_csv = run_cli(*args, "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[1][3:6] == ["停招", PLAIN, "林业技术"]
    out = tmp_path / "filing.xlsx"
    as_xlsx = run_cli(*args, "--format", "xlsx", "--out", str(out))
    assert as_xlsx.exit_code == 0
    assert load_workbook(out)["备案表"]["M2"].value == "已批准"
    no_out = run_cli(*args, "--format", "xlsx")
    assert no_out.exit_code == 2
