"""Every command-line example of the README runs as written from the repository root after
`make demo`.

Convention: inside fenced blocks, a line (optionally after a `$ ` prompt) that starts with
`.venv/bin/chanjiao` is a command; the lines after a `$ ` command show its output and are not run.
Commands run in a folder laid out like the repository after `make demo` — the demo city in
`chanjiao.db` (the default database), `.venv`, `tests` and `seed` — with no `DATABASE_URL` set:
the first with bash as written, the others in this process (a dozen fresh processes each importing
scikit-learn would cost the suite a minute), their `> FILE` redirections honoured and a trailing
`; echo $?` meaning that a non-zero exit is what the README shows.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url
from sqlmodel import Session

from seed.demo.loader import load_demo
from service.db import get_engine, read_engine
from service.settings import settings

ROOT = Path(__file__).parents[1]
COMMAND = ".venv/bin/chanjiao"


def readme_commands() -> list[str]:
    commands, in_block = [], False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        text = line.removeprefix("$ ")
        if in_block and (text.startswith(COMMAND) or text.startswith("chanjiao ")):
            commands.append(text)
    return commands


def test_readme_commands_name_the_installed_command() -> None:
    # `chanjiao` alone is not on PATH after `make demo` (the venv is not activated).
    commands = readme_commands()
    assert [command for command in commands if not command.startswith(COMMAND)] == []
    assert len(commands) >= 10


@pytest.mark.skipif(
    not (ROOT / COMMAND).exists(), reason="needs the project's .venv (make install)"
)
def test_readme_commands_run_against_the_demo_city(
    fresh_db_url: str,
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., Any],
) -> None:
    if backend != "sqlite":
        pytest.skip("make demo builds a SQLite file")
    monkeypatch.setattr(settings, "environment", "demo")
    engine = get_engine(fresh_db_url)
    with Session(engine) as session:
        load_demo(session)
        session.commit()
    with engine.execution_options(sqlite_begin="DEFERRED").connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    database = make_url(fresh_db_url).database
    assert database is not None
    shutil.copyfile(database, tmp_path / "chanjiao.db")
    for name in (".venv", "tests", "seed"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(settings, "environment", "production")
    monkeypatch.setattr(settings, "database_url", "sqlite:///./chanjiao.db")
    commands = readme_commands()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHANJIAO_", "DATABASE_URL"))}
    first = subprocess.run(["bash", "-c", commands[0]], env=env, capture_output=True, timeout=300)
    assert (first.returncode, first.stderr.decode()) == (0, "")

    # Engines are cached per URL and a relative SQLite path is resolved when a connection opens:
    # an engine that an earlier test made for ./chanjiao.db elsewhere must not serve these commands.
    for url in ("sqlite:///./chanjiao.db", "sqlite:///chanjiao.db"):
        get_engine(url).dispose()
        read_engine(url).dispose()
    failures = []
    for command in commands[1:]:
        # Each command starts as a fresh process would: the default database, no --db left over.
        # (By its absolute path: engines are cached per URL, and a relative SQLite path cached by
        # an earlier test would resolve against that test's working directory.)
        settings.database_url = f"sqlite:///{tmp_path / 'chanjiao.db'}"
        failure = _run_in_process(command, run_cli)
        if failure:
            failures.append(f"{command}\n  {failure}")
    assert failures == []


def _run_in_process(command: str, run_cli: Callable[..., Any]) -> str | None:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    tokens = list(lexer)
    shows_exit = ";" in tokens
    if shows_exit:
        assert tokens[tokens.index(";") + 1 :] == ["echo", "$?"], command
        tokens = tokens[: tokens.index(";")]
    out = None
    if ">" in tokens:
        out = Path(tokens[tokens.index(">") + 1])
        tokens = tokens[: tokens.index(">")]
    assert tokens[0] == COMMAND, command
    result = run_cli(*tokens[1:])
    if out is not None:
        out.write_bytes(result.stdout_bytes)
    if "Traceback" in result.output or (result.exit_code != 0 and not shows_exit):
        return f"exit {result.exit_code}: {result.output[-500:]}"
    return None
