"""Backups: SQLite through its online backup API (consistent while the service writes),
PostgreSQL through ``pg_dump`` / ``pg_restore`` (custom format)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import make_url

from service.errors import Invalid


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise Invalid("内存数据库不能备份")
    return Path(database)


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the database at ``url`` to ``target``."""
    if make_url(url).get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
        return
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _libpq_url(url)])


def restore(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the backup in ``source``."""
    if not source.is_file():
        raise Invalid(f"备份文件不存在：{source}")
    if make_url(url).get_backend_name() == "sqlite":
        origin = sqlite3.connect(source)
        destination = sqlite3.connect(_sqlite_path(url))
        try:
            with destination:
                origin.backup(destination)
        finally:
            destination.close()
            origin.close()
        return
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _libpq_url(url),
            str(source),
        ]
    )


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise Invalid(f"找不到 {command[0]}：请安装 PostgreSQL 客户端工具")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Invalid(f"{command[0]} 失败：{done.stderr.strip()[:500]}")
