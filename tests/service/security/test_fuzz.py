"""A short schemathesis pass in ``make test``; ``make fuzz`` runs the long one.

Besides no 5xx and conforming responses, schema-valid input must not be refused (422/400) except
for the reasons JSON Schema cannot express, listed in ``fuzz.DOCUMENTED_REFUSALS``: the schema
may not grow looser than the server again.
"""

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
    result = run(
        fresh_db_url, examples=1, roles=("anonymous", "enterprise", "regulator_region", "admin")
    )
    assert result.failures == [], "\n".join(result.failures)
    assert result.looseness == [], "\n".join(result.looseness)
    assert result.statuses.get(500, 0) == 0
    # Every operation ran as each role (the count grows with the routes).
    assert result.cases >= 4 * result.operations > 0
    # Bodies carry most of the rules: ten cases each (one rarely reaches a boundary such as a
    # negative staff count).
    bodies = run(fresh_db_url, examples=10, roles=("admin",), methods=("POST", "PUT", "PATCH"))
    assert bodies.failures == [], "\n".join(bodies.failures)
    assert bodies.looseness == [], "\n".join(bodies.looseness)
    assert bodies.cases > bodies.operations > 0
