"""What a public text search asks of the database, counted (issue 25.1): structural checks that
fail when the hot path reads the index or the positions more often than it must, without
timing anything on a shared machine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from tests.factories import make_enterprise, make_position

URL = "/api/v1/positions"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HEADLINE = {"q": "数控 编程", "region": "500100"}


@pytest.fixture
def statements(session: Session) -> Iterator[list[str]]:
    """The SELECT statements sent on the test's connection while the test runs."""
    sent: list[str] = []
    connection = session.connection()

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        text = " ".join(statement.split())
        if text.startswith(("SELECT", "WITH")):
            sent.append(text)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)


def _positions(session: Session, count: int) -> None:
    enterprise = make_enterprise(session, region_code="500106")
    other = make_enterprise(session, region_code="500112")
    for i in range(count):
        make_position(
            session,
            enterprise if i % 2 else other,
            ("460103",) if i % 3 == 0 else (),
            title=f"数控车床操作工{i}",
            description="负责数控机床的编程与操作" if i % 4 else "参与首件检验与质量追溯",
            published_at=T0 + timedelta(hours=i),
        )


@pytest.mark.parametrize("sort", ["relevance", "newest", "pay", "closing"])
def test_a_text_search_reads_the_index_and_the_rows_once(
    client: TestClient, session: Session, statements: list[str], backend: str, sort: str
) -> None:
    _positions(session, 12)
    statements.clear()
    answer = client.get(URL, params={**HEADLINE, "sort": sort}).json()
    assert answer["count"] == 9
    assert len(answer["data"]) == 9
    assert {row["enterprise_code"] for row in answer["data"]} != {""}
    # The shown rows, the enterprises' names and codes and the regions' names: one statement.
    shown = [s for s in statements if "organization.code" in s or "organization.name" in s]
    assert len(shown) == 1, shown
    if backend == "sqlite":
        # The page and its count come from one statement that reads the FTS5 index once,
        # ranking (bm25) only the matches that pass the filters, not a list of every match.
        matched = [s for s in statements if "MATCH" in s]
        assert len(matched) == 1, matched
        assert "CROSS JOIN position" in matched[0]
        assert "count(*)" in matched[0]
        assert "fts_match" not in matched[0]
        # The kept answers' generation, the region's level, the page with its count, the rows,
        # their majors.
        assert len(statements) <= 5, statements
