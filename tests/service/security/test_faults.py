"""One round of each fault of ``make faults`` (``faults.py``): real processes, real kills."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.service.security import faults


@pytest.mark.slow
def test_a_service_killed_under_writes_loses_no_acknowledged_write(
    fresh_db_url: str, backend: str, tmp_path: Path
) -> None:
    workers = 1 if backend == "sqlite" else 2
    result = faults.kill_service_under_writes(
        fresh_db_url, workers=workers, writers=4, rounds=1, log=tmp_path / "serve.log"
    )
    assert result.rounds == 1
    # Each writer had writes acknowledged before the kill: the target was 4 per writer.
    assert result.acknowledged >= 16
    assert result.lost == []
    assert result.write_after_restart == [201]


@pytest.mark.slow
def test_an_import_killed_in_its_check_phase_leaves_nothing(
    fresh_db_url: str, tmp_path: Path
) -> None:
    _names, codes = faults.add_enterprises(fresh_db_url, 2)
    file = tmp_path / "big.csv"
    faults.big_positions_file(file, codes, 20_000)
    outcome = faults.kill_import(fresh_db_url, file, 20_000, faults.CHECK_PHASE)
    assert outcome.returncode == -signal.SIGKILL
    assert outcome.lines == ["已校验10000行"]  # killed half-way through the checks
    assert outcome.after == outcome.before
    assert outcome.integrity in ("ok", "not checked")


@pytest.mark.slow
def test_postgres_stopped_under_the_service_answers_503_then_recovers(tmp_path: Path) -> None:
    if reason := faults.postgres_missing():
        pytest.skip(f"no private PostgreSQL cluster: {reason}")
    with faults.private_cluster() as cluster:
        result = faults.postgres_outage(cluster, down_s=2.0, log=tmp_path / "serve.log", workers=1)
    assert result.answered_down > 0
    assert result.unexpected == 0
    assert dict(result.statuses_down) == {503: result.answered_down}, result.kinds_down
    assert result.without_retry_after == 0
    assert result.slowest_down_s < faults.OUTAGE_ANSWER_BOUND_S
    assert set(result.recovered_s) == {"read", "write", "ready"}
    assert set(result.after) == {200, 201}
    assert result.ready_after == 200
