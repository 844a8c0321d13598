"""Migrations are history: a revision must not import the application's live code, or a later
change to that code would change what an old revision does."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import migrations

VERSIONS = Path(migrations.__file__).parent / "versions"
# Alembic and the SQL toolkits, the tokenizer a backfill cuts with, and the migration helpers
# beside env.py (themselves migration code).
ALLOWED = {"alembic", "sqlalchemy", "sqlmodel", "jieba", "migrations"}


def test_revisions_import_no_live_code() -> None:
    imported: dict[str, set[str]] = {}
    for path in sorted(VERSIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            outside = roots - ALLOWED - set(sys.stdlib_module_names)
            if outside:
                imported.setdefault(path.name, set()).update(outside)
    assert imported == {}
