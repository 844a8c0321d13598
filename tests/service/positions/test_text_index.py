"""The in-memory search index (service/positions/text_index.py) against the database's search.

Each test commits for real in a database of its own (``fresh_db_url``), on both backends. The
database's answer is the reference: with no index in the process the search runs in the
database; with one, the same call must send the same bytes (SQLite: relevance included, as FTS5
ranks; PostgreSQL ranks with ``ts_rank`` in the database, so there relevance is checked against
bm25 computed here from the rows, and the other orders byte for byte).
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from matching.search_text import query_terms
from models import (
    Organization,
    OrganizationStatus,
    Position,
    PositionKind,
    PositionMajor,
    PositionStatus,
)
from service import clock
from service.db import get_engine, read_engine
from service.pagination import PageParams
from service.positions import operations, text_index
from service.positions.schemas import PositionSearch
from service.positions.search_cache import ResponseCache
from tests.factories import make_enterprise, make_position

WORDS = ("数控", "编程", "焊接", "学徒", "护理", "开发", "质检", "仓储", "电气", "维修", "五险一金")
TITLES = ("数控车床操作工", "焊接学徒", "Java开发实习生", "电气维修工", "质检员", "护理实习生")
REGIONS = ("500106", "500112", "500101", "500230", "510104", "510107")
T0 = datetime(2026, 9, 1, 8, 0)


@pytest.fixture
def url(fresh_db_url: str) -> Iterator[str]:
    text_index.stop()
    yield fresh_db_url
    text_index.stop()


def _city(url: str, positions: int = 400, seed: int = 7) -> None:
    # SQLite only: a few open positions without a publication time (the factories' default; the
    # service always sets one when it publishes). The index lists them as SQLite's search does;
    # PostgreSQL's word search reads windows of publication days, which never hold them.
    undated = 0.04 if url.startswith("sqlite") else 0.0
    """Positions of every status, open ones past and before their closing date, enterprises
    verified and suspended, equal publication times (ties), pay missing, repeated words."""
    rng = random.Random(seed)
    with Session(get_engine(url)) as session:
        enterprises = [
            make_enterprise(
                session,
                region_code=rng.choice(REGIONS),
                industry_code=rng.choice(["3670", "3612", "6511", "8411"]),
                status=OrganizationStatus.suspended if i == 0 else OrganizationStatus.verified,
            )
            for i in range(12)
        ]
        for i in range(positions):
            words = rng.sample(WORDS, rng.randint(1, 4))
            make_position(
                session,
                rng.choice(enterprises),
                rng.sample(["460103", "520201", "510203"], rng.randint(0, 2)),
                kind=rng.choice(list(PositionKind)),
                status=rng.choice(
                    [PositionStatus.open] * 6 + [PositionStatus.closed, PositionStatus.draft]
                ),
                title=f"{rng.choice(TITLES)}{i}",
                description="，".join(words) + ("，熟悉数控编程" if rng.random() < 0.2 else ""),
                region_code=rng.choice(REGIONS),
                monthly_pay=None if rng.random() < 0.15 else float(rng.randrange(3000, 9000, 500)),
                closing_date=rng.choice([None, date(2026, 1, 1), date(2036, 1, 1)]),
                start_date=date(2026, 1, 1) + timedelta(days=rng.randint(0, 300)),
                published_at=None
                if rng.random() < undated
                else T0 + timedelta(hours=rng.randint(0, 50)),
            )
        session.commit()


def _answer(url: str, **query: Any) -> dict[str, Any]:
    page = PageParams(page=query.pop("page", 1), page_size=query.pop("page_size", 20))
    with Session(read_engine(url)) as session:
        body = operations.search_positions_json(
            session, None, PositionSearch(**query), page, ResponseCache(0, 0)
        )
    answer: dict[str, Any] = json.loads(body)
    answer["_bytes"] = body
    return answer


def _start(url: str) -> text_index._Holder:
    text_index.start(get_engine(url))
    assert text_index.wait_ready(get_engine(url), 60)
    holder = text_index._holders[text_index._key(get_engine(url))]
    return holder


QUERIES: list[dict[str, Any]] = [
    {"q": "数控"},
    {"q": "数控 编程"},
    {"q": "数控 编程", "region": "500100"},
    {"q": "焊接", "region": "500106"},
    {"q": "护理", "region": "510000"},
    {"q": "开发", "sort": "newest"},
    {"q": "五险一金", "sort": "pay"},
    {"q": "质检", "sort": "closing", "page": 2, "page_size": 7},
    {"q": "维修", "kind": "学徒"},
    {"q": "电气", "min_pay": 5000},
    {"q": "仓储", "start_from": "2026-03-01", "start_to": "2026-08-31"},
    {"q": "学徒", "closing_from": "2030-01-01"},
    {"q": "数控", "published_from": "2026-09-02"},
    {"q": "数控", "page": 3, "page_size": 15},
    {"q": "不存在的词"},
    {},
    {"region": "500100"},
    {"industry": "C"},
    {"industry": "36", "sort": "pay"},
    {"industry": "I", "q": "开发", "sort": "newest"},
    {"major": "460103"},
    {"major": "520201", "q": "护理", "sort": "newest"},
    {"kind": "apprenticeship", "sort": "closing", "page": 2},
    {"region": "510000", "min_pay": 4000, "page_size": 50},
]


def _utc(moment: datetime | None) -> datetime:
    assert moment is not None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _stamp(moment: datetime | None) -> float:
    """A publication time as a number; none: after every time (PostgreSQL's NULLS FIRST in a
    descending order — the reference is used on PostgreSQL only)."""
    return math.inf if moment is None else _utc(moment).timestamp()


def _one(session: Session, model: Any, key: Any) -> Any:
    found = session.get(model, key)
    assert found is not None
    return found


def _relevance_by_bm25(url: str, query: dict[str, Any]) -> list[str]:
    """The relevance page computed here from the rows: FTS5's bm25 (title 4, body 1, region
    words 0; statistics over every position), newest first on ties, then the id."""
    terms = query_terms(query["q"])
    with Session(get_engine(url)) as session:
        rows = session.exec(select(Position, Organization).join(Organization)).all()
    docs = []
    for position, enterprise in rows:
        title, body = position.search_title.split(), position.search_body.split()
        scope = text_index.scope_words(position.region_code)
        length = len(title) + len(body) + len(scope) + (2 if position.published_at else 0)
        docs.append((position, enterprise, title, body, scope, length))
    total = sum(d[5] for d in docs)
    average = total / len(docs)
    region = query.get("region")
    today = clock.today()
    asked = PositionSearch(**{k: v for k, v in query.items() if k not in ("page", "page_size")})
    since = None
    if asked.published_from is not None:
        since = datetime.combine(asked.published_from, datetime.min.time())
        since = since.replace(tzinfo=clock.CHINA).astimezone(UTC)

    def listed(d: Any) -> bool:
        position, enterprise, title, body, scope = d[:5]
        closing = position.closing_date
        return (
            position.status == PositionStatus.open
            and enterprise.status == OrganizationStatus.verified
            and (closing is None or closing >= today)
            and all(t in title or t in body for t in terms)
            and (region is None or f"r{region}" in scope)
            and (asked.kind is None or position.kind == asked.kind)
            and (asked.min_pay is None or (position.monthly_pay or -1) >= asked.min_pay)
            and (asked.start_from is None or position.start_date >= asked.start_from)
            and (asked.start_to is None or position.start_date <= asked.start_to)
            and (asked.closing_from is None or closing is None or closing >= asked.closing_from)
            and (
                since is None
                or (position.published_at is not None and _utc(position.published_at) >= since)
            )
        )

    found = [d for d in docs if listed(d)]

    def score(d: Any) -> float:
        value = 0.0
        for term in terms:
            hits = sum(1 for e in docs if term in e[2] or term in e[3])
            idf = max(math.log((len(docs) - hits + 0.5) / (hits + 0.5)), 1e-6)
            frequency = 4.0 * d[2].count(term) + 1.0 * d[3].count(term)
            value += idf * (frequency * 2.2) / (frequency + 1.2 * (0.25 + 0.75 * d[5] / average))
        return value

    newest = sorted(found, key=lambda d: (-_stamp(d[0].published_at), d[0].id))[:1000]
    ranked = sorted(
        newest, key=lambda d: (round(-score(d), 9), -_stamp(d[0].published_at), d[0].id)
    )
    return [str(d[0].id) for d in ranked]


def test_the_index_sends_what_the_database_sends(url: str, backend: str) -> None:
    _city(url)
    expected = {i: _answer(url, **dict(q)) for i, q in enumerate(QUERIES)}
    holder = _start(url)
    for i, query in enumerate(QUERIES):
        got = _answer(url, **dict(query))
        want = expected[i]
        assert (got["count"], got["count_capped"]) == (want["count"], want["count_capped"])
        if (
            backend == "sqlite"
            or "q" not in query
            or query.get("sort") != "relevance"
            and "sort" in query
        ):
            assert got["_bytes"] == want["_bytes"], query
        else:  # PostgreSQL ranks with ts_rank in the database: the same matches, bm25's order
            page = query.get("page", 1)
            size = query.get("page_size", 20)
            ranked = _relevance_by_bm25(url, dict(query))
            assert [row["id"] for row in got["data"]] == ranked[(page - 1) * size : page * size]
    assert holder.index is not None
    assert holder.index.listed > 100
    assert any(_answer(url, **q)["count"] for q in QUERIES)


def test_relevance_is_fts5s_bm25(url: str, backend: str) -> None:
    """The index's scores are FTS5's own (SQLite), and its order bm25's (both backends)."""
    _city(url, positions=250, seed=11)
    holder = _start(url)
    assert holder.index is not None
    for query in ({"q": "数控 编程"}, {"q": "护理", "region": "500100"}, {"q": "开发"}):
        got = [row["id"] for row in _answer(url, **query, page_size=100)["data"]]
        assert got == _relevance_by_bm25(url, query)[:100]
    if backend != "sqlite":
        return
    match = '{search_title search_body} : "数控" {search_title search_body} : "编程"'
    with get_engine(url).connect() as connection:
        rows = connection.execute(
            text(
                "SELECT k.position_id, bm25(position_fts, 4.0, 1.0, 0.0) FROM position_fts "
                "JOIN position_fts_key k ON k.key = position_fts.rowid "
                "JOIN position p ON p.id = k.position_id "
                "WHERE position_fts MATCH :m AND p.status = 'open'"
            ),
            {"m": match},
        ).all()
    listed = [
        (uuid.UUID(str(r[0])), r[1]) for r in rows if uuid.UUID(str(r[0])) in holder.index.docs
    ]
    listed = [(i, s) for i, s in listed if holder.index.docs[i].slot >= 0]
    assert listed
    ours = holder.index.scores([i for i, _ in listed], ["数控", "编程"], None)
    assert ours == [s for _, s in listed]  # the same doubles


def _write(url: str, change: Any) -> None:
    with Session(get_engine(url)) as session:
        change(session)
        session.commit()


def test_every_kind_of_write_is_in_the_next_answer(url: str) -> None:
    """Insert, new words, close, delete, majors, an enterprise suspended and renamed: after each
    write the index's next answer equals the database's (the kept JSON of a position included)."""
    _city(url, positions=120, seed=3)
    _start(url)
    query = {"q": "数控", "page_size": 50, "sort": "newest"}  # PostgreSQL's database: ts_rank
    with Session(get_engine(url)) as session:
        some = session.exec(
            select(Position).where(Position.status == PositionStatus.open).limit(5)
        ).all()
        ids = [p.id for p in some]
        enterprise_id = some[0].enterprise_id

    def new_position(session: Session) -> None:
        make_position(
            session,
            _one(session, Organization, enterprise_id),
            title="数控编程新岗位",
            description="数控",
            published_at=datetime.now(UTC).replace(tzinfo=None),
        )

    def new_words(session: Session) -> None:
        position = _one(session, Position, ids[1])
        position.search_title = "数控 数控 新词"
        session.add(position)

    def close(session: Session) -> None:
        position = _one(session, Position, ids[2])
        position.status = PositionStatus.closed
        session.add(position)

    def delete(session: Session) -> None:
        for major in session.exec(select(PositionMajor).where(PositionMajor.position_id == ids[3])):
            session.delete(major)
        session.flush()
        session.delete(_one(session, Position, ids[3]))

    def suspend(session: Session) -> None:
        enterprise = _one(session, Organization, enterprise_id)
        enterprise.status = OrganizationStatus.suspended
        session.add(enterprise)

    def reinstate_and_rename(session: Session) -> None:
        enterprise = _one(session, Organization, enterprise_id)
        enterprise.status = OrganizationStatus.verified
        enterprise.name = "改名后的数控企业有限公司"
        session.add(enterprise)

    def new_industry(session: Session) -> None:
        enterprise = _one(session, Organization, enterprise_id)
        enterprise.industry_code = "8411" if enterprise.industry_code != "8411" else "3670"
        session.add(enterprise)

    def majors(session: Session) -> None:
        session.add(PositionMajor(position_id=ids[4], major_code="460101"))

    before = _answer(url, **query)
    changes = (new_position, new_words, close, delete, suspend, reinstate_and_rename, majors)
    filtered = ({"major": "460101", "q": "数控"}, {"industry": "Q"}, {"industry": "C"})
    for change in (*changes, new_industry):
        _write(url, change)
        got = _answer(url, **query)
        others = [_answer(url, **q) for q in filtered]
        text_index.stop()
        want = _answer(url, **query)  # the database's answer
        assert got["_bytes"] == want["_bytes"], change.__name__
        for asked, other in zip(filtered, others, strict=True):
            assert other["_bytes"] == _answer(url, **asked)["_bytes"], (change.__name__, asked)
        _start(url)
    assert before["_bytes"] != got["_bytes"]
    names = {row["enterprise_name"] for row in got["data"]}
    assert "改名后的数控企业有限公司" in names


def test_a_transaction_that_commits_after_a_later_one_is_not_missed(url: str, backend: str) -> None:
    """PostgreSQL hands out the log's numbers before commit: a row numbered below one already
    read must still be applied once its transaction commits."""
    if backend == "sqlite":
        pytest.skip("SQLite's writers take turns: the log's order is the commit order")
    _city(url, positions=20, seed=5)
    _start(url)
    engine = get_engine(url)
    with Session(engine) as session:
        enterprise = session.exec(
            select(Organization).where(Organization.status == OrganizationStatus.verified)
        ).first()
        assert enterprise is not None
    now = datetime.now(UTC).replace(tzinfo=None)

    def welding(session: Session, title: str) -> None:
        owner = _one(session, Organization, enterprise.id)
        make_position(session, owner, title=title, description="焊接", published_at=now)

    early = Session(engine)
    welding(early, "早开始的焊接岗位")  # its log row is numbered now, not yet visible
    _write(url, lambda session: welding(session, "后提交的焊接岗位"))
    titles = {row["title"] for row in _answer(url, q="焊接", page_size=100)["data"]}
    assert "后提交的焊接岗位" in titles
    assert "早开始的焊接岗位" not in titles
    early.commit()
    early.close()
    titles = {row["title"] for row in _answer(url, q="焊接", page_size=100)["data"]}
    assert "早开始的焊接岗位" in titles


def test_many_changes_at_once_rebuild_it_while_the_database_answers(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _city(url, positions=60, seed=9)
    holder = _start(url)
    monkeypatch.setattr(text_index, "MAX_APPLY", 5)
    gate = threading.Event()
    real_build = text_index.build

    def slow_build(connection: Any) -> text_index.TextIndex:
        gate.wait(30)
        return real_build(connection)

    monkeypatch.setattr(text_index, "build", slow_build)

    def many(session: Session) -> None:
        enterprise = session.exec(
            select(Organization).where(Organization.status == OrganizationStatus.verified)
        ).first()
        assert enterprise is not None
        for i in range(10):
            make_position(
                session,
                enterprise,
                title=f"批量护理岗位{i}",
                description="护理",
                published_at=T0 + timedelta(days=60),
            )

    _write(url, many)
    during = _answer(url, q="护理", sort="newest", page_size=100)
    assert holder.index is None  # the database answered
    assert holder.building
    assert sum("批量护理岗位" in row["title"] for row in during["data"]) == 10
    gate.set()
    assert text_index.wait_ready(get_engine(url), 30)
    after = _answer(url, q="护理", sort="newest", page_size=100)
    assert after["_bytes"] == during["_bytes"]


METRICS_TOKEN = "index-" + uuid.uuid4().hex


def _scrape(base: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    page = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert page.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(page.text)
        for sample in family.samples
    }


def _answers(found: dict[tuple[str, frozenset[tuple[str, str]]], float], source: str) -> float:
    return found.get(("chanjiao_search_answers_total", frozenset({("source", source)})), 0.0)


def test_served_word_searches_come_from_the_index_and_see_each_write_at_once(
    url: str, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``chanjiao serve`` as deployed (SQLite with one worker, PostgreSQL with two): each worker
    builds its index in the background; a position published through the API is in the very next
    word search, answered by the index (the database's count of answers does not move)."""
    from tests.service.security.faults import add_enterprises, service

    monkeypatch.setenv("CHANJIAO_METRICS_TOKEN", METRICS_TOKEN)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.delenv("CHANJIAO_SEARCH_INDEX", raising=False)
    _city(url, positions=80, seed=13)
    [account], _ = add_enterprises(url, 1)
    workers = 2 if backend == "postgresql" else 1
    search: dict[str, str | int] = {"q": "数控 编程", "page_size": 100}
    with service(url, workers=workers, log=tmp_path / "serve.log") as running:
        running.start()
        base = running.base
        deadline = time.monotonic() + 60
        while True:  # every worker's index built (one gauge sample per worker)
            found = _scrape(base)
            built = [k for k in found if k[0] == "chanjiao_search_index_listed"]
            if len(built) == workers:
                break
            assert time.monotonic() < deadline, "the workers' search indexes were not built"
            time.sleep(0.2)
        before = httpx.get(f"{base}/api/v1/positions", params=search).json()
        headers = running.bearer(account)
        body = {
            "kind": "job",
            "title": "数控编程调试员（新）",
            "description": "负责数控设备的编程与调试。",
            "headcount": 1,
            "monthly_pay": 7000,
            "start_date": str(date.today() + timedelta(days=40)),
        }
        created = httpx.post(f"{base}/api/v1/positions", json=body, headers=headers, timeout=30)
        assert created.status_code == 201, created.text
        position_id = created.json()["id"]
        published = httpx.post(
            f"{base}/api/v1/positions/{position_id}/publish", headers=headers, timeout=30
        )
        assert published.status_code == 200, published.text
        counted = _scrape(base)
        afters = [httpx.get(f"{base}/api/v1/positions", params=search).json() for _ in range(6)]
        final = _scrape(base)
        running.stop()
    assert position_id not in [row["id"] for row in before["data"]]
    for after in afters:  # every worker, at once
        assert position_id in [row["id"] for row in after["data"]]
        assert after["count"] == before["count"] + 1
    assert _answers(final, "index") - _answers(counted, "index") == len(afters)
    assert _answers(final, "database") == _answers(counted, "database")


def test_a_renamed_region_is_shown_by_the_rebuilt_index(url: str) -> None:
    """The index keeps each shown position's JSON, names included: a catalogue write logs "anything
    may have changed" and the worker builds its index anew (the database answers meanwhile)."""
    _city(url, positions=60, seed=17)
    holder = _start(url)
    query = {"q": "数控", "region": "500106", "page_size": 50, "sort": "newest"}
    first = _answer(url, **query)
    assert first["data"], "the seeded city has 数控 positions in 沙坪坝区"
    built = holder.index

    def rename(session: Session) -> None:
        session.execute(text("UPDATE region SET name = '新沙坪坝区' WHERE code = '500106'"))

    _write(url, rename)
    during = _answer(url, **query)
    assert {row["region_name"] for row in during["data"]} == {"新沙坪坝区"}
    assert text_index.wait_ready(get_engine(url), 30)
    assert holder.index is not built
    after = _answer(url, **query)
    assert after["_bytes"] == during["_bytes"]


def test_a_fault_of_the_index_falls_back_to_the_database(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _city(url, positions=40, seed=19)
    expected = _answer(url, q="护理", sort="newest")
    holder = _start(url)

    def broken(*_: object) -> text_index.Answer:
        raise ValueError("a fault of the index")

    monkeypatch.setattr(text_index.TextIndex, "search", broken)
    assert _answer(url, q="护理", sort="newest")["_bytes"] == expected["_bytes"]
    assert holder.failures == 1
    monkeypatch.undo()
    assert text_index.wait_ready(get_engine(url), 30)
    assert _answer(url, q="护理", sort="newest")["_bytes"] == expected["_bytes"]


def test_a_search_whose_snapshot_began_before_the_index_moved_on_reads_anew(
    url: str, backend: str
) -> None:
    """SQLite: a request's read transaction keeps the snapshot of its first read. When another
    search applied newer writes in between, the index's page can name a position this snapshot
    does not hold; the search then ends its read transaction and syncs in a new one (before, a
    KeyError: a 500 under bench_search's writes)."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL's statements each read the newest rows")
    _city(url, positions=30, seed=23)
    _start(url)
    early = Session(read_engine(url))
    early.connection().exec_driver_sql("SELECT count(*) FROM position").all()  # the snapshot

    def newest(session: Session) -> None:
        enterprise = session.exec(
            select(Organization).where(Organization.status == OrganizationStatus.verified)
        ).first()
        assert enterprise is not None
        make_position(
            session,
            enterprise,
            title="最新的焊接岗位",
            description="焊接",
            published_at=T0 + timedelta(days=90),
        )

    _write(url, newest)
    assert _answer(url, q="不存在的词")["count"] == 0  # another search: the index applies it
    body = operations.search_positions_json(
        early,
        None,
        PositionSearch(q="焊接", sort="newest"),
        PageParams(page=1, page_size=20),
        ResponseCache(0, 0),
    )
    early.close()
    assert json.loads(body)["data"][0]["title"] == "最新的焊接岗位"
