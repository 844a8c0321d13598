"""The routers' guards (service/routing.py): the same route for every path, fewer routes matched."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, _IncludedRouter
from fastapi.testclient import TestClient
from starlette.routing import Match

from tests.apps import shared_app

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _scope(method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def _selected(app: FastAPI, scope: dict[str, Any], *, guarded: bool) -> tuple[Match, Any]:
    """The route FastAPI's router selects for ``scope`` (first full match, else first partial),
    with the routers' guards or without them."""
    partial = None
    for node in app.router.routes:
        if isinstance(node, _IncludedRouter):
            match = (node.matches if guarded else type(node).matches.__get__(node))(dict(scope))[0]
            route = node._match(dict(scope))[2] if match is not Match.NONE else None
        else:
            match, route = node.matches(dict(scope))[0], node
        if match is Match.FULL:
            return match, route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, None)


def _sample_paths(app: FastAPI) -> list[str]:
    """A path for every route template (each parameter filled), and paths of no route."""
    paths = {"/", "/api", "/api/v1", "/api/v1/", "/api/v1/nothing-here", "/static/x"}
    for node in app.router.routes:
        if not isinstance(node, _IncludedRouter):
            continue
        for context in node.effective_route_contexts():
            path_format = getattr(context.starlette_route or context, "path_format", "")
            filled = re.sub(r"{[^}]*}", "00000000-0000-0000-0000-000000000001", path_format)
            paths |= {filled, filled + "/", filled.rstrip("/") + "/extra"}
    return sorted(paths)


def test_every_path_reaches_the_route_it_reached_without_the_guards() -> None:
    app = shared_app()
    checked = 0
    for path in _sample_paths(app):
        for method in _METHODS:
            scope = _scope(method, path)
            assert _selected(app, scope, guarded=True) == _selected(app, scope, guarded=False), (
                method,
                path,
            )
            checked += 1
    assert checked > 500


def test_the_routers_of_the_api_are_guarded_by_their_prefix() -> None:
    app = shared_app()
    nodes = [node for node in app.router.routes if isinstance(node, _IncludedRouter)]
    guarded = [node for node in nodes if "matches" in node.__dict__]
    assert len(nodes) > 30
    assert len(guarded) >= len(nodes) - 1  # the pages' router has a route at "/"


def test_a_search_matches_no_route_of_the_routers_before_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The catalogue's router is included before the positions' one: its routes were each matched
    # (a regular expression and the scope's bookkeeping) against every search.
    matched: list[str] = []
    original = APIRoute.matches

    def recording(self: APIRoute, scope: Any) -> Any:
        matched.append(self.path)
        return original(self, scope)

    monkeypatch.setattr(APIRoute, "matches", recording)
    response = client.get("/api/v1/positions", params={"q": "数控"})

    assert response.status_code == 200
    assert "/positions" in matched
    assert not [path for path in matched if path.startswith(("/catalog", "/auth", "/policy"))]


def test_remembered_sequence_answers_are_fastapis_for_every_parameter() -> None:
    from fastapi._compat.shared import field_annotation_is_sequence as fastapis
    from fastapi.dependencies import utils

    shared_app()  # installs it
    remembered = utils.field_annotation_is_sequence  # type: ignore[attr-defined]

    def parameters(dependant: Any) -> list[Any]:
        own = [*dependant.query_params, *dependant.header_params, *dependant.cookie_params]
        return own + [p for child in dependant.dependencies for p in parameters(child)]

    annotations = [
        field.field_info.annotation
        for route in shared_app().routes
        if isinstance(route, APIRoute)
        for field in parameters(route.dependant)
    ] + [
        field.field_info.annotation
        for node in shared_app().router.routes
        if isinstance(node, _IncludedRouter)
        for context in node.effective_route_contexts()
        if isinstance(context.original_route, APIRoute)
        for field in parameters(context.original_route.dependant)
    ]
    assert len(annotations) > 100
    assert getattr(remembered, "remembered", False)
    for annotation in [*annotations, list[str], str | None, dict[str, list[int]]]:
        assert remembered(annotation) is fastapis(annotation), annotation
        assert remembered(annotation) is fastapis(annotation), annotation  # from memory
