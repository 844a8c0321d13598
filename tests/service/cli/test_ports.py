"""A busy port is found before any set-up work and reported in Chinese at once: by
``make demo`` (before migrations and seeding) and by ``chanjiao serve`` (before the app loads)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CHANJIAO = str(Path(sys.executable).with_name("chanjiao"))
# Fast even on a busy machine: the port is checked before anything heavy is imported or run.
AT_ONCE_S = 20


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def test_the_port_check_answers_in_chinese(busy_port: int) -> None:
    check = [sys.executable, "-m", "service.cli.ports", "127.0.0.1"]

    code, output, _ = _run([*check, str(busy_port)])
    assert code == 1
    assert f"端口 {busy_port} 已被占用" in output
    assert f"make demo PORT={busy_port + 1}" in output

    assert _run([*check, str(_free_port())])[:2] == (0, "")


def test_serve_reports_a_busy_port_in_chinese_at_once(busy_port: int, tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}", "CHANJIAO_ENVIRONMENT": "demo"}

    code, output, seconds = _run([CHANJIAO, "serve", "--port", str(busy_port)], env)

    assert code == 2
    assert f"端口 {busy_port} 已被占用" in output
    assert "address already in use" not in output.lower()
    assert "Errno" not in output
    assert seconds < AT_ONCE_S


def test_make_demo_checks_the_port_before_the_set_up_work(busy_port: int, tmp_path: Path) -> None:
    database = tmp_path / "demo.db"

    code, output, seconds = _run(
        [
            "make",
            "--no-print-directory",
            "demo",
            f"PORT={busy_port}",
            f"DEMO_DB=sqlite:///{database}",
        ]
    )

    assert code != 0
    assert f"端口 {busy_port} 已被占用" in output
    assert "db upgrade" not in output  # nothing of the set-up ran
    assert not database.exists()
    assert seconds < AT_ONCE_S


def test_make_demo_ends_with_the_home_page_the_accounts_and_what_to_try() -> None:
    # The recipe (make -n): the port is checked first; the seeding prints the ending with the
    # home page of this HOST and PORT (what it prints is tested in tests/seed/test_demo.py).
    code, output, _ = _run(["make", "-n", "--no-print-directory", "demo", "PORT=8123"])

    assert code == 0
    lines = [line for line in output.splitlines() if line.strip()]
    assert "service.cli.ports 127.0.0.1 8123" in lines[0]
    seeding = next(line for line in lines if "seed demo" in line)
    assert "--home http://127.0.0.1:8123/" in seeding
    assert "chanjiao serve --host 127.0.0.1 --port 8123" in lines[-1]
    assert not any("/docs" in line for line in lines[lines.index(seeding) + 1 : -1])
