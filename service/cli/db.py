"""``chanjiao db``: migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlmodel import Session

app = typer.Typer(help="数据库迁移。", no_args_is_help=True)


def use_database(url: str) -> None:
    """Point this process at ``url`` (the ``--db`` option)."""
    from service.settings import settings

    settings.database_url = url
    # uvicorn's worker (and reload) processes build their settings from the environment.
    os.environ["DATABASE_URL"] = url


@contextmanager
def session_scope(*, write: bool = True) -> Iterator[Session]:
    """:func:`service.db.session_scope` for a command, loaded when the command runs: importing a
    command's module to list it (``chanjiao --help``) loads neither SQLAlchemy nor the models."""
    from service.db import session_scope as scope

    with scope(write=write) as session:
        yield session


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


@app.command("backup")
def backup_command(file: Annotated[Path, typer.Argument(help="备份文件")]) -> None:
    """备份数据库（SQLite 在线备份；PostgreSQL 用 pg_dump），服务运行时也可执行。"""
    from service import backup
    from service.errors import AppError
    from service.settings import settings

    try:
        backup.backup(settings.database_url, file)
    except AppError as error:
        typer.echo(error.message, err=True)
        raise typer.Exit(1) from error
    typer.echo(f"已备份到 {file}")


@app.command("restore")
def restore_command(file: Annotated[Path, typer.Argument(help="备份文件")]) -> None:
    """用备份文件覆盖当前数据库（请先停止服务）。"""
    from service import backup
    from service.errors import AppError
    from service.settings import settings

    try:
        backup.restore(settings.database_url, file)
    except AppError as error:
        typer.echo(error.message, err=True)
        raise typer.Exit(1) from error
    typer.echo(f"已从 {file} 恢复")
