"""Full-text search over the backend's index (SQLite FTS5, PostgreSQL tsvector): the same
results on both, relevance order, every filter, the capped count, hostile query text, and the
index kept in step by every write path."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlmodel import Session, col

from matching import search_text
from models import Organization, Position, PositionKind, PositionStatus, Role
from service.db import get_engine
from service.pagination import PageParams
from service.positions import operations
from service.positions import search as positions_search
from service.positions.schemas import PositionSearch
from service.positions.search_cache import ResponseCache
from service.transfer import operations as transfer
from service.transfer.columns import TransferKind
from tests.factories import auth_headers, make_enterprise, make_position, make_user

URL = "/api/v1/positions"


@pytest.fixture(autouse=True, params=[False, True], ids=["whole", "windows"])
def sqlite_date_windows(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test with and without SQLite's date windows (PostgreSQL always has them)."""
    monkeypatch.setattr(positions_search, "SQLITE_DATE_WINDOWS", request.param)


T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "transfer"


def keys(body: dict[str, Any], corpus: dict[str, Position]) -> list[str]:
    by_id = {str(position.id): key for key, position in corpus.items()}
    return [by_id[row["id"]] for row in body["data"]]


def post(
    session: Session, enterprise: Organization, minutes: int, majors: tuple[str, ...] = (), **f: Any
) -> Position:
    return make_position(
        session, enterprise, majors, published_at=T0 + timedelta(minutes=minutes), **f
    )


@pytest.fixture
def corpus(session: Session) -> dict[str, Position]:
    plant = make_enterprise(session, region_code="500106", industry_code="3670")
    chips = make_enterprise(session, region_code="500112", industry_code="3973")
    care = make_enterprise(session, region_code="510104", industry_code="8414")
    return {
        "lathe": post(
            session,
            plant,
            1,
            ("460103",),
            title="数控车床操作工",
            description="负责数控机床的编程与操作，熟悉FANUC系统",
            skills=["CAD", "识图"],
            monthly_pay=6500.0,
            start_date=date(2036, 7, 1),
            closing_date=date(2036, 6, 1),
        ),
        "weld": post(
            session,
            plant,
            2,
            kind=PositionKind.apprenticeship,
            title="焊接学徒",
            description="跟随师傅学习数控切割与焊接，提供住宿",
            monthly_pay=4000.0,
            start_date=date(2036, 9, 1),
            closing_date=date(2036, 8, 1),
        ),
        "robot": post(
            session,
            plant,
            3,
            ("460305",),
            title="工业机器人运维技术员",
            description="负责产线设备运维与点检",
            kind=PositionKind.internship,
            monthly_pay=5200.0,
            start_date=date(2036, 7, 15),
        ),
        "chip": post(
            session,
            chips,
            4,
            title="集成电路测试实习生",
            description="参与芯片封装测试，数控设备经验者优先",
            kind=PositionKind.internship,
            monthly_pay=None,
            start_date=date(2036, 8, 1),
            closing_date=date(2036, 7, 1),
        ),
        "nurse": post(
            session,
            care,
            5,
            ("520201",),
            title="养老护理员",
            description="负责老人日常照护，五险一金",
            monthly_pay=4800.0,
            start_date=date(2036, 10, 1),
        ),
    }


# The same table runs on SQLite and on PostgreSQL: both backends give exactly these results.
SAME_ON_BOTH = [
    ("数控", {"lathe", "weld", "chip"}),
    ("数控车床", {"lathe"}),
    ("车床 操作工", {"lathe"}),
    ("焊接 学徒", {"weld"}),
    ("fanuc", {"lathe"}),
    ("FANUC系统", {"lathe"}),
    ("ｃａｄ", {"lathe"}),  # full-width, folded
    ("识图", {"lathe"}),  # a skill
    ("护理", {"nurse"}),  # the title's sub-word, and the major 护理 asked for
    ("机器人", {"robot"}),
    ("工业机器人", {"robot"}),
    ("运维", {"robot"}),  # a word jieba's dictionary lacks
    ("集成电路", {"chip"}),
    ("芯片 封装", {"chip"}),
    ("负责", {"lathe", "robot", "nurse"}),
    ("机", {"lathe", "robot"}),  # one character: the start of a word (机床, 机器人)
    ("数控 护理", set()),
    ("电焊", set()),
    ("五险一金", {"nurse"}),
]


@pytest.mark.parametrize(("query", "expected"), SAME_ON_BOTH)
def test_the_same_results_on_both_backends(
    client: TestClient, corpus: dict[str, Position], query: str, expected: set[str]
) -> None:
    body = client.get(URL, params={"q": query}).json()
    assert set(keys(body, corpus)) == expected
    assert (body["count"], body["count_capped"]) == (len(expected), False)


def test_relevance_puts_title_matches_first(
    client: TestClient, corpus: dict[str, Position]
) -> None:
    # 数控 is in the lathe's title and description, in the others' descriptions only; newer
    # positions come first among equals.
    assert keys(client.get(URL, params={"q": "数控"}).json(), corpus)[0] == "lathe"
    by_newest = client.get(URL, params={"q": "数控", "sort": "newest"}).json()
    assert keys(by_newest, corpus) == ["chip", "weld", "lathe"]
    by_pay = client.get(URL, params={"q": "数控", "sort": "pay"}).json()
    assert keys(by_pay, corpus) == ["lathe", "weld", "chip"]
    # Without words, relevance means newest.
    assert keys(client.get(URL, params={"sort": "relevance"}).json(), corpus) == [
        "nurse",
        "chip",
        "robot",
        "weld",
        "lathe",
    ]


def test_relevance_ranks_a_title_above_a_description(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    in_body = post(session, company, 9, title="设备管理员", description="负责焊接设备保养")
    in_title = post(session, company, 1, title="焊接技术员", description="车间生产")
    body = client.get(URL, params={"q": "焊接"}).json()
    assert [row["id"] for row in body["data"]] == [str(in_title.id), str(in_body.id)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "学徒"}, ["weld"]),
        ({"kind": "实习"}, ["chip", "robot"]),
        ({"kind": "job"}, ["nurse", "lathe"]),
        ({"region": "500000"}, ["chip", "robot", "weld", "lathe"]),
        ({"region": "500112"}, ["chip"]),
        ({"industry": "39"}, ["chip"]),
        ({"major": "460103"}, ["lathe"]),
        ({"major": "工业机器人技术"}, ["robot"]),
        ({"min_pay": 5000}, ["robot", "lathe"]),
        ({"start_from": "2036-08-01"}, ["nurse", "chip", "weld"]),
        ({"start_to": "2036-07-15"}, ["robot", "lathe"]),
        ({"closing_from": "2036-07-01"}, ["nurse", "chip", "robot", "weld"]),
        ({"q": "负责", "region": "500100", "min_pay": 6000}, ["lathe"]),
        ({"q": "数控", "kind": "实习", "region": "500112"}, ["chip"]),
    ],
)
def test_each_filter(
    client: TestClient, corpus: dict[str, Position], params: dict[str, Any], expected: list[str]
) -> None:
    body = client.get(URL, params={"sort": "newest", **params}).json()
    assert keys(body, corpus) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "500000"}, ["chip", "robot", "weld", "lathe"]),
        ({"region": "500112"}, ["chip"]),
        ({"q": "负责", "region": "500100", "min_pay": 6000}, ["lathe"]),
        ({"q": "数控", "kind": "实习", "region": "500112", "sort": "relevance"}, ["chip"]),
    ],
)
def test_a_broad_region_finds_the_same(
    client: TestClient,
    corpus: dict[str, Position],
    monkeypatch: pytest.MonkeyPatch,
    params: dict[str, Any],
    expected: list[str],
) -> None:
    # Every region counts as broad: compared without its index on SQLite, with the same result.
    monkeypatch.setattr(positions_search, "BROAD_REGION_ROWS", 0)
    body = client.get(URL, params={"sort": "newest", **params}).json()
    assert keys(body, corpus) == expected


def no_kept_answers(client: TestClient) -> None:
    """Every request searches: no answer kept from the one before (search_cache.py)."""
    cast(FastAPI, client.app).state.search_cache = ResponseCache(0, 0)


@pytest.mark.parametrize("sort", ["newest", "relevance"])
def test_a_region_in_most_positions_is_compared_on_their_codes_over_every_day(
    client: TestClient,
    session: Session,
    corpus: dict[str, Position],
    monkeypatch: pytest.MonkeyPatch,
    sort: str,
) -> None:
    # Over every day (the corpus's publications span minutes: the first window is every day) a
    # broad region's word leaves the text query for a range on the region codes: same results.
    no_kept_answers(client)
    params = {"q": "数控", "region": "500100", "sort": sort}
    plain = keys(client.get(URL, params=params).json(), corpus)
    asked: list[tuple[str | None, int]] = []
    window_statement = positions_search._window_statement

    def spy(session: Session, where: Any, terms: Any, region: Any, *rest: Any) -> Any:
        asked.append((region, len(where)))
        return window_statement(session, where, terms, region, *rest)

    monkeypatch.setattr(positions_search, "_window_statement", spy)
    monkeypatch.setattr(positions_search, "broad_region_words", lambda _s: {"r500100"})
    broad = client.get(URL, params=params).json()
    assert keys(broad, corpus) == plain
    assert set(plain) == {"lathe", "weld", "chip"}
    assert broad["count"] == 3
    if not positions_search.date_windows(session):
        assert asked == []  # SQLite without windows: one query over every day, as before
        return
    assert asked
    assert all(region is None for region, _ in asked), asked
    monkeypatch.setattr(positions_search, "broad_region_words", lambda _s: frozenset())
    asked.clear()
    assert keys(client.get(URL, params=params).json(), corpus) == plain
    assert asked
    assert all(region == "500100" for region, _ in asked), asked


def test_broad_region_words_come_from_postgresql_statistics(
    session: Session, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(positions_search, "_broad_regions", {})
    if backend == "sqlite":
        assert positions_search.broad_region_words(session) == frozenset()
        return
    for region, count in (("500106", 8), ("500107", 2)):
        company = make_enterprise(session, region_code=region)
        for n in range(count):
            make_position(session, company, title=f"钳工{n}", published_at=T0)
    session.execute(text("ANALYZE position"))
    words = positions_search.broad_region_words(session)
    # Eight of ten positions are in 500106; all ten in its city and province.
    assert {"r500106", "r500100", "r500000"} <= words
    assert "r500107" not in words
    assert not any(word.startswith("r500106d") or word.startswith("r500106m") for word in words)


def test_window_statements_follow_each_filter_value(
    client: TestClient, corpus: dict[str, Position]
) -> None:
    # PostgreSQL keeps a window's statement by its shape and its filters' values: asked in
    # turn, each minimum pay and kind gets the answer it gets when nothing is kept.
    no_kept_answers(client)
    asks: list[dict[str, Any]] = [
        {"min_pay": 6000},
        {"min_pay": 3000},
        {"kind": "学徒"},
        {"kind": "实习"},
        {"min_pay": 6000},
        {},
    ]

    def ask(extra: dict[str, Any]) -> list[str]:
        params = {"q": "数控", "sort": "newest", **extra}
        return keys(client.get(URL, params=params).json(), corpus)

    fresh = []
    for extra in asks:
        positions_search._WINDOW_STATEMENTS.clear()
        fresh.append(ask(extra))
    assert len({tuple(found) for found in fresh}) >= 4, fresh
    assert [ask(extra) for extra in asks] == fresh


@pytest.mark.usefixtures("corpus")
def test_a_page_past_the_matches_still_counts_them(client: TestClient) -> None:
    for sort in ("newest", "relevance"):
        params = {"q": "数控", "sort": sort, "page": 5, "page_size": 2}
        body = client.get(URL, params=params).json()
        assert body["data"] == []
        assert (body["count"], body["count_capped"]) == (
            client.get(URL, params={"q": "数控"}).json()["count"],
            False,
        )
        assert body["count"] >= 3


def test_a_search_sees_its_sessions_pending_changes(session: Session) -> None:
    # The windows run on the session's connection, which does not flush by itself.
    company = make_enterprise(session)
    found = make_position(session, company, title="磨工技师", published_at=T0)
    search = PositionSearch(q="磨工", sort="newest")
    page = PageParams(page=1, page_size=20)
    assert operations.search_positions(session, None, search, page)[1] == 1
    found.status = PositionStatus.draft  # not flushed
    assert operations.search_positions(session, None, search, page)[1] == 0


def test_published_from_is_a_local_date(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    # 16:30 UTC on 28 February is 00:30 on 1 March in Shanghai; 15:30 UTC is still 28 February.
    late = make_position(session, company, published_at=datetime(2026, 2, 28, 16, 30, tzinfo=UTC))
    make_position(session, company, published_at=datetime(2026, 2, 28, 15, 30, tzinfo=UTC))
    body = client.get(URL, params={"published_from": "2026-03-01"}).json()
    assert [row["id"] for row in body["data"]] == [str(late.id)]


@pytest.mark.usefixtures("corpus")
def test_an_unresolvable_major_name_is_a_422_with_candidates(client: TestClient) -> None:
    response = client.get(URL, params={"major": "数控技"})
    assert response.status_code == 422
    [detail] = response.json()["error"]["details"]
    assert detail["field"] == "major"
    assert "460103" in [c["code"] for c in detail["candidates"]]
    nothing = client.get(URL, params={"major": "量子炼金术"})
    assert nothing.status_code == 422
    assert nothing.json()["error"]["details"][0]["candidates"] == []
    assert client.get(URL, params={"kind": "兼职"}).status_code == 422


def test_the_count_stops_at_the_cap(
    client: TestClient, corpus: dict[str, Position], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(operations, "COUNT_CAP", 3)
    broad = client.get(URL, params={"page_size": 2}).json()
    assert (broad["count"], broad["count_capped"], broad["count_display"]) == (3, True, "3+")
    assert len(broad["data"]) == 2
    assert set(keys(client.get(URL, params={"page": 3, "page_size": 2}).json(), corpus)) == {
        "lathe"
    }
    exact = client.get(URL, params={"q": "数控"}).json()
    assert (exact["count"], exact["count_capped"], exact["count_display"]) == (3, False, "3")


CNC = {"lathe", "weld", "chip"}
ALL = {"lathe", "weld", "robot", "chip", "nurse"}
# Query syntax of either backend is plain text here: punctuation is dropped, words are words.
HOSTILE = [
    ('"', ALL),  # nothing to search for: no text filter
    ("'", ALL),
    ("*", ALL),
    ("()", ALL),
    ("\\", ALL),
    ("🔧🔩", ALL),
    ("数控*", CNC),
    ("数控:*", CNC),
    ("^数控", CNC),
    ("-数控", CNC),
    ('"数控" OR "护理"', set()),  # three words: 数控, or, 护理
    ("NEAR(数控 护理)", set()),
    ("search_title:数控", set()),
    ("数控 & 护理 | !焊接", set()),
    ("100%_", set()),
    ("a" * 64, set()),
    ("AND", set()),
    ("'); DROP TABLE position; --", set()),
]


@pytest.mark.parametrize(("query", "expected"), HOSTILE)
def test_special_characters_never_fail(
    client: TestClient, corpus: dict[str, Position], query: str, expected: set[str]
) -> None:
    response = client.get(URL, params={"q": query})
    assert response.status_code == 200
    assert set(keys(response.json(), corpus)) == expected


def test_a_control_character_in_the_query_is_refused_in_chinese(client: TestClient) -> None:
    """A search's parameters are what a person sends: a control character is a 422 naming the
    field (issue 24), not a search for the rest and never a 500."""
    response = client.get(URL, params={"q": "数控\x00"})
    assert response.status_code == 422
    assert "控制字符" in response.text


# ---------------------------------------------------------------- the index follows every write


def _search(client: TestClient, query: str) -> set[str]:
    return {row["title"] for row in client.get(URL, params={"q": query}).json()["data"]}


def test_api_create_update_and_publish_keep_the_index(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    headers = auth_headers(make_user(session, Role.enterprise, company))
    body = {
        "kind": "job",
        "title": "模具钳工",
        "description": "负责冲压模具维修",
        "majors": ["460103"],
        "skills": ["钳工"],
        "headcount": 2,
        "monthly_pay": 6000,
        "same_post_wage": 6000,
        "post_staff_count": 40,
        "start_date": "2026-12-01",
    }
    created = client.post(URL, json=body, headers=headers).json()
    assert _search(client, "模具") == set()  # a draft is not public
    published = client.post(f"{URL}/{created['id']}/publish", headers=headers)
    assert published.status_code == 200
    assert _search(client, "模具") == {"模具钳工"}
    assert _search(client, "数控技术") == {"模具钳工"}  # the asked major's name
    changed = client.patch(
        f"{URL}/{created['id']}",
        json={"title": "注塑技术员", "description": "注塑机调试", "majors": ["460305"]},
        headers=headers,
    )
    assert changed.status_code == 200
    assert _search(client, "模具") == set()
    assert _search(client, "注塑") == {"注塑技术员"}
    assert _search(client, "工业机器人") == {"注塑技术员"}
    assert _search(client, "数控技术") == set()


def test_imported_positions_are_indexed(client: TestClient, session: Session) -> None:
    for kind in (TransferKind.organizations, TransferKind.positions):
        data = (FIXTURES / f"{kind}.csv").read_bytes()
        transfer.import_file(session, kind, data, file_name=f"{kind}.csv", actor="test")
    assert _search(client, "零部件 装配") == {"汽车零部件装调学徒"}
    assert "汽车零部件装调学徒" in _search(client, "钳工")  # a skill
    assert _search(client, "尺寸 检测") == {"质检实习生"}


def test_the_sqlite_index_agrees_with_its_content(
    session: Session, backend: str, corpus: dict[str, Position]
) -> None:
    corpus["weld"].title = "氩弧焊学徒"
    operations.index_position(session, corpus["weld"], [])
    session.delete(corpus["nurse"])
    session.flush()
    if backend == "sqlite":
        session.execute(text("INSERT INTO position_fts(position_fts) VALUES ('integrity-check')"))
        found = session.execute(
            text("SELECT count(*) FROM position_fts WHERE position_fts MATCH '\"氩弧焊\"'")
        ).scalar_one()
    else:
        found = session.execute(
            text(
                "SELECT count(*) FROM position "
                "WHERE search_vector @@ to_tsquery('simple', '氩弧焊')"
            )
        ).scalar_one()
    assert found == 1


# ---------------------------------------------------------------- region words in the index


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("500000", ["chip", "weld", "lathe"]),  # province
        ("500100", ["chip", "weld", "lathe"]),  # city
        ("500106", ["weld", "lathe"]),  # county
        ("500112", ["chip"]),
        ("510000", []),
        ("510104", []),
    ],
)
def test_words_and_region_intersect_in_the_index(
    client: TestClient, corpus: dict[str, Position], region: str, expected: list[str]
) -> None:
    for sort in ("newest", "relevance"):
        body = client.get(URL, params={"q": "数控", "region": region, "sort": sort}).json()
        assert set(keys(body, corpus)) == set(expected)
        assert body["count"] == len(expected)
    newest = client.get(URL, params={"q": "数控", "region": region, "sort": "newest"}).json()
    assert keys(newest, corpus) == expected


@pytest.mark.usefixtures("corpus")
def test_a_region_word_typed_as_a_query_finds_nothing(client: TestClient) -> None:
    # The index holds r500106 for the lathe's county; a user's words match titles and bodies only.
    for query in ("r500106", "R500100", "r500000 数控"):
        body = client.get(URL, params={"q": query}).json()
        assert (body["data"], body["count"]) == ([], 0)


def test_a_moved_position_is_found_in_its_new_region(
    client: TestClient, session: Session, corpus: dict[str, Position]
) -> None:
    corpus["chip"].region_code = "510104"
    session.add(corpus["chip"])
    session.flush()
    found = client.get(URL, params={"q": "数控", "region": "510000"}).json()
    assert keys(found, corpus) == ["chip"]
    left = client.get(URL, params={"q": "数控", "region": "500100"}).json()
    assert set(keys(left, corpus)) == {"lathe", "weld"}


def test_the_sqlite_index_survives_renumbered_rowids(fresh_db_url: str, backend: str) -> None:
    """VACUUM may renumber the rowids of a table without an INTEGER PRIMARY KEY (position's key
    is a UUID), and a migration that copies the table does; the FTS5 table is keyed on
    position_fts_key's own INTEGER PRIMARY KEY, so the index still finds the right positions."""
    if backend != "sqlite":
        pytest.skip("FTS5 keys are SQLite's")
    engine = get_engine(fresh_db_url)
    with Session(engine) as writer:
        company = make_enterprise(writer)
        doomed = [
            post(writer, company, i, title=f"临时岗位{i}", description="无") for i in range(5)
        ]
        kept = post(writer, company, 9, title="数控车床操作工", description="负责数控机床")
        other = post(writer, company, 8, title="养老护理员", description="照护老人")
        writer.commit()
        kept_id, other_id = kept.id, other.id
        for position in doomed:
            writer.delete(position)
        # What a renumbering does to the positions' rowids (no trigger of the index fires).
        writer.execute(text("UPDATE position SET rowid = rowid + 1000"))
        writer.commit()
    raw = engine.raw_connection()  # outside SQLAlchemy's BEGIN: VACUUM needs no transaction
    try:
        raw.cursor().execute("VACUUM")
    finally:
        raw.close()
    with Session(engine) as reader:
        reader.execute(text("INSERT INTO position_fts(position_fts) VALUES ('integrity-check')"))
        for query, expected in (("数控", kept_id), ("护理", other_id)):
            views, count, _ = operations.search_positions(
                reader, None, PositionSearch(q=query), PageParams(page=1, page_size=20)
            )
            assert ([view.position.id for view in views], count) == ([expected], 1)


def test_pages_past_the_cap_are_the_same(
    client: TestClient, corpus: dict[str, Position], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past the cap SQLite reads positions in the order's index and probes the matches (a CROSS
    # JOIN); the pages are those of the exact path, on both backends.
    monkeypatch.setattr(operations, "COUNT_CAP", 1)

    def page(sort: str, number: int) -> list[str]:
        params = {"q": "数控", "sort": sort, "page": number, "page_size": 1}
        body = client.get(URL, params=params).json()
        assert (body["count"], body["count_capped"]) == (1, True)
        return keys(body, corpus)

    assert [page("newest", n) for n in (1, 2, 3)] == [["chip"], ["weld"], ["lathe"]]
    assert [page("pay", n) for n in (1, 2, 3)] == [["lathe"], ["weld"], ["chip"]]
    assert [page("closing", n) for n in (1, 2, 3)] == [["lathe"], ["chip"], ["weld"]]
    # Relevance ranks the newest ``COUNT_CAP`` matches only.
    assert page("relevance", 1) == ["chip"]
    assert page("relevance", 2) == []


@pytest.fixture
def months_apart(session: Session, monkeypatch: pytest.MonkeyPatch) -> dict[str, Position]:
    """数控 positions published on different days and months (UTC), a draft among them; date
    windows on, on SQLite too (off by default there, see SQLITE_DATE_WINDOWS)."""
    monkeypatch.setattr(positions_search, "SQLITE_DATE_WINDOWS", True)
    plant = make_enterprise(session, region_code="500106", industry_code="3670")
    at = {
        "june": datetime(2026, 6, 30, 23, 59, tzinfo=UTC),  # 7 月 1 日 in Beijing: June in UTC
        "may_late": datetime(2026, 5, 20, tzinfo=UTC),
        "may_early": datetime(2026, 5, 2, tzinfo=UTC),
        "march": datetime(2026, 3, 15, tzinfo=UTC),
        "last_year": datetime(2025, 11, 1, tzinfo=UTC),
        "older": datetime(2024, 1, 9, tzinfo=UTC),
    }
    found = {
        key: make_position(
            session,
            plant,
            title=f"数控编程员{n}",
            description="数控" * (n + 1),  # relevance differs from age
            published_at=moment,
        )
        for n, (key, moment) in enumerate(at.items())
    }
    found["draft"] = make_position(
        session, plant, title="数控编程员草稿", status=PositionStatus.draft, published_at=None
    )
    return found


def _window_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The date windows the search's text queries asked for (0: every month)."""
    sizes: list[int] = []
    window_statement = positions_search._window_statement

    def spy(session: Session, where: Any, terms: Any, region: Any, months: Any, *rest: Any) -> Any:
        sizes.append(len(months or ()))
        return window_statement(session, where, terms, region, months, *rest)

    monkeypatch.setattr(positions_search, "_window_statement", spy)
    return sizes


def test_the_newest_months_give_the_exact_pages(
    client: TestClient, months_apart: dict[str, Position], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The count, the newest pages and relevance's candidates are taken among the newest days' or
    # months' matches; they are those of every match, on both backends.
    newest = ["june", "may_late", "may_early", "march", "last_year", "older"]

    def page(sort: str, number: int, size: int = 1) -> dict[str, Any]:
        params = {"q": "数控 编程", "sort": sort, "page": number, "page_size": size}
        body: dict[str, Any] = client.get(URL, params=params).json()
        return body

    exact = page("newest", 1, 20)
    assert (exact["count"], exact["count_capped"]) == (6, False)
    assert keys(exact, months_apart) == newest
    sizes = _window_sizes(monkeypatch)
    assert [keys(page("newest", n), months_apart) for n in range(1, 8)] == [
        *([key] for key in newest),
        [],
    ]
    assert any(sizes), "a page of the newest read a window of dates"
    by_rank = keys(page("relevance", 1, 20), months_apart)  # every match ranked
    assert sorted(by_rank) == sorted(newest)
    for cap in (1, 2, 3, 4):
        monkeypatch.setattr(operations, "COUNT_CAP", cap)
        # The answers kept for anonymous searches were counted under the previous cap.
        cast(FastAPI, client.app).state.search_cache.clear()
        sizes.clear()
        first = page("newest", 1)
        assert (first["count"], first["count_capped"]) == (cap, True)
        assert keys(first, months_apart) == newest[:1]
        assert any(sizes), "the count was taken over a window of dates"
        assert [keys(page("newest", n), months_apart) for n in range(2, 8)] == [
            *([key] for key in newest[1:]),
            [],
        ]
        # Relevance ranks the newest ``cap`` matches, in the order of the whole ranking.
        ranked = page("relevance", 1, 20)
        expected = [key for key in by_rank if key in newest[:cap]]
        assert keys(ranked, months_apart) == expected
        assert (ranked["count"], ranked["count_capped"]) == (cap, True)
        assert keys(page("relevance", 2, 1), months_apart) == expected[1:2]


def test_each_window_is_read_once(
    client: TestClient, months_apart: dict[str, Position], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The count, the newest page and relevance's candidates come from one read of each window of
    # dates, widened until it holds more than the cap; no window is read again for the page.
    windows: list[tuple[str, ...]] = []
    window_statement = positions_search._window_statement

    def spy(session: Session, where: Any, terms: Any, region: Any, months: Any, *rest: Any) -> Any:
        windows.append(tuple(months or ()))
        return window_statement(session, where, terms, region, months, *rest)

    monkeypatch.setattr(positions_search, "_window_statement", spy)
    monkeypatch.setattr(operations, "COUNT_CAP", 2)
    for sort, first in (("newest", ["june", "may_late"]), ("relevance", None)):
        windows.clear()
        params = {"q": "数控 编程", "sort": sort, "page_size": 2}
        body = client.get(URL, params=params).json()
        assert (body["count"], body["count_capped"]) == (2, True)
        if first is not None:
            assert keys(body, months_apart) == first
        assert len(windows) >= 2, "the first day alone holds one match"
        assert len(set(windows)) == len(windows), windows


def test_a_window_widens_by_the_hours_it_covered() -> None:
    # At noon the newest day has covered 12 hours: 100 matches are 200 a day, so 1 001 matches
    # need 6.3 days with the margin (1.25 after 100), a window of 7 days from noon; by the whole
    # day's rate it would have been 13.
    noon = datetime(2026, 6, 30, 12, tzinfo=UTC)
    wider = positions_search.wider_window
    assert wider(noon, 1, 100, 1000) == 7
    assert wider(noon.replace(hour=23, minute=59), 1, 100, 1000) == 13
    # Few matches are a noisy rate: the margin is 1.81 after 20 (3 after 9 or fewer), and a
    # window grows at most 16 times over: 20 matches on the newest day's 12 hours would ask for
    # 46 days; nothing found asks for 16.
    assert wider(noon, 1, 20, 1000) == 16
    assert wider(noon, 1, 0, 1000) == 16
    assert wider(noon, 16, 0, 1000) == 16_000  # nothing in 16 days either: every day
    # 300 matches in June (its 29.5 days, the window's month word), margin 1.13: 111 days back.
    assert wider(noon, 16, 300, 1000) == 112
    assert wider(noon, 16, 29, 1000) == 256  # 29 matches would ask for 1 300 days
    assert wider(noon, 16, 30, 1000) == 1551  # 30 are a sample to trust (margin 1.57)
    assert wider(noon, 7, 1000, 1000) == 8  # always wider
    # A small sample that makes every day since the oldest publication at most twice the cap
    # reads every day at once (nothing found counts as one match).
    year = noon - timedelta(days=365)
    assert wider(noon, 1, 0, 1000, year) == 366  # ≤ 1 a half day: ≤ 730 a year
    assert wider(noon, 16, 5, 1000, year) == 366  # 5 in June's 29.5 days: 62 a year
    assert wider(noon, 1, 3, 1000, year) == 16  # 3 a half day: 2 190 a year
    assert wider(noon.replace(hour=1), 1, 0, 1000, year) == 16  # the day has just begun


def test_a_region_and_its_dates_are_matched_together(
    session: Session, months_apart: dict[str, Position]
) -> None:
    # PostgreSQL asks for one word of a region and a date (r500106m202605, migration 0015),
    # SQLite for the region's word and the dates' words: the same positions either way.
    by_id = {position.id: key for key, position in months_apart.items()}

    def found(region: str, *months: str) -> set[str]:
        match = positions_search.text_match(session, ["数控"], region=region, months=list(months))
        assert match is not None
        return {by_id[i] for i in session.execute(match.apply(select(col(Position.id)))).scalars()}

    assert found("500106", "m202605") == {"may_late", "may_early"}  # the county
    assert found("500100", "m202605", "d20260630") == {"may_late", "may_early", "june"}  # its city
    assert found("500000", "d20260315") == {"march"}  # its province
    assert found("500107", "m202605") == set()  # another county of the same city
    assert found("510100", "m202605") == set()  # another province's city
    # Three month words or more: a second condition on PostgreSQL, with the region in it.
    everything = ("m202606", "m202605", "m202603", "m202511")
    assert found("500100", *everything) == {"june", "may_late", "may_early", "march", "last_year"}
    assert found("500107", *everything) == set()
    # A position that moves takes its words along; so does a re-publication.
    june = months_apart["june"]
    june.region_code = "500107"
    session.add(june)
    session.flush()
    assert found("500106", "m202606") == set()
    assert found("500107", "m202606") == found("500100", "d20260630") == {"june"}
    june.published_at = datetime(2026, 7, 2, tzinfo=UTC)
    session.add(june)
    session.flush()
    assert found("500107", "m202606") == set()
    assert found("500107", "d20260702") == found("500000", "m202607") == {"june"}


def test_month_words_follow_publication(
    client: TestClient, session: Session, months_apart: dict[str, Position]
) -> None:
    def published_in(*months: str) -> set[str]:
        match = positions_search.text_match(session, ["数控"], months=list(months))
        assert match is not None
        found = session.execute(match.apply(select(col(Position.id)))).scalars()
        by_id = {position.id: key for key, position in months_apart.items()}
        return {by_id[position_id] for position_id in found}

    assert published_in("m202605") == {"may_late", "may_early"}
    assert published_in("m202606", "m202511") == {"june", "last_year"}
    assert published_in("d20260630", "d20260502") == {"june", "may_early"}
    # Months and days together; three words or more are a second condition on PostgreSQL.
    assert published_in("m202606", "d20260520") == {"june", "may_late"}
    assert published_in("m202606", "m202605", "d20260315") == {
        "june",
        "may_late",
        "may_early",
        "march",
    }
    days = positions_search.publication_days(session)
    assert days == (date(2026, 6, 30), date(2024, 1, 9))
    newest, oldest = days
    window = positions_search.date_window
    assert window(newest, oldest, 2) == ["d20260630", "d20260629"]
    assert window(newest, oldest, 60) == ["m202606", "m202605"]
    # A month's few days in the window are day words (May 29–31), not the whole of May.
    assert window(newest, oldest, 33) == ["m202606", "d20260531", "d20260530", "d20260529"]
    assert window(newest, oldest, 600) == [
        search_text.month_word(2024 + (month - 1) // 12, (month - 1) % 12 + 1)
        for month in range(30, 10, -1)  # 2026-06 back to 2024-11, whole
    ]
    assert window(newest, oldest, 700) is None  # three quarters of the days since the oldest
    assert window(newest, oldest, 900) is None  # every day since the oldest
    # A draft has no month; publishing it gives it one, and a re-publication moves it.
    draft = months_apart["draft"]
    draft.published_at = datetime(2026, 7, 3, tzinfo=UTC)
    draft.status = PositionStatus.open
    session.add(draft)
    session.flush()
    assert published_in("m202607") == published_in("d20260703") == {"draft"}
    older = months_apart["older"]
    older.published_at = datetime(2026, 7, 4, tzinfo=UTC)
    session.add(older)
    session.flush()
    assert published_in("m202607") == {"draft", "older"}
    assert published_in("m202401") == published_in("d20240109") == set()
    body = client.get(URL, params={"q": "数控", "sort": "newest", "page_size": 2}).json()
    assert keys(body, months_apart) == ["older", "draft"]
