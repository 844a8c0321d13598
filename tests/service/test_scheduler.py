from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from models import Organization, SchedulerLease
from models.base import utcnow
from service.scheduler import Job, LeaseScheduler, release_lease, try_acquire_lease


def test_the_first_holder_takes_the_lease_and_a_second_is_refused(session: Session) -> None:
    assert try_acquire_lease(session, "worker-a", 60) is True
    assert try_acquire_lease(session, "worker-b", 60) is False
    assert try_acquire_lease(session, "worker-a", 60) is True  # renewal
    lease = session.exec(select(SchedulerLease)).one()
    assert lease.holder == "worker-a"


def test_an_expired_lease_passes_to_another_worker(session: Session) -> None:
    assert try_acquire_lease(session, "worker-a", 60) is True
    lease = session.get(SchedulerLease, "main")
    assert lease is not None
    lease.expires_at = utcnow() - timedelta(seconds=1)
    session.add(lease)
    session.flush()
    assert try_acquire_lease(session, "worker-b", 60) is True
    assert session.get(SchedulerLease, "main").holder == "worker-b"  # type: ignore[union-attr]


def test_only_the_lease_holder_runs_jobs_and_two_phase_jobs_get_the_computed_value(
    fresh_db_url: str,
) -> None:
    calls: list[Any] = []

    def compute(session: Session) -> int:
        return len(session.exec(select(Organization)).all())

    def write(_session: Session, organizations: int) -> None:
        calls.append(organizations)

    job = Job("probe", write, "interval", {"hours": 1}, compute=compute)
    leader = LeaseScheduler([job], lease_seconds=60, url=fresh_db_url)
    follower = LeaseScheduler([job], lease_seconds=60, url=fresh_db_url)
    leader.heartbeat()
    follower.heartbeat()
    assert (leader.is_leader, follower.is_leader) == (True, False)

    follower.run_job(job)
    assert calls == []
    leader.run_job(job)
    assert calls == [0]


def test_job_runs_and_failures_are_counted_by_job_name(fresh_db_url: str) -> None:
    from prometheus_client import REGISTRY

    def fail(_session: Session) -> None:
        raise RuntimeError("the mail server went away")

    good = Job("metrics_probe_ok", lambda _session: None, "interval", {"hours": 1})
    bad = Job("metrics_probe_fails", fail, "interval", {"hours": 1})
    scheduler = LeaseScheduler([good, bad], lease_seconds=60, url=fresh_db_url)
    scheduler.heartbeat()
    names = ("runs_total", "failures_total", "duration_seconds_count")
    series = [(f"chanjiao_job_{name}", job) for name in names for job in (good.id, bad.id)]

    def values() -> dict[tuple[str, str], float]:
        # Counted since the process started (every backend's run of this test adds to them).
        return {key: REGISTRY.get_sample_value(key[0], {"job": key[1]}) or 0.0 for key in series}

    before = values()
    scheduler.run_job(good)
    scheduler.run_job(good)
    with pytest.raises(RuntimeError):
        scheduler.run_job(bad)
    after = values()
    assert {key: after[key] - before[key] for key in series} == {
        ("chanjiao_job_runs_total", good.id): 2,
        ("chanjiao_job_runs_total", bad.id): 1,
        ("chanjiao_job_failures_total", good.id): 0,
        ("chanjiao_job_failures_total", bad.id): 1,
        ("chanjiao_job_duration_seconds_count", good.id): 2,
        ("chanjiao_job_duration_seconds_count", bad.id): 1,
    }


def test_an_operator_can_set_an_interval_jobs_period_but_not_a_cron_jobs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from service.settings import settings

    every_minute = Job("send_mail", lambda _s: None, "interval", {"minutes": 1})
    nightly = Job("nightly", lambda _s: None, "cron", {"hour": 2})
    monkeypatch.setattr(settings, "scheduler_intervals_s", {"send_mail": 2.5, "nightly": 1})
    assert LeaseScheduler._trigger_args(every_minute) == {"seconds": 2.5}
    assert LeaseScheduler._trigger_args(nightly) == {"hour": 2}
    monkeypatch.setattr(settings, "scheduler_intervals_s", {})
    assert LeaseScheduler._trigger_args(every_minute) == {"minutes": 1}


def test_a_released_lease_passes_at_the_next_heartbeat_and_only_its_holder_releases(
    session: Session,
) -> None:
    assert try_acquire_lease(session, "worker-a", 60) is True
    assert release_lease(session, "worker-b") is False  # not its lease
    assert try_acquire_lease(session, "worker-b", 60) is False
    assert release_lease(session, "worker-a") is True
    assert try_acquire_lease(session, "worker-b", 60) is True


def test_a_leader_shutting_down_hands_the_lease_over(fresh_db_url: str) -> None:
    leader = LeaseScheduler([], lease_seconds=60, url=fresh_db_url)
    follower = LeaseScheduler([], lease_seconds=60, url=fresh_db_url)
    leader.start()
    follower.heartbeat()
    assert (leader.is_leader, follower.is_leader) == (True, False)
    leader.shutdown()
    follower.heartbeat()
    assert follower.is_leader is True
