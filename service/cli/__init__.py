"""The ``chanjiao`` command line: the same domain operations as the API.

Each domain contributes a module here; this one assembles them.
"""

from __future__ import annotations

import typer

from service.cli import catalog, db, match, programmes, report, seed, serve, transfer, users

# Commands that may start from no database file (the others refuse rather than create an empty one).
CREATES_DATABASE = frozenset({"db", "serve"})

app = typer.Typer(
    help="产教通 chanjiao：职业教育人才供需信息平台命令行。",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    database: str | None = typer.Option(
        None,
        "--db",
        help="数据库URL（默认读取 DATABASE_URL，否则为当前目录下的 chanjiao.db，"
        "即 make demo 建立的演示城市）",
    ),
) -> None:
    """产教通命令行。"""
    if database:
        db.use_database(database)
    if ctx.invoked_subcommand not in CREATES_DATABASE:
        db.refuse_missing_sqlite_file()


app.command("serve")(serve.serve)
app.command("import")(transfer.import_command)
app.command("export")(transfer.export_command)
app.add_typer(db.app, name="db")
app.add_typer(seed.app, name="seed")
app.add_typer(catalog.app, name="catalog")
app.add_typer(users.app, name="users")
app.add_typer(report.app, name="report")
app.add_typer(programmes.programmes_app, name="programmes")
app.add_typer(programmes.cohorts_app, name="cohorts")
app.add_typer(match.app, name="match")


def main() -> None:
    app()
