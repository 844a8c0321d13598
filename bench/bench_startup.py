"""Start-up: a command as a fresh process, beside ``python -c "import typer"`` (issue 25.3).

Run: ``python -m bench.bench_startup [--runs 5] [--keep DIR]``

Each command runs ``--runs`` times as a fresh process (the ``chanjiao`` script of this
environment, this checkout first on ``PYTHONPATH``); a figure is the median of the whole process's
wall time and of its CPU time (user + system, from ``getrusage`` of the children). The baseline,
in the same run and the same way: ``python -c "import typer"`` (the command line's framework, the
least any command can import). ``report mismatch`` runs on the demo city (seeded once into a
scratch SQLite file, or kept in ``--keep``), as ``tests/service/cli/test_startup.py`` does.
Writes ``bench/results/<UTC stamp>-startup.json`` (`bench.record.Run`).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.record import Run  # noqa: E402

CHANJIAO = str(Path(sys.executable).with_name("chanjiao"))
REPORT = ["report", "mismatch", "--region", "500000", "--year", "2026", "--format", "csv"]


def _env(db_url: str) -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {
        **os.environ,
        "CHANJIAO_ENVIRONMENT": "demo",
        "DATABASE_URL": db_url,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT),
    }


def timed(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``runs`` fresh processes of ``command``."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def demo_city(folder: Path) -> str:
    """A SQLite demo city in ``folder`` (seeded once, reused)."""
    path = folder / "startup-demo.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        env = _env(url)
        for step in (["db", "upgrade"], ["seed", "catalog"], ["seed", "demo"]):
            subprocess.run(
                [CHANJIAO, "--db", url, *step], env=env, cwd=ROOT, check=True, capture_output=True
            )
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep the demo city in this folder, reuse it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        url = demo_city(folder)
        env = _env(url)
        with Run("startup") as run:
            typer_wall, typer_cpu = timed([sys.executable, "-c", "import typer"], env, args.runs)
            help_wall, help_cpu = timed([CHANJIAO, "--help"], env, args.runs)
            report_wall, report_cpu = timed([CHANJIAO, *REPORT], env, args.runs)
            baseline = 'python -c "import typer", same run'
            run.figure(
                "startup_help_cpu_s",
                "chanjiao --help 的 CPU 时间（整个进程）",
                round(help_cpu, 3),
                "s",
                baseline=round(typer_cpu, 3),
                baseline_label=baseline,
                target="≤ 4×",
            )
            run.figure(
                "startup_report_mismatch_wall_s",
                "chanjiao report mismatch（演示城市，整个进程墙钟）",
                round(report_wall, 3),
                "s",
                baseline=round(typer_wall, 3),
                baseline_label=baseline,
                target="≤ 2",
            )
            run.figure(
                "startup_report_mismatch_cpu_s",
                "chanjiao report mismatch（演示城市，整个进程 CPU）",
                round(report_cpu, 3),
                "s",
                baseline=round(typer_cpu, 3),
                baseline_label=baseline,
            )
            run.details.update(
                runs=args.runs,
                import_typer={"wall_s": round(typer_wall, 3), "cpu_s": round(typer_cpu, 3)},
                help={"wall_s": round(help_wall, 3), "cpu_s": round(help_cpu, 3)},
                report_mismatch={"wall_s": round(report_wall, 3), "cpu_s": round(report_cpu, 3)},
                report_command=" ".join(["chanjiao", *REPORT]),
            )
            for name, (wall, cpu) in {
                "import typer": (typer_wall, typer_cpu),
                "--help": (help_wall, help_cpu),
                "report mismatch": (report_wall, report_cpu),
            }.items():
                print(f"{name:16} wall {wall:6.3f} s  cpu {cpu:6.3f} s  ({cpu / typer_cpu:.1f}×)")


if __name__ == "__main__":
    main()
