"""``chanjiao match …`` and ``chanjiao report alignment`` on a database of their own."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from service.db import get_engine
from service.recommendations import index as position_index
from tests.factories import (
    make_enterprise,
    make_position,
    make_programme,
    make_school,
    make_student,
)

Cli = Callable[..., Any]


@pytest.fixture
def db(fresh_db_url: str) -> dict[str, str]:
    position_index.forget()
    with Session(get_engine(fresh_db_url)) as session:
        school = make_school(session, code="5150012345")
        make_programme(session, school, "520201", 2025, enrolment_plan=60)
        make_programme(session, school, "530302", 2025)
        student = make_student(session, school, "520201", student_no="2024001", skills=["急救"])
        hospital = make_enterprise(session, industry_code="8411")
        position = make_position(session, hospital, ["520201"], title="护士", skills=["急救"])
        ids = {"url": fresh_db_url, "student": str(student.id), "position": str(position.id)}
        session.commit()
    return ids


def test_align_json_and_table(run_cli: Cli, db: dict[str, str]) -> None:
    result = run_cli("--db", db["url"], "match", "align", "--major", "520201", "--format", "json")
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert body["industries"][0]["industry"] == "护理"
    table = run_cli("--db", db["url"], "match", "align", "--major", "520201", "--region", "500000")
    assert table.exit_code == 0
    assert table.stdout.splitlines()[2].startswith("护理")


def test_recommend_by_school_code_and_number(run_cli: Cli, db: dict[str, str]) -> None:
    result = run_cli("--db", db["url"], "match", "recommend", "--student", "5150012345/2024001")
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert body["student_id"] == db["student"]
    assert [r["position_id"] for r in body["data"]] == [db["position"]]
    by_id = run_cli("--db", db["url"], "match", "recommend", "--student", db["student"], "--k", "1")
    assert json.loads(by_id.stdout)["data"][0]["reasons"]["matched_skills"] == ["急救"]
    missing = run_cli("--db", db["url"], "match", "recommend", "--student", "5150012345/nobody")
    assert missing.exit_code == 2
    assert missing.stdout == ""
    assert missing.stderr.startswith("错误：")
    table = run_cli(
        "--db", db["url"], "match", "recommend", "--student", db["student"], "--format", "table"
    )
    assert table.exit_code == 0
    [line] = table.stdout.splitlines()
    assert "护士" in line
    assert line.endswith("技能：急救")


def test_partners_and_school_report(run_cli: Cli, db: dict[str, str]) -> None:
    result = run_cli("--db", db["url"], "match", "partners", "--position", db["position"])
    assert result.exit_code == 0
    assert [d["major_code"] for d in json.loads(result.stdout)["data"]] == ["520201"]
    table = run_cli(
        "--db", db["url"], "match", "partners", "--position", db["position"], "--format", "table"
    )
    assert table.exit_code == 0
    assert len(table.stdout.splitlines()) == 1
    assert "即将毕业" in table.stdout
    report = run_cli("--db", db["url"], "report", "alignment", "--school", "5150012345")
    assert report.exit_code == 0
    assert "2个专业，对接重点产业1个，占50.0%" in report.stdout


def test_match_module_imports_nothing_heavy_at_module_level() -> None:
    source = Path(__file__).resolve().parents[3] / "service" / "cli" / "match.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    top = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    names = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in top
        for alias in node.names
    }
    assert not {n for n in names if n.split(".")[0] in {"numpy", "sklearn", "matching"}}
    assert "service.recommendations" not in names
