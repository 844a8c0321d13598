"""Loads the reference catalogues of ``seed/data`` (or another folder) via the catalogue service."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from service.catalog import operations as catalog


def load_catalog(session: Session, data_dir: Path | None = None) -> dict[str, int]:
    """Upsert every reference file into its table; returns the rows per table in the files.

    The caller commits. Running it again changes nothing.
    """
    report = catalog.load_reference(session, data_dir)
    return {table: load.total for table, load in report.items()}
