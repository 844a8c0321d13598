"""``chanjiao db``: migrations."""

from __future__ import annotations

import os

import typer

app = typer.Typer(help="数据库迁移。", no_args_is_help=True)


def use_database(url: str) -> None:
    """Point this process at ``url`` (the ``--db`` option)."""
    from service.settings import settings

    settings.database_url = url
    # uvicorn's worker (and reload) processes build their settings from the environment.
    os.environ["DATABASE_URL"] = url


def refuse_missing_sqlite_file() -> None:
    """Commands that need an existing database refuse a SQLite file that is not there."""
    from service.settings import settings

    settings.sqlite_create_missing = False


@app.command()
def upgrade(revision: str = typer.Argument("head", help="目标版本")) -> None:
    """升级数据库结构到最新（或指定）版本。"""
    from service import migrate

    migrate.upgrade(revision=revision)
    typer.echo(f"数据库已升级到 {revision}")


@app.command()
def downgrade(revision: str = typer.Argument(..., help="目标版本（base 为清空）")) -> None:
    """降级数据库结构到指定版本。"""
    from service import migrate

    migrate.downgrade(revision=revision)
    typer.echo(f"数据库已降级到 {revision}")


@app.command()
def check() -> None:
    """检查模型与迁移是否一致（无漂移）。"""
    from service import migrate

    migrate.check()
    typer.echo("模型与迁移一致")
