"""The search engine of public positions: full-text matching in each backend's index, counts
capped and read over windows of the newest days, relevance and sorted pages."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import sqrt
from threading import Lock
from typing import Any

from cachetools import LRUCache, TTLCache
from sqlalchemy import (
    CTE,
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    column,
    delete,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Join
from sqlmodel import Session, col

from matching import search_text
from models import Position, SearchGeneration, SearchRegionGeneration
from models.position import SEARCH_FTS_KEY_TABLE, SEARCH_FTS_TABLE, SEARCH_VECTOR_COLUMN
from service.positions import repository


@dataclass(frozen=True)
class TextMatch:
    """A full-text requirement on positions, in the backend's own index.

    SQLite: the FTS5 table ``position_fts``, keyed on ``position_fts_key.key`` (an INTEGER PRIMARY
    KEY beside the position's id, which VACUUM keeps: migration 0013), matched once into a
    materialised list of (key, bm25 rank) that the positions join — joined directly, SQLite may
    drive from another index and rerun the MATCH for every row (4 s instead of 30 ms measured at
    20 000 positions). Lower ranks are better. PostgreSQL: ``search_vector @@ tsquery`` over the
    GIN index, ranked by ``ts_rank`` of the words alone (higher is better) with the same 4:1
    weight of the title. A region given to :func:`text_match` is one more word of the same query
    (``r500100``), so the index intersects words and region itself. The query text is built from
    :func:`matching.search_text.query_terms` (letters and digits only, each quoted) and bound as
    a parameter: nothing the user types is parsed as syntax.
    """

    condition: ColumnElement[bool] | None
    rank: ColumnElement[Any]
    higher_is_better: bool
    matched: CTE | None = None
    # SQLite: how many positions the index matches, and how many it holds.
    matches: int = 0
    indexed: int = 0
    # The values of the query's named parameters (to execute a statement built before again).
    params: Mapping[str, str] = field(default_factory=dict)
    # SQLite: the FTS5 table is the first table of the statement (see :func:`joined_text_match`).
    joined: bool = False

    def positions_first(self, needed: int) -> bool:
        """Whether reading positions in an order's index until ``needed`` matches are found reads
        fewer rows than joining every match: about ``needed × indexed / matches`` against
        ``matches`` (SQLite; other filters only make the first estimate larger)."""
        return self.matched is not None and needed * self.indexed < self.matches * self.matches

    def apply(self, statement: Select[Any], *, positions_first: bool = False) -> Select[Any]:
        """``statement`` (on positions) restricted to the matches. ``positions_first``: SQLite
        reads the positions in the order's index and probes the matches (for a page of a broad
        query, whose first rows come after a few hundred positions), instead of joining every
        match and sorting (11 ms against 2.4 ms for a word in 7 000 of 20 000 positions)."""
        if self.joined:
            keys = _CrossJoin(_FTS, _FTS_KEY, _FTS_KEY.c.key == _FTS.c.rowid)
            rows = _CrossJoin(keys, _POSITION, _FTS_KEY.c.position_id == col(Position.id))
            statement = statement.select_from(rows)
        elif self.matched is not None:
            keyed = _FTS_KEY.c.position_id == col(Position.id)
            matched = self.matched.c.rowid == _FTS_KEY.c.key
            if positions_first:
                inner = _CrossJoin(_POSITION, _FTS_KEY, keyed)
                statement = statement.select_from(_CrossJoin(inner, self.matched, matched))
            else:
                statement = statement.join_from(Position, _FTS_KEY, keyed).join(
                    self.matched, matched
                )
        return statement if self.condition is None else statement.where(self.condition)


class _CrossJoin(Join):
    """An inner join that SQLite keeps in the written order (its ``CROSS JOIN``)."""

    inherit_cache = True


@compiles(_CrossJoin, "sqlite")
def _compile_cross_join(element: _CrossJoin, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    left = compiler.process(element.left, **kw)
    right = compiler.process(element.right, **kw)
    kw.pop("asfrom")
    return f"{left} CROSS JOIN {right} ON {compiler.process(element.onclause, **kw)}"


_POSITION: Table = Position.__table__  # type: ignore[attr-defined]
_FTS = table(SEARCH_FTS_TABLE, column("rowid", Integer), column("rank", Float))
_FTS_KEY = table(
    SEARCH_FTS_KEY_TABLE,
    column("key", Integer),
    column("position_id", _POSITION.c.id.type),
)
_VECTOR: ColumnElement[Any] = literal_column(f"position.{SEARCH_VECTOR_COLUMN}")
# ts_rank's weights for D, C, B, A: the body is D, the title A (bm25(4.0, 1.0) on SQLite); the
# region words (B) are not in the ranked query.
_TS_WEIGHTS: ColumnElement[Any] = literal_column("'{0.25, 0.25, 0.25, 1.0}'::float4[]")
# Region scopes whose code is a word of the index (see matching.search_text.region_word).
INDEXED_REGION_LEVELS = frozenset({"province", "city", "county"})


def refresh_statistics(session: Session) -> None:
    """SQLite's planner statistics of the position tables, after a bulk write.

    Without them SQLite takes ``status = 'open'`` for a selective index and sorts every open
    position for the newest page (50 ms instead of 0.5 ms at 20 000 positions). A full ANALYZE:
    with SQLite's sampling (analysis_limit) the status index still looked selective.
    PostgreSQL's autovacuum analyses by itself.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    session.execute(text("ANALYZE position"))
    session.execute(text("ANALYZE position_major"))


def search_settings(session: Session) -> None:
    """PostgreSQL: no JIT compilation for the rest of the search's transaction. A search's cost
    estimates over a million rows pass JIT's threshold, and compiling took ~55 ms of a query that
    then ran in tens of milliseconds (EXPLAIN ANALYZE at 1 000 000 positions)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql("SET LOCAL jit = off")


# A region holding more positions than this is "broad" to SQLite's planner (see region_filter).
BROAD_REGION_ROWS = 2_000


def region_filter(session: Session, low: str, high: str) -> ColumnElement[bool]:
    """The condition "the position's region code lies in [low, high]".

    SQLite keeps no histogram of codes and takes any range on the region index for selective: it
    read the 14 000 positions of a city through that index and sorted them for a page the date
    index serves by reading ~100 (26 ms instead of ~1 ms at 20 000 positions). So on SQLite a
    region holding more than ``BROAD_REGION_ROWS`` positions (counted on its index, up to that)
    is compared on ``region_code || ''``, which no index serves. PostgreSQL's statistics judge
    the range itself.
    """
    column = col(Position.region_code)
    if session.get_bind().dialect.name != "sqlite":
        return column.between(low, high)
    probe = select(literal(1)).where(column.between(low, high)).limit(BROAD_REGION_ROWS + 1)
    rows = int(session.execute(select(func.count()).select_from(probe.subquery())).scalar_one())
    return (column if rows <= BROAD_REGION_ROWS else column.concat("")).between(low, high)


def text_match(
    session: Session,
    terms: Sequence[str],
    *,
    ranked: bool = True,
    region: str | None = None,
    months: Sequence[str] | None = None,
) -> TextMatch | None:
    """Every term appears among the position's words (a single character as a word's start), and
    the position lies in ``region`` (a province, city or county code) when given, and was
    published on one of the days or months of ``months`` (date words, :func:`date_window`);
    ``ranked`` when the order is relevance (bm25 costs SQLite a computation per match)."""
    if not terms:
        return None
    if session.get_bind().dialect.name == "sqlite":
        fts5 = search_text.fts5_query(terms, region, months)
        query = bindparam("fts_query", fts5, type_=String)
        matching = literal_column(SEARCH_FTS_TABLE).op("MATCH")(query)
        matched = (
            select(_FTS.c.rowid, _FTS.c.rank if ranked else literal(0).label("rank"))
            .where(matching)
            .cte("fts_match")
            .prefix_with("MATERIALIZED")
        )
        # Reading the index's lists alone is cheap (0.5 ms for 7 000 of 20 000 positions); the
        # largest key is the number of positions ever indexed.
        matches = session.execute(select(func.count()).select_from(_FTS).where(matching)).scalar()
        indexed = session.execute(select(func.max(_FTS_KEY.c.key))).scalar()
        return TextMatch(
            None,
            matched.c.rank,
            False,
            matched,
            int(matches or 0),
            int(indexed or 0),
            {"fts_query": fts5},
        )
    simple: ColumnElement[Any] = literal_column("'simple'::regconfig")
    params = _tsquery_params(terms, region, months)
    condition: ColumnElement[bool] = _VECTOR.op("@@")(
        func.to_tsquery(simple, bindparam("ts_query", params["ts_query"], type_=String))
    )
    if "ts_dates" in params:
        dates = bindparam("ts_dates", params["ts_dates"], type_=String)
        condition = and_(condition, _VECTOR.op("@@")(func.to_tsquery(simple, dates)))
    words = func.to_tsquery(simple, bindparam("ts_words", params["ts_words"], type_=String))
    # Normalisation 1 divides by 1 + log(length), as bm25 discounts long texts.
    rank = func.ts_rank(_TS_WEIGHTS, _VECTOR, words, 1)
    return TextMatch(condition, rank, True, params=params)


def joined_text_match(
    session: Session,
    terms: Sequence[str],
    *,
    ranked: bool = True,
    region: str | None = None,
) -> TextMatch:
    """SQLite: :func:`text_match` with the FTS5 table read first and its matches joined in the
    written order (``position_fts CROSS JOIN position_fts_key CROSS JOIN position``), so that a
    statement reads the index's matches once, checks the filters on each, and computes bm25
    (``rank``) only for the positions that pass them: the rank is a column of the select list,
    evaluated after the WHERE. The materialised list of every match with its rank
    (:func:`text_match`) computed bm25 for all of them — 3 349 matches of 数控 编程 in 500100 of
    which 702 are public and open, at 20 000 positions — and was read twice, for the count and
    for the page. No count of the matches beforehand: a single statement (:func:`text_page`)."""
    assert session.get_bind().dialect.name == "sqlite"
    fts5 = search_text.fts5_query(terms, region)
    query = bindparam("fts_query", fts5, type_=String)
    matching = literal_column(SEARCH_FTS_TABLE).op("MATCH")(query)
    rank = _FTS.c.rank if ranked else literal(0.0)
    return TextMatch(matching, rank, False, params={"fts_query": fts5}, joined=True)


def text_page(
    session: Session,
    conditions: Sequence[ColumnElement[bool]],
    text: TextMatch,
    sort: str,
    cap: int,
    offset: int,
    limit: int,
) -> NewestMatches:
    """One page of a text query's public matches and their count (up to ``cap``), in one
    statement: every match that passes the filters, materialised once with its sort keys, then
    counted and ordered (``sort``; relevance ranks the newest ``cap`` of them, as
    :func:`search_page` does). Returns the page's ids (Core rows, no ORM objects)."""
    key = _conditions_key(conditions)
    statement = None if key is None else _cached_statement(("text page", key, sort))
    if statement is None:
        statement = _text_page_statement(text, conditions, sort)
        if key is not None:
            _keep_statement(("text page", key, sort), statement)
    session.flush()  # executed on the connection (Core), which does not flush the session
    numbers = {"newest_cap": cap, "page_offset": offset, "page_limit": limit}
    found = session.connection().execute(statement, {**text.params, **numbers}).all()
    total = int(found[0].total) if found else 0
    return NewestMatches([row.id for row in found if row.id is not None], total, cap)


def _text_page_statement(
    text: TextMatch, conditions: Sequence[ColumnElement[bool]], sort: str
) -> Select[Any]:
    """:func:`text_page`'s statement: :func:`_newest_page`'s shape, with the pay and closing
    orders besides relevance and newest."""
    if sort in ("relevance", "newest"):
        return _newest_page(text, conditions, ranked=sort == "relevance")
    keys: list[Any] = [col(Position.id), col(Position.published_at)]
    keys.append(col(Position.monthly_pay) if sort == "pay" else col(Position.closing_date))
    found = (
        text.apply(select(*keys).where(*_public(conditions)))
        .cte("found")
        .prefix_with("MATERIALIZED")
    )
    pages = bindparam("page_offset", type_=Integer), bindparam("page_limit", type_=Integer)
    ordered = select(*found.c).order_by(*order_for(sort, found.c))
    page = ordered.offset(pages[0]).limit(pages[1]).subquery("page")
    counted = select(func.count().label("total")).select_from(found).subquery("counted")
    return (
        select(page.c.id, counted.c.total)
        .select_from(counted.outerjoin(page, true()))
        .order_by(*order_for(sort, page.c))
    )


def _tsquery_params(
    terms: Sequence[str], region: str | None, months: Sequence[str] | None
) -> dict[str, str]:
    """PostgreSQL: the text of :func:`text_match`'s queries: ``ts_query`` (words, region, dates),
    ``ts_dates`` (the dates as a second condition, when apart) and ``ts_words`` (for the rank)."""
    # A window of months and three words or more is a second condition on the same index, not a
    # part of the words' query: GIN then leaps between the two, where within one query it walked
    # every position of the months (their lists were taken for the required ones, each being
    # shorter than a common word's) and tested the whole query on each: 6 months took 82–137 ms
    # against 27–109 ms in the index for 数控 编程 or 质量 检验 in 500200 (EXPLAIN ANALYZE at
    # 1 000 000 positions). One or two months, and up to 14 days, were as often slower as faster
    # apart.
    apart = months is not None and len(months) > JOINED_WORDS and months[0].startswith("m")
    params = {
        "ts_query": search_text.tsquery(
            terms, None if apart else region, None if apart else months
        ),
        "ts_words": search_text.tsquery(terms),
    }
    if apart:
        params["ts_dates"] = search_text.tsquery([], region, months)
    return params


def region_code_range(code: str) -> tuple[str, str]:
    """The codes inside region ``code``, as a range, from the code alone (GB/T 2260: a province
    ``xx0000`` holds every code starting ``xx``, a city ``xxxx00`` every code starting ``xxxx``,
    a county only itself; the same ranges as `service.catalog.regions.RegionScope`, checked over
    the whole catalogue by the tests). No read of the region: the kept-answer path is one query."""
    prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
    return prefix.ljust(6, "0"), prefix.ljust(6, "9")


def search_generation(session: Session, region: str | None = None) -> int:
    """The writes counted by the search generations' triggers that can change a search of
    ``region`` (every region when None): the global count (enterprises, catalogues) plus the
    counts of the positions' regions inside it. Unchanged since a search was answered means
    nothing that answer showed or depended on was written. Both parts only grow, so their sum
    changes exactly when one of them does."""
    regional = select(func.sum(col(SearchRegionGeneration.writes)))
    if region is not None:
        low, high = region_code_range(region)
        regional = regional.where(col(SearchRegionGeneration.region_code).between(low, high))
    total = session.execute(
        select(
            select(func.sum(col(SearchGeneration.writes))).scalar_subquery(),
            regional.scalar_subquery(),
        )
    ).one()
    return int(total[0] or 0) + int(total[1] or 0)


def compact_search_generation(session: Session) -> int:
    """PostgreSQL: fold the server processes' slots into slot 0, keeping the sums (the nightly
    job; the slots of processes that have ended would otherwise accumulate). Returns the slots
    folded. A writer's slot it locks stays until the writer commits: the delete waits for it."""
    if session.get_bind().dialect.name == "sqlite":
        return 0
    folded = session.execute(
        delete(SearchGeneration)
        .where(col(SearchGeneration.slot) != 0)
        .returning(col(SearchGeneration.writes))
    ).scalars()
    counts = list(folded)
    if counts:
        session.execute(
            update(SearchGeneration)
            .where(col(SearchGeneration.slot) == 0)
            .values(writes=col(SearchGeneration.writes) + sum(counts))
        )
    by_region: dict[str, int] = {}
    for code, writes in session.execute(
        delete(SearchRegionGeneration)
        .where(col(SearchRegionGeneration.slot) != 0)
        .returning(col(SearchRegionGeneration.region_code), col(SearchRegionGeneration.writes))
    ):
        by_region[code] = by_region.get(code, 0) + writes
    if by_region:
        table = SearchRegionGeneration.__table__  # type: ignore[attr-defined]
        insert_ = pg_insert(table)
        session.execute(
            insert_.on_conflict_do_update(
                index_elements=[table.c.region_code, table.c.slot],
                set_={"writes": table.c.writes + insert_.excluded.writes},
            ),
            [{"region_code": c, "slot": 0, "writes": w} for c, w in sorted(by_region.items())],
        )
    return len(counts) + len(by_region)


def _public(conditions: Sequence[ColumnElement[bool]]) -> list[ColumnElement[bool]]:
    return [*repository.published(), *conditions]


def capped_count(
    session: Session,
    conditions: Sequence[ColumnElement[bool]],
    text: TextMatch | None,
    cap: int,
) -> tuple[int, bool]:
    """How many public positions match, counted up to ``cap``: (``cap``, True) beyond it.

    Counting stops after ``cap + 1`` rows, so a broad query over a million positions costs no
    more than a narrow one.
    """
    matching = select(col(Position.id)).where(*_public(conditions))
    if text is not None:
        matching = text.apply(matching)
    limited = matching.limit(cap + 1).subquery()
    found = int(session.execute(select(func.count()).select_from(limited)).scalar_one())
    return (cap, True) if found > cap else (found, False)


# Windows of up to this many days are lists of day words, longer ones lists of month words; windows
# of more months than MAX_WINDOW_MONTHS are not tried (the next step is every day). GIN's time
# grows with the words of a window faster than with their positions: 31 day words cost 28–34 ms
# in the index against 15 ms for the month word of the same days (数控 编程 in 500200), and a
# window of 14 days 14–25 ms.
MAX_WINDOW_DAYS = 14
MAX_WINDOW_MONTHS = 48
# PostgreSQL: windows of months of up to this many date words are words of the query itself, longer
# ones a second condition (see text_match); windows of days always are.
JOINED_WORDS = 2
# After fewer matches than SMALL_SAMPLE, a window grows at most MAX_GROWTH times over per round
# (see wider_window).
MAX_GROWTH = 16
SMALL_SAMPLE = 30


def publication_times(session: Session) -> tuple[datetime, datetime] | None:
    """The newest and the oldest publication times, in UTC (None: nothing published)."""
    column = col(Position.published_at)
    if session.get_bind().dialect.name == "sqlite":
        # Two queries: SQLite reads a lone min() or max() from the index, not both in one.
        newest = session.execute(select(func.max(column))).scalar()
        oldest = session.execute(select(func.min(column))).scalar()
    else:
        # PostgreSQL reads each from the index in one statement. On the connection (Core),
        # which does not flush the session: flushed here, before newest_matches' windows too.
        session.flush()
        newest, oldest = (
            session.connection().execute(select(func.max(column), func.min(column))).one()
        )
    if newest is None or oldest is None:
        return None
    return _utc(newest), _utc(oldest)


def publication_days(session: Session) -> tuple[date, date] | None:
    """The UTC days of the newest and of the oldest publication (None: nothing published)."""
    times = publication_times(session)
    return None if times is None else (times[0].date(), times[1].date())


def _utc(moment: datetime) -> datetime:
    # SQLite returns the stored UTC time without a zone.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _window_start(newest: date, days: int) -> date:
    """The first day of :func:`date_window`'s window of ``days`` days: that day itself while its
    month's days in the window are at most ``MAX_WINDOW_DAYS`` (as many day words), else the
    first day of its month (one month word)."""
    start = newest - timedelta(days=days - 1)
    in_month = (min(newest, _month_end(start)) - start).days + 1
    return start if in_month <= MAX_WINDOW_DAYS else start.replace(day=1)


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def date_window(newest: date, oldest: date, days: int) -> list[str] | None:
    """The index words of the positions published in (at least) the ``days`` days up to
    ``newest`` (UTC): the month word of each whole month, then the day words of the first
    month's days in the window when they are at most ``MAX_WINDOW_DAYS`` (else that whole
    month). Windows of whole months only were up to twice too wide (33 days read as two
    months). None when the window would hold three quarters of the days since ``oldest`` or
    more (every day: no date words).
    """
    start = _window_start(newest, days)
    if (newest - start) * 4 >= (newest - oldest) * 3:
        # Most days: the date words would cost the index more than the matches they leave out
        # (17 words for the newest 3 000 of 3 220 matches of 工业机器人 运维 in 500100).
        return None
    words: list[str] = []
    month = newest.replace(day=1)
    while month >= start:
        words.append(search_text.month_word(month.year, month.month))
        month = (month - timedelta(days=1)).replace(day=1)
    if len(words) > MAX_WINDOW_MONTHS:
        return None
    if start.day != 1:
        last = min(newest, _month_end(start))
        words.extend(
            search_text.day_word(last - timedelta(days=n)) for n in range(last.day - start.day + 1)
        )
    return words


def wider_window(
    newest: datetime, days: int, found: int, cap: int, oldest: datetime | None = None
) -> int:
    """The days of the next window, after ``found`` (at most ``cap``) matches in the window of
    ``days`` days up to ``newest``: enough, at the rate found per hour, for more than ``cap``.

    - The rate is taken over the hours the window covers: the newest day holds only the hours
      up to the newest publication (a day's rate taken at noon was half the real one).
    - It is taken two standard deviations low (a count of independent postings varies by about
      its square root), at least a third of it: a margin of 1 / (1 - 2/√found), 1.81 after 20
      matches, 1.25 after 100, 3 after 9 or fewer. A window too narrow costs one more round of
      the index, one too wide only the matches it reads in vain (a few microseconds each); with
      1.1 + 0.5/√found, one query in six of bench_search_pg needed a third round.
    - After fewer than ``SMALL_SAMPLE`` matches (nothing found counts as one) the estimate is
      poor: when every day since ``oldest`` is expected to hold at most ``2 × cap`` matches,
      every day at once (a month's window in a city of two thirds of the positions cost GIN
      12–16 ms before every day's 1 300 matches of 焊接 学徒 were read all the same); otherwise
      at most ``MAX_GROWTH`` times wider (3 matches of 质量 检验 in a day in 500112 had sent the
      next window to every day: 4 000 matches read in 36 ms, where 16 days and then a window
      sized by their ~50 matches take a few milliseconds each). Nothing in a wider window
      either: every day.
    """
    midnight = datetime.combine(_window_start(newest.date(), days), time(), tzinfo=UTC)
    covered = newest - midnight
    if found == 0:
        # Taken as one match, every day may be few enough; if not (the newest day may have
        # just begun), a wider window first, then every day.
        if days == 1 and oldest is not None and newest - oldest <= covered * (2 * cap):
            return max(days + 1, (newest.date() - oldest.date()).days + 1)
        return days * (MAX_GROWTH if days == 1 else 1000)
    margin = 1 / max(1 - 2 / sqrt(found), 1 / 3)
    needed = covered * (margin * (cap + 1) / found)
    first = (newest - needed).date()
    wanted = (newest.date() - first).days + 1
    if found >= SMALL_SAMPLE:
        return max(days + 1, wanted)
    if oldest is not None and (newest - oldest) * found <= covered * (2 * cap):
        return max(days + 1, (newest.date() - oldest.date()).days + 1)
    return max(days + 1, min(wanted, days * MAX_GROWTH))


# SQLite counts and pages without date windows: at 20 000 positions the windows' extra queries
# cost more than they save (bench_search's 12 queries in process: 148 ms of CPU without, 164 ms
# with; median of 7 each). The tests run with them on as well: both give the same pages.
SQLITE_DATE_WINDOWS = False


def date_windows(session: Session) -> bool:
    """Whether text queries are read over windows of the newest days on this database
    (:func:`windowed_count`, :func:`newest_matches`)."""
    return SQLITE_DATE_WINDOWS or session.get_bind().dialect.name != "sqlite"


def windowed_count(
    session: Session,
    conditions: Sequence[ColumnElement[bool]],
    terms: Sequence[str],
    region: str | None,
    cap: int,
) -> tuple[int, bool]:
    """:func:`capped_count` of a text query, counted first among the positions published in the
    newest days (their words are in the index: a few posting lists intersected), the window
    widened (:func:`wider_window`) until more than ``cap`` match or it holds every day. Counting
    every match of two common words in a city built a 180 000-row bitmap (140 ms at 1 000 000
    positions on PostgreSQL).
    """
    times = publication_times(session) if date_windows(session) else None
    days = 1
    while True:
        window = None if times is None else date_window(times[0].date(), times[1].date(), days)
        text = text_match(session, terms, ranked=False, region=region, months=window)
        found, capped = capped_count(session, conditions, text, cap)
        if capped or window is None or times is None:
            return found, capped
        days = wider_window(times[0], days, found, cap, times[1])


# A region whose word is in at least this share of the indexed positions is broad (see
# newest_matches); PostgreSQL's statistics of the index's words are read again after
# BROAD_REGIONS_SECONDS.
BROAD_REGION_SHARE = 0.6
BROAD_REGIONS_SECONDS = 600.0
_broad_regions: TTLCache[str, frozenset[str]] = TTLCache(maxsize=16, ttl=BROAD_REGIONS_SECONDS)
_broad_regions_lock = Lock()


def broad_region_words(session: Session) -> frozenset[str]:
    """PostgreSQL: the region words of the search index in at least ``BROAD_REGION_SHARE`` of
    the positions, from the planner's statistics of ``search_vector`` (its most common
    elements and their frequencies, kept by ANALYZE: no statistics, none broad). Read once per
    ``BROAD_REGIONS_SECONDS`` per database. SQLite: none."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        return frozenset()
    url = bind.engine.url.render_as_string(hide_password=True)
    with _broad_regions_lock:
        kept = _broad_regions.get(url)
    if kept is not None:
        return kept
    rows = session.connection().execute(
        text(
            "SELECT word FROM pg_stats, unnest(most_common_elems::text::text[], "
            "most_common_elem_freqs) AS element(word, share) "
            "WHERE schemaname = current_schema() AND tablename = 'position' "
            "AND attname = :column AND share >= :share AND word ~ '^r[0-9]{6}$'"
        ),
        {"column": SEARCH_VECTOR_COLUMN, "share": BROAD_REGION_SHARE},
    )
    words = frozenset(str(word) for word in rows.scalars())
    with _broad_regions_lock:
        _broad_regions[url] = words
    return words


@dataclass(frozen=True)
class NewestMatches:
    """A page of a text query's newest public matches, and how many matched in the window that
    answered (``found``: more than ``cap`` means the count is capped)."""

    page: list[uuid.UUID]
    found: int
    cap: int

    @property
    def count(self) -> tuple[int, bool]:
        """The count up to the cap, and whether it was capped (as :func:`capped_count`)."""
        return (self.cap, True) if self.found > self.cap else (self.found, False)


def newest_matches(
    session: Session,
    conditions: Sequence[ColumnElement[bool]],
    terms: Sequence[str],
    region: tuple[str, str, str] | None,
    cap: int,
    *,
    ranked: bool,
    offset: int,
    limit: int,
) -> NewestMatches | None:
    """The newest ``cap`` + 1 public matches of a text query, counted and paged in one statement
    per window: read among the positions published in the newest days, the window widened as in
    :func:`windowed_count` until more than ``cap`` match or it holds every day. As dates follow
    publication times, a window's newest matches are the whole query's. They give the count
    (capped), and the page: newest first among them, or (``ranked``) the newest ``cap`` in
    relevance order (rank, then newest, then id: :func:`search_page`'s order, which ranks the
    same matches). None when nothing is published.

    The database counts and orders them and returns the page's ids only: sending the 1 001
    matches' ids, times and ranks to be sorted in Python took as long as finding them on
    PostgreSQL at 1 000 000 positions (a broad query's three windows: 18 ms of fetching and
    sorting against 25 ms in the database).

    ``region``: (code, lowest code, highest code) of a region whose code is a word of the index.
    Over every day, a broad region (:func:`broad_region_words`) is compared on the positions'
    codes instead: its word's list is most of the index's positions, and intersecting it cost
    GIN more than the words' own (31 ms against 14 ms for 五险一金 住宿, which never meet, in
    500100, two thirds of 1 000 000 positions), while its matches are most of the words'.
    """
    times = publication_times(session)
    if times is None:
        return None
    days = 1
    while True:
        window = date_window(times[0].date(), times[1].date(), days)
        where, word = conditions, None if region is None else region[0]
        if window is None and word is not None and region is not None:
            if search_text.region_word(word) in broad_region_words(session):
                where = [*conditions, col(Position.region_code).between(region[1], region[2])]
                word = None
        statement, params = _window_statement(session, where, terms, word, window, ranked)
        numbers = {"newest_cap": cap, "page_offset": offset, "page_limit": limit}
        # Core's execution: the ORM's adds nothing to rows of ids and a count.
        found = session.connection().execute(statement, {**params, **numbers}).all()
        total = int(found[0].total) if found else 0
        if total > cap or window is None:
            return NewestMatches([row.id for row in found if row.id is not None], total, cap)
        days = wider_window(times[0], days, total, cap, times[1])


def _newest_page(
    text: TextMatch, conditions: Sequence[ColumnElement[bool]], ranked: bool
) -> Select[Any]:
    """One row per id of the page, each with the number of matches in the window (``total``);
    a single row with no id when the page is past them. The numbers are the parameters
    ``newest_cap``, ``page_offset`` and ``page_limit`` (see :func:`_window_statement`)."""
    columns: list[Any] = [col(Position.id), col(Position.published_at)]
    columns.append(text.rank.label("rank") if ranked else literal(0.0).label("rank"))
    # Every match of the window, found through the index, then the newest of them: a window
    # holds about as many matches as needed, and left to itself PostgreSQL walked the
    # publication times' index and tested every position for two common words that never
    # occur together (7 s over every day at 1 000 000 positions).
    found = (
        text.apply(select(*columns).where(*_public(conditions)))
        .cte("found")
        .prefix_with("MATERIALIZED")
    )
    pages = bindparam("page_offset", type_=Integer), bindparam("page_limit", type_=Integer)
    if ranked:
        # Relevance ranks the newest ``cap`` matches.
        cap = bindparam("newest_cap", type_=Integer)
        newest = select(*found.c).order_by(*order_for("newest", found.c)).limit(cap).subquery()
        rank = newest.c.rank.desc() if text.higher_is_better else newest.c.rank.asc()
        ordered = select(*newest.c).order_by(rank, *order_for("newest", newest.c))
    else:
        ordered = select(*found.c).order_by(*order_for("newest", found.c))
    page = ordered.offset(pages[0]).limit(pages[1]).subquery("page")
    # Every match of the window counts (more than ``cap``: capped all the same).
    counted = select(func.count().label("total")).select_from(found).subquery("counted")
    page_rank = page.c.rank.desc() if text.higher_is_better else page.c.rank.asc()
    return (
        select(page.c.id, counted.c.total)
        .select_from(counted.outerjoin(page, true()))
        .order_by(*([page_rank] if ranked else []), *order_for("newest", page.c))
    )


# Window statements built, by their shape and their conditions' values (see _window_statement).
_WINDOW_STATEMENTS: LRUCache[tuple[Any, ...], Select[Any]] = LRUCache(maxsize=256)
_WINDOW_STATEMENTS_LOCK = Lock()


def _window_statement(
    session: Session,
    conditions: Sequence[ColumnElement[bool]],
    terms: Sequence[str],
    region: str | None,
    months: Sequence[str] | None,
    ranked: bool,
) -> tuple[Select[Any], Mapping[str, str]]:
    """:func:`_newest_page`'s statement for a window, and its text parameters. On PostgreSQL the
    statement is built once for its shape and its filters' values and executed again with each
    window's words (the parameters ``ts_query``, ``ts_dates`` and ``ts_words``): building it,
    and SQLAlchemy's key for its compiled form, was half of a search's CPU (py-spy over
    bench_search_pg's queries), and a statement object keeps its key. Two condition lists are
    the same when their SQLAlchemy cache keys (the SQL they compile to) and their parameters'
    values are. SQLite's FTS5 match (its counts come with it) is built each time."""
    key: tuple[Any, ...] | None = None
    if session.get_bind().dialect.name != "sqlite":
        params = _tsquery_params(terms, region, months)
        conditions_key = _conditions_key(conditions)
        if conditions_key is not None:
            key = (conditions_key, tuple(sorted(params)), ranked)
            kept = _cached_statement(key)
            if kept is not None:
                return kept, params
    text = text_match(session, terms, ranked=ranked, region=region, months=months)
    assert text is not None
    built = _newest_page(text, conditions, ranked)
    if key is not None:
        _keep_statement(key, built)
    return built, text.params


def _conditions_key(conditions: Sequence[ColumnElement[bool]]) -> tuple[Any, ...] | None:
    """Two condition lists are the same when their SQLAlchemy cache keys (the SQL they compile
    to) and their parameters' values are (None: not cacheable)."""
    cache_key = and_(true(), *conditions)._generate_cache_key()
    if cache_key is None:
        return None
    values = tuple(repr(bound.effective_value) for bound in cache_key.bindparams)
    return (cache_key.key, values)


def _cached_statement(key: tuple[Any, ...]) -> Select[Any] | None:
    with _WINDOW_STATEMENTS_LOCK:
        return _WINDOW_STATEMENTS.get(key)


def _keep_statement(key: tuple[Any, ...], statement: Select[Any]) -> None:
    with _WINDOW_STATEMENTS_LOCK:
        _WINDOW_STATEMENTS[key] = statement


def order_for(sort: str, columns: Any = None) -> list[Any]:
    """Orders for the sort keys; the id breaks ties so that pages never overlap or skip.
    (Relevance is ordered in :func:`search_page`.) ``columns``: a subquery's columns of the same
    names instead of the position's."""
    c = columns if columns is not None else _POSITION.c
    # Public positions always have a publication time; without NULLS LAST the index on
    # published_at serves the order on both backends (SQLite would sort every row otherwise).
    newest = [c.published_at.desc(), c.id]
    if sort == "pay":
        return [c.monthly_pay.desc().nulls_last(), c.id]
    if sort == "closing":
        return [c.closing_date.asc().nulls_last(), c.id]
    return newest


def search_page(
    session: Session,
    conditions: Sequence[ColumnElement[bool]],
    text: TextMatch | None,
    sort: str,
    offset: int,
    limit: int,
    candidates: int,
    capped: bool = True,
) -> list[uuid.UUID]:
    """The ids of one page of public positions matching ``conditions``.

    Relevance ranks the ``candidates`` newest matches: all of them when the count was exact
    (``capped`` false; the count's cap is the same number), so then no newest-first pass is
    needed. Ranking every match of a broad query over a million positions took PostgreSQL
    seconds, as no index of Debian's PostgreSQL returns matches in rank order.
    The sort runs over ids only and the page's rows are read afterwards: sorting whole rows
    (descriptions included) with their joined names cost twice as much on SQLite.
    """
    statement = select(col(Position.id)).where(*_public(conditions))
    if text is not None:
        # Past the cap, the newest (or best-paid) matches come soon in the order's index.
        needed = candidates if sort == "relevance" else offset + limit
        first = capped and sort != "closing" and text.positions_first(needed)
        statement = text.apply(statement, positions_first=first)
    if text is not None and not capped:
        # At most ``candidates`` match (the count is exact up to the same cap): all the matches,
        # found through the index first, then sorted (by rank for relevance). Materialised, so
        # that no planner walks an order's index for a page of matches that are rare or absent
        # (PostgreSQL read all 1 000 000 positions in 7–9 s for two common words that never
        # occur together, estimating them independent).
        sorted_by = [
            col(Position.published_at),
            col(Position.monthly_pay),
            col(Position.closing_date),
            text.rank.label("rank"),
        ]
        found = statement.add_columns(*sorted_by).cte("found").prefix_with("MATERIALIZED")
        if sort == "relevance":
            rank = found.c.rank.desc() if text.higher_is_better else found.c.rank.asc()
            order = [rank, *order_for("newest", found.c)]
        else:
            order = order_for(sort, found.c)
        statement = select(found.c.id).order_by(*order)
    elif sort == "relevance" and text is not None:
        newest = order_for("newest")
        ranked = (
            statement.add_columns(col(Position.published_at), text.rank.label("rank"))
            .order_by(*newest)
            .limit(candidates)
            .subquery("candidates")
        )
        rank = ranked.c.rank.desc() if text.higher_is_better else ranked.c.rank.asc()
        statement = select(ranked.c.id).order_by(rank, ranked.c.published_at.desc(), ranked.c.id)
    else:
        statement = statement.order_by(*order_for(sort))
    return list(session.execute(statement.offset(offset).limit(limit)).scalars())
