"""``chanjiao programmes list/create`` and ``chanjiao cohorts put`` on a database of their own."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import AuditLog, Cohort
from service.db import get_engine
from tests.factories import make_enterprise, make_school

Cli = Callable[..., Any]
MODULE = Path(__file__).resolve().parents[3] / "service" / "cli" / "programmes.py"


@pytest.fixture
def db(fresh_db_url: str) -> tuple[str, str, str]:
    """A database with one school and one verified enterprise: (url, school code, USCC)."""
    with Session(get_engine(fresh_db_url)) as session:
        school = make_school(session, code="4150000777", name="测试学院")
        enterprise = make_enterprise(session, name="重庆测试机床有限公司")
        codes = school.code, enterprise.code
        session.commit()
    return fresh_db_url, *codes


def test_create_list_and_put_a_cohort(run_cli: Cli, db: tuple[str, str, str]) -> None:
    url, school, enterprise = db
    created = run_cli(
        "--db", url, "programmes", "create", "--school", school, "--major", "数控技术",
        "--year", "2023", "--plan", "80", "--practical-share", "0.4",
        "--partner", f"{enterprise}:order_training",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    lines = created.stdout.splitlines()
    assert lines[0] == "专业识别：数控技术 → 460103 数控技术（高职专科，方式：exact）"
    assert lines[1].startswith("已新增 4150000777 460103 数控技术 2023年 计划80  [")
    assert lines[2].startswith("提示：实践性教学课时占比40%低于总课时的50%（")

    listed = run_cli("--db", url, "programmes", "list", "--school", school, "--format", "json")
    assert listed.exit_code == 0
    body = json.loads(listed.stdout)
    assert body["count"] == 1
    assert [(p["enterprise_code"], p["kind_label"]) for p in body["data"][0]["partners"]] == [
        (enterprise, "订单培养")
    ]

    put = ["--db", url, "cohorts", "put", "--school", school, "--major", "460103"]
    good = run_cli(
        *put, "--year", "2025", "--graduates", "80", "--placed", "72", "--in-field", "50"
    )
    assert good.exit_code == 0, good.output
    assert good.stdout.strip() == (
        "已新增 4150000777 460103 2025届：毕业生80，去向落实72（90.00%），对口50"
    )
    bad = run_cli(*put, "--year", "2025", "--graduates", "80", "--placed", "72", "--in-field", "73")
    assert bad.exit_code == 2
    assert "in_field：对口就业人数73超过去向落实人数72" in bad.stderr
    with Session(get_engine(url)) as session:
        (cohort,) = session.execute(select(Cohort)).scalars()
        assert cohort.in_field == 50
        actors = {entry.actor for entry in session.execute(select(AuditLog)).scalars()}
        assert actors == {"cli"}


def test_an_unknown_school_is_reported(run_cli: Cli, db: tuple[str, str, str]) -> None:
    url, _, _ = db
    result = run_cli(
        "--db", url, "cohorts", "put", "--school", "4150999999", "--major", "460103",
        "--year", "2025", "--graduates", "1", "--placed", "1", "--in-field", "1",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "学校4150999999未在平台登记" in result.stderr


def test_the_module_does_not_load_the_heavy_libraries() -> None:
    """Its own imports only (the ``service.cli`` package assembles every group)."""
    code = (
        "import importlib.util, sys; "
        f"spec = importlib.util.spec_from_file_location('m', {str(MODULE)!r}); "
        "spec.loader.exec_module(importlib.util.module_from_spec(spec)); "
        "print(sorted(m for m in ('numpy', 'sklearn', 'jieba', 'service.app') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
