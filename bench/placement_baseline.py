"""The whole-process baseline: read an instance file and solve it with the `matching` package.

Run: ``python -m bench.placement_baseline FILE`` — prints the number of assigned students.
The package needs mutually acceptable lists, so the script filters them first, as any caller must.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.hr_oracle import hospital_resident  # noqa: E402


def main(path: str) -> int:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    # The package deep-copies its players recursively.
    sys.setrecursionlimit(1_000_000)
    assignment = hospital_resident(
        {s["id"]: s["choices"] for s in data["students"]},
        {p["id"]: p["ranking"] for p in data["positions"]},
        {p["id"]: p["capacity"] for p in data["positions"]},
    )
    print(len(assignment))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
