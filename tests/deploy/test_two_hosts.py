"""Issue 25.6: two hosts behind nginx, as deploy/compose.yaml runs them, without containers.

nginx is Debian's (``make test`` installs it, as ``make browser`` installs chromium) with
deploy/nginx.conf itself, its ports filled in; the two ``chanjiao serve --workers 2`` take the
compose file's command and environment (tests/live_server.py checks they match) on a fresh
PostgreSQL database and Redis. Through nginx and each host directly it checks: a write through
one host is seen by the other at once (the search cache included) and in the other's
recommendations within the refresh interval, a token and a page session (with its CSRF token)
signed on one host work on the other, login failures split over both hosts are limited together
in Redis, the scheduled job runs once per tick across the four workers, ``/metrics`` per host (not
through nginx), an upload over the limit refused by nginx in the service's error body, and with
the hosts down a Chinese 503 with Retry-After.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import redis
from sqlmodel import Session

from models import Role
from service.db import get_engine
from service.settings import settings
from tests.conftest import TEST_DATABASE_URL
from tests.factories import PASSWORD, make_enterprise_user, make_school, make_student, make_user
from tests.live_server import (
    NGINX,
    TwoHosts,
    app_command,
    compose_file,
    metric_sum,
    render_nginx_conf,
    two_hosts,
)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
API = "/api/v1"
REGION = "500229"  # 城口县: only this test's enterprise is there
NURSING = "520201"  # the student's major and the position's
JOB = "send_mail"
TICK_S = 1.0
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def _redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis unreachable at {REDIS_URL} (set TEST_REDIS_URL): {error}")
    return client


class Browser:
    """Cookies kept by hand: the production cookies are Secure, which httpx would not send over
    plain HTTP to loopback (a browser reaches the site over TLS)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, data: dict[str, str] | None = None) -> httpx.Response:
        header = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        answer = httpx.request(
            method, url, headers={"Cookie": header}, data=data, follow_redirects=False, timeout=30
        )
        for line in answer.headers.get_list("set-cookie"):
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "Max-Age=0" in line:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return answer

    def csrf(self, url: str) -> str:
        page = self.request("GET", url)
        assert page.status_code == 200, page.text[:300]
        match = _CSRF.search(page.text)
        assert match is not None, f"{url} has no form"
        return match.group(1)


@pytest.fixture
def topology(fresh_db_url: str, tmp_path: Path) -> Iterator[tuple[TwoHosts, dict[str, str]]]:
    if not NGINX.exists():
        pytest.fail(f"{NGINX} is missing: make browser (make test) installs nginx")
    store = _redis()
    tag = uuid.uuid4().hex[:8]
    users = {"enterprise": f"deploy_ent_{tag}", "student": f"deploy_stu_{tag}"}
    with Session(get_engine(fresh_db_url)) as session:
        make_enterprise_user(session, region_code=REGION)[1].username = users["enterprise"]
        school = make_school(session)
        student = make_user(session, Role.student, school, username=users["student"])
        make_student(session, school, NURSING, user_id=student.id)
        session.commit()
    get_engine(fresh_db_url).dispose()
    extra = {"CHANJIAO_SCHEDULER_INTERVALS_S": json.dumps({JOB: TICK_S})}
    try:
        with two_hosts(fresh_db_url, REDIS_URL, tmp_path / "hosts", extra) as hosts:
            yield hosts, users
    finally:
        for key in store.scan_iter(match="login:*"):
            if tag in key.decode() or key.decode().endswith(":127.0.0.1"):
                store.delete(key)


def test_the_loopback_run_is_the_compose_file() -> None:
    """The compose file's pieces are those the loopback run starts: app ×2 with one secret,
    migrate once, nginx on deploy/nginx.conf, PostgreSQL and Redis, health checks on /readyz."""
    services = compose_file()["services"]
    assert set(services) == {"postgres", "redis", "migrate", "app-a", "app-b", "nginx"}
    a, b = services["app-a"], services["app-b"]
    assert a == b  # one definition: same image, secret, database and Redis
    assert "/readyz" in " ".join(a["healthcheck"]["test"])
    assert "/readyz" in " ".join(services["nginx"]["healthcheck"]["test"])
    assert a["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["nginx"]["environment"] == {
        "LISTEN": "8080",
        "APP_A": "app-a:8000",
        "APP_B": "app-b:8000",
    }
    forwarded = a["environment"]["CHANJIAO_FORWARDED_ALLOW_IPS"]
    assert services["nginx"]["networks"]["chanjiao"]["ipv4_address"] == forwarded
    command = app_command(8000)
    assert command[command.index("--workers") + 1] == "2"
    conf = render_nginx_conf("1", "2", "3")
    # nginx refuses exactly the bodies the service refuses (an import upload and its form).
    limit = int(re.search(r"client_max_body_size (\d+);", conf).group(1))  # type: ignore[union-attr]
    assert limit == settings.import_max_bytes + 64 * 1024


@pytest.mark.slow
@pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="several hosts need PostgreSQL: set TEST_DATABASE_URL (SQLite serves one process)",
)
# The fresh database is a copy of this session's PostgreSQL template (migrated, catalogue loaded).
@pytest.mark.parametrize("databases", ["postgresql"], indirect=True)
def test_two_hosts_behind_nginx(topology: tuple[TwoHosts, dict[str, str]]) -> None:
    hosts, users = topology
    host_a, host_b = hosts.hosts
    proxy = hosts.proxy

    # -- a token signed on A works on B, and through nginx
    answer = httpx.post(
        f"{host_a}{API}/auth/token",
        data={"username": users["enterprise"], "password": PASSWORD},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    for base in (host_b, proxy):
        assert httpx.get(f"{base}{API}/auth/me", headers=bearer, timeout=30).status_code == 200
    signed = httpx.post(
        f"{host_a}{API}/auth/token",
        data={"username": users["student"], "password": PASSWORD},
        timeout=30,
    )
    student = {"Authorization": f"Bearer {signed.json()['access_token']}"}

    # -- a write through A is seen through B at once, the search cache of B's workers included
    listing: dict[str, str | int] = {"region": REGION, "page_size": 50}
    # Searched by words too: the workers' search indexes answer both (once built; each worker
    # answers /readyz for itself), and must see the write at once as well.
    words: dict[str, str | int] = {"q": "数控编程", "region": REGION, "page_size": 50}
    for base in (host_a, host_b):
        deadline, in_a_row = time.monotonic() + 60, 0
        while in_a_row < 10:
            state = httpx.get(f"{base}/readyz", timeout=10).json()["search_index"]
            in_a_row = in_a_row + 1 if state == "ready" else 0
            assert time.monotonic() < deadline, f"{base}: search index {state}"
    for _ in range(4):  # both workers of B, and both hosts behind nginx, cache the empty answer
        for base in (host_b, proxy):
            for params in (listing, words):
                empty = httpx.get(f"{base}{API}/positions", params=params, timeout=30)
                assert empty.status_code == 200
                assert empty.json()["data"] == []
    body = {
        "kind": "job",
        "title": f"数控编程技术员{uuid.uuid4().hex[:6]}",
        "description": "负责数控设备编程与日常维护。",
        "headcount": 2,
        "monthly_pay": 6500,
        "majors": [NURSING],
        "start_date": str(date.today() + timedelta(days=40)),
    }
    created = httpx.post(f"{host_a}{API}/positions", json=body, headers=bearer, timeout=30)
    assert created.status_code == 201, created.text
    position_id = created.json()["id"]
    published = httpx.post(
        f"{host_a}{API}/positions/{position_id}/publish", headers=bearer, timeout=30
    )
    assert published.status_code == 200, published.text
    published_at = time.monotonic()
    # Recommendations: B's workers each fold the write into their index within one refresh
    # interval (plus the refresh, milliseconds) — the one thing a host holds for a while.
    bound_s = settings.recommendation_refresh_s + 5.0  # the stated bound, with room for a loaded CI
    in_a_row = 0
    while in_a_row < 4:
        answer = httpx.get(
            f"{host_b}{API}/students/me/recommendations", headers=student, timeout=30
        )
        shown = answer.status_code == 200 and position_id in {
            row["position_id"] for row in answer.json()["data"]
        }
        in_a_row = in_a_row + 1 if shown else 0
        assert time.monotonic() - published_at < bound_s, (answer.status_code, answer.text[:300])
        time.sleep(0.05)
    for _ in range(4):
        for base in (host_b, proxy):
            for params in (listing, words):
                seen = httpx.get(f"{base}{API}/positions", params=params, timeout=30)
                assert [row["id"] for row in seen.json()["data"]] == [position_id], base
            one = httpx.get(f"{base}{API}/positions/{position_id}", timeout=30)
            assert one.status_code == 200
            assert one.json()["status"] == "open"

    # -- the request id: the client's, else nginx's own, reaches the host and its access log
    traced = httpx.get(f"{proxy}{API}/positions", headers={"X-Request-ID": "deploy-trace-1"})
    assert traced.headers["x-request-id"] == "deploy-trace-1"
    made = httpx.get(f"{proxy}{API}/positions").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made), made
    # A host writes its access line once the answer is sent: the client can be faster.
    deadline = time.monotonic() + 10
    while True:
        logs = "".join((hosts.folder / f"{name}.log").read_text() for name in ("a", "b"))
        missing = [i for i in ("deploy-trace-1", made) if f'"request_id": "{i}"' not in logs]
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert missing == [], missing

    # -- a page session (cookies and CSRF token) from A works on B
    browser = Browser()
    token = browser.csrf(f"{host_a}/login")
    signed_in = browser.request(
        "POST",
        f"{host_a}/login",
        data={"username": users["enterprise"], "password": PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 303, signed_in.text[:300]
    home = signed_in.headers["location"]
    assert browser.request("GET", f"{host_b}{home}").status_code == 200
    assert browser.request("GET", f"{proxy}{home}").status_code == 200
    form_token = browser.csrf(f"{host_a}{home}")  # a form on a page of A, sent to B
    signed_out = browser.request("POST", f"{host_b}/logout", data={"csrf_token": form_token})
    assert signed_out.status_code == 303, signed_out.text[:300]
    assert browser.request("GET", f"{host_a}{home}").status_code in (302, 303, 307)

    # -- login failures split over A and B are limited together (Redis)
    wrong = {"username": users["student"], "password": "not-the-password-1"}
    for base in (host_a, host_a, host_a, host_b, host_b):
        failed = httpx.post(f"{base}{API}/auth/token", data=wrong, timeout=30)
        assert failed.status_code == 401, failed.text
    right = {"username": users["student"], "password": PASSWORD}
    for base in (host_a, host_b, proxy):
        refused = httpx.post(f"{base}{API}/auth/token", data=right, timeout=30)
        assert refused.status_code == 429, (base, refused.text)
        assert "retry-after" in refused.headers
    keys = [k.decode() for k in redis.Redis.from_url(REDIS_URL).scan_iter(match="login:*")]
    assert any(users["student"] in key for key in keys), keys

    # -- the scheduled job runs once per tick across the four workers; /metrics per host
    before = hosts.scrape()
    started = time.monotonic()
    time.sleep(5 * TICK_S)
    after = hosts.scrape()
    elapsed = time.monotonic() - started
    for pages in (before, after):
        assert sum(metric_sum(page, "chanjiao_scheduler_leader") for page in pages) == 1
    runs = sum(metric_sum(page, "chanjiao_job_runs_total", job=JOB) for page in after) - sum(
        metric_sum(page, "chanjiao_job_runs_total", job=JOB) for page in before
    )
    ticks = elapsed / TICK_S
    assert 1 <= runs <= ticks + 1.5, (runs, ticks)  # four runners would make ~4 per tick
    assert sum(metric_sum(page, "chanjiao_job_failures_total") for page in after) == 0
    for page in after:
        assert metric_sum(page, "chanjiao_http_requests_total") > 0  # each host counts its own
    assert httpx.get(f"{proxy}/metrics", timeout=10).status_code == 404

    # -- nginx answers with the service's error body: a body over the limit, then hosts down
    too_big = httpx.post(
        f"{proxy}{API}/imports/positions",
        content=b"x" * (settings.import_max_bytes + 64 * 1024 + 1),
        headers={"Content-Type": "multipart/form-data; boundary=x"},
        timeout=30,
    )
    assert too_big.status_code == 413
    assert too_big.json()["error"]["code"] == "too_large"
    request_id = "deploy-test-1"
    hosts.stop("a")
    for _ in range(4):  # GETs go to B, the host left (nginx skips A)
        alive = httpx.get(f"{proxy}{API}/positions/{position_id}", timeout=30)
        assert alive.status_code == 200
    hosts.stop("b")
    down = httpx.get(f"{proxy}{API}/positions", headers={"X-Request-ID": request_id}, timeout=30)
    assert down.status_code == 503
    assert down.headers["retry-after"].isdigit()
    assert down.headers["x-request-id"] == request_id
    assert down.json()["error"]["message"] == "服务暂时不可用，请稍后重试"
    hall = httpx.get(f"{proxy}/positions", timeout=30)
    assert hall.status_code == 503
    assert "服务暂时不可用" in hall.text
    assert "nginx" not in hall.text
