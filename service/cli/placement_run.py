"""The work of ``chanjiao placement run``, without typer, click or numpy at import.

`service.cli.main` sends a plain ``chanjiao placement run FILE [--format F] [--seed N]`` here
before typer loads (its import is most of a small round's time); anything else — ``--help``, a
mistyped option — goes through typer, whose command (:mod:`service.cli.placement`) calls `run`.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from json.encoder import encode_basestring
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matching.placement import PlacementResult

FORMATS = ("json", "table")


def run(file: str, fmt: str = "json", seed: int | None = None) -> int:
    """Solve the instance in ``file``, write the result on stdout; the exit code (2: bad file)."""
    # A short-lived process that builds millions of objects and no cycles: the collector's
    # passes over them would cost more than the parse itself (restored for in-process callers).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(file, fmt, seed)
    finally:
        if collecting:
            gc.enable()


def _run(file: str, fmt: str, seed: int | None) -> int:
    from matching.placement import PlacementError, PlacementInstance, solve_placement

    try:
        with open(file, encoding="utf-8") as handle:
            if os.fstat(handle.fileno()).st_size > LARGE_FILE:
                _keep_freed_memory()
            text = handle.read()
    except FileNotFoundError:
        return _fail(f"文件不存在：{file}")
    except (OSError, UnicodeDecodeError) as error:
        return _fail(f"无法读取文件 {file}（应为UTF-8编码的JSON）：{error}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return _fail(f"{file} 不是有效的JSON（第{error.lineno}行第{error.colno}列）：{error.msg}")
    del text
    file_seed = data.get("seed", 0) if isinstance(data, dict) else 0
    if isinstance(file_seed, bool) or not isinstance(file_seed, int):
        return _fail("seed：应为整数")
    try:
        instance = PlacementInstance.from_dict(data)
        del data
        result = solve_placement(instance, seed if seed is not None else file_seed)
    except PlacementError as error:
        return _fail(str(error))
    sys.stdout.write(json_text(result) if fmt == "json" else table_text(result))
    sys.stdout.flush()
    return 0


# From this file size on (a round of ~250 000 students), freed memory stays in the process.
LARGE_FILE = 64 * 2**20


def _keep_freed_memory() -> None:
    """Ask glibc to keep freed memory instead of returning it to the kernel at once.

    A large round allocates and frees arrays of tens of megabytes one after the other; by
    default each is handed back and page-faulted in again by the next: at a million students
    that was 5 s of system time out of 16 s, and 2.3 s with these settings. Elsewhere than on
    glibc nothing changes.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    mallopt(m_trim_threshold, 2**31 - 1)
    mallopt(m_top_pad, 2**29)
    mallopt(m_mmap_threshold, 2**25)  # glibc's largest: 32 MB on 64-bit


def main(args: list[str]) -> int | None:
    """``run`` for the arguments after ``placement run``; None when they are not the plain
    form (typer then answers, with its help and its messages)."""
    file: str | None = None
    options: dict[str, str] = {}
    rest = iter(args)
    for arg in rest:
        name, equals, value = arg.partition("=")
        if name in ("--format", "--seed"):
            if not equals:
                value = next(rest, "")
            if name in options or not value:
                return None
            options[name] = value
        elif arg.startswith("-") or file is not None:
            return None
        else:
            file = arg
    fmt = options.get("--format", "json")
    seed = options.get("--seed")
    if file is None or fmt not in FORMATS or (seed is not None and not _is_int(seed)):
        return None
    return run(file, fmt, None if seed is None else int(seed))


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _fail(message: str) -> int:
    sys.stderr.write(f"错误：{message}\n")
    return 2


def json_text(result: PlacementResult) -> str:
    """``json.dumps(result.to_dict(), ensure_ascii=False)`` and a newline, without building a
    dictionary per assignment (a million of them in a large round)."""
    pair = '{{"student": {}, "position": {}}}'.format
    assignments = result.assignments
    encoded = map(
        pair, map(encode_basestring, assignments), map(encode_basestring, assignments.values())
    )
    blocking = [{"student": s, "position": p} for s, p in result.blocking_pairs]
    rest = {
        "unassigned": result.unassigned,
        "unfilled": result.unfilled,
        "blocking_pairs": blocking,
        "seed": result.random_state,
        "lottery": result.lottery,
    }
    tail = json.dumps(rest, ensure_ascii=False)[1:]
    return '{"assignments": [' + ", ".join(encoded) + "], " + tail + "\n"


def table_text(result: PlacementResult) -> str:
    lines = ["学生\t岗位"]
    lines += [f"{student}\t{position}" for student, position in result.assignments.items()]
    lines.append("")
    lines.append(f"已分配 {len(result.assignments)} 人，未分配 {len(result.unassigned)} 人")
    if result.unassigned:
        lines.append("未分配：" + "、".join(result.unassigned))
    if result.unfilled:
        lines.append("空余名额：" + "、".join(f"{p} {n}个" for p, n in result.unfilled.items()))
    if result.blocking_pairs:
        pairs = "、".join(f"{s}→{p}" for s, p in result.blocking_pairs)
        lines.append(f"阻塞对 {len(result.blocking_pairs)} 个（分配不稳定）：{pairs}")
    else:
        lines.append("阻塞对：无（分配稳定）")
    if result.lottery:
        lines.append(
            f"抽签（种子 {result.random_state}）："
            + "、".join(f"{s} {n}号" for s, n in result.lottery.items())
        )
    return "\n".join(lines) + "\n"
