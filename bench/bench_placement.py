"""Deferred acceptance (`matching.placement`) against the `matching` package's HospitalResident.

Run: ``python -m bench.bench_placement [--sizes 1000x100,5000x500] [--million] [--repeat 3]``

Each instance: N students with K distinct random choices among M positions, every position ranks
all its applicants in a random order, capacities total 80 % of the students. For each size, in
one run and on the same instance: the two solvers in-process (the package on the lists already
cut to mutually acceptable pairs, ours on the raw instance with its checks and its verifier), then
as whole processes — ``chanjiao placement run FILE`` against ``python -m bench.placement_baseline
FILE`` — with the check that both give the same assignment, in-process and from the command's
output. CPU times (user + system) are medians of several runs: the machine is shared.
``--million`` adds 1 000 000 students × 100 000 positions × 10 choices for our solver alone (the
package cannot run it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.hr_oracle import mutually_acceptable, solver  # noqa: E402
from bench.timing import best_of  # noqa: E402
from matching.placement import PlacementInstance, solve_placement  # noqa: E402

CHANJIAO = [str(Path(sys.executable).with_name("chanjiao"))]
CHOICES = 10


def generate(students: int, positions: int, choices: int, seed: int = 13) -> dict[str, Any]:
    """A random instance in the file format of ``chanjiao placement run``."""
    rng = np.random.default_rng(seed)
    k = min(choices, positions)
    # K distinct positions per student: the top-k of random keys (argpartition, no loop).
    picks = (
        np.argpartition(rng.random((students, positions)), k - 1, axis=1)[:, :k]
        if (students * positions <= 50_000_000)
        else _distinct_choices(rng, students, positions, k)
    )
    # Each position ranks its applicants by a random score.
    owners = np.repeat(np.arange(students), k)
    targets = picks.ravel()
    order = np.lexsort((rng.random(len(targets)), targets))
    ranked_students, ranked_positions = owners[order], targets[order]
    bounds = np.searchsorted(ranked_positions, np.arange(positions + 1))
    seats = max(1, round(0.8 * students / positions))
    student_ids = [f"s{i}" for i in range(students)]
    position_ids = [f"p{j}" for j in range(positions)]
    pick_list = picks.tolist()
    ranked_list = ranked_students.tolist()
    return {
        "students": [
            {"id": student_ids[i], "choices": [position_ids[j] for j in pick_list[i]]}
            for i in range(students)
        ],
        "positions": [
            {
                "id": position_ids[j],
                "capacity": seats,
                "ranking": [student_ids[i] for i in ranked_list[bounds[j] : bounds[j + 1]]],
            }
            for j in range(positions)
        ],
    }


def _distinct_choices(
    rng: np.random.Generator, students: int, positions: int, k: int
) -> np.ndarray[Any, Any]:
    # Draw with replacement and redraw the rows with a repeat (rare when k << positions).
    picks = rng.integers(0, positions, size=(students, k))
    while True:
        ordered = np.sort(picks, axis=1)
        bad = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
        if len(bad) == 0:
            return picks
        picks[bad] = rng.integers(0, positions, size=(len(bad), k))


def run_process(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command``: on a shared machine the
    CPU time is the steadier of the two."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def processes(command: list[str], repeat: int) -> tuple[float, float]:
    """The best wall time and the median CPU time of ``repeat`` runs of ``command``."""
    runs = [run_process(command) for _ in range(repeat)]
    return min(w for w, _ in runs), statistics.median(c for _, c in runs)


def _cpu(repeat: int, run: Any) -> float:
    """The median CPU time of ``repeat`` calls of ``run`` in this process."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def compare(students: int, positions: int, repeat: int, folder: Path) -> None:
    data = generate(students, positions, CHOICES)
    path = folder / f"placement_{students}x{positions}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    instance = PlacementInstance.from_dict(data)
    prefs = mutually_acceptable(
        {s["id"]: s["choices"] for s in data["students"]},
        {p["id"]: p["ranking"] for p in data["positions"]},
        {p["id"]: p["capacity"] for p in data["positions"]},
    )
    sys.setrecursionlimit(1_000_000)
    package = solver()
    ours = solve_placement(instance)
    theirs = package(*prefs)
    assert ours.assignments == theirs, "the two solvers disagree"
    assert ours.blocking_pairs == []
    ours_in = best_of(repeat, lambda: solve_placement(instance))
    theirs_in = best_of(1, lambda: package(*prefs))
    ours_in_cpu = _cpu(repeat, lambda: solve_placement(instance))
    theirs_in_cpu = _cpu(1, lambda: package(*prefs))
    # The two whole processes give the same assignment (the command's JSON against the package).
    out = subprocess.run(
        [*CHANJIAO, "placement", "run", str(path)], check=True, capture_output=True, text=True
    )
    placed = {a["student"]: a["position"] for a in json.loads(out.stdout)["assignments"]}
    assert placed == theirs, "the command and the package disagree"
    ours_proc, ours_cpu = processes([*CHANJIAO, "placement", "run", str(path)], 2 * repeat + 1)
    theirs_proc, theirs_cpu = processes(
        [sys.executable, "-m", "bench.placement_baseline", str(path)], repeat
    )
    floor, floor_cpu = processes([sys.executable, "-c", "pass"], 2 * repeat + 1)
    print(
        f"{students:>9,} students × {positions:>7,} positions × {CHOICES} choices "
        f"(same assignment: {len(ours.assignments):,} placed)"
    )
    print(
        f"  in-process:    ours {ours_in:8.3f} s   matching {theirs_in:8.3f} s   "
        f"ratio {theirs_in / ours_in:7.1f}×   (wall)"
    )
    print(
        f"  in-process:    ours {ours_in_cpu:8.3f} s   matching {theirs_in_cpu:8.3f} s   "
        f"ratio {theirs_in_cpu / ours_in_cpu:7.1f}×   (CPU)"
    )
    print(
        f"  whole process: ours {ours_proc:8.3f} s   matching {theirs_proc:8.3f} s   "
        f"ratio {theirs_proc / ours_proc:7.1f}×   (wall)"
    )
    print(
        f"  whole process: ours {ours_cpu:8.3f} s   matching {theirs_cpu:8.3f} s   "
        f"ratio {theirs_cpu / ours_cpu:7.1f}×   (CPU, medians)"
    )
    print(
        f"  of which the interpreter alone (`python -c pass`): {floor:.3f} s wall, "
        f"{floor_cpu:.3f} s CPU",
        flush=True,
    )


def million(folder: Path, repeat: int) -> None:
    students, positions = 1_000_000, 100_000
    start = time.perf_counter()
    data = generate(students, positions, CHOICES)
    path = folder / "placement_million.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    generated = time.perf_counter() - start
    print(
        f"{students:,} students × {positions:,} positions × {CHOICES} choices "
        f"(file {path.stat().st_size / 1e6:.0f} MB, generated in {generated:.1f} s)"
    )
    start, cpu = time.perf_counter(), time.process_time()
    instance = PlacementInstance.from_dict(data)
    parsed, parsed_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    result = solve_placement(instance)
    solved, solved_cpu = time.perf_counter() - start, time.process_time() - cpu
    del data, instance
    print(
        f"  in-process:    checks of the file form {parsed:.2f} s ({parsed_cpu:.2f} s CPU), "
        f"solve + verify {solved:.2f} s ({solved_cpu:.2f} s CPU); "
        f"{len(result.assignments):,} placed, {len(result.blocking_pairs)} blocking pairs"
    )
    runs = [run_process([*CHANJIAO, "placement", "run", str(path)]) for _ in range(repeat)]
    cpus = ", ".join(f"{c:.1f}" for _, c in runs)
    print(
        f"  whole process: chanjiao placement run {min(w for w, _ in runs):.1f} s wall (best), "
        f"CPU {statistics.median(c for _, c in runs):.1f} s median of {cpus} "
        "(read, check, solve, verify, write JSON)"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000x100,5000x500")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--million", action="store_true", default=True)
    parser.add_argument("--no-million", dest="million", action="store_false")
    parser.add_argument("--million-repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in args.sizes.split(","):
            n, m = (int(x) for x in size.split("x"))
            compare(n, m, args.repeat, folder)
        if args.million:
            million(folder, args.million_repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
