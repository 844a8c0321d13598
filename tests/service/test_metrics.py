"""/metrics and the JSON logs: against ``chanjiao serve`` as a subprocess (the shipped logging
and worker set-up), and in process for the access rules and the 503 counter."""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import text

from service.app import create_app
from service.deps import ReadSessionDep
from service.request_log import accepted_request_id
from service.settings import settings
from tests.live_server import live_server
from tests.service.security.faults import service

CODE_ROUTE = "/api/v1/catalog/majors/{code}"
TOKEN = "metrics-" + uuid.uuid4().hex


def samples(exposition: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a text exposition, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def requests_of(found: dict[tuple[str, frozenset[tuple[str, str]]], float], route: str) -> float:
    key = frozenset({("route", route), ("method", "GET"), ("status_class", "2xx")})
    return found.get(("chanjiao_http_requests_total", key), 0.0)


def test_a_served_city_counts_by_route_template_and_logs_json_with_the_request_id(
    fresh_db_url: str, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite with one worker; PostgreSQL with two, whose counts /metrics adds up (multiprocess
    mode), whichever worker answers the scrape."""
    monkeypatch.setenv("CHANJIAO_LOG_FORMAT", "json")
    monkeypatch.setenv("CHANJIAO_METRICS_TOKEN", TOKEN)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    workers = 2 if backend == "postgresql" else 1
    log = tmp_path / "serve.log"
    codes = ["520201", "460104", "510201", "530701", "460301", "520201"]
    with service(fresh_db_url, workers=workers, log=log) as running:
        running.start()
        base = running.base
        answered = [httpx.get(f"{base}/api/v1/catalog/majors/{code}") for code in codes]
        searched = httpx.get(
            f"{base}/api/v1/positions",
            params={"q": "秘密搜索词", "page_size": 5},
            headers={"X-Request-ID": "trace-42.a"},
        )
        unsafe = httpx.get(f"{base}/healthz", headers={"X-Request-ID": "bad id <script>"})
        missing = httpx.get(f"{base}/api/v1/positions/{uuid.uuid4()}")
        without_token = httpx.get(f"{base}/metrics")
        wrong_token = httpx.get(f"{base}/metrics", headers={"Authorization": "Bearer nope"})
        scrapes = [
            httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            for _ in range(4)
        ]
        running.stop()
    assert [response.status_code for response in answered] == [200] * len(codes)
    assert searched.status_code == 200
    assert searched.headers["x-request-id"] == "trace-42.a"
    generated = unsafe.headers["x-request-id"]
    assert len(generated) == 32
    assert missing.status_code == 404
    assert (without_token.status_code, wrong_token.status_code) == (403, 403)
    assert {scrape.status_code for scrape in scrapes} == {200}
    assert scrapes[0].headers["content-type"].startswith("text/plain")
    for scrape in scrapes:  # every worker's scrape sees every worker's requests
        found = samples(scrape.text)
        # Multiprocess mode reads the workers' files only (no per-process collectors).
        assert ("python_gc_objects_collected_total" in scrape.text) is (workers == 1)
        assert requests_of(found, CODE_ROUTE) == len(codes)
        assert requests_of(found, "/api/v1/positions") == 1
        one = "/api/v1/positions/{position_id}"
        not_found = frozenset({("route", one), ("method", "GET"), ("status_class", "4xx")})
        assert found[("chanjiao_http_requests_total", not_found)] == 1
        histogram = frozenset({("route", CODE_ROUTE), ("method", "GET")})
        assert found[("chanjiao_http_request_duration_seconds_count", histogram)] == len(codes)
        assert any(name == "chanjiao_db_pool_wait_seconds_count" for name, _ in found)
    # No raw path (ids) and no query string anywhere in the scrape's labels.
    assert "520201" not in scrapes[0].text
    assert "秘密" not in scrapes[0].text

    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all(
        {"timestamp", "level", "logger", "message", "request_id"} <= set(entry) for entry in entries
    )
    traced = [entry for entry in entries if entry["request_id"] == "trace-42.a"]
    assert [(e["logger"], e["method"], e["route"], e["status"]) for e in traced] == [
        ("chanjiao.access", "GET", "/api/v1/positions", 200)
    ]
    assert isinstance(traced[0]["duration_ms"], float)
    access = [entry for entry in entries if entry["logger"] == "chanjiao.access"]
    assert sorted(entry["route"] for entry in access) == sorted(
        [CODE_ROUTE] * len(codes) + ["/api/v1/positions", "/api/v1/positions/{position_id}"]
    )  # probes and scrapes are DEBUG lines
    text_of_log = log.read_text(encoding="utf-8")
    for raw in ("秘密搜索词", "%E7%A7%98", "q=", "520201"):
        assert raw not in text_of_log


def test_metrics_are_read_on_loopback_only_and_not_through_a_proxy(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    monkeypatch.setattr(settings, "metrics_token", None)
    with live_server(create_app()) as base:
        local = httpx.get(f"{base}/metrics", timeout=5)
        proxied = httpx.get(f"{base}/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert local.status_code == 200
    assert "chanjiao_http_requests_total" in local.text
    assert proxied.status_code == 404


def test_metrics_are_not_described_and_not_served_to_other_addresses(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]
    monkeypatch.setattr(settings, "metrics_token", None)
    assert client.get("/metrics").status_code == 404  # the test client is not on loopback
    monkeypatch.setattr(settings, "metrics_token", SecretStr(TOKEN))
    assert client.get("/metrics").status_code == 403
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/metrics", headers=bearer).status_code == 200


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (b"abc-123_x.y:z", True),
        (b"a" * 64, True),
        (b"a" * 65, False),
        (b"with space", False),
        (b"\xe4\xb8\xad", False),
        (b"", False),
        (None, False),
    ],
)
def test_an_incoming_request_id_is_kept_only_when_short_and_safe(
    given: bytes | None, kept: bool
) -> None:
    accepted = accepted_request_id(given)
    assert (accepted == (given or b"").decode("latin-1")) is kept
    if not kept:
        assert len(accepted) == 32


def test_admission_refusals_are_counted_as_overloaded(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The saturation of tests/service/test_admission.py: eight 503s, eight counted."""
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    monkeypatch.setattr(settings, "admission_limit", 2)
    monkeypatch.setattr(settings, "admission_wait_s", 0.2)
    monkeypatch.setattr(settings, "metrics_token", None)
    release = threading.Event()
    app = create_app()

    @app.get("/api/v1/hold")
    def hold(session: ReadSessionDep) -> dict[str, int]:
        value = session.execute(text("SELECT 1")).scalar_one()
        release.wait(10)
        return {"value": value}

    overloaded = frozenset({("reason", "overloaded")})
    with live_server(app) as base, ThreadPoolExecutor(10) as pool:
        before = samples(httpx.get(f"{base}/metrics", timeout=5).text)
        futures = [pool.submit(httpx.get, f"{base}/api/v1/hold", timeout=10) for _ in range(10)]
        deadline = time.monotonic() + 5
        while sum(future.done() for future in futures) < 8 and time.monotonic() < deadline:
            time.sleep(0.01)
        during = samples(httpx.get(f"{base}/metrics", timeout=5).text)
        release.set()
        statuses = sorted(future.result(timeout=10).status_code for future in futures)
        after = samples(httpx.get(f"{base}/metrics", timeout=5).text)
    assert statuses == [200, 200] + [503] * 8
    counted = ("chanjiao_http_unavailable_total", overloaded)
    assert after[counted] - before.get(counted, 0.0) == 8
    assert during[("chanjiao_admission_admitted", frozenset())] == 2
    assert after[("chanjiao_admission_admitted", frozenset())] == 0
    assert after[("chanjiao_admission_waiting", frozenset())] == 0
    hold_5xx = frozenset({("route", "/api/v1/hold"), ("method", "GET"), ("status_class", "5xx")})
    # Refused before routing, counted under the route asked for.
    hold_5xx_key = ("chanjiao_http_requests_total", hold_5xx)
    assert after[hold_5xx_key] - before.get(hold_5xx_key, 0.0) == 8
