"""OPTIONS and wrong methods name every method of a path (issue 15: 405 with a wrong Allow)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

_PARAM = re.compile(r"\{[^}]+\}")
_ALL = ("GET", "POST", "PUT", "PATCH", "DELETE")


def test_options_answers_every_documented_method_of_every_path(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    patterns = {t: re.compile("^" + _PARAM.sub("[^/]+", t) + "$") for t in paths}
    several = 0
    for template, operations in paths.items():
        path = _PARAM.sub("x", template)
        several += len(operations) > 1
        # Every template the path matches: /positions/mine also reaches /positions/{id}'s PATCH.
        documented = {m.upper() for t, ops in paths.items() if patterns[t].match(path) for m in ops}
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
