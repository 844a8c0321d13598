"""Server and browser plumbing shared by the browser tests and ``make screenshots``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, Route, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 812}


# Importing the app (scikit-learn, jieba) on a busy 2-core machine can take tens of seconds.
STARTUP_SECONDS = 120
SERVER_SECRET = "browser-tests-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    database_url: str, port: int, log: Path, environment: str = "production"
) -> subprocess.Popen[bytes]:
    """The shipped ``chanjiao serve`` with a deployment's settings: production, the scheduler on,
    the throttle in the database (no store swapped in), a secret from the environment."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CHANJIAO_ENVIRONMENT": environment,
        "CHANJIAO_SCHEDULER_ENABLED": "true",
        "CHANJIAO_SECRET_KEY": os.environ.get("CHANJIAO_SECRET_KEY", SERVER_SECRET),
    }
    # A Redis URL left in the caller's environment would swap the database store for Redis.
    env.pop("CHANJIAO_REDIS_URL", None)
    command = [str(Path(sys.executable).with_name("chanjiao")), "serve", "--port", str(port)]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not start within {STARTUP_SECONDS} s")


def screenshot(page: Page, folder: Path, name: str) -> None:
    """The page at desktop width and at a phone's 375 px, full length."""
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(folder / f"{name}-375.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def sign_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def offline_only(route: Route) -> None:
    """Anything not served by the test server is refused: the pages must work offline."""
    host = route.request.url.split("/")[2] if "://" in route.request.url else ""
    if host.startswith("127.0.0.1"):
        route.continue_()
    else:
        route.abort()
