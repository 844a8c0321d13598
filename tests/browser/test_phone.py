"""At a phone's 375 px a table scrolls inside its box, never squeezed to a character or two a
line, and the page itself never scrolls sideways."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import LiveServer
from tests.browser.harness import PHONE, sign_in

# Narrowest cell width allowed: about three Chinese characters at 15 px.
MIN_CELL_PX = 44


def test_tables_scroll_inside_their_box_at_375_px(page: Page, live_server: LiveServer) -> None:
    accounts = live_server.accounts
    sign_in(page, live_server.url, accounts.regulator, accounts.password)
    page.set_viewport_size(PHONE)
    for path in ("/regulator", "/regulator/organizations"):
        page.goto(f"{live_server.url}{path}")
        page_width = page.evaluate("document.documentElement.scrollWidth")
        narrowest = page.evaluate(
            "Math.min(...[...document.querySelectorAll('.table-wrap td')]"
            ".map(td => td.getBoundingClientRect().width).filter(w => w > 0))"
        )
        assert page_width <= PHONE["width"], path
        assert narrowest >= MIN_CELL_PX, (path, narrowest)


# The smallest text a chart may draw at 375 px (its font size times the drawn/viewBox scale).
MIN_CHART_TEXT_PX = 12
_SMALLEST_CHART_TEXT = """
Math.min(...[...document.querySelectorAll('.chart svg')].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(
    t => parseFloat(getComputedStyle(t).fontSize) * scale);
}))
"""


def test_charts_are_legible_and_the_printable_report_fits_at_375_px(
    page: Page, live_server: LiveServer
) -> None:
    accounts = live_server.accounts
    sign_in(page, live_server.url, accounts.regulator, accounts.password)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/regulator")
    assert page.evaluate(_SMALLEST_CHART_TEXT) >= MIN_CHART_TEXT_PX
    page.goto(f"{live_server.url}/regulator/report.html?region=500000&year=2025")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(_SMALLEST_CHART_TEXT) >= MIN_CHART_TEXT_PX
