"""Alembic environment, driven by ``SQLModel.metadata`` (imports only ``models`` and the
settings)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, inspect, pool
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on the metadata)
from migrations import (
    report_triggers,
    search_changes,
    search_generation,
    search_region_generation,
)
from models.position import is_search_index_object
from service.settings import settings

config = context.config
target_metadata = SQLModel.metadata


def database_url() -> str:
    x_args = context.get_x_argument(as_dictionary=True)
    return str(
        x_args.get("url")
        or config.attributes.get("url")
        or config.get_main_option("sqlalchemy.url")
        or settings.database_url
    )


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """The backend-specific full-text index (models/position.py) is not in the metadata."""
    del parent_names
    return not is_search_index_object(type_, name)


def run_migrations_offline() -> None:
    url = database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
        compare_type=True,
        include_name=include_name,
    )
    sqlite = connection.dialect.name == "sqlite"  # type: ignore[attr-defined]
    with context.begin_transaction():
        if sqlite:
            report_triggers.drop("sqlite", connection.exec_driver_sql)  # type: ignore[attr-defined]
            search_generation.drop("sqlite", connection.exec_driver_sql)  # type: ignore[attr-defined]
            search_region_generation.drop("sqlite", connection.exec_driver_sql)  # type: ignore[attr-defined]
            search_changes.drop("sqlite", connection.exec_driver_sql)  # type: ignore[attr-defined]
        context.run_migrations()
        if sqlite and inspect(connection).has_table("report_change"):
            # Positions log their ids once that table exists (migration 0029).
            folded = inspect(connection).has_table("report_position_change")
            report_triggers.create("sqlite", connection.exec_driver_sql, positions=folded)  # type: ignore[attr-defined]
        if sqlite and inspect(connection).has_table(search_generation.TABLE):
            # Positions count by region once that table exists (migration 0025).
            regional = inspect(connection).has_table(search_region_generation.TABLE)
            search_generation.create("sqlite", connection.exec_driver_sql, regional=regional)  # type: ignore[attr-defined]
            if regional:
                search_region_generation.create("sqlite", connection.exec_driver_sql)  # type: ignore[attr-defined]
        if sqlite and inspect(connection).has_table(search_changes.TABLE):
            # Positions log their writes for the search index (migration 0030).
            search_changes.create("sqlite", connection.exec_driver_sql)  # type: ignore[attr-defined]


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
