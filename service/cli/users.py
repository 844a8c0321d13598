"""``chanjiao users``: accounts created by an operator."""

from __future__ import annotations

from enum import StrEnum

import typer

app = typer.Typer(help="用户账户。", no_args_is_help=True)

CLI_ACTOR = "cli"


class RoleName(StrEnum):
    """models.Role's values, repeated so that `--help` does not import the models (a test pins
    them)."""

    enterprise = "enterprise"
    school = "school"
    student = "student"
    regulator = "regulator"
    admin = "admin"


def _create(username: str, password: str, role: RoleName, organization: str | None) -> None:
    from models import Role
    from service.auth import operations
    from service.db import session_scope
    from service.errors import AppError

    try:
        with session_scope() as session:
            user = operations.create_account(
                session,
                username=username,
                password=password,
                role=Role(role.value),
                organization_code=organization,
                actor=CLI_ACTOR,
            )
            label = f"{user.username}（{user.role}）"
    except AppError as exc:
        reasons = "；".join(detail["message"] for detail in exc.details) or exc.message
        typer.echo(f"创建失败：{exc.message}：{reasons}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"已创建用户 {label}")


@app.command("create-admin")
def create_admin(
    username: str = typer.Option(..., "--username", "-u", help="用户名"),
    password: str = typer.Option(
        ...,
        "--password",
        "-p",
        prompt="密码",
        hide_input=True,
        confirmation_prompt=True,
        help="密码（不少于10位，不能是常见密码或包含用户名；省略时交互输入）",
    ),
) -> None:
    """创建平台管理员账户。"""
    _create(username, password, RoleName.admin, None)


@app.command("create")
def create(
    username: str = typer.Option(..., "--username", "-u", help="用户名"),
    role: RoleName = typer.Option(..., "--role", "-r", help="角色"),  # noqa: B008
    organization: str | None = typer.Option(
        None, "--org", help="所属机构代码（统一社会信用代码或学校标识码）"
    ),
    password: str = typer.Option(
        ...,
        "--password",
        "-p",
        prompt="密码",
        hide_input=True,
        confirmation_prompt=True,
        help="密码（不少于10位，不能是常见密码或包含用户名；省略时交互输入）",
    ),
) -> None:
    """创建账户（监管部门、企业、学校或学生），可指定所属机构。"""
    _create(username, password, role, organization)


@app.command("reset-password")
def reset_password(
    username: str = typer.Option(..., "--username", "-u", help="用户名"),
    password: str = typer.Option(
        ...,
        "--password",
        "-p",
        prompt="新密码",
        hide_input=True,
        confirmation_prompt=True,
        help="新密码（不少于10位，不能是常见密码或包含用户名；省略时交互输入）",
    ),
) -> None:
    """重置账户密码（该账户在所有设备上的登录随即注销）。"""
    from service.auth import operations
    from service.db import session_scope
    from service.errors import AppError

    try:
        with session_scope() as session:
            operations.reset_password(session, username, password, actor=CLI_ACTOR)
    except AppError as exc:
        reasons = "；".join(detail["message"] for detail in exc.details) or exc.message
        typer.echo(f"重置失败：{exc.message}：{reasons}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"已重置 {username} 的密码，该账户的全部登录已注销")
