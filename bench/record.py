"""Where a benchmark writes its results: one dated JSON file per run in ``bench/results/``.

The README's figures table is generated from these files (``python -m bench.figures``), never
typed by hand. A benchmark opens a :class:`Run`, adds its figures (each beside the baseline
measured in the same run, where there is one) and free-form details; leaving the ``with`` block
writes ``bench/results/<UTC YYYY-MM-DDTHHMM>-<name>.json`` with the machine's load at the start
and at the end, its cores, the commit measured and the command that ran::

    with Run("import") as run:
        run.figure(
            "import_100k_sqlite_s",
            "导入 10 万个岗位 · SQLite",
            seconds,
            "s",
            baseline=bare_seconds,
            baseline_label="csv + executemany into a bare table",
            target="≤ 30",
        )
        run.details["per_row_kb"] = per_row

A run that raises writes nothing: a figure is only what a finished run measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Figure:
    """One measured figure. ``key`` is stable across runs (the README row is found by it);
    ``label`` is what a reader sees; ``target`` is the bound the issue asks for, as text."""

    key: str
    label: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_label: str | None = None
    target: str | None = None
    readme: bool = True

    @property
    def ratio(self) -> float | None:
        """``value / baseline`` when both are there and the baseline is not zero."""
        if self.baseline in (None, 0):
            return None
        assert self.baseline is not None
        return self.value / self.baseline


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=RESULTS.parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


@dataclass
class Run:
    """One run of one benchmark; a context manager that writes its result file on success."""

    name: str
    directory: Path = RESULTS
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    load_at_start: tuple[float, float, float] = field(default_factory=os.getloadavg)
    path: Path | None = None

    def figure(
        self,
        key: str,
        label: str,
        value: float,
        unit: str,
        *,
        baseline: float | None = None,
        baseline_label: str | None = None,
        target: str | None = None,
        readme: bool = True,
    ) -> Figure:
        made = Figure(key, label, value, unit, baseline, baseline_label, target, readme)
        self.figures = [f for f in self.figures if f.key != key] + [made]
        return made

    def as_dict(self) -> dict[str, Any]:
        return {
            "bench": self.name,
            "measured_at": self.started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cores": os.cpu_count(),
                "load_average_start": [round(x, 2) for x in self.load_at_start],
                "load_average_end": [round(x, 2) for x in os.getloadavg()],
            },
            "commit": _commit(),
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "figures": [
                {**asdict(f), "ratio": None if f.ratio is None else round(f.ratio, 4)}
                for f in self.figures
            ],
            "details": self.details,
        }

    def write(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = self.started.strftime("%Y-%m-%dT%H%M")
        path = self.directory / f"{stamp}-{self.name}.json"
        path.write_text(
            json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        self.path = path
        print(f"results: {path}", flush=True)
        return path

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.write()
