"""Scheduled jobs that run once across all workers.

Every worker starts an APScheduler ``BackgroundScheduler``, but a job body runs only in the process
that holds the ``scheduler_lease`` row; the holder renews the lease on a heartbeat and another
process takes over when it lapses. A lease row survives recycled pooled connections, unlike a
PostgreSQL advisory lock (docs/design/pitfalls.md). Jobs are idempotent: a rerun after takeover does
no harm.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from models import SchedulerLease
from models.base import utcnow
from service import clock, metrics
from service.db import session_scope
from service.settings import settings

logger = logging.getLogger(__name__)

LEASE_NAME = "main"


@dataclass(frozen=True)
class Job:
    """A scheduled operation: ``run(session)`` is one domain operation, committed once.

    With ``compute``, the job has two phases: ``compute(session)`` runs in a read-only session and
    its result goes to ``run(session, result)`` in a short write transaction, so that a long
    computation never holds SQLite's write lock.
    """

    id: str
    run: Callable[..., Any]
    trigger: str  # "cron" or "interval"
    trigger_args: dict[str, Any] = field(default_factory=dict)
    compute: Callable[[Session], Any] | None = None


def try_acquire_lease(
    session: Session, holder: str, lease_seconds: int, name: str = LEASE_NAME
) -> bool:
    """Take or renew the lease; True when ``holder`` holds it afterwards."""
    now = utcnow()
    # FOR UPDATE: two PostgreSQL workers reading the same expired lease must not both take it
    # (SQLite's BEGIN IMMEDIATE already serialises them).
    lease = session.get(SchedulerLease, name, with_for_update=True)
    if lease is None:
        session.add(
            SchedulerLease(
                name=name, holder=holder, expires_at=now + timedelta(seconds=lease_seconds)
            )
        )
        session.flush()
        return True
    expires_at = (
        lease.expires_at if lease.expires_at.tzinfo else lease.expires_at.replace(tzinfo=now.tzinfo)
    )
    if lease.holder != holder and expires_at > now:
        return False
    lease.holder = holder
    lease.expires_at = now + timedelta(seconds=lease_seconds)
    session.add(lease)
    session.flush()
    return True


def release_lease(session: Session, holder: str, name: str = LEASE_NAME) -> bool:
    """End ``holder``'s lease now (a process shutting down), so that another process takes it at
    its next heartbeat instead of after the lease lapses; True when it held it."""
    lease = session.get(SchedulerLease, name, with_for_update=True)
    if lease is None or lease.holder != holder:
        return False
    lease.expires_at = utcnow()
    session.add(lease)
    session.flush()
    return True


class LeaseScheduler:
    """Runs ``jobs`` on an APScheduler while this process holds the lease."""

    def __init__(self, jobs: list[Job], lease_seconds: int = 60, url: str | None = None) -> None:
        self.jobs = jobs
        self.lease_seconds = lease_seconds
        self.url = url
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.is_leader = False
        self._scheduler = BackgroundScheduler(timezone=clock.CHINA)

    def heartbeat(self) -> None:
        try:
            with session_scope(self.url) as session:
                self.is_leader = try_acquire_lease(session, self.holder, self.lease_seconds)
        except (IntegrityError, OperationalError):
            self.is_leader = False
        metrics.SCHEDULER_LEADER.set(1 if self.is_leader else 0)

    def run_job(self, job: Job) -> None:
        if not self.is_leader:
            return
        metrics.JOB_RUNS.labels(job=job.id).inc()
        started = time.perf_counter()
        try:
            self._run_body(job)
        except Exception:
            metrics.JOB_FAILURES.labels(job=job.id).inc()
            raise  # APScheduler logs it; the next run is on schedule
        finally:
            metrics.JOB_DURATION.labels(job=job.id).observe(time.perf_counter() - started)
        logger.info("scheduled job %s done", job.id)

    def _run_body(self, job: Job) -> None:
        if job.compute is None:
            with session_scope(self.url) as session:
                job.run(session)
        else:
            with session_scope(self.url, write=False) as session:
                prepared = job.compute(session)
            with session_scope(self.url) as session:
                job.run(session, prepared)

    @staticmethod
    def _trigger_args(job: Job) -> dict[str, Any]:
        """The job's own schedule, or for an interval job the operator's
        ``CHANJIAO_SCHEDULER_INTERVALS_S`` (the two-host test runs ``send_mail`` every second to
        count runs per tick across four workers)."""
        seconds = settings.scheduler_intervals_s.get(job.id)
        if job.trigger == "interval" and seconds is not None:
            return {"seconds": max(0.1, seconds)}
        return job.trigger_args

    def start(self) -> None:
        self.heartbeat()
        self._scheduler.add_job(
            self.heartbeat, "interval", seconds=max(1, self.lease_seconds // 3), id="lease"
        )
        for job in self.jobs:
            self._scheduler.add_job(
                self.run_job,
                job.trigger,
                args=[job],
                id=job.id,
                coalesce=True,
                max_instances=1,
                **self._trigger_args(job),
            )
        self._scheduler.start()

    def shutdown(self) -> None:
        """Stops the scheduler and hands the lease back: a restarted host (a rolling deploy)
        leaves the jobs to another process within one heartbeat, not a whole lease."""
        self._scheduler.shutdown(wait=False)
        if self.is_leader:
            self.is_leader = False
            try:
                with session_scope(self.url) as session:
                    release_lease(session, self.holder)
            except (IntegrityError, OperationalError):
                logger.warning("the scheduler lease was not released; it lapses on its own")
        metrics.SCHEDULER_LEADER.set(0)
