"""The anonymous search's answers kept in the process: served again while nothing they depend on
was written, recomputed after any write, whoever wrote it; never for a signed-in viewer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from sqlmodel import Session, col

from matching.search_text import index_words
from migrations import search_generation as triggers
from models import (
    Organization,
    OrganizationStatus,
    Position,
    PositionKind,
    PositionStatus,
    Role,
    User,
)
from models.base import utcnow
from service import app as app_module
from service import clock
from service.db import get_engine
from service.positions import operations
from service.positions import search as positions_search
from service.positions.search_cache import ResponseCache
from service.settings import settings
from tests.factories import (
    auth_headers,
    count_writes_anew,
    make_enterprise,
    make_enterprise_user,
    make_position,
    make_user,
)
from tests.live_server import live_server

URL = "/api/v1/positions"
WORD = {"q": "钣金"}


def cache_of(client: TestClient) -> ResponseCache:
    cache: ResponseCache = cast(FastAPI, client.app).state.search_cache
    return cache


def published(session: Session, enterprise: Organization, title: str, **fields: Any) -> Position:
    return make_position(session, enterprise, published_at=utcnow(), title=title, **fields)


def titles(body: dict[str, Any]) -> list[str]:
    return sorted(row["title"] for row in body["data"])


# ---------------------------------------------------------------- the cache itself


def test_the_cache_keeps_answers_of_one_generation_and_drops_the_least_recently_used() -> None:
    cache = ResponseCache(max_entries=2, max_bytes=100)
    cache.put("a", 1, b"answer a")
    cache.put("b", 1, b"answer b")
    assert cache.get("a", 1) == b"answer a"  # "a" is now the most recently used
    cache.put("c", 1, b"answer c")
    assert (cache.get("b", 1), cache.get("a", 1), cache.get("c", 1)) == (
        None,
        b"answer a",
        b"answer c",
    )
    assert cache.get("a", 2) is None  # computed at another generation: not sent, dropped
    assert cache.get("a", 1) is None
    assert (cache.stats.hits, cache.stats.stale, cache.stats.evictions) == (3, 1, 1)
    # An older generation never replaces a newer answer (a slow request finishing late).
    cache.put("c", 3, b"newer")
    cache.put("c", 2, b"older")
    assert cache.get("c", 3) == b"newer"


def test_the_cache_is_bounded_by_bytes_and_can_be_turned_off() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=10)
    cache.put("a", 1, b"12345")
    cache.put("b", 1, b"67890")
    cache.put("c", 1, b"x")
    assert cache.size_bytes <= 10
    assert len(cache) == 2
    assert cache.get("a", 1) is None
    cache.put("big", 1, b"x" * 11)  # larger than the whole cache: not kept
    assert cache.get("big", 1) is None
    off = ResponseCache(max_entries=0, max_bytes=10)
    off.put("a", 1, b"1")
    assert not off.enabled
    assert off.get("a", 1) is None


# ---------------------------------------------------------------- the generation's triggers


def generation(session: Session) -> int:
    return positions_search.search_generation(session)


@pytest.mark.parametrize("table", triggers.SOURCES)
def test_every_write_to_a_table_the_search_reads_changes_the_generation(
    session: Session, table: str
) -> None:
    enterprise = make_enterprise(session)
    position = published(session, enterprise, "钣金技师", majors=["460103"])
    session.commit()
    keys = {
        "position": ("id", position.id.hex),
        "position_major": ("position_id", position.id.hex),
        "organization": ("id", enterprise.id.hex),
    }
    count_writes_anew(session)
    before = generation(session)
    if table in keys:
        column, value = keys[table]
        if session.get_bind().dialect.name != "sqlite":
            value = str(position.id if table != "organization" else enterprise.id)
        where = f"{column} = :value"
        params: dict[str, Any] = {"value": value}
    else:
        names = session.execute(
            text("SELECT * FROM " + table + " LIMIT 1")  # noqa: S608 (table names from code)
        ).keys()
        column, where, params = next(iter(names)), "1 = 1", {}
    session.execute(text(f"UPDATE {table} SET {column} = {column} WHERE {where}"), params)  # noqa: S608
    after_update = generation(session)
    assert after_update > before, f"an update of {table} is not counted"


def test_inserts_and_deletes_change_the_generation_and_other_tables_do_not(
    session: Session,
) -> None:
    count_writes_anew(session)
    start = generation(session)
    enterprise = make_enterprise(session)
    assert generation(session) > start  # organisation inserted
    count_writes_anew(session)
    before = generation(session)
    position = published(session, enterprise, "钣金技师", majors=["460103"])
    assert generation(session) > before  # position and its majors inserted
    count_writes_anew(session)
    before = generation(session)
    session.delete(position)
    session.flush()
    assert generation(session) > before  # deleted
    user: User = make_user(session, Role.student)
    count_writes_anew(session)
    before = generation(session)
    session.execute(update(User).where(col(User.id) == user.id).values(username="someone-else"))
    assert generation(session) == before  # accounts are not what the search shows


def test_postgresql_counts_a_transaction_once(session: Session) -> None:
    """Counting every statement updated one row once per row of an executemany, each update
    walking the row versions left by the ones before it: quadratic within a transaction."""
    enterprise = make_enterprise(session)
    count_writes_anew(session)
    before = generation(session)
    for n in range(3):
        published(session, enterprise, f"钣金技师{n}")
    grew = generation(session) - before
    if session.get_bind().dialect.name == "postgresql":
        assert grew == 1
    else:
        assert grew >= 3  # SQLite counts rows (its writers take turns; no versions to walk)


def test_compaction_folds_the_slots_and_keeps_the_sum(session: Session) -> None:
    make_enterprise(session)
    before = generation(session)
    folded = operations.compact_search_generation(session)
    assert generation(session) == before
    slots = session.execute(text("SELECT slot FROM search_generation")).scalars().all()
    assert slots == [0]
    if session.get_bind().dialect.name == "sqlite":
        assert folded == 0  # SQLite counts in slot 0 only
    else:
        assert folded >= 1  # this test's server process wrote its own slot


# ---------------------------------------------------------------- through the API


def test_an_anonymous_search_is_answered_again_from_the_cache(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session)
    published(session, enterprise, "钣金技师A")
    cache = cache_of(client)
    first = client.get(URL, params=WORD)
    second = client.get(URL, params=WORD)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second.headers["content-type"] == "application/json"
    assert (cache.stats.misses, cache.stats.hits) == (1, 1)
    # The kept bytes are what the search computes without the cache.
    cast(FastAPI, client.app).state.search_cache = ResponseCache(0, 0)
    uncached = client.get(URL, params=WORD)
    assert uncached.content == first.content
    assert titles(first.json()) == ["钣金技师A"]
    # Other parameters are other answers.
    other = client.get(URL, params={**WORD, "page_size": 5})
    assert other.json()["data"] == first.json()["data"]
    assert cache.stats.hits == 1


def test_a_published_position_shows_in_the_next_search(
    client: TestClient, session: Session
) -> None:
    _, user = make_enterprise_user(session)
    cache = cache_of(client)
    assert client.get(URL, params=WORD).json()["count"] == 0
    assert client.get(URL, params=WORD).json()["count"] == 0
    today = clock.today()
    body = {
        "kind": "job",
        "title": "钣金技师",
        "description": "负责钣金件的下料与折弯。",
        "headcount": 2,
        "monthly_pay": 6000,
        "start_date": str(today + timedelta(days=40)),
    }
    created = client.post(URL, json=body, headers=auth_headers(user))
    assert created.status_code == 201, created.text
    published_ = client.post(f"{URL}/{created.json()['id']}/publish", headers=auth_headers(user))
    assert published_.status_code == 200, published_.text
    after = client.get(URL, params=WORD).json()
    assert (after["count"], titles(after)) == (1, ["钣金技师"])
    assert cache.stats.stale == 1
    # Closing it takes it out again.
    closed = client.post(f"{URL}/{created.json()['id']}/close", headers=auth_headers(user))
    assert closed.status_code == 200
    assert client.get(URL, params=WORD).json()["count"] == 0


def test_a_suspended_enterprise_and_a_renamed_one_show_in_the_next_search(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session, name="甲钣金有限公司")
    published(session, enterprise, "钣金技师")
    first = client.get(URL, params=WORD).json()
    assert [row["enterprise_name"] for row in first["data"]] == ["甲钣金有限公司"]
    session.execute(
        update(Organization).where(col(Organization.id) == enterprise.id).values(name="乙公司")
    )
    renamed = client.get(URL, params=WORD).json()
    assert [row["enterprise_name"] for row in renamed["data"]] == ["乙公司"]
    session.execute(
        update(Organization)
        .where(col(Organization.id) == enterprise.id)
        .values(status=OrganizationStatus.suspended)
    )
    assert client.get(URL, params=WORD).json()["count"] == 0


def test_a_major_renamed_in_the_catalogue_shows_in_the_next_search(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session)
    published(session, enterprise, "钣金技师", majors=["460103"])
    first = client.get(URL, params=WORD).json()
    name = first["data"][0]["majors"][0]["name"]
    session.execute(
        text("UPDATE major SET name = :name WHERE code = '460103'"), {"name": name + "（新）"}
    )
    again = client.get(URL, params=WORD).json()
    assert again["data"][0]["majors"][0]["name"] == name + "（新）"


def test_the_next_day_is_computed_afresh(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    published(session, make_enterprise(session), "钣金技师")
    client.get(URL, params=WORD)
    # The day after China's, not the machine's: from 16:00 UTC China is a day ahead of UTC.
    tomorrow = clock.today() + timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: tomorrow)
    client.get(URL, params=WORD)
    cache = cache_of(client)
    assert (cache.stats.misses, cache.stats.hits) == (2, 0)


def test_signed_in_viewers_are_never_served_from_the_cache(
    client: TestClient, session: Session
) -> None:
    enterprise, user = make_enterprise_user(session)
    published(session, enterprise, "钣金技师", same_post_wage=7000.0, post_staff_count=30)
    anonymous = client.get(URL, params=WORD).json()
    assert anonymous["data"][0]["same_post_wage"] is None
    own = client.get(URL, params=WORD, headers=auth_headers(user)).json()
    assert own["data"][0]["same_post_wage"] == 7000.0  # the publisher sees its own figures
    cache = cache_of(client)
    assert (cache.stats.misses, cache.stats.hits, len(cache)) == (1, 0, 1)


# ---------------------------------------------------------------- other connections


@pytest.fixture
def served(fresh_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[], Any]:
    """A live server on a database of its own, the cache on, as in production."""
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    monkeypatch.setattr(settings, "scheduler_enabled", False)
    return app_module.create_app


def test_a_write_committed_by_another_connection_shows_in_the_next_search(
    served: Callable[[], FastAPI], fresh_db_url: str
) -> None:
    """As ``chanjiao import`` or another worker writes: on its own connection."""
    engine = get_engine(fresh_db_url)
    with Session(engine) as writer:
        position = published(writer, make_enterprise(writer), "钣金技师甲")
        writer.commit()
        position_id = position.id
    app = served()
    with live_server(app) as base:
        first = httpx.get(f"{base}{URL}", params=WORD, timeout=10).json()
        again = httpx.get(f"{base}{URL}", params=WORD, timeout=10).json()
        with Session(engine) as writer:
            writer.execute(
                update(Position).where(col(Position.id) == position_id).values(title="钣金技师乙")
            )
            writer.commit()
        after = httpx.get(f"{base}{URL}", params=WORD, timeout=10).json()
    assert titles(first) == titles(again) == ["钣金技师甲"]
    assert titles(after) == ["钣金技师乙"]
    cache: ResponseCache = app.state.search_cache
    assert (cache.stats.hits, cache.stats.stale) == (1, 1)


def test_a_write_committed_while_a_search_runs_is_not_hidden_by_its_answer(
    served: Callable[[], FastAPI], fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generation is read before the search: an answer computed while a write commits is kept
    under the older generation, so the next request sees the write."""
    engine = get_engine(fresh_db_url)
    with Session(engine) as writer:
        enterprise = make_enterprise(writer)
        published(writer, enterprise, "钣金技师甲")
        writer.commit()
        enterprise_id = enterprise.id
    search = operations.search_positions
    once = threading.Event()

    def search_with_a_write_in_between(*args: Any, **kwargs: Any) -> Any:
        # The search has read its rows; a write commits before the answer is kept.
        answer = search(*args, **kwargs)
        if not once.is_set():
            once.set()
            with Session(engine) as writer:
                writer.add(
                    Position(
                        enterprise_id=enterprise_id,
                        kind=PositionKind.job,
                        title="钣金技师乙",
                        region_code="500106",
                        headcount=1,
                        start_date=date(2026, 9, 1),
                        status=PositionStatus.open,
                        published_at=utcnow(),
                        search_title=index_words("钣金技师乙"),
                    )
                )
                writer.commit()
        return answer

    monkeypatch.setattr(operations, "search_positions", search_with_a_write_in_between)
    with live_server(served()) as base:
        during = httpx.get(f"{base}{URL}", params=WORD, timeout=10).json()
        after = httpx.get(f"{base}{URL}", params=WORD, timeout=10).json()
    assert titles(during) == ["钣金技师甲"]
    assert titles(after) == sorted(["钣金技师甲", "钣金技师乙"])


# ---------------------------------------------------------------- by region (issue 25.1)


def test_a_position_write_counts_only_in_its_region(session: Session) -> None:
    """A write in 沙坪坝区 (500106, in the city 500100) changes the generations of searches of
    500106, of its city, of Chongqing and of no region, and not those of 城口县 (500229, in the
    city 500200) or of 渝中区 (500103, the same city); moving a position counts in both."""
    enterprise = make_enterprise(session)
    count_writes_anew(session)
    regions = ["500106", "500100", "500000", None, "500229", "500200", "500103"]
    before = {r: positions_search.search_generation(session, r) for r in regions}
    position = published(session, enterprise, "钣金技师", region_code="500106", majors=["460103"])
    after = {r: positions_search.search_generation(session, r) for r in regions}
    changed = sorted(str(r) for r in regions if after[r] != before[r])
    assert changed == ["500000", "500100", "500106", "None"]
    count_writes_anew(session)
    position.region_code = "500229"
    session.add(position)
    session.flush()
    moved = {r: positions_search.search_generation(session, r) for r in regions}
    changed = sorted(str(r) for r in regions if moved[r] != after[r])
    assert changed == ["500000", "500100", "500106", "500200", "500229", "None"]


def test_region_ranges_from_the_code_are_the_catalogues(session: Session) -> None:
    """The kept-answer path takes a region's range from its code alone: the same range as the
    catalogue's scope (by level) for every region in it."""
    from service.catalog.regions import RegionScope

    rows = session.execute(text("SELECT code, level FROM region")).all()
    assert len(rows) > 3000
    wrong = [
        code
        for code, level in rows
        if positions_search.region_code_range(code)
        != (RegionScope(code, level).low, RegionScope(code, level).high)
    ]
    assert wrong == []


def test_a_write_in_one_region_keeps_the_answers_of_another(
    client: TestClient, session: Session
) -> None:
    """The kept answer of 城口县 is still sent after an enterprise publishes in 沙坪坝区; the
    answers of 沙坪坝区 and of the whole city are computed afresh by the next request (staleness
    bound: none — the generation is read in the request, so a committed write is seen by the
    next search that starts after it, on any process reading that database)."""
    _, user = make_enterprise_user(session)
    cache = cache_of(client)
    there = {**WORD, "region": "500229"}
    here = {**WORD, "region": "500106"}
    for params in (there, here, WORD):
        assert client.get(URL, params=params).json()["count"] == 0
    body = {
        "kind": "job",
        "title": "钣金技师",
        "description": "负责钣金件的下料与折弯。",
        "headcount": 2,
        "monthly_pay": 6000,
        "region_code": "500106",
        "start_date": str(clock.today() + timedelta(days=40)),
    }
    created = client.post(URL, json=body, headers=auth_headers(user))
    assert created.status_code == 201, created.text
    published_ = client.post(f"{URL}/{created.json()['id']}/publish", headers=auth_headers(user))
    assert published_.status_code == 200, published_.text
    hits, stale = cache.stats.hits, cache.stats.stale
    assert client.get(URL, params=there).json()["count"] == 0
    assert (cache.stats.hits, cache.stats.stale) == (hits + 1, stale)  # kept, sent again
    assert titles(client.get(URL, params=here).json()) == ["钣金技师"]
    assert titles(client.get(URL, params=WORD).json()) == ["钣金技师"]
    assert (cache.stats.hits, cache.stats.stale) == (hits + 1, stale + 2)


def test_compaction_keeps_every_regions_sum(session: Session) -> None:
    enterprise = make_enterprise(session)
    published(session, enterprise, "钣金技师", region_code="500106")
    published(session, enterprise, "钣金技师B", region_code="500229")
    regions = ["500106", "500229", "500000", None]
    before = {r: positions_search.search_generation(session, r) for r in regions}
    operations.compact_search_generation(session)
    assert {r: positions_search.search_generation(session, r) for r in regions} == before
    slots = session.execute(text("SELECT DISTINCT slot FROM search_region_generation")).all()
    assert slots == [(0,)]
