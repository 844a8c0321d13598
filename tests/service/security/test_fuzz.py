"""A short schemathesis pass in ``make test``; ``make fuzz`` runs the long one."""

from __future__ import annotations

import pytest

from service.settings import settings
from tests.service.security.fuzz import run


def test_schemathesis_short_run_finds_no_failure(
    fresh_db_url: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "sqlite":
        pytest.skip("one backend is enough for the short pass; make fuzz runs the long one")
    monkeypatch.setattr(settings, "database_url", settings.database_url)
    result = run(fresh_db_url, examples=1, roles=("anonymous", "enterprise", "regulator_region"))
    assert result.failures == []
    assert result.statuses.get(500, 0) == 0
