"""Timing shared by the benchmarks: the best of several runs (the least disturbed by other load)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The shortest wall time of ``repeat`` calls of ``run``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def took_ms(run: Callable[[], object]) -> float:
    """The wall time of one call of ``run``, in milliseconds (for percentiles over many calls)."""
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank: the value below which a share ``q`` lies)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
