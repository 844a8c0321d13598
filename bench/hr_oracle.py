"""The `matching` package (PyPI) as a reference solver for tests and benchmarks.

Its top-level package is also called ``matching``, like ours, so ``make install`` puts it in
``.venv/oracle`` (``pip install --target``), never in site-packages where it would shadow ours for
every console script. `hospital_resident` imports it from there under a swapped ``sys.modules``
and restores ours afterwards; the package resolves all its imports when it is loaded.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

ORACLE_DIR = Path(__file__).resolve().parents[1] / ".venv" / "oracle"

Prefs = Mapping[str, Sequence[str]]


@cache
def _hospital_resident_class() -> Any:
    if not (ORACLE_DIR / "matching").is_dir():
        raise RuntimeError(f"the `matching` package is not in {ORACLE_DIR}: run `make install`")
    ours = {k: v for k, v in sys.modules.items() if k == "matching" or k.startswith("matching.")}
    for name in ours:
        del sys.modules[name]
    sys.path.insert(0, str(ORACLE_DIR))
    try:
        # Its __init__ sets warnings.simplefilter("always") for the whole process.
        with warnings.catch_warnings():
            games = importlib.import_module("matching.games")
        return games.HospitalResident
    finally:
        sys.path.remove(str(ORACLE_DIR))
        for name in [k for k in sys.modules if k == "matching" or k.startswith("matching.")]:
            del sys.modules[name]
        sys.modules.update(ours)


def mutually_acceptable(
    student_prefs: Prefs, position_prefs: Prefs, capacities: Mapping[str, int]
) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]:
    """The instance cut to pairs that list each other, at positions with places; the package
    warns about (and mishandles) anything else (its issues #68, #109, #112)."""
    ranked = {p: set(prefs) for p, prefs in position_prefs.items() if capacities[p] > 0}
    students = {
        s: [p for p in prefs if p in ranked and s in ranked[p]]
        for s, prefs in student_prefs.items()
    }
    students = {s: prefs for s, prefs in students.items() if prefs}
    wanted: dict[str, set[str]] = {}
    for s, prefs in students.items():
        for p in prefs:
            wanted.setdefault(p, set()).add(s)
    positions = {
        p: [s for s in position_prefs[p] if s in wanted.get(p, ())] for p in ranked if wanted.get(p)
    }
    return students, positions, {p: capacities[p] for p in positions}


def hospital_resident(
    student_prefs: Prefs, position_prefs: Prefs, capacities: Mapping[str, int]
) -> dict[str, str]:
    """The resident-optimal matching of the `matching` package: student → position."""
    solve = solver()
    return solve(*mutually_acceptable(student_prefs, position_prefs, capacities))


def solver() -> Callable[[Prefs, Prefs, Mapping[str, int]], dict[str, str]]:
    """The package's solver on an already filtered instance (what the benchmark times)."""
    game_class = _hospital_resident_class()

    def solve(students: Prefs, positions: Prefs, capacities: Mapping[str, int]) -> dict[str, str]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = game_class.create_from_dictionaries(students, positions, capacities)
            result = game.solve(optimal="resident")
        return {r.name: h.name for h, residents in result.items() for r in residents}

    return solve
