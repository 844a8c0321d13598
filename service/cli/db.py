"""``chanjiao db``: migrations."""

from __future__ import annotations

import os

import typer

from service import migrate
from service.settings import settings

app = typer.Typer(help="数据库迁移。", no_args_is_help=True)


def use_database(url: str) -> None:
    """Point this process at ``url`` (the ``--db`` option)."""
    settings.database_url = url
    # uvicorn's worker (and reload) processes build their settings from the environment.
    os.environ["DATABASE_URL"] = url


@app.command()
def upgrade(revision: str = typer.Argument("head", help="目标版本")) -> None:
    """升级数据库结构到最新（或指定）版本。"""
    migrate.upgrade(revision=revision)
    typer.echo(f"数据库已升级到 {revision}")


@app.command()
def downgrade(revision: str = typer.Argument(..., help="目标版本（base 为清空）")) -> None:
    """降级数据库结构到指定版本。"""
    migrate.downgrade(revision=revision)
    typer.echo(f"数据库已降级到 {revision}")


@app.command()
def check() -> None:
    """检查模型与迁移是否一致（无漂移）。"""
    migrate.check()
    typer.echo("模型与迁移一致")
