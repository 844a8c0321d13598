"""The schema tells clients what the JSON-body check refuses: text without control characters."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI


def _strings(node: Any, components: dict[str, Any], seen: set[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, list):
        for item in node:
            found += _strings(item, components, seen)
    elif isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.rsplit("/", 1)[1] not in seen:
            seen.add(ref.rsplit("/", 1)[1])
            found += _strings(components[ref.rsplit("/", 1)[1]], components, seen)
        if node.get("type") == "string" and not {"format", "enum"} & set(node):
            found.append(node)
        for value in node.values():
            found += _strings(value, components, seen)
    return found


def test_every_free_text_of_a_json_body_refuses_control_characters(app: FastAPI) -> None:
    schema = app.openapi()
    components = schema["components"]["schemas"]
    texts = [
        text
        for operations in schema["paths"].values()
        for operation in operations.values()
        for text in _strings(
            operation.get("requestBody", {}).get("content", {}).get("application/json"),
            components,
            set(),
        )
    ]
    assert len(texts) > 50
    for text in texts:
        pattern = re.compile(text["pattern"])
        assert pattern.search("\x0b") is None, text
        assert pattern.search("a\x0bb") is None, text
        if "u0000" in text["pattern"]:  # free text: newlines and tabs stay allowed
            assert pattern.search("第一行\n第二行\t") is not None, text
