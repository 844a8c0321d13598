"""Text fields refuse control characters at the schema (issue 24.3): an API body, a page's form and
an import's row get the same rule, field by field, with the same Chinese message; descriptions keep
their newlines and tabs.

A vertical tab stored in one description once made every XLSX export of the region a 500.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Union

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from sqlmodel import Session, select

from models import Position
from service.fields import CONTROL_CHARACTER_MESSAGE, InputModel
from service.positions.schemas import PositionUpdate
from service.transfer.columns import TransferKind
from service.transfer.schemas import ImportInvalid
from tests.service.pages.helpers import post_form
from tests.service.pages.test_enterprise import FORM, signed_in_enterprise
from tests.service.test_datetimes import _api_routes, _models
from tests.service.transfer.test_operations import fixture, load, problems_of, run

_VT = "甲\x0b乙"


def _holds_str(annotation: Any) -> bool:
    if annotation is str:
        return True
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, list, tuple, set, dict, Annotated):
        return any(_holds_str(a) for a in typing.get_args(annotation))
    return False


def _body_models(app: FastAPI) -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for route in _api_routes(app.routes):
        if route.body_field is not None:
            _models(route.body_field.field_info.annotation, found)
    # FastAPI's own models of form fields: the pages parse them into the domains' schemas.
    return {n: m for n, m in found.items() if m.__module__.startswith("service.")}


def test_every_request_body_is_an_input_model(app: FastAPI) -> None:
    models = _body_models(app)
    assert sorted(n for n, m in models.items() if not issubclass(m, InputModel)) == []
    assert len(models) >= 38  # request bodies when this test was written


def test_every_text_field_of_every_body_refuses_a_control_character(app: FastAPI) -> None:
    checked, accepted = 0, []
    for name, model in sorted(_body_models(app).items()):
        for field_name, field in model.model_fields.items():
            if not _holds_str(field.annotation):
                continue
            checked += 1
            origin = typing.get_origin(field.annotation)
            values: list[Any] = [_VT, [_VT]] if origin is not list else [[_VT]]
            refused = False
            for value in values:
                try:
                    model.__pydantic_validator__.validate_assignment(
                        model.model_construct(), field_name, value
                    )
                except ValidationError:
                    refused = True
            if not refused:
                accepted.append(f"{name}.{field_name}")
    assert accepted == []
    assert checked >= 60


def test_the_message_names_the_field_and_descriptions_keep_newlines_and_tabs() -> None:
    with pytest.raises(ValidationError) as error:
        PositionUpdate.model_validate({"description": "负责装配\x0b检测", "skills": ["钳工\x0c"]})
    assert sorted((e["loc"][0], e["ctx"]["error"].args[0]) for e in error.value.errors()) == [
        ("description", CONTROL_CHARACTER_MESSAGE),
        ("skills", CONTROL_CHARACTER_MESSAGE),
    ]
    kept = PositionUpdate.model_validate({"description": "一、装配\n二、检测\t（每日8小时）\r\n"})
    assert kept.description == "一、装配\n二、检测\t（每日8小时）\r\n"


def test_a_page_form_gets_the_same_rule_next_to_the_field(
    client: TestClient, session: Session
) -> None:
    signed_in_enterprise(client, session)
    response = post_form(
        client,
        "/enterprise/positions/new",
        "/enterprise/positions/new",
        {**FORM, "description": "负责数控车床\x0b操作"},
    )
    assert response.status_code == 422
    assert f'id="description-error" role="alert">{CONTROL_CHARACTER_MESSAGE}</p>' in response.text
    assert session.exec(select(Position)).all() == []


def test_an_import_gets_the_same_rule_naming_row_and_column(session: Session) -> None:
    load(session, TransferKind.organizations)
    text = fixture(TransferKind.positions).decode("utf-8")
    bad = text.replace("在师傅带领下完成零部件装配与检测", "在师傅带领下\x0b完成装配")
    with pytest.raises(ImportInvalid) as error:
        run(session, TransferKind.positions, bad.encode("utf-8"))
    assert problems_of(error) == [(2, "description", f"岗位描述{CONTROL_CHARACTER_MESSAGE}")]
    assert session.exec(select(Position)).all() == []
