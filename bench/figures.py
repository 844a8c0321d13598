"""The README's figures table, generated from the benchmarks' result files (never typed by hand).

``python -m bench.figures`` prints the table; ``--write`` puts it in README.md between
``<!-- figures:begin -->`` and ``<!-- figures:end -->``; ``--check`` exits 1 when README.md holds
another table than the result files give (tests/test_bench_figures.py does the same).

Every file in ``bench/results/`` written by `bench.record.Run` (a JSON object with a ``figures``
list) is read; files of earlier formats are left alone. For each figure key, the NEWEST file
holding it (by its ``measured_at``, then its name) gives the row, if it marks the figure
``readme``: the value with its unit, the baseline measured in the same run and the ratio, the
target and whether the value meets it, the date, the machine's load average at the start and the
end of that run, and the file as a link.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
README = ROOT / "README.md"
BEGIN = "<!-- figures:begin -->"
END = "<!-- figures:end -->"
# "≤ 20", "< 2", "≥ 0.3×" (a × compares the ratio to the baseline), "<= 300 MB".
_TARGET = re.compile(r"^\s*(?P<op>≤|<=|<|≥|>=|>|=)\s*(?P<bound>\d+(?:\.\d+)?)\s*(?P<times>[×x])?")


@dataclass(frozen=True)
class Row:
    """One figure as the table shows it, with the run it comes from."""

    key: str
    label: str
    value: float
    unit: str
    baseline: float | None
    baseline_label: str | None
    ratio: float | None
    target: str | None
    bench: str
    measured_at: str
    load_start: float | None
    load_end: float | None
    cores: int | None
    file: str
    order: int  # the figure's place in its file
    readme: bool = True

    @property
    def met(self) -> bool | None:
        """Whether the value (or, for a target in ×, the ratio) meets the target; None when
        there is no target or it is not a comparison this reads."""
        if not self.target:
            return None
        match = _TARGET.match(self.target)
        if match is None:
            return None
        measured = self.ratio if match["times"] else self.value
        if measured is None:
            return None
        bound = float(match["bound"])
        return {
            "≤": measured <= bound,
            "<=": measured <= bound,
            "<": measured < bound,
            "≥": measured >= bound,
            ">=": measured >= bound,
            ">": measured > bound,
            "=": measured == bound,
        }[match["op"]]


def _load(value: Any) -> float | None:
    if isinstance(value, list | tuple) and value:
        value = value[0]
    return float(value) if isinstance(value, int | float) else None


def read_results(directory: Path = RESULTS) -> list[Row]:
    """Every figure of every `Run` result file in ``directory`` (any order)."""
    rows = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or not isinstance(data.get("figures"), list):
            continue  # an earlier format: left as it is, not read
        machine = data.get("machine") or {}
        for order, figure in enumerate(data["figures"]):
            baseline = figure.get("baseline")
            ratio = figure.get("ratio")
            if ratio is None and baseline not in (None, 0):
                ratio = figure["value"] / baseline
            rows.append(
                Row(
                    key=figure["key"],
                    label=figure["label"],
                    value=float(figure["value"]),
                    unit=figure.get("unit") or "",
                    baseline=None if baseline is None else float(baseline),
                    baseline_label=figure.get("baseline_label"),
                    ratio=None if ratio is None else float(ratio),
                    target=figure.get("target"),
                    bench=str(data.get("bench") or path.stem),
                    measured_at=str(data.get("measured_at") or ""),
                    load_start=_load(machine.get("load_average_start")),
                    load_end=_load(machine.get("load_average_end")),
                    cores=machine.get("cores"),
                    file=path.name,
                    order=order,
                    readme=bool(figure.get("readme", True)),
                )
            )
    return rows


def latest(rows: list[Row]) -> list[Row]:
    """For each key, the row of the newest file holding it, when that file marks it ``readme``
    (a newer run can take a figure out of the table); ordered by bench, then by the figure's
    place in its file."""
    newest: dict[str, Row] = {}
    for row in rows:
        kept = newest.get(row.key)
        if kept is None or (row.measured_at, row.file) > (kept.measured_at, kept.file):
            newest[row.key] = row
    shown = [row for row in newest.values() if row.readme]
    return sorted(shown, key=lambda r: (r.bench, r.order, r.key))


def number(value: float) -> str:
    """A figure as people read it: 3 significant digits at most, thousands split by a space."""
    size = abs(value)
    if size >= 100:
        text = f"{value:,.0f}"
    elif size >= 10:
        text = f"{value:.1f}"
    elif size >= 1:
        text = f"{value:.2f}"
    elif size == 0:
        text = "0"
    else:
        text = f"{value:.3g}"
    return text.replace(",", " ")


def _with_unit(value: float, unit: str) -> str:
    return f"{number(value)} {unit}".strip()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(rows: list[Row], link_prefix: str = "bench/results/") -> str:
    """The markdown table (and a line on the machine) for ``rows``."""
    if not rows:
        return "_No result file in bench/results/ has a figure yet: run `make bench`._"
    lines = [
        "| figure | value | baseline (same run) | ratio | target | met | measured (UTC) "
        "| load average (1 min, start → end) | result file |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        baseline = "—"
        if row.baseline is not None:
            baseline = _with_unit(row.baseline, row.unit)
            if row.baseline_label:
                baseline += f" ({row.baseline_label})"
        ratio = "—" if row.ratio is None else f"{number(row.ratio)}×"
        met = {True: "yes", False: "**no**", None: "—"}[row.met]
        loads = [f"{x:.2f}" for x in (row.load_start, row.load_end) if x is not None]
        cells = [
            f"{row.label} (`{row.key}`)",
            f"**{_with_unit(row.value, row.unit)}**",
            baseline,
            ratio,
            row.target or "—",
            met,
            row.measured_at[:16].replace("T", " "),
            " → ".join(loads) or "—",
            f"[{row.file}]({link_prefix}{row.file})",
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    cores = sorted({row.cores for row in rows if row.cores is not None})
    if cores:
        lines.append("")
        lines.append(
            "Cores of the machine in these runs: " + ", ".join(str(c) for c in cores) + "."
        )
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """``text`` with what lies between the markers replaced by ``block``."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md 中缺少 {BEGIN} … {END} 标记")
    return text[: start + len(BEGIN)] + "\n" + block + "\n" + text[end:]


def current_block(text: str) -> str:
    """What lies between the markers of ``text`` now (without the surrounding newlines)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md 中缺少 {BEGIN} … {END} 标记")
    return text[start + len(BEGIN) : end].strip("\n")


def generate(results: Path = RESULTS) -> str:
    return render(latest(read_results(results)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.figures", description=__doc__)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--readme", type=Path, default=README)
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--write", action="store_true", help="rewrite the block in README.md")
    what.add_argument("--check", action="store_true", help="exit 1 when README.md is stale")
    args = parser.parse_args(argv)
    block = generate(args.results)
    if args.write:
        text = args.readme.read_text(encoding="utf-8")
        updated = replace_block(text, block)
        if updated != text:
            args.readme.write_text(updated, encoding="utf-8")
        print(f"{args.readme}: {len(latest(read_results(args.results)))} figures")
        return 0
    if args.check:
        stale = current_block(args.readme.read_text(encoding="utf-8")) != block
        if stale:
            print(f"{args.readme} 的性能数据表已过期：运行 python -m bench.figures --write")
        return 1 if stale else 0
    print(block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
