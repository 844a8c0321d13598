"""What every command prints when an operation refuses: the Chinese message and each detail."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from service.errors import AppError


def fail(error: AppError) -> NoReturn:
    """``错误：message（field：detail；…）`` on standard error, then exit status 2."""
    hints = "；".join(
        f"{detail['field']}：{detail['message']}" if detail.get("field") else str(detail["message"])
        for detail in error.details
    )
    typer.echo(f"错误：{error.message}" + (f"（{hints}）" if hints else ""), err=True)
    raise typer.Exit(2) from None
