"""A cheaper first step of routing: each included router is skipped at once by a request whose
path cannot be one of its routes.

FastAPI matches a request against an included router by matching it against every route of that
router, in order, with bookkeeping in the scope for each one; a request for the position search
was matched this way against the routes of every router included before the positions' (py-spy:
routing was the largest part of the event loop's time of a cached search). The paths of a
router's routes begin with the static text of their templates (``/api/v1/catalog/``, or
``/api/v1/positions`` for ``/api/v1/positions/{position_id}``): a path that begins with none of
these texts matches none of them, neither fully nor by path only (the 405 case), so
the router answers :data:`Match.NONE` without looking at its routes. Whatever does begin with it
is matched exactly as FastAPI matches it.

Installed once, after every route is added (:func:`guard_included_routers`); the routes are not
copied, so the OpenAPI schema, the dependencies and the route FastAPI selects are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import _IncludedRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope


def static_prefix(path_format: str) -> str:
    """The text every path of this template begins with (up to its first parameter)."""
    return path_format.split("{", 1)[0]


def router_prefixes(node: _IncludedRouter) -> tuple[str, ...]:
    """The texts one of which begins every path served by the included router ``node`` (the
    static beginnings of its routes' templates, none of them a beginning of another); ``()`` when
    a route has no template to read."""
    prefixes: set[str] = set()
    for context in node.effective_route_contexts():
        route = context.starlette_route or context
        path_format = getattr(route, "path_format", None)
        if not isinstance(path_format, str):
            return ()
        prefixes.add(static_prefix(path_format))
    return tuple(
        sorted(
            prefix
            for prefix in prefixes
            if not any(other != prefix and prefix.startswith(other) for other in prefixes)
        )
    )


def _guarded(
    matches: Callable[[Scope], tuple[Match, Scope]], prefixes: tuple[str, ...]
) -> Callable[[Scope], tuple[Match, Scope]]:
    def guarded_matches(scope: Scope) -> tuple[Match, Scope]:
        if not get_route_path(scope).startswith(prefixes):
            return Match.NONE, {}
        return matches(scope)

    return guarded_matches


def guard_included_routers(app: FastAPI) -> list[tuple[tuple[str, ...], Any]]:
    """Give each router included in ``app`` the guard of its routes' beginnings; the guarded
    routers with their beginnings. Call after the last route is added."""
    guarded: list[tuple[tuple[str, ...], Any]] = []
    for node in app.router.routes:
        if not isinstance(node, _IncludedRouter):
            continue
        prefixes = router_prefixes(node)
        if not prefixes or "/" in prefixes or "" in prefixes:  # any path may be one of its routes
            continue
        node.matches = _guarded(node.matches, prefixes)  # type: ignore[method-assign,assignment]
        guarded.append((prefixes, node))
    return guarded


def remember_sequence_annotations() -> None:
    """FastAPI reads each query, header or form field of a request by asking whether its
    annotation is a sequence (``list[str]``: every value of the key, not the last), and answers by
    walking the annotation's ``typing`` structure, twice per field and per request: for the
    position search's query fields, a twentieth of its CPU (py-spy). The answer depends on the
    annotation only: kept here per annotation, for the process (idempotent)."""
    from fastapi.dependencies import utils

    original = utils.field_annotation_is_sequence  # type: ignore[attr-defined]
    if getattr(original, "remembered", False):
        return
    answers: dict[Any, bool] = {}

    def field_annotation_is_sequence(annotation: object) -> bool:
        try:
            return answers[annotation]
        except KeyError:
            answer = answers[annotation] = original(annotation)
            return answer
        except TypeError:  # an annotation that cannot be a key (unhashable metadata)
            return original(annotation)

    field_annotation_is_sequence.remembered = True  # type: ignore[attr-defined]
    utils.field_annotation_is_sequence = field_annotation_is_sequence  # type: ignore[attr-defined]
