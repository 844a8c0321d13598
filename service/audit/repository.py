"""The audit log's one write: many entries in one Core insert."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from models import AuditLog


def insert_entries(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Many audit rows in one Core insert (their ids and times already set)."""
    if rows:
        session.execute(insert(AuditLog), list(rows))
