"""Every date-time the API answers carries its offset (issue 24: naive date-times in answers).

SQLite hands timezone-aware columns back naive; a response field that is a plain ``datetime``
then leaves the API as ``2026-12-07T10:00:00`` — a time a client cannot place. Every date-time of
every response model is a :data:`service.fields.UtcDatetime`, which this test checks field by field
with a naive value, so a new model cannot slip back.
"""

from __future__ import annotations

import types
import typing
from datetime import datetime
from typing import Annotated, Any, Union

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter

_NAIVE = datetime(2026, 12, 7, 10, 0, 0)


def _models(annotation: Any, found: dict[str, type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation.__name__ in found:
            return
        found[annotation.__name__] = annotation
        for field in annotation.model_fields.values():
            _models(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models(argument, found)


def _holds_datetime(annotation: Any) -> bool:
    if annotation is datetime:
        return True
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, list, tuple, dict, Annotated):
        return any(_holds_datetime(a) for a in typing.get_args(annotation))
    return False


def _api_routes(routes: Any) -> list[APIRoute]:
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif (inner := getattr(route, "original_router", None)) is not None:
            found += _api_routes(inner.routes)
        elif isinstance(getattr(route, "routes", None), list):
            found += _api_routes(route.routes)
    return found


def test_every_response_date_time_leaves_the_api_with_its_offset(app: FastAPI) -> None:
    found: dict[str, type[BaseModel]] = {}
    for route in _api_routes(app.routes):
        if route.response_model is not None:
            _models(route.response_model, found)
    naive: list[str] = []
    checked = 0
    for name, model in sorted(found.items()):
        for field_name, field in model.model_fields.items():
            if not _holds_datetime(field.annotation):
                continue
            checked += 1
            annotation: Any = (
                Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
            )
            adapter: TypeAdapter[Any] = TypeAdapter(annotation)
            value: Any = _NAIVE
            origin = typing.get_origin(field.annotation)
            if origin is list:
                value = [_NAIVE]
            dumped = adapter.dump_json(adapter.validate_python(value)).decode()
            if not dumped.rstrip('"]').endswith(("Z", "+00:00", "+08:00")):
                naive.append(f"{name}.{field_name}: {dumped}")
    assert naive == [], "\n".join(naive)
    assert checked >= 37  # date-time fields in response models when this test was written


def test_the_schema_states_date_time_on_every_response_timestamp(app: FastAPI) -> None:
    schema = app.openapi()
    components = schema["components"]["schemas"]
    loose = [
        f"{name}.{field}"
        for name, component in components.items()
        for field, spec in component.get("properties", {}).items()
        if field.endswith("_at")
        and all(
            option.get("format") != "date-time"
            for option in spec.get("anyOf", [spec])
            if option.get("type") != "null"
        )
    ]
    assert loose == []
