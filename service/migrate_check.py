"""Migration round trip: upgrade, no drift, downgrade to base, upgrade again.

Runs on a temporary SQLite file, and on a temporary PostgreSQL database when ``TEST_DATABASE_URL``
is set.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, make_url, pool, text

from service import migrate


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
        name = f"chanjiao_mig_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            round_trip(make_url(server).set(database=name).render_as_string(hide_password=False))
            sys.stdout.write("PostgreSQL: upgrade, check, downgrade base, upgrade — OK\n")
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
