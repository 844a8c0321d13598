"""README's figures table is what `python -m bench.figures` makes of bench/results/ (issue 25.8).

A benchmark run that writes a new result file without the table regenerated fails here: that is
intended — the README shows the newest measured figures or the change is not done.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bench import figures
from bench.record import Run

ROOT = Path(__file__).resolve().parents[1]
# "0.22 s", "19.2 s", "24.5 ms", "330 MiB", "1 050 MB", "118 req/s", "11×" (not "503s").
PERFORMANCE = r"\d(?:[\d.,]|\s(?=\d))*(?:\s?(?:ms|req/s|[KMG]i?B|×)|\ss)(?![\w/])"


def test_readme_table_is_generated_from_the_result_files() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert figures.current_block(readme) == figures.generate(ROOT / "bench" / "results"), (
        "README.md 的性能数据表与 bench/results/ 不一致：运行 python -m bench.figures --write"
    )


def test_readme_holds_no_performance_figure_outside_the_table() -> None:
    # Performance figures are generated, not typed: outside the block no "12 ms", "1.5 s",
    # "300 MiB", "118 req/s" or "11×". A dated duration of `.ci/run` ("7 min 6 s") may stay.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    outside = readme.replace(figures.current_block(readme), "")
    outside = re.sub(r"\d+ min \d+ s\b", "", outside)
    claims = re.findall(PERFORMANCE, outside)
    assert claims == []


def _write(
    directory: Path, name: str, when: str, figures_: list[dict[str, Any]], **extra: Any
) -> Path:
    path = directory / name
    path.write_text(
        json.dumps(
            {
                "bench": name.split("-", 3)[-1].removesuffix(".json"),
                "measured_at": when,
                "machine": {
                    "cores": 2,
                    "load_average_start": [1.5, 1.0, 0.5],
                    "load_average_end": [2.25, 1.0, 0.5],
                },
                "figures": figures_,
                **extra,
            }
        ),
        encoding="utf-8",
    )
    return path


def _figure(key: str, value: float, **fields: Any) -> dict[str, Any]:
    return {"key": key, "label": f"标签 {key}", "value": value, "unit": "ms", **fields}


def test_newest_file_holding_a_key_wins_and_old_formats_are_ignored(tmp_path: Path) -> None:
    _write(tmp_path, "2026-12-01T1000-recs.json", "2026-12-01T10:00:00+00:00", [
        _figure("recs_p95", 30.0, baseline=60.0, target="≤ 20"),
        _figure("recs_build", 50.0, unit="s"),
        _figure("recs_20k", 9.0),
    ])  # fmt: skip
    _write(tmp_path, "2026-12-02T1000-recs.json", "2026-12-02T10:00:00+00:00", [
        _figure("recs_p95", 12.5, baseline=25.0, target="≤ 20"),
        _figure("recs_hidden", 1.0, readme=False),
        _figure("recs_20k", 8.0, readme=False),  # a newer run takes it out of the table
    ])  # fmt: skip
    # Earlier formats: no "figures" list, or not JSON at all.
    (tmp_path / "2026-12-03T1000-old.json").write_text('{"results": {"x": 1}}')
    (tmp_path / "2026-12-03T1001-broken.json").write_text("{not json")
    rows = figures.latest(figures.read_results(tmp_path))
    assert [(r.key, r.value, r.file) for r in rows] == [
        ("recs_p95", 12.5, "2026-12-02T1000-recs.json"),
        ("recs_build", 50.0, "2026-12-01T1000-recs.json"),
    ]
    p95 = rows[0]
    assert p95.ratio == 0.5
    assert p95.met is True
    table = figures.render(rows)
    assert "| 标签 recs_p95 (`recs_p95`) | **12.5 ms** | 25.0 ms | 0.5× | ≤ 20 | yes |" in table
    assert "2026-12-02 10:00 | 1.50 → 2.25 |" in table
    assert "[2026-12-02T1000-recs.json](bench/results/2026-12-02T1000-recs.json)" in table
    assert "recs_hidden" not in table
    assert "recs_20k" not in table
    assert "Cores of the machine in these runs: 2." in table


@pytest.mark.parametrize(
    ("target", "value", "baseline", "met"),
    [
        ("≤ 20", 20.0, None, True),
        ("≤ 20", 20.5, None, False),
        ("< 2 s whole process", 1.9, None, True),
        ("≥ 0.3×", 10.0, 40.0, False),  # the ratio 0.25 is compared, not the value
        ("≥ 0.3×", 13.0, 40.0, True),
        ("<= 300", 299.0, None, True),
        ("linear", 5.0, None, None),
        (None, 5.0, None, None),
    ],
)
def test_target_met(
    tmp_path: Path, target: str | None, value: float, baseline: float | None, met: bool | None
) -> None:
    _write(tmp_path, "2026-12-02T1000-x.json", "2026-12-02T10:00:00+00:00", [
        _figure("k", value, baseline=baseline, target=target),
    ])  # fmt: skip
    [row] = figures.read_results(tmp_path)
    assert row.met is met


def test_a_run_written_by_record_is_read(tmp_path: Path) -> None:
    with Run("demo", directory=tmp_path) as run:
        run.figure("demo_s", "演示", 1234.5, "s", baseline=617.25, baseline_label="bare")
    [row] = figures.latest(figures.read_results(tmp_path))
    assert (row.value, row.baseline, row.ratio, row.bench) == (1234.5, 617.25, 2.0, "demo")
    assert row.load_start == pytest.approx(os.getloadavg()[0], abs=5)
    assert "**1 234 s** | 617 s (bare) | 2.00×" in figures.render([row])


def test_write_and_check_rewrite_only_the_block(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    _write(results, "2026-12-02T1000-x.json", "2026-12-02T10:00:00+00:00", [_figure("k", 3.0)])
    readme = tmp_path / "README.md"
    readme.write_text(f"# t\n\nbefore\n{figures.BEGIN}\nold table\n{figures.END}\nafter\n")
    args = ["--results", str(results), "--readme", str(readme)]
    assert figures.main([*args, "--check"]) == 1
    assert figures.main([*args, "--write"]) == 0
    text = readme.read_text()
    assert text.startswith("# t\n\nbefore\n<!-- figures:begin -->\n| figure |")
    assert text.endswith(f"\n{figures.END}\nafter\n")
    assert "old table" not in text
    assert figures.main([*args, "--check"]) == 0
    # A new result file without regenerating: stale again.
    _write(results, "2026-12-03T1000-x.json", "2026-12-03T10:00:00+00:00", [_figure("k", 2.0)])
    assert figures.main([*args, "--check"]) == 1
    readme.write_text("no markers\n")
    with pytest.raises(ValueError, match="figures:begin"):
        figures.main([*args, "--write"])
