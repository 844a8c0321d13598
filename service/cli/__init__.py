"""The ``chanjiao`` command line: the same domain operations as the API.

Each domain contributes a module here; this one assembles them.
"""

from __future__ import annotations

import typer

from service.cli import catalog, db, placement, report, seed, serve, transfer, users

app = typer.Typer(
    help="产教通 chanjiao：职业教育人才供需信息平台命令行。",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root(
    database: str | None = typer.Option(
        None, "--db", help="数据库URL（默认读取 DATABASE_URL，或当前目录下的SQLite文件）"
    ),
) -> None:
    """产教通命令行。"""
    if database:
        db.use_database(database)


app.command("serve")(serve.serve)
app.command("import")(transfer.import_command)
app.command("export")(transfer.export_command)
app.add_typer(db.app, name="db")
app.add_typer(seed.app, name="seed")
app.add_typer(catalog.app, name="catalog")
app.add_typer(users.app, name="users")
app.add_typer(report.app, name="report")
app.add_typer(placement.app, name="placement")


def main() -> None:
    app()
