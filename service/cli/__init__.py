"""The ``chanjiao`` command line: the same domain operations as the API.

Each domain contributes a module here; `service.cli.group` assembles them into the typer
application (``service.cli.app``, loaded on first use). A command's module is imported only when
that command runs, so ``chanjiao placement run`` does not pay for scikit-learn, jieba or the web
app that other commands need; its plain form skips typer as well (`main`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.cli.group import app as app

# Command name → (module in service.cli, attribute, whether it is a group of commands).
COMMANDS: dict[str, tuple[str, str, bool]] = {
    "serve": ("serve", "serve", False),
    "import": ("transfer", "import_command", False),
    "export": ("transfer", "export_command", False),
    "db": ("db", "app", True),
    "seed": ("seed", "app", True),
    "catalog": ("catalog", "app", True),
    "users": ("users", "app", True),
    "report": ("report", "app", True),
    "programmes": ("programmes", "programmes_app", True),
    "cohorts": ("programmes", "cohorts_app", True),
    "match": ("match", "app", True),
    "placement": ("placement", "app", True),
    "proposals": ("proposals", "app", True),
}
# Commands that may start from no database file (the others refuse rather than create an empty one).
CREATES_DATABASE = frozenset({"db", "serve"})
# Commands that read only their own files (a placement instance), never the database.
NEEDS_NO_DATABASE = frozenset({"placement"})


def __getattr__(name: str) -> Any:
    # typer (~0.1 s of imports) loads with the first use of the application.
    if name == "app":
        from service.cli.group import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    args = sys.argv[1:]
    if args[:2] == ["placement", "run"]:
        from service.cli import placement_run

        code = placement_run.main(args[2:])
        if code is not None:
            sys.exit(code)
    from service.cli.group import app

    app()
