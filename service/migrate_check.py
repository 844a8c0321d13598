"""Migration round trip: upgrade, no drift, downgrade to base, upgrade again.

Runs on a temporary SQLite file, and on a temporary PostgreSQL database when ``TEST_DATABASE_URL``
is set.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from service import migrate
from service.db import temporary_postgres_database


def round_trip(url: str) -> None:
    migrate.upgrade(url)
    migrate.check(url)
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    migrate.check(url)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'check.db'}"
        round_trip(url)
        sys.stdout.write("SQLite: upgrade, check, downgrade base, upgrade — OK\n")
    server = os.environ.get("TEST_DATABASE_URL")
    if server:
        with temporary_postgres_database(server, "chanjiao_mig") as url:
            round_trip(url)
        sys.stdout.write("PostgreSQL: upgrade, check, downgrade base, upgrade — OK\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
