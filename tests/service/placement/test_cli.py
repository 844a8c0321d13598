"""``chanjiao placement run FILE``: the instance file in, the assignment out; bad files exit 2."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import service.cli.placement
import service.cli.placement_run

Cli = Callable[..., Any]

INSTANCE = {
    "students": [
        {"id": "张同学", "choices": ["数控学徒", "电工实习"]},
        {"id": "李同学", "choices": ["数控学徒"]},
        {"id": "王同学", "choices": ["数控学徒", "电工实习"]},
        {"id": "赵同学", "choices": []},
    ],
    "positions": [
        {"id": "数控学徒", "capacity": 1, "ranking": ["李同学", "张同学", "王同学"]},
        {"id": "电工实习", "capacity": 3, "ranking": ["王同学", "张同学"]},
    ],
}


def write(tmp_path: Path, data: Any, name: str = "round.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_json_on_stdout(run_cli: Cli, tmp_path: Path) -> None:
    result = run_cli("placement", "run", write(tmp_path, INSTANCE))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "assignments": [
            {"student": "张同学", "position": "电工实习"},
            {"student": "李同学", "position": "数控学徒"},
            {"student": "王同学", "position": "电工实习"},
        ],
        "unassigned": ["赵同学"],
        "unfilled": {"电工实习": 1},
        "blocking_pairs": [],
        "seed": 0,
        "lottery": {},
    }


def test_table(run_cli: Cli, tmp_path: Path) -> None:
    result = run_cli("placement", "run", write(tmp_path, INSTANCE), "--format", "table")
    assert result.exit_code == 0
    assert result.stdout == (
        "学生\t岗位\n张同学\t电工实习\n李同学\t数控学徒\n王同学\t电工实习\n\n"
        "已分配 3 人，未分配 1 人\n未分配：赵同学\n空余名额：电工实习 1个\n阻塞对：无（分配稳定）\n"
    )


def test_seed_from_option_or_file(run_cli: Cli, tmp_path: Path) -> None:
    tied = {
        "students": [{"id": s, "choices": ["x"]} for s in ("a", "b", "c")],
        "positions": [{"id": "x", "capacity": 1, "ranking": [["a", "b", "c"]]}],
        "seed": 2,
    }
    from_file = json.loads(run_cli("placement", "run", write(tmp_path, tied)).stdout)
    assert (from_file["seed"], from_file["lottery"]) == (2, {"b": 0, "c": 1, "a": 2})
    assert from_file["assignments"] == [{"student": "b", "position": "x"}]
    option = json.loads(run_cli("placement", "run", write(tmp_path, tied), "--seed", "4").stdout)
    assert (option["seed"], option["assignments"]) == (4, [{"student": "c", "position": "x"}])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "不是有效的JSON（第1行第2列）"),
        ({"students": []}, "错误：实例.positions：必填项缺失\n"),
        (
            {"students": [{"id": "a", "choices": ["nowhere"]}], "positions": []},
            "错误：students[0].choices[0]：岗位编号“nowhere”不存在\n",
        ),
        ({**INSTANCE, "seed": "x"}, "错误：seed：应为整数\n"),
    ],
)
def test_bad_file_exits_2_naming_the_fault(
    run_cli: Cli, tmp_path: Path, content: Any, message: str
) -> None:
    result = run_cli("placement", "run", write(tmp_path, content))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_missing_file(run_cli: Cli, tmp_path: Path) -> None:
    result = run_cli("placement", "run", str(tmp_path / "none.json"))
    assert (result.exit_code, result.stderr) == (2, f"错误：文件不存在：{tmp_path / 'none.json'}\n")


def _module_roots(module: Any) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    roots = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_command_modules_import_no_solver_at_module_level() -> None:
    # numpy and the solver load inside the command, so `chanjiao --help` does not pay for them;
    # the work itself imports not even typer (the plain form of the command runs without it).
    assert _module_roots(service.cli.placement) == {
        "__future__",
        "enum",
        "pathlib",
        "typing",
        "typer",
        "service",
    }
    assert _module_roots(service.cli.placement_run) == {
        "__future__",
        "gc",
        "json",
        "os",
        "sys",
        "typing",
    }


_PLAIN = """
import json, os, sys
from service.cli import main
sys.argv = ["chanjiao", *json.loads(sys.argv[1])]
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"typer", "click", "numpy"})
with open(os.environ["PROBE_OUT"], "w") as f:
    json.dump({"code": code, "loaded": loaded}, f)
"""


def _plain(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    probe = tmp_path / "probe.json"
    done = subprocess.run(
        [sys.executable, "-c", _PLAIN, json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PROBE_OUT": str(probe)},
    )
    return done, json.loads(probe.read_text(encoding="utf-8"))


TIED = {
    "students": [{"id": s, "choices": ["x"]} for s in ("a", "b", "c")],
    "positions": [{"id": "x", "capacity": 1, "ranking": [["a", "b", "c"]]}],
    "seed": 2,
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "options"),
    [
        (INSTANCE, []),
        (INSTANCE, ["--format", "table"]),
        (TIED, ["--seed=4", "--format=json"]),
        ({"students": []}, []),
        ("{", ["--format", "table"]),
    ],
)
def test_plain_form_runs_without_typer_and_answers_as_typer_does(
    run_cli: Cli, tmp_path: Path, content: Any, options: list[str]
) -> None:
    path = write(tmp_path, content)
    done, probe = _plain(tmp_path, "placement", "run", path, *options)
    assert probe["loaded"] == []
    through_typer = run_cli("placement", "run", path, *options)
    assert (probe["code"], done.stdout, done.stderr) == (
        through_typer.exit_code,
        through_typer.stdout,
        through_typer.stderr,
    )


@pytest.mark.slow
def test_other_forms_go_through_typer(tmp_path: Path) -> None:
    path = write(tmp_path, INSTANCE)
    helped, probe = _plain(tmp_path, "placement", "run", "--help")
    assert (probe["code"], probe["loaded"]) == (0, ["typer"])
    assert "实例文件" in helped.stdout
    wrong, probe = _plain(tmp_path, "placement", "run", path, "--format", "xml")
    assert (probe["code"], probe["loaded"]) == (2, ["typer"])
    assert "xml" in wrong.stderr
    assert wrong.stdout == ""


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "placement"


def test_readme_example(run_cli: Cli) -> None:
    # The README shows this run: 长安 takes 2 over its two positions, so 焊接学徒 keeps a seat.
    result = run_cli("placement", "run", str(FIXTURES / "round.json"))
    assert json.loads(result.stdout) == {
        "assignments": [
            {"student": "张伟", "position": "焊接学徒"},
            {"student": "李娜", "position": "数控学徒"},
            {"student": "刘洋", "position": "网络实习"},
        ],
        "unassigned": ["王芳", "陈静"],
        "unfilled": {"焊接学徒": 1},
        "blocking_pairs": [],
        "seed": 2026,
        "lottery": {"陈静": 1, "王芳": 2},
    }
    bad = run_cli("placement", "run", str(FIXTURES / "bad_round.json"))
    assert (bad.exit_code, bad.stderr) == (
        2,
        "错误：students[0].choices[1]：岗位编号“车工学徒”不存在\n",
    )


def test_cli_start_up_loads_no_heavy_packages() -> None:
    # Each command's module loads when that command runs (service/cli/__init__.py).
    heavy = "{'numpy', 'sklearn', 'jieba', 'rapidfuzz', 'service.app', 'sqlalchemy'}"
    code = f"import sys, service.cli; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"
