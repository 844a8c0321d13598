"""A real browser against a real server: Debian's chromium driven by Playwright, uvicorn on a free
port over a fresh migrated database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set).

No browser is downloaded: Playwright launches ``/usr/bin/chromium`` (``make test`` installs it with
``fonts-noto-cjk`` when missing). Without it these tests fail, never skip. Screenshots go under
``build/test-output/screenshots/<backend>/`` (or ``$CHANJIAO_TEST_OUTPUT``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect, sync_playwright
from sqlmodel import Session

from service.db import get_engine
from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    DESKTOP,
    free_port,
    offline_only,
    start_server,
    wait_until_up,
)
from tests.browser.scenario import Accounts, build_scenario
from tests.conftest import DatabaseFactory

OUTPUT = Path(os.environ.get("CHANJIAO_TEST_OUTPUT", "build/test-output"))
# Generous waits: CI shares two cores with everything else; a pass never waits this long.
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class LiveServer:
    url: str
    backend: str
    accounts: Accounts
    database_url: str

    @property
    def screenshots(self) -> Path:
        return OUTPUT / "screenshots" / self.backend


@pytest.fixture(scope="session")
def live_server(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    url = databases.copy()
    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        accounts = build_scenario(session)
        session.commit()
    engine.dispose()
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "uvicorn.log"
    process = start_server(url, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log)
        yield LiveServer(base, databases.backend, accounts, url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(
            "浏览器测试需要 /usr/bin/chromium："
            "请运行 make test（自动安装 chromium 和 fonts-noto-cjk）"
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def context(
    playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BrowserContext]:
    """One browser with a fresh profile (``--user-data-dir``) for the run; outside requests are
    refused. Each test starts signed out (cookies cleared) on a new tab."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    browser_context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_FLAGS,
        viewport=DESKTOP,
        locale="zh-CN",
        accept_downloads=True,
    )
    browser_context.set_default_timeout(TIMEOUT_MS)
    browser_context.route("**/*", offline_only)
    try:
        yield browser_context
    finally:
        browser_context.close()


# Every page a test loads keeps its visible text in the tab's sessionStorage (navigation keeps it);
# the test's end reads it back and looks for what a person should never read.
_KEEP_TEXT = """
window.addEventListener("load", () => {
  const seen = JSON.parse(sessionStorage.getItem("__seen") || "[]");
  // Names people chose (an account's username) are marked translate="no" and are not codes.
  let text = document.body ? document.body.innerText : "";
  for (const own of document.querySelectorAll("[translate=no]")) {
    text = text.replace(own.innerText, "");
  }
  seen.push([location.pathname + location.search, text]);
  sessionStorage.setItem("__seen", JSON.stringify(seen));
});
"""
# snake_case identifiers (rule and field names, codes) and the bare codes of rules, actions,
# statuses and kinds; raw JSON (an error body or a serialised object).
_SNAKE = re.compile(r"(?<![A-Za-z0-9_./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_])")
_CODES = re.compile(
    r"(?<![A-Za-z0-9_])(?:vanishing|oversupply|upgrade|expand|reduce|keep|blocking|warning|"
    r"pending|verified|suspended|submitted|reviewing|offered|accepted|rejected|declined|"
    r"withdrawn|draft|filled|internship|apprenticeship)(?![A-Za-z0-9_])"
)
_JSON = re.compile(r'[{[]\s*"[A-Za-z_]+"\s*:')


def english_on_pages(seen: list[list[str]]) -> list[str]:
    found: list[str] = []
    for path, text in seen:
        for pattern in (_SNAKE, _CODES, _JSON):
            found.extend(f"{path}: {m.group()!r}" for m in pattern.finditer(text))
    return found


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    context.clear_cookies()
    tab = context.new_page()
    tab.add_init_script(_KEEP_TEXT)
    try:
        yield tab
        seen = json.loads(tab.evaluate("sessionStorage.getItem('__seen') || '[]'"))
        found = english_on_pages(seen)
        assert not found, f"pages show English codes or raw JSON: {found[:20]}"
    finally:
        tab.close()
