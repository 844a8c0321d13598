"""`chanjiao --help` and every command's help import nothing heavy (checked in a fresh process)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models import Role
from seed.demo import DEFAULT_SEED
from service.cli import demo, transfer, users
from service.transfer import columns

_PROBE = """
import json, sys
import click, typer
from typer.testing import CliRunner
from service.cli import app

from typer._click.core import Context

def paths(command, ctx, prefix):
    # The root group loads its commands lazily: ask it for them, as --help does.
    yield prefix
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            yield from paths(sub, Context(sub, parent=ctx, info_name=name), [*prefix, name])

runner = CliRunner()
exits = {}
root = typer.main.get_command(app)
for path in paths(root, Context(root, info_name="chanjiao"), []):
    result = runner.invoke(app, [*path, "--help"])
    exits[" ".join(path)] = result.exit_code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"numpy", "scipy", "sklearn", "jieba",
    "rapidfuzz", "pypinyin", "sqlalchemy", "sqlmodel", "fastapi", "starlette", "openpyxl"}
    or m in {"service.app", "service.db", "models"})
print(json.dumps({"exits": exits, "heavy": heavy}))
"""


def test_help_of_every_command_imports_nothing_heavy() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[3],
    )
    probe = json.loads(out.stdout)
    assert probe["heavy"] == []
    assert {"", "catalog resolve", "report mismatch", "import", "serve"} <= set(probe["exits"])
    assert set(probe["exits"].values()) == {0}


def test_the_cli_copies_of_enums_match_the_originals() -> None:
    assert [r.value for r in users.RoleName] == [r.value for r in Role]
    assert [k.value for k in transfer.TransferKind] == [k.value for k in columns.TransferKind]
    assert [f.value for f in transfer.FileFormat] == [f.value for f in columns.FileFormat]
    assert demo.DEFAULT_SEED == DEFAULT_SEED


def test_serve_refuses_several_workers_on_sqlite(run_cli: Callable[..., Any]) -> None:
    result = run_cli("--db", "sqlite:///./never-created.db", "serve", "--workers", "4")
    assert result.exit_code == 2
    assert result.stderr == (
        "错误：SQLite 数据库只支持 1 个工作进程（多个进程同时写入会出现“database is locked”）。"
        "需要多个工作进程时请使用 PostgreSQL：DATABASE_URL=postgresql+psycopg://用户@主机/库名 "
        "chanjiao serve --workers 4\n"
    )
    assert not Path("never-created.db").exists()


def test_help_is_chinese_down_to_the_help_option() -> None:
    chanjiao = str(Path(sys.executable).with_name("chanjiao"))
    for command in ([], ["seed", "demo"], ["report"], ["serve"]):
        shown = subprocess.run(
            [chanjiao, *command, "--help"], capture_output=True, text=True, check=True
        ).stdout
        assert "显示本帮助信息并退出。" in shown, command
        assert "Show this message" not in shown, command
