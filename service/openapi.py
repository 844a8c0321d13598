"""The OpenAPI schema states every error an operation can answer, in the one error body.

Route decorators document their own success responses; the gates every operation passes through
add the same errors everywhere (a missing or refused login, an id naming nothing visible, a write
conflicting with another, an over-large body, a saturated service), so they are added here once
rather than on 73 decorators.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from service.fields import CONTROL_CHARACTER_CLASS
from service.http_errors import ErrorBody, error_responses

_UNGATED = ("/healthz", "/readyz")
_COMMON = (400, 401, 403, 404, 409, 413, 422, 429, 503)


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components["ErrorBody"] = body
        ref = {"$ref": "#/components/schemas/ErrorBody"}
        for path, operations in schema.get("paths", {}).items():
            if path in _UNGATED:
                continue
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, entry in error_responses(*_COMMON).items():
                    documented = {
                        "description": entry["description"],
                        "content": {"application/json": {"schema": ref}},
                    }
                    if status == 422:
                        # FastAPI documents its own validation body; ours is the error body.
                        responses["422"] = documented
                    else:
                        responses.setdefault(str(status), documented)
        _refuse_control_characters(schema, components)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


# What every request body refuses in its text (service.fields.InputModel, and
# service.middleware.check_json_body for fields a body does not name): control characters but
# tab, newline and carriage return.
_CONTROL = CONTROL_CHARACTER_CLASS
NO_CONTROL_CHARACTERS = f"^[^{_CONTROL}]*$"
# ``\S`` (not blank), which some fields ask for, with the same rule.
NOT_BLANK = f"^[^{_CONTROL}]*[^\\s{_CONTROL}][^{_CONTROL}]*$"


def _refuse_control_characters(schema: dict[str, Any], components: dict[str, Any]) -> None:
    """The text fields of JSON request bodies state the rule their schemas enforce, so that a
    client (and schemathesis) reads it in the schema: a pattern on every free string."""
    seen: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                visit(components.get(name))
        if node.get("type") == "string" and node.get("pattern") == "\\S":
            node["pattern"] = NOT_BLANK
        elif node.get("type") == "string" and not {"pattern", "format", "enum"} & set(node):
            node["pattern"] = NO_CONTROL_CHARACTERS
        for value in node.values():
            visit(value)

    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                visit(content["application/json"])
