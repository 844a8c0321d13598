"""Imports between the parts of ``service`` go one way: no cycles.

A part is a domain (a package such as ``service/positions``) or a module of ``service`` itself
(``service/clock.py``). Every import counts: at module level, inside a function (an import moved
into a function to dodge a cycle is still the cycle) and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[2] / "service"


def _part(module: str) -> str | None:
    """The part of ``service`` a dotted module name belongs to (None outside ``service``)."""
    names = module.split(".")
    if names[0] != "service" or len(names) < 2:
        return None
    return names[1]


def _imported(path: Path) -> Iterator[str]:
    """The dotted names imported anywhere in ``path``, relative imports resolved."""
    package = ".".join(path.relative_to(SERVICE.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            # `from service import clock` imports the part `clock`.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Part → the other parts it imports."""
    graph: dict[str, set[str]] = {}
    for path in sorted(SERVICE.rglob("*.py")):
        relative = path.relative_to(SERVICE)
        if relative.parts == ("__init__.py",):
            continue
        source = relative.parts[0].removesuffix(".py")
        targets = graph.setdefault(source, set())
        for name in _imported(path):
            part = _part(name)
            if part is not None and part != source and (SERVICE / part).exists():
                targets.add(part)
            elif part is not None and part != source and (SERVICE / f"{part}.py").exists():
                targets.add(part)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_import_cycle_between_the_parts_of_service() -> None:
    assert cycles(import_graph()) == []


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    assert "organizations" in graph["positions"]  # from service.organizations import operations
    assert "clock" in graph["applications"]  # from service import audit, clock
    assert "settings" in graph["http_errors"]  # an import inside a function
    assert "catalog" in graph["students"]  # from service.catalog.schemas import ...


def test_a_cycle_is_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
