"""Every shell example of the README and of docs/ runs as written against a fresh demo city.

Convention (docs/design/conventions.md, item 19): a fenced block whose language is ``bash``,
``sh`` or ``console`` is a runnable example. A ``bash``/``sh`` block is one script; in a
``console`` block the lines that start with ``$ `` are the commands (a trailing ``\\`` continues
one) and the other lines show their output, which the run must print. A runnable block that must
not run here (``make demo`` itself, docker, benchmarks of minutes) is preceded by
``<!-- not run: reason -->``; the test counts those, so nothing is skipped silently. Blocks in any
other language (``text``, ``json`` …) show output or files and are never run.

The run: a folder laid out like the repository after ``make demo`` — ``chanjiao.db`` built by the
commands ``make demo`` runs (``db upgrade``, ``seed catalog``, ``seed demo`` with
``CHANJIAO_ENVIRONMENT=demo``), ``.venv``, ``tests``, ``seed`` — and ``chanjiao serve`` on a free
port, as ``make demo`` starts it (demo environment, scheduler on). Each runnable block runs in order
with ``bash`` under ``set -euo pipefail`` from that folder, with ``127.0.0.1:8000`` replaced by the
server's address and no ``CHANJIAO_*``/``DATABASE_URL`` variables set (a fresh shell). Each must
exit 0; curl calls use ``-f`` (a non-2xx fails the block) unless they print the status they expect
with ``-w '%{http_code}'``.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.harness import free_port, wait_until_up

ROOT = Path(__file__).parents[1]
COMMAND = ".venv/bin/chanjiao"
RUNNABLE = {"bash", "sh", "console"}
NOT_RUN = re.compile(r"<!--\s*not run:\s*(?P<reason>[^>]*\S)\s*-->")
ADDRESS = "127.0.0.1:8000"
# Blocks marked `<!-- not run: reason -->`, counted so that a new one is a visible decision.
EXPECTED_NOT_RUN = 10
# A curl call either fails on a non-2xx answer (-f in its short options) or prints the status.
CURL = re.compile(r"\bcurl\b(?P<args>[^|;&]*)")
CURL_FAILS = re.compile(r"(^|\s)-[a-zA-Z]*f[a-zA-Z]*(\s|$)|--fail\b|%\{http_code\}")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    not_run: str | None

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    def script(self) -> str:
        if self.language != "console":
            return self.text
        commands, continuing = [], False
        for line in self.text.splitlines():
            if line.startswith("$ ") or continuing:
                command = line.removeprefix("$ ") if not continuing else line
                commands.append(command)
                continuing = command.endswith("\\")
        return "\n".join(commands) + "\n"

    def shown_output(self) -> list[str]:
        """The output lines a ``console`` block shows (``…`` stands for lines left out)."""
        if self.language != "console":
            return []
        shown, continuing = [], False
        for line in self.text.splitlines():
            if line.startswith("$ ") or continuing:
                continuing = line.endswith("\\")
            elif line.strip() and line.strip() != "…":
                shown.append(line.strip())
        return shown


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), ROOT / "bench/README.md"]


def blocks(path: Path) -> list[Block]:
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    opening: tuple[int, str] | None = None
    body: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.startswith("```"):
            if opening is not None:
                body.append(line)
            continue
        if opening is None:
            opening, body = (number, line[3:].strip().split(" ")[0]), []
            continue
        start, language = opening
        before = [text for text in lines[: start - 1] if text.strip()]
        marker = NOT_RUN.fullmatch(before[-1].strip()) if before else None
        reason = marker.group("reason") if marker else None
        found.append(Block(path, start, language, "\n".join(body) + "\n", reason))
        opening = None
    assert opening is None, f"{path}: unclosed fence at line {opening[0]}"
    return found


def runnable_blocks() -> list[Block]:
    return [block for path in documents() for block in blocks(path) if block.language in RUNNABLE]


def test_every_shell_block_runs_or_says_why_not() -> None:
    every = runnable_blocks()
    marked = [block for block in every if block.not_run is not None]
    assert len(marked) == EXPECTED_NOT_RUN, [f"{b.where}: {b.not_run}" for b in marked]
    assert len(every) - len(marked) >= 20
    # A marker in front of a block that would not run anyway is a mistake.
    for path in documents():
        for block in blocks(path):
            if block.language not in RUNNABLE:
                assert block.not_run is None, f"{block.where}: only shell blocks run"


def test_runnable_blocks_are_self_contained() -> None:
    problems = []
    for block in runnable_blocks():
        if block.not_run is not None:
            continue
        script = block.script()
        for line in script.splitlines():
            code = line.split(" #", 1)[0]
            # `chanjiao` alone is not on PATH after `make demo` (the venv is not activated).
            if re.match(r"\s*chanjiao\s", code):
                problems.append(f"{block.where}: `{line}` is not {COMMAND}")
            for call in CURL.finditer(code):
                if not CURL_FAILS.search(call.group("args")):
                    problems.append(f"{block.where}: curl without -f: {line.strip()}")
            if ":8000" in code.replace(ADDRESS, ""):
                problems.append(f"{block.where}: the server is {ADDRESS}: {line.strip()}")
            if "‹" in code:
                problems.append(f"{block.where}: placeholder left in {line.strip()}")
    assert problems == []


@pytest.mark.skipif(
    not (ROOT / COMMAND).exists(), reason="needs the project's .venv (make install)"
)
def test_runnable_blocks_run_against_a_fresh_demo_city(tmp_path: Path) -> None:
    for name in (".venv", "tests", "seed", "bench"):
        (tmp_path / name).symlink_to(ROOT / name)
    shell_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CHANJIAO_", "DATABASE_URL"))
    }
    demo_env = {**shell_env, "CHANJIAO_ENVIRONMENT": "demo"}
    database = "sqlite:///./chanjiao.db"
    # What `make demo` runs (Makefile), from the folder it serves.
    for step in (["db", "upgrade"], ["seed", "catalog"], ["seed", "demo"]):
        done = subprocess.run(
            [COMMAND, "--db", database, *step],
            cwd=tmp_path,
            env=demo_env,
            capture_output=True,
            timeout=300,
        )
        assert done.returncode == 0, (step, done.stderr.decode()[-2000:])

    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [COMMAND, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path,
            env={**demo_env, "DATABASE_URL": database},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server, log)
        failures, ran = [], 0
        for block in runnable_blocks():
            if block.not_run is not None:
                continue
            script = block.script().replace(ADDRESS, f"127.0.0.1:{port}")
            started = time.monotonic()
            done = subprocess.run(
                ["bash", "-c", "set -euo pipefail\n" + script],
                cwd=tmp_path,
                env=shell_env,
                capture_output=True,
                timeout=120,
            )
            ran += 1
            printed = done.stdout.decode(errors="replace")
            missing = [line for line in block.shown_output() if line not in printed]
            if done.returncode != 0 or missing:
                failures.append(
                    f"{block.where} (exit {done.returncode}, {time.monotonic() - started:.1f} s, "
                    f"output not shown: {missing})\n"
                    f"{done.stderr.decode(errors='replace')[-1500:]}{printed[-500:]}"
                )
        assert failures == []
        assert ran >= 20
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


LINK = re.compile(r"\]\((?P<target>[^)#\s]*)(?:#(?P<anchor>[^)\s]*))?\)")


def _anchor(heading: str) -> str:
    # GitHub's rule: lower case, punctuation but hyphens and spaces dropped, spaces to hyphens.
    kept = "".join(c for c in heading.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def test_links_between_documents_resolve() -> None:
    broken = []
    for path in documents():
        for match in LINK.finditer(path.read_text(encoding="utf-8")):
            target, anchor = match.group("target"), match.group("anchor")
            if target.startswith(("http://", "https://")):
                continue
            resolved = (path.parent / target).resolve() if target else path
            if not resolved.exists():
                broken.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
                continue
            if anchor and resolved.suffix == ".md":
                headings = [
                    _anchor(line.lstrip("#"))
                    for line in resolved.read_text(encoding="utf-8").splitlines()
                    if line.startswith("#")
                ]
                if anchor not in headings:
                    broken.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert broken == []
