"""The audit log: every write anywhere records who did what to which entity, before and after.

Operations call :func:`record` in the same transaction as the write, so a rolled-back write leaves
no audit row and a committed one always has its row. Bulk work (imports, scheduled jobs) calls
:func:`record_many`, one Core insert for all rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, TypeAdapter
from sqlmodel import Session

from models import AuditLog, User
from models.base import utcnow
from service.audit import repository

# Never copied into the log, whatever the entity (secrets; words derived for the search index).
_SECRET_FIELDS = frozenset({"password_hash", "password", "search_title", "search_body"})

Actor = User | str
"""A logged-in user, or the name of a non-human actor such as ``"cli"`` or ``"scheduler"``."""

_JSON_DICT: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])

State = BaseModel | Mapping[str, Any] | None
"""An entity's state: a model (snapshotted here) or an already-made snapshot."""


def snapshot(state: State) -> dict[str, Any] | None:
    """A JSON-ready copy of ``state`` without secrets.

    Take it before changing an object: the log must hold the state as it was, not the object itself.
    """
    if state is None:
        return None
    # Enum columns come back from the database as plain strings: dump them without warnings.
    data = (
        state.model_dump(mode="json", warnings=False)
        if isinstance(state, BaseModel)
        else _to_json(state)
    )
    return {key: value for key, value in data.items() if key not in _SECRET_FIELDS}


def _to_json(data: Mapping[str, Any]) -> dict[str, Any]:
    # A mapping may hold uuids, dates or enums; pydantic's JSON mode knows them all.
    dumped: dict[str, Any] = _JSON_DICT.dump_python(dict(data), mode="json")
    return dumped


def _actor_fields(actor: Actor) -> dict[str, Any]:
    if isinstance(actor, User):
        return {"actor_id": actor.id, "actor": actor.username}
    return {"actor_id": None, "actor": actor[:64]}


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: uuid.UUID | str,
    before: State = None,
    after: State = None,
) -> AuditLog:
    """Add one audit row for a write done in this transaction (flushed with it)."""
    entry = AuditLog(
        **_actor_fields(actor),
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=snapshot(before),
        after=snapshot(after),
    )
    session.add(entry)
    return entry


def record_many(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    changes: Iterable[tuple[uuid.UUID | str, State, State]],
) -> int:
    """Audit rows for many writes of one kind, in one statement; returns how many were written."""
    who = _actor_fields(actor)
    at = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "at": at,
            **who,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "before": snapshot(before),
            "after": snapshot(after),
        }
        for entity_id, before, after in changes
    ]
    repository.insert_entries(session, rows)
    return len(rows)
