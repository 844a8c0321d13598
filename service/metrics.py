"""Prometheus metrics of the service (prometheus-client), read at ``GET /metrics``.

Labels are bounded: a request is counted under its route template (``/api/v1/positions/{id}``,
never the raw path with its ids or query string), its method and its status class (``2xx``…);
a request no route matched is ``<unmatched>``. 503s are counted by the reason the service knows
and the code of their body (``overloaded``: the admission queue was full; ``write_queue_full``:
SQLite's write turn; ``database_busy``: the pool timed out; ``database_unavailable``).

Several uvicorn workers: when ``PROMETHEUS_MULTIPROC_DIR`` is set (``chanjiao serve --workers N``
sets a fresh one when it is not), each worker writes its values to files there and ``/metrics``
answers the sum over all workers, whichever worker serves the scrape (docs/operations.md).

This module imports only prometheus-client and the standard library: admission, the error
handlers, the database and the scheduler all count here without import cycles.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "<unmatched>"

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_WAIT_BUCKETS = (0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "chanjiao_http_requests",
    "HTTP requests answered, by route template, method and status class",
    ["route", "method", "status_class"],
)
LATENCY = Histogram(
    "chanjiao_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer, by route template and method",
    ["route", "method"],
    buckets=_LATENCY_BUCKETS,
)
UNAVAILABLE = Counter(
    "chanjiao_http_unavailable",
    "503 answers by reason (the code of their body): overloaded (admission queue full), "
    "write_queue_full (SQLite's write turn), database_busy (pool time-out), database_unavailable",
    ["reason"],
)
ADMISSION_WAITING = Gauge(
    "chanjiao_admission_waiting",
    "Requests waiting for admission (the admission queue's depth)",
    multiprocess_mode="livesum",
)
ADMISSION_ADMITTED = Gauge(
    "chanjiao_admission_admitted",
    "Requests admitted and holding (or allowed to hold) a database session",
    multiprocess_mode="livesum",
)
ADMISSION_WAIT = Histogram(
    "chanjiao_admission_wait_seconds",
    "Time a request waited for admission (admitted or not)",
    buckets=_WAIT_BUCKETS,
)
POOL_WAIT = Histogram(
    "chanjiao_db_pool_wait_seconds",
    "Time to check a connection out of SQLAlchemy's pool (waiting included), by database kind",
    ["database"],
    buckets=_WAIT_BUCKETS,
)
SEARCH_ANSWERS = Counter(
    "chanjiao_search_answers",
    "Public searches answered, by source: index (an anonymous search answered by this "
    "worker's in-memory index of words), cache (a kept anonymous answer), database (other "
    "anonymous searches), signed_in (a signed-in viewer's search, index or database)",
    ["source"],
)
SEARCH_INDEX_LISTED = Gauge(
    "chanjiao_search_index_listed",
    "Positions taking applications in this worker's search index (absent: no index)",
    multiprocess_mode="liveall",
)
SEARCH_INDEX_BUILD = Histogram(
    "chanjiao_search_index_build_seconds",
    "Time to build a worker's search index from the database",
    buckets=(0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0),
)
JOB_RUNS = Counter(
    "chanjiao_job_runs", "Scheduled job runs started in the process holding the lease", ["job"]
)
SCHEDULER_LEADER = Gauge(
    "chanjiao_scheduler_leader",
    "1 in the process holding the scheduler lease (it runs the jobs), 0 elsewhere; summed over "
    "the workers of a host, and over hosts by the scraper: 1 in all",
    multiprocess_mode="livesum",
)
JOB_FAILURES = Counter("chanjiao_job_failures", "Scheduled job runs that raised", ["job"])
JOB_DURATION = Histogram(
    "chanjiao_job_duration_seconds",
    "Duration of scheduled job runs (successful or not)",
    ["job"],
    buckets=(0.01, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 1800.0),
)


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def exposition() -> tuple[bytes, str]:
    """The text format of every metric: this process's, or the sum over the workers writing to
    ``PROMETHEUS_MULTIPROC_DIR``."""
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def count_unavailable(reason: str) -> None:
    UNAVAILABLE.labels(reason=reason).inc()


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(route=route, method=method, status_class=status_class(status)).inc()
    LATENCY.labels(route=route, method=method).observe(seconds)


def time_pool_checkouts(pool: Any, database: str) -> None:
    """Time every checkout of ``pool`` (the wait for a free connection included).

    SQLAlchemy's pool events fire after a connection is handed out, so the wait itself is only
    seen around ``_do_get``, the method every pool class implements for a checkout.
    """
    do_get: Callable[[], Any] = pool._do_get
    observe = POOL_WAIT.labels(database=database).observe

    def timed_do_get() -> Any:
        started = time.perf_counter()
        try:
            return do_get()
        finally:
            observe(time.perf_counter() - started)

    pool._do_get = timed_do_get
