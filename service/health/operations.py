"""Readiness: the database answers and carries the newest migration."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from service.db import read_engine
from service.migrate import alembic_config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def database_ready() -> tuple[bool, dict[str, str | None]]:
    head = head_revision()
    try:
        with read_engine().connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        return False, {"reason": f"数据库不可用或未迁移：{type(exc).__name__}", "head": head}
    if current != head:
        return False, {"reason": "数据库未迁移到最新版本", "current": current, "head": head}
    return True, {"revision": current}
