"""``make screenshots``: every page of the demo city at desktop width and at 375 px.

Starts the server on the demo database (``make demo``'s, loaded by the make target), signs in
with each demo account and writes ``<page>-desktop.png`` and ``<page>-375.png`` to ``--out``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from seed.demo import DEFAULT_SEED
from seed.demo.generator import demo_passwords
from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    DESKTOP,
    free_port,
    offline_only,
    screenshot,
    sign_in,
    start_server,
    wait_until_up,
)

# Every tab of the school's and the regulator's pages (the forms, not their results: the demo
# database is left as it was).
SCHOOL_PAGES = [
    ("school-programmes", "/school/programmes"),
    ("school-programme-new", "/school/programmes/new"),
    ("school-cohorts", "/school/cohorts"),
    ("school-students", "/school/students"),
    ("school-student-new", "/school/students/new"),
    ("school-imports", "/school/imports"),
    ("school-alignment", "/school/alignment"),
]
REGULATOR_PAGES = [
    ("regulator-organizations", "/regulator/organizations"),
    ("regulator-organizations-verified", "/regulator/organizations?status=verified"),
    ("regulator-identity-changes", "/regulator/identity-changes"),
    ("regulator-registry", "/regulator/registry?status="),
    ("regulator-lists", "/regulator/lists"),
    ("regulator-lists-industry", "/regulator/lists?kind=industry"),
    ("regulator-lists-policy", "/regulator/lists?kind=policy-support"),
    ("regulator-alliances", "/regulator/alliances"),
    ("regulator-placement", "/regulator/placement"),
    ("regulator-placement-new", "/regulator/placement/new"),
    ("regulator-policy", "/regulator/policy"),
    ("regulator-findings", "/regulator/findings"),
]


def _first_link(page: Page, pattern: str) -> str | None:
    for href in page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        if href and re.match(pattern, href):
            return str(href)
    return None


def _shoot(page: Page, url: str, out: Path, name: str) -> None:
    page.goto(url)
    screenshot(page, out, name)


def take(url: str, out: Path) -> list[str]:
    passwords = demo_passwords(DEFAULT_SEED)
    with sync_playwright() as driver, tempfile.TemporaryDirectory() as profile:
        context = driver.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport=DESKTOP,
            locale="zh-CN",
        )
        context.route("**/*", offline_only)
        page = context.new_page()
        _shoot(page, f"{url}/", out, "positions")
        _shoot(page, f"{url}/positions?q=护理&sort=pay", out, "positions-search")
        if (position := _first_link(page, r"^/positions/[0-9a-f-]{36}$")) is not None:
            _shoot(page, url + position, out, "position")
        _shoot(page, f"{url}/login", out, "login")
        _shoot(page, f"{url}/register", out, "register")
        page.goto(f"{url}/docs")
        page.locator(".swagger-ui .info .title").wait_for()
        screenshot(page, out, "docs")

        sign_in(page, url, "demo_regulator", passwords["demo_regulator"])
        screenshot(page, out, "regulator")
        if (major := _first_link(page, r"^/regulator/majors/")) is not None:
            _shoot(page, url + major, out, "regulator-major")
            if (what_if := _first_link(page, r"^/regulator/what-if")) is not None:
                _shoot(page, url + what_if, out, "regulator-what-if")
        _shoot(page, f"{url}/regulator?year=2030", out, "regulator-empty-year")
        for name, path in REGULATOR_PAGES:
            _shoot(page, url + path, out, name)
        page.goto(f"{url}/regulator/placement")
        if (placement := _first_link(page, r"^/regulator/placement/[0-9a-f-]{36}$")) is not None:
            _shoot(page, url + placement, out, "regulator-placement-round")

        context.clear_cookies()
        sign_in(page, url, "demo_enterprise", passwords["demo_enterprise"])
        screenshot(page, out, "enterprise")
        page.goto(f"{url}/enterprise?status=draft")
        if (draft := _first_link(page, r"^/enterprise/positions/[0-9a-f-]{36}$")) is not None:
            _shoot(page, url + draft, out, "enterprise-draft")
        _shoot(page, f"{url}/enterprise/positions/new", out, "enterprise-new")
        _shoot(page, f"{url}/enterprise/forecasts", out, "enterprise-forecasts")
        _shoot(page, f"{url}/enterprise/applications", out, "enterprise-applications")
        _shoot(page, f"{url}/enterprise/organization", out, "enterprise-organization")
        _shoot(page, f"{url}/enterprise/registry", out, "enterprise-registry")
        # The demo enterprise's published position may be filled already: either will do.
        for status in ("open", "filled"):
            page.goto(f"{url}/enterprise?status={status}")
            found = _first_link(page, r"^/enterprise/positions/[0-9a-f-]{36}$")
            if found is not None:
                _shoot(page, url + found, out, f"enterprise-{status}-position")
                _shoot(page, f"{url}{found}/programmes", out, "enterprise-programmes")
                break

        context.clear_cookies()
        sign_in(page, url, "demo_school", passwords["demo_school"])
        screenshot(page, out, "school")
        for name, path in SCHOOL_PAGES:
            _shoot(page, url + path, out, name)
        page.goto(f"{url}/school/programmes")
        if (programme := _first_link(page, r"^/school/programmes/[0-9a-f-]{36}$")) is not None:
            _shoot(page, url + programme, out, "school-programme-edit")

        context.clear_cookies()
        sign_in(page, url, "demo_student", passwords["demo_student"])
        screenshot(page, out, "student")
        if (round_page := _first_link(page, r"^/me/placement/[0-9a-f-]{36}$")) is not None:
            _shoot(page, url + round_page, out, "student-placement")
        _shoot(page, f"{url}/positions?q=护理&kind=internship", out, "student-search")
        if (position := _first_link(page, r"^/positions/[0-9a-f-]{36}$")) is not None:
            _shoot(page, url + position, out, "student-position")
        context.close()
    return sorted(path.name for path in out.glob("*.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="the demo database URL")
    parser.add_argument("--out", type=Path, default=Path("build/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = args.out / "server.log"
    process = start_server(args.db, port, log, environment="demo")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log)
        names = take(url, args.out)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    print(f"{len(names)} 张截图已写入 {args.out}/")  # noqa: T201


if __name__ == "__main__":
    main()
