"""``chanjiao db backup`` / ``restore``: a round trip brings back exactly what was there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, func, select

from models import Organization
from service.db import get_engine
from tests.factories import make_enterprise


def _names(url: str) -> list[str]:
    with Session(get_engine(url)) as session:
        return sorted(session.exec(select(Organization.name)).all())


def test_backup_restore_round_trip(
    fresh_db_url: str, tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    with Session(get_engine(fresh_db_url)) as session:
        make_enterprise(session, name="备份前企业")
        session.commit()
    before = _names(fresh_db_url)
    target = tmp_path / "chanjiao.backup"
    assert run_cli("--db", fresh_db_url, "db", "backup", str(target)).exit_code == 0
    with Session(get_engine(fresh_db_url)) as session:
        make_enterprise(session, name="备份后企业")
        session.commit()
        assert session.exec(select(func.count()).select_from(Organization)).one() == 2
    get_engine(fresh_db_url).dispose()
    result = run_cli("--db", fresh_db_url, "db", "restore", str(target))
    assert result.exit_code == 0, result.output
    get_engine(fresh_db_url).dispose()
    assert _names(fresh_db_url) == before == ["备份前企业"]


def test_restore_of_a_missing_file_is_refused(
    fresh_db_url: str, tmp_path: Path, run_cli: Callable[..., Any]
) -> None:
    result = run_cli("--db", fresh_db_url, "db", "restore", str(tmp_path / "none"))
    assert result.exit_code == 1
