"""A command imports what it uses: checked in fresh processes on the demo city (issue 25.3).

``chanjiao report mismatch`` needs the database layer and the report's rules, not the major-name
resolver (scikit-learn, scipy, pypinyin, rapidfuzz), the web framework (fastapi) or the file
writers it was not asked for (openpyxl, jinja2); ``chanjiao db upgrade`` needs alembic and the
models. The time bound is a ratio to ``python -c "import typer"`` measured in the same test, in
CPU time of the child processes (user + system), so that it holds on a loaded machine.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DatabaseFactory

ROOT = Path(__file__).parents[3]
CHANJIAO = str(Path(sys.executable).with_name("chanjiao"))
REPORT = ["report", "mismatch", "--region", "500000", "--year", "2026", "--format", "csv"]
# Never imported by these commands (the resolver, the web app, the file writers, search).
HEAVY = {"sklearn", "scipy", "pypinyin", "rapidfuzz", "fastapi", "jieba", "openpyxl", "jinja2"}
# Whole process, CPU time, median of three: at most this many times `import typer`'s. Measured
# 2026-12-07 (load average ~6): report 1.0 s = 16× (before the split 3.0 s = 47×); --help 2.5×.
REPORT_RATIO = 25
HELP_RATIO = 4

_MODULES = """
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "chanjiao"
from service.cli import main
main()
"""


def _env(db_url: str) -> dict[str, str]:
    return {**os.environ, "CHANJIAO_ENVIRONMENT": "demo", "DATABASE_URL": db_url}


def _cpu_seconds(command: list[str], env: dict[str, str]) -> float:
    """Median CPU time (user + system) of three runs of ``command`` as a fresh process."""
    times = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def _top_modules(args: list[str], env: dict[str, str], tmp_path: Path) -> set[str]:
    out = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", _MODULES, str(out), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return {name.split(".")[0] for name in json.loads(out.read_text())}


@pytest.fixture(scope="module")
def demo_city(databases: DatabaseFactory) -> str:
    url = databases.copy()
    subprocess.run(
        [CHANJIAO, "--db", url, "seed", "demo"],
        env=_env(url),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return url


def test_commands_import_only_what_they_use(demo_city: str, tmp_path: Path) -> None:
    env = _env(demo_city)
    report = _top_modules(REPORT, env, tmp_path)
    assert report & HEAVY == set()
    assert {"sqlalchemy", "numpy"} <= report  # it did run the report
    upgrade = _top_modules(["db", "upgrade"], env, tmp_path)
    assert upgrade & (HEAVY - {"jieba"}) == set()
    assert "alembic" in upgrade
    assert _top_modules(["--help"], env, tmp_path) & (HEAVY | {"sqlalchemy", "numpy"}) == set()


def test_start_up_time_against_import_typer(demo_city: str) -> None:
    env = _env(demo_city)
    baseline = _cpu_seconds([sys.executable, "-c", "import typer"], env)
    report = _cpu_seconds([CHANJIAO, *REPORT], env)
    help_ = _cpu_seconds([CHANJIAO, "--help"], env)
    assert report <= REPORT_RATIO * baseline, (report, baseline)
    assert help_ <= HELP_RATIO * baseline, (help_, baseline)
