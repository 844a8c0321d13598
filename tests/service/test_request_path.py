"""The service's own layers (service/request_path.py): two instead of seven, the same answers."""

from __future__ import annotations

import re
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.request_log import new_request_id


def _service_layers(app: Any) -> list[str]:
    """The classes of the service's own middlewares, outermost first, as the app built them."""
    layers = []
    layer = app.middleware_stack
    while layer is not None:
        if type(layer).__module__.startswith("service."):
            layers.append(type(layer).__name__)
        layer = getattr(layer, "app", None)
    return layers


def test_a_request_passes_two_layers_of_the_service() -> None:
    app = create_app()
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200

    assert _service_layers(app) == ["EdgeMiddleware", "IntakeMiddleware"]


def test_the_liveness_probe_takes_no_worker_thread(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hops: list[object] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(function)
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response.headers["content-type"] == "application/json"
    assert hops == []


def test_an_answer_carries_each_header_of_the_edge_once(client: TestClient) -> None:
    response = client.get("/api/v1/catalog/majors/460103", headers={"X-Request-ID": "trace-7"})

    assert response.status_code == 200
    names = [name.lower() for name, _ in response.headers.multi_items()]
    for name in ("x-request-id", "x-content-type-options", "x-frame-options", "referrer-policy"):
        assert names.count(name) == 1, name
    assert "server" not in names
    assert "content-security-policy" not in names  # JSON, not a page
    assert response.headers["x-request-id"] == "trace-7"


def test_a_405_names_every_method_of_its_path_to_a_browser_too(client: TestClient) -> None:
    # The 405's Allow is completed by the edge before a browser's JSON error becomes a page.
    api = client.put("/api/v1/organizations")
    page = client.put("/positions", headers={"Accept": "text/html"})

    assert api.status_code == 405
    assert set(api.headers["allow"].split(", ")) >= {"GET", "POST", "OPTIONS"}
    assert page.status_code == 405
    assert page.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in page.headers
    assert "GET" in page.headers["allow"]


def test_a_get_with_a_body_over_the_cap_is_refused(client: TestClient) -> None:
    # A request with a body is capped whatever its method; one without has nothing to count.
    response = client.request("GET", "/api/v1/positions", content=b"x" * (2 * 1024 * 1024))

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_new_request_ids_are_32_hex_digits_and_differ() -> None:
    ids = {new_request_id() for _ in range(10_000)}

    assert len(ids) == 10_000
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
