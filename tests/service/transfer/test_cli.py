from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, make_url, select, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from models import AuditLog, Organization, Position, PositionMajor
from service.cli.transfer import CHECK_MARKER, CHECKED_PREFIX, WRITE_MARKER, WRITTEN_PREFIX
from service.db import get_engine, session_scope
from service.settings import settings
from service.transfer import operations
from service.transfer.columns import TransferKind
from service.transfer.readers import read_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "transfer"
REPO = Path(__file__).resolve().parents[3]
ORDER = [kind.value for kind in TransferKind]
E1, E2 = "91500106000000038W", "91500112000000039M"
Run = Callable[..., Any]


def counts(url: str) -> dict[str, int]:
    with Session(get_engine(url)) as session:
        return {
            model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Organization, Position, PositionMajor, AuditLog)
        }


def test_import_each_kind_then_again(run_cli: Run, fresh_db_url: str) -> None:
    labels = ["机构", "专业开设", "毕业生去向", "岗位", "人才需求", "学生"]
    totals = [6, 5, 3, 5, 4, 3]
    for kind, label, total in zip(ORDER, labels, totals, strict=True):
        result = run_cli("import", kind, str(FIXTURES / f"{kind}.csv"), "--db", fresh_db_url)
        assert result.exit_code == 0, result.output
        first, *rest = result.stdout.splitlines()
        assert first == f"已导入{label}，共{total}行：新增{total}行，更新0行，未变0行"
        # Students: a line saying accounts were opened, the CSV header, one line per student.
        assert len(rest) == (total + 2 if kind == "students" else 0)
        assert result.stderr == f"{WRITE_MARKER}：{total}行\n"
    again = run_cli("import", "positions", str(FIXTURES / "positions.csv"), "--db", fresh_db_url)
    assert again.stdout == "已导入岗位，共5行：新增0行，更新0行，未变5行\n"
    assert again.stderr == ""


def test_a_bad_file_prints_every_problem_and_exits_1(run_cli: Run, fresh_db_url: str) -> None:
    run_cli("import", "organizations", str(FIXTURES / "organizations.csv"), "--db", fresh_db_url)
    before = counts(fresh_db_url)
    bad = str(FIXTURES / "positions_one_bad_row.csv")
    result = run_cli("import", "positions", bad, "--db", fresh_db_url)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("导入失败：1行数据有误（共1处问题），未写入任何数据\n")
    assert "专业要求（major_codes）" in result.stderr
    assert "计算机" in result.stderr
    assert counts(fresh_db_url) == before


def test_dry_run_and_unreadable_files(run_cli: Run, fresh_db_url: str, tmp_path: Path) -> None:
    path = str(FIXTURES / "organizations_gb18030.csv")
    result = run_cli("import", "organizations", path, "--dry-run", "--db", fresh_db_url)
    assert result.exit_code == 0
    assert result.stdout == "校验通过（未写入）：机构共6行：新增6行，更新0行，未变0行\n"
    assert counts(fresh_db_url)["Organization"] == 0
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    result = run_cli("import", "organizations", str(xls), "--db", fresh_db_url)
    assert result.exit_code == 2
    assert (
        result.stderr
        == "错误：不支持旧版Excel（.xls）文件，请另存为.xlsx或CSV后再导入（未写入任何数据）\n"
    )


def test_export_round_trips_exactly_into_another_database(
    run_cli: Run, fresh_db_url: str, databases: Any, tmp_path: Path
) -> None:
    other = databases.copy()
    for kind in ORDER:
        assert (
            run_cli("import", kind, str(FIXTURES / f"{kind}.csv"), "--db", fresh_db_url).exit_code
            == 0
        )
    for kind in ORDER:
        for file_format in ("csv", "xlsx"):
            first = tmp_path / f"{kind}-a.{file_format}"
            second = tmp_path / f"{kind}-b.{file_format}"
            exported = run_cli(
                "export", kind, "--format", file_format, "--out", str(first), "--db", fresh_db_url
            )
            assert exported.exit_code == 0
            if file_format == "csv":
                imported = run_cli("import", kind, str(first), "--db", other)
                assert imported.exit_code == 0, imported.output
            run_cli("export", kind, "--format", file_format, "--out", str(second), "--db", other)
            if file_format == "csv":
                assert second.read_bytes() == first.read_bytes()
            else:
                assert read_file(second.read_bytes()).rows == read_file(first.read_bytes()).rows


def test_export_to_standard_output_with_chinese_headers(run_cli: Run, fresh_db_url: str) -> None:
    run_cli("import", "organizations", str(FIXTURES / "organizations.csv"), "--db", fresh_db_url)
    result = run_cli("export", "organizations", "--labels", "--db", fresh_db_url)
    assert result.exit_code == 0
    content = result.stdout_bytes.decode("utf-8-sig")
    assert content.splitlines()[:2] == [
        "机构类型,机构代码,机构名称,行政区划代码,行业代码,办学层次,在岗职工总数",
        "school,4150000101,重庆示范职业技术学院,500106,,高职专科,",
    ]


# ---------------------------------------------------------------- the check phase reads only


@pytest.fixture
def write_lock_held(
    fresh_db_url: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A SQLite database with the organisations loaded whose write lock another connection holds
    (BEGIN IMMEDIATE, as a concurrent writer would); a busy timeout of 0.2 s makes anything that
    waits for the lock fail fast instead of hanging."""
    if backend != "sqlite":
        pytest.skip("SQLite's single write lock")
    with session_scope(fresh_db_url) as session:
        data = (FIXTURES / "organizations.csv").read_bytes()
        operations.import_file(
            session, TransferKind.organizations, data, file_name="o.csv", actor="test"
        )
    monkeypatch.setattr(settings, "sqlite_busy_timeout_ms", 200)
    get_engine(fresh_db_url).dispose()  # new connections get the short busy timeout
    path = make_url(fresh_db_url).database
    assert path is not None
    holder = sqlite3.connect(path, isolation_level=None, timeout=0.2)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield fresh_db_url
    finally:
        holder.rollback()
        holder.close()
        get_engine(fresh_db_url).dispose()


def test_the_check_phase_does_not_take_the_write_lock(write_lock_held: str) -> None:
    url = write_lock_held
    data = (FIXTURES / "positions.csv").read_bytes()
    with session_scope(url, write=False) as reader:
        checked = operations.check_file(
            reader, TransferKind.positions, data, file_name="positions.csv"
        )
    assert checked.result().model_dump() == {
        "kind": "positions",
        "rows": 5,
        "inserted": 5,
        "updated": 0,
        "unchanged": 0,
        "dry_run": False,
        "initial_passwords": [],
    }
    # The control: the write phase does need the lock, and gives up after the busy timeout.
    with pytest.raises(OperationalError, match="database is locked"):
        with session_scope(url) as session:
            operations.write_prepared(session, checked, actor="test")
    with session_scope(url, write=False) as reader:
        assert reader.execute(select(func.count()).select_from(Position)).scalar_one() == 0


def test_a_dry_run_never_asks_for_the_write_lock(run_cli: Run, write_lock_held: str) -> None:
    path = str(FIXTURES / "positions.csv")
    result = run_cli("import", "positions", path, "--dry-run", "--db", write_lock_held)
    assert result.exit_code == 0, result.output
    assert result.stdout == "校验通过（未写入）：岗位共5行：新增5行，更新0行，未变0行\n"


# ---------------------------------------------------------------- a killed import


def _big_positions_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["enterprise_code", "title", "kind", "major_codes", "headcount", "start_date"]
        )
        # The first row changes a stored position, so the kill must also leave updates undone.
        writer.writerow([E1, "数控车工", "job", "460103", "99", "2024-03-01"])
        for i in range(rows - 1):
            writer.writerow(
                [(E1, E2)[i % 2], f"批量岗位{i:06d}", "job", "460103;510203", "2", "2027-09-01"]
            )


def _chanjiao() -> list[str]:
    script = Path(sys.executable).parent / "chanjiao"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from service.cli import main; main()"]


@pytest.mark.slow
def test_a_killed_import_leaves_the_database_as_it_was(
    fresh_db_url: str, backend: str, tmp_path: Path
) -> None:
    for kind in (TransferKind.organizations, TransferKind.positions):
        with session_scope(fresh_db_url) as session:
            data = (FIXTURES / f"{kind.value}.csv").read_bytes()
            operations.import_file(session, kind, data, file_name="fixture.csv", actor="test")
    before = counts(fresh_db_url)
    get_engine(fresh_db_url).dispose()
    big = tmp_path / "big.csv"
    _big_positions_file(big, 30_000)
    command = [*_chanjiao(), "import", "positions", str(big), "--db", fresh_db_url]
    environment = {**os.environ, "CHANJIAO_ENVIRONMENT": "test"}
    seen: list[str] = []
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO, env=environment
    ) as process:
        watchdog = threading.Timer(300, process.kill)
        watchdog.start()
        try:
            assert process.stderr is not None
            for raw in iter(process.stderr.readline, b""):
                line = raw.decode("utf-8", "replace").strip()
                seen.append(line)
                # Some rows are written (uncommitted) when the first progress line appears.
                if line.startswith(WRITTEN_PREFIX):
                    os.kill(process.pid, signal.SIGKILL)
                    break
            process.wait(timeout=60)
        finally:
            watchdog.cancel()
    assert seen[:5] == [
        f"{CHECKED_PREFIX}10000行",
        f"{CHECKED_PREFIX}20000行",
        f"{CHECKED_PREFIX}30000行",
        f"{CHECK_MARKER}：30000行",
        f"{WRITE_MARKER}：30000行",
    ], seen
    assert seen[-1].startswith(WRITTEN_PREFIX), seen
    assert process.returncode == -signal.SIGKILL

    assert counts(fresh_db_url) == before
    with Session(get_engine(fresh_db_url)) as session:
        headcount = session.execute(
            select(col(Position.headcount)).where(col(Position.title) == "数控车工")
        ).scalar_one()
        assert headcount == 3
        if backend == "sqlite":
            assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    # The database is usable: the same import now runs to the end.
    with session_scope(fresh_db_url) as session:
        result = operations.import_file(
            session, TransferKind.positions, big.read_bytes(), file_name="big.csv", actor="test"
        )
    assert (result.inserted, result.updated) == (29_999, 1)
    assert counts(fresh_db_url)["Position"] == before["Position"] + 29_999
