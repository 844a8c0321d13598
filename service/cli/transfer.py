"""``chanjiao import`` and ``chanjiao export``: bulk files, the same operations as the API."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from service.cli import db

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from service.transfer.schemas import ImportInvalid, InitialPassword

# Files with more rows than this get a progress bar.
PROGRESS_MIN_ROWS = 5000
# Printed on stderr when the write phase begins (a killed process must leave no trace from here on).
WRITE_MARKER = "开始写入数据库"
WRITTEN_PREFIX = "已写入"
# Printed (large files, not on a terminal) when every row is read and checked: the file is read
# and checked a part at a time, so its number of rows is known only then.
CHECK_MARKER = "校验完成"
# Printed (idem) while the checks go on, every CHECKED_STEP rows: "已校验10000行".
CHECKED_PREFIX = "已校验"
CHECKED_STEP = 10_000


class TransferKind(StrEnum):
    """service.transfer.columns.TransferKind's values, repeated so that `--help` does not import
    the transfer layer (a test pins them)."""

    organizations = "organizations"
    programmes = "programmes"
    cohorts = "cohorts"
    positions = "positions"
    demand = "demand"
    students = "students"


class FileFormat(StrEnum):
    """service.transfer.columns.FileFormat's values (pinned by a test)."""

    csv = "csv"
    xlsx = "xlsx"


KindArgument = Annotated[
    TransferKind,
    typer.Argument(
        help="类型：organizations 机构 / programmes 专业开设 / cohorts 毕业生去向 / "
        "positions 岗位 / demand 人才需求 / students 学生"
    ),
]
DatabaseOption = Annotated[
    str | None, typer.Option("--db", help="数据库URL（默认读取 DATABASE_URL）")
]

_errors = Console(stderr=True, highlight=False, soft_wrap=True)


class _ProgressReport:
    """Shows the phases of a large import on stderr, and marks the start of the write phase.

    On a terminal a rich progress bar; otherwise (a log, a pipe) a line every 10 000 rows checked,
    one when the checks end and one per tenth written.
    """

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}
        self.logged_tenths = 0
        self.logged_steps = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase == "write" and done == 0 and total:
            self.console.print(f"{WRITE_MARKER}：{total}行")
        # While the checks read the file, its total is not known yet (0).
        if max(done, total) < PROGRESS_MIN_ROWS:
            return
        if not self.console.is_terminal:
            if phase == "check" and done == total:
                self.console.print(f"{CHECK_MARKER}：{total}行")
            elif phase == "check" and done // CHECKED_STEP > self.logged_steps:
                self.logged_steps = done // CHECKED_STEP
                self.console.print(f"{CHECKED_PREFIX}{done}行")
            if phase == "check":
                return
            tenths = done * 10 // total
            if phase == "write" and tenths > self.logged_tenths:
                self.logged_tenths = tenths
                self.console.print(f"{WRITTEN_PREFIX}{done}/{total}行")
            return
        if self.progress is None:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
            )
            self.progress.start()
        task = self.tasks.get(phase)
        if task is None:
            label = {"check": "校验", "write": "写入"}.get(phase, phase)
            task = self.tasks[phase] = self.progress.add_task(label, total=total or None)
        self.progress.update(task, completed=done, total=total or None)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def import_command(
    kind: KindArgument,
    file: Annotated[
        Path,
        typer.Argument(help="CSV（UTF-8或GB18030）或XLSX文件", exists=True, dir_okay=False),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验并统计，不写入")] = False,
    database: DatabaseOption = None,
    passwords_out: Annotated[
        Path | None,
        typer.Option(
            "--passwords-out",
            help="学生导入：新开通账户的初始密码写入此CSV文件（默认打印到屏幕），只提供这一次",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """批量导入：整个文件为一个事务，任何一行有误则不写入，并列出每个错误行。"""
    if database:
        db.use_database(database)
    from service.db import session_scope
    from service.errors import AppError
    from service.transfer import columns, operations
    from service.transfer.schemas import ImportInvalid

    transfer_kind = columns.TransferKind(kind.value)
    progress = _ProgressReport(_errors)
    try:
        # Checked on a read session first: the write transaction (on SQLite the database's write
        # lock) is opened only for the writes, and never by a dry run.
        with session_scope(write=False) as reader:
            checked = operations.check_file(
                reader, transfer_kind, file.read_bytes(), file_name=file.name, progress=progress
            )
        if dry_run:
            checked.close()
            result = checked.result(dry_run=True)
        else:
            with session_scope() as session:
                result = operations.write_prepared(
                    session, checked, actor=operations.CLI_ACTOR, progress=progress
                )
    except ImportInvalid as error:
        progress.stop()
        _print_problems(error)
        raise typer.Exit(1) from None
    except AppError as error:
        progress.stop()
        _errors.print(f"错误：{error.message}（未写入任何数据）")
        raise typer.Exit(2) from None
    progress.stop()
    label = columns.SPECS[transfer_kind].label
    counts = (
        f"共{result.rows}行：新增{result.inserted}行，"
        f"更新{result.updated}行，未变{result.unchanged}行"
    )
    if dry_run:
        typer.echo(f"校验通过（未写入）：{label}{counts}")
    else:
        typer.echo(f"已导入{label}，{counts}")
    if result.initial_passwords:
        _report_passwords(result.initial_passwords, passwords_out)


def _report_passwords(accounts: list[InitialPassword], out: Path | None) -> None:
    """The initial passwords of the accounts just opened: shown once, to a file or the screen."""
    lines = ["school_code,student_no,username,initial_password"] + [
        f"{a.school_code},{a.student_no},{a.username},{a.initial_password}" for a in accounts
    ]
    if out is not None:
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out.chmod(0o600)
        typer.echo(f"已为{len(accounts)}名学生开通账户，初始密码已写入 {out}（仅此一次）")
        return
    typer.echo(f"已为{len(accounts)}名学生开通账户，初始密码如下（仅显示这一次）：")
    for line in lines:
        typer.echo(line)


def _print_problems(error: ImportInvalid) -> None:
    from rich.table import Table

    table = Table(title=error.message, title_justify="left", show_lines=False)
    for header in ("行", "列", "内容", "问题"):
        table.add_column(header, overflow="fold")
    for problem in error.problems:
        column = problem.label or problem.column
        if problem.label and problem.column:
            column = f"{problem.label}（{problem.column}）"
        table.add_row(str(problem.row), column, problem.value, problem.message)
    _errors.print(table)


def export_command(
    kind: KindArgument,
    file_format: Annotated[
        FileFormat, typer.Option("--format", help="文件格式：csv 或 xlsx")
    ] = FileFormat.csv,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出文件（默认输出到标准输出）", dir_okay=False)
    ] = None,
    labels: Annotated[
        bool, typer.Option("--labels", help="表头用中文列名（默认英文列名）")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """导出数据：与导入相同的列，导出的文件可原样再导入。"""
    if database:
        db.use_database(database)
    from service.db import session_scope
    from service.errors import AppError
    from service.transfer import columns, operations

    transfer_kind = columns.TransferKind(kind.value)
    output_format = columns.FileFormat(file_format.value)
    try:
        with session_scope(write=False) as session:
            if out is None:
                count = operations.export_table(
                    session, transfer_kind, output_format, sys.stdout.buffer, labels=labels
                )
                sys.stdout.buffer.flush()
            else:
                with out.open("wb") as handle:
                    count = operations.export_table(
                        session, transfer_kind, output_format, handle, labels=labels
                    )
    except AppError as error:
        _errors.print(f"错误：{error.message}")
        raise typer.Exit(2) from None
    if out is not None:
        _errors.print(f"已导出{columns.SPECS[transfer_kind].label}{count}行到 {out}")
