"""test_fulltext.py runs each test with and without SQLite's date windows
(``sqlite_date_windows``); where that flag changes nothing the test runs once, as "windows"."""

from __future__ import annotations

import pytest


def _flag_changes_nothing(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is None or callspec.params.get("sqlite_date_windows") is not False:
        return False
    fixtures = getattr(item, "fixturenames", ())
    return (
        "databases" not in fixtures  # reads no database: the flag is a database's
        or callspec.params.get("databases") != "sqlite"  # PostgreSQL always has the windows
        or "months_apart" in fixtures  # sets the windows on itself
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    repeated = [item for item in items if _flag_changes_nothing(item)]
    if repeated:
        config.hook.pytest_deselected(items=repeated)
        items[:] = [item for item in items if not _flag_changes_nothing(item)]
