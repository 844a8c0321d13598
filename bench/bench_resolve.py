"""Throughput of `MajorResolver` on the full catalogue with a messy input mix.

Run: ``python -m bench.bench_resolve [--names 20000] [--repeat 3]``

Prints names/s for ``resolve_many`` (the batch path the service uses for imports), for one
``resolve`` call per name, and for two baselines measured in the same process on the same
inputs: a plain dict lookup of the raw string (the floor: no normalisation, no fuzzy) and
``rapidfuzz.process.extractOne`` over every catalogue name (the naive fuzzy resolver). The
ratios against the baselines are what to compare across machines. Writes
``bench/results/<UTC stamp>-resolve.json`` (`bench.record.Run`).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.record import Run  # noqa: E402
from bench.timing import best_of  # noqa: E402
from matching.resolve import MajorRecord, MajorResolver  # noqa: E402

CATALOGUE = ROOT / "seed" / "data" / "majors.csv"
FULL_WIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")
DIRECTIONS = ("移动应用开发", "智能制造", "跨境电商", "中外合作办学", "订单班", "3+2")


def load_records() -> list[MajorRecord]:
    with CATALOGUE.open(encoding="utf-8") as f:
        return [
            MajorRecord(row["code"], row["name"], row["level"], row["class_code"])
            for row in csv.DictReader(f)
        ]


def messy_names(records: list[MajorRecord], count: int, seed: int = 20240501) -> list[str]:
    """A mix resembling a school's programme import, mostly 高职专科 majors."""
    rng = random.Random(seed)
    higher = [r for r in records if r.level == "高职专科"]
    secondary = [r for r in records if r.level == "中职"]
    alphabet = sorted({char for r in records for char in r.name})
    names: list[str] = []
    for _ in range(count):
        record = rng.choice(higher)
        roll = rng.random()
        if roll < 0.25:
            name = record.name
        elif roll < 0.35:
            name = record.name + "专业"
        elif roll < 0.45:
            name = record.code if rng.random() < 0.5 else record.code.translate(FULL_WIDTH)
        elif roll < 0.60:
            name = f"{record.name}（{rng.choice(DIRECTIONS)}方向）"
        elif roll < 0.68:
            name = " ".join(record.name).translate(FULL_WIDTH)
        elif roll < 0.83:
            position = rng.randrange(len(record.name))
            name = record.name[:position] + rng.choice(alphabet) + record.name[position + 1 :]
        elif roll < 0.93:
            name = rng.choice(secondary).name
        elif roll < 0.97:
            name = record.name[:2]
        else:
            name = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 8)))
        names.append(name)
    return names


def best_rate(run: Callable[[], object], count: int, repeat: int) -> float:
    return count / best_of(repeat, run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--names", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with Run("resolve") as run:
        _measure(run, args.names, args.repeat)


def _measure(run: Run, n_names: int, repeat: int) -> None:
    records = load_records()
    started = time.perf_counter()
    resolver = MajorResolver().fit(records)
    fit_seconds = time.perf_counter() - started
    names = messy_names(records, n_names)
    level = "高职专科"

    by_name = {record.name: record.code for record in records}
    choices = [record.name for record in records if record.level == level]

    def dict_baseline() -> object:
        return [by_name.get(name) for name in names]

    def extract_one_baseline() -> object:
        return [
            process.extractOne(name, choices, scorer=fuzz.ratio, processor=None, score_cutoff=85)
            for name in names
        ]

    rates = {
        "resolve_many": best_rate(lambda: resolver.resolve_many(names, level), len(names), repeat),
        "resolve (one call per name)": best_rate(
            lambda: [resolver.resolve(name, level) for name in names], len(names), repeat
        ),
        "baseline: dict lookup": best_rate(dict_baseline, len(names), repeat),
        "baseline: extractOne": best_rate(extract_one_baseline, len(names), repeat),
    }
    results = resolver.resolve_many(names, level)
    methods: dict[str, int] = {}
    for result in results:
        key = result.method or "unresolved"
        methods[key] = methods.get(key, 0) + 1

    print(f"catalogue: {len(records)} majors; fit {fit_seconds * 1000:.0f} ms")
    print(f"inputs: {len(names)} messy names at {level}; outcomes {dict(sorted(methods.items()))}")
    for label, rate in rates.items():
        print(f"{label:<30} {rate:>12,.0f} names/s")
    extract = rates["baseline: extractOne"]
    lookup = rates["baseline: dict lookup"]
    for label in ("resolve_many", "resolve (one call per name)"):
        print(
            f"{label}: {rates[label] / extract:.2f}x extractOne, "
            f"{rates[label] / lookup:.4f}x dict lookup"
        )
    run.figure(
        "resolve_many_names_per_s",
        "专业名称解析（resolve_many，整个目录，杂乱输入）",
        round(rates["resolve_many"]),
        "names/s",
        baseline=round(extract),
        baseline_label="rapidfuzz extractOne over every name, same inputs",
    )
    run.details.update(
        names=len(names),
        level=level,
        fit_ms=round(fit_seconds * 1000),
        outcomes=dict(sorted(methods.items())),
        rates={label: round(rate) for label, rate in rates.items()},
    )


if __name__ == "__main__":
    main()
