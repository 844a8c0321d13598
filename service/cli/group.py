"""The typer application behind ``chanjiao``: the root group and its lazily loaded commands."""

from __future__ import annotations

import importlib

import typer

# typer 0.2x vendors click; its group's methods take and return these types.
from typer._click.core import Command, Context
from typer.core import TyperGroup

from service.cli import COMMANDS, CREATES_DATABASE, NEEDS_NO_DATABASE

HELP_TEXT = "显示本帮助信息并退出。"
_original_help_option = Command.get_help_option


def _chinese_help_option(self: Command, ctx: Context) -> typer.core.TyperOption | None:
    """Every command's --help in Chinese (typer's text is English and has no translation)."""
    option = _original_help_option(self, ctx)
    if option is not None:
        option.help = HELP_TEXT
    return option


# Once, for every command the application builds (the lazily loaded ones too).
Command.get_help_option = _chinese_help_option  # type: ignore[method-assign]


class _LazyGroup(TyperGroup):
    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module_name, attribute, is_group = COMMANDS[cmd_name]
        target = getattr(importlib.import_module(f"service.cli.{module_name}"), attribute)
        holder = typer.Typer()
        if is_group:
            holder.add_typer(target, name=cmd_name)
        else:
            holder.command(cmd_name)(target)
        return typer.main.get_group(holder).get_command(ctx, cmd_name)


app = typer.Typer(
    cls=_LazyGroup,
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
    from service.cli import db

    if database:
        db.use_database(database)
    if ctx.invoked_subcommand not in CREATES_DATABASE | NEEDS_NO_DATABASE:
        db.refuse_missing_sqlite_file()
