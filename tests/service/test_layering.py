"""Queries live in repositories (CONVENTIONS.md rule 17), pinned the way matching/ is kept pure.

"SQL" here means building or running a statement. A module under ``service/`` other than a
``repository.py`` (and the modules of ``ALLOWED`` below) may not:

- import a statement or expression construct from ``sqlalchemy`` or ``sqlmodel`` (any
  submodule): the names of ``CONSTRUCTS`` (``select``, ``insert``, ``update``, ``delete``,
  ``text``, ``func``, the boolean combinators ``and_``/``or_``/``not_``, ``case``, ``cast``,
  ``union`` …), nor ``sqlalchemy``/``sqlmodel`` as a whole module (``sa.select`` would bypass
  the names);
- call ``exec``, ``execute``, ``exec_driver_sql``, ``scalar``, ``scalars``, ``connection`` or
  ``query`` on anything (a session, a connection, an engine).

Allowed outside repositories, deliberately: ``Session`` and other types, exceptions
(``sqlalchemy.exc``), ``event`` listeners, ``make_url``; ``session.get``/``session.add``/
``session.delete``/``session.flush`` of a single ORM object ("ORM objects for single-entity
work"); and ``col(Model.field)`` compared with a value: an operation may name a filter on a
column (``col(Student.major_code) == major``) and hand it to a repository, which builds and runs
the statement. Combining filters (``or_``) or writing subqueries is the repository's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import service

SERVICE = Path(service.__file__).parent

CONSTRUCTS = frozenset(
    {
        "select",
        "insert",
        "update",
        "delete",
        "text",
        "func",
        "and_",
        "or_",
        "not_",
        "true",
        "false",
        "null",
        "exists",
        "case",
        "cast",
        "literal",
        "literal_column",
        "bindparam",
        "column",
        "table",
        "tuple_",
        "extract",
        "distinct",
        "union",
        "union_all",
        "intersect",
        "except_",
        "join",
        "outerjoin",
        "lateral",
        "values",
        "over",
        "Select",
        "Insert",
        "Update",
        "Delete",
        "TextClause",
    }
)
RUNS = frozenset({"exec", "execute", "exec_driver_sql", "scalar", "scalars", "connection", "query"})

# Modules that are repositories under another name, or that talk to the database below the
# session on purpose. Each with its reason; keep this list short.
ALLOWED = {
    # The engine itself: pragmas on connect, pool checks.
    "db.py",
    # Readiness reads alembic_version on a connection of its own, outside the request's session.
    "health/operations.py",
    # The rate limiter's store: its own connection and transaction, whatever the request does.
    "throttle.py",
    # The search engine of positions: the positions' search repository (FTS5 / tsvector statements).
    "positions/search.py",
    # Each worker's search index: its log (search_change) and the rows it holds, read on the
    # search's own connection (the log's rows and the positions in one transaction).
    "positions/text_index.py",
    # The report aggregates' store: maintains and reads report_figure / report_demand (every
    # function is a statement over those tables or the sources their triggers log).
    "reports/aggregates.py",
}


def sql_in(source: str) -> list[str]:
    """What in ``source`` builds or runs SQL, as "line: what" strings."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("sqlalchemy", "sqlmodel"):
                    found.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in ("sqlalchemy", "sqlmodel"):
                found.extend(
                    f"{node.lineno}: {alias.name} from {node.module}"
                    for alias in node.names
                    if alias.name in CONSTRUCTS
                )
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in RUNS
        ):
            found.append(f"{node.lineno}: {ast.unparse(node.func)}()")
    return found


def test_sql_is_only_in_repositories() -> None:
    offenders = {
        str(path.relative_to(SERVICE)): sql
        for path in sorted(SERVICE.rglob("*.py"))
        if path.name != "repository.py"
        and str(path.relative_to(SERVICE)) not in ALLOWED
        and (sql := sql_in(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_allowed_modules_exist() -> None:
    # An entry left behind after a module moved would silently allow its successor nothing.
    assert sorted(name for name in ALLOWED if not (SERVICE / name).is_file()) == []


def test_every_domain_with_operations_has_a_repository() -> None:
    domains = {path.parent for path in SERVICE.glob("*/operations.py")}
    missing = sorted(d.name for d in domains if not (d / "repository.py").is_file())
    # health reads one row on its own connection (see ALLOWED).
    assert missing == ["health"]


def test_the_rule_sees_a_query() -> None:
    source = "from sqlmodel import select\n\ndef f(session):\n    return session.exec(select(1))\n"
    assert sql_in(source) == ["1: select from sqlmodel", "4: session.exec()"]
