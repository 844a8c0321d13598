"""The scan the ``page`` fixture runs over every page a browser test loads finds English codes
and raw JSON (and so the other browser tests pass only when none is shown)."""

from __future__ import annotations

from tests.browser.conftest import english_on_pages


def test_the_scan_finds_codes_and_json_but_not_ordinary_text() -> None:
    seen = [
        ["/a", "规则 vanishing；阈值 vanishing_share=0.2, lookback_years=3"],
        ["/b", '{"error":{"code":"write_queue_full"}}'],
        ["/c", "合规提示（discriminatory_terms）；岗位实习（internship_pay_min_share）"],
        ["/d", "FANUC 系统，Java 开发，CAD 识图，http://127.0.0.1:8000/docs，demo_student"],
    ]

    found = english_on_pages(seen)

    assert any("'vanishing'" in f for f in found)
    assert any("vanishing_share" in f for f in found)
    assert any(f.startswith("/b") for f in found)
    assert any("discriminatory_terms" in f for f in found)
    assert any("internship_pay_min_share" in f for f in found)
    assert [f for f in found if f.startswith("/d")] == ["/d: 'demo_student'"]
