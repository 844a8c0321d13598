"""OPTIONS and wrong methods name every method of a path (issue 15: 405 with a wrong Allow)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

_PARAM = re.compile(r"\{[^}]+\}")
_ALL = ("GET", "POST", "PUT", "PATCH", "DELETE")
_AN_ID = "0b7e9b52-5c4f-4a53-9d43-1f0e6e2c8a11"


def test_options_answers_every_documented_method_of_every_path(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    several = 0
    for template, operations in paths.items():
        path = _PARAM.sub(_AN_ID, template)
        several += len(operations) > 1
        # Exactly the template's own methods: /positions/mine is read-only, although the path
        # also has the shape of /positions/{id}, whose PATCH once showed in its Allow (issue 24).
        documented = {m.upper() for m in operations}
        answer = client.options(path)
        assert answer.status_code == 204, template
        assert answer.headers["allow"] == ", ".join(sorted(documented | {"OPTIONS"})), template
        assert answer.content == b""
    assert several >= 16  # paths served by more than one route (16 when this test was written)


def test_a_wrong_method_gets_405_naming_all_methods_of_the_path(client: TestClient) -> None:
    for path, allow in (
        ("/api/v1/organizations", "GET, OPTIONS, POST"),
        ("/api/v1/programmes/x", "DELETE, GET, OPTIONS, PATCH"),
        ("/healthz", "GET, OPTIONS"),
        # Read-only paths that have the shape of /positions/{id} (issue 24: Allow named PATCH).
        ("/api/v1/positions/mine", "GET, OPTIONS"),
        ("/api/v1/positions/compliance-findings", "GET, OPTIONS"),
        ("/metrics", "GET, OPTIONS"),  # not in the OpenAPI description, still a route
    ):
        wrong = next(m for m in _ALL if m not in allow)
        answer = client.request(wrong, path)
        assert (answer.status_code, answer.headers["allow"]) == (405, allow)
        assert answer.json()["error"]["message"] == "不支持的请求方法"


def test_options_on_an_unknown_path_is_a_404(client: TestClient) -> None:
    assert client.options("/api/v1/nothing-here").status_code == 404


def test_a_preflight_stays_closed_without_configured_origins(client: TestClient) -> None:
    answer = client.options(
        "/api/v1/positions",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert (answer.status_code, answer.headers["allow"]) == (204, "GET, OPTIONS, POST")
    assert "access-control-allow-origin" not in answer.headers
    assert answer.headers["x-content-type-options"] == "nosniff"
