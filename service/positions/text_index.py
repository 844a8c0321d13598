"""Each process's index of the positions taking applications, for searches with words.

Why: a word search in the database cost 8–10 ms of server CPU at 20 000 positions (SQLite's FTS5
joined to the positions, bm25 over every match that passes the filters; PostgreSQL's windows and
``ts_rank``), so a worker answered ~70 searches a second while a bare endpoint answered over a
thousand (bench/bench_search.py). Here the words of every position are held in memory: the
postings of the listed positions (open, of a verified enterprise) as sorted arrays of slots with
each word's weighted frequency, and per slot the columns the filters and orders read. A search
intersects the arrays with numpy and never reads the positions' table for its matches.

Relevance is FTS5's bm25 as the SQLite path computes it — the title weighted 4, the body 1, the
region word 0, k1 = 1.2, b = 0.75, the document frequencies, row count and average length over
every position in the database (FTS5 indexes every row), ``-1 × score`` ordered ascending with
the newest first and the id on ties — so that on SQLite the two paths give the same pages, counts
and order (``tests/service/positions/test_text_index.py`` compares them, and the index's scores
with ``bm25(position_fts, 4.0, 1.0)``). On PostgreSQL the index ranks the same way: relevance
is then the same on both databases, where the database path ranks with ``ts_rank``.

Current at every search (staleness bound: none). Triggers log every write that can change a
position's answer in ``search_change`` (migration 0030, migrations/search_changes.py), in the
writer's transaction. Before answering, a search reads the rows past the last one the index
applied (one indexed read, usually empty), re-reads those positions and applies them, under the
index's lock. PostgreSQL hands out sequence numbers before commit, so a row can appear below
rows already read: the index remembers the transactions in flight at each read
(``pg_current_snapshot``) and reads their rows too until they have ended.

Built in a thread of the worker at start-up (``start``; ``CHANJIAO_SEARCH_INDEX=false`` turns it
off); until it is ready, or when a search asks what it does not hold (an industry or a major, a
single character, closed positions, a region below county level), the database path answers. When
more than ``MAX_APPLY`` changes wait (a large import), or nobody searched for ``MAX_IDLE``, or a
TRUNCATE, a new index is built in the background while the database answers. A process holding
more than ``settings.search_index_max_positions`` positions builds none.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from sys import intern
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlmodel import Session

from models import OrganizationStatus, PositionKind, PositionStatus
from service import metrics

log = logging.getLogger(__name__)

# FTS5's bm25 (fts5_aux.c) with the table's rank: bm25(4.0, 1.0, 0.0) (migration 0013: the
# region words select, they do not rank; they still count in a row's length).
K1 = 1.2
B = 0.75
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0
SCOPE_WEIGHT = 0.0
MAX_APPLY = 2_000  # changes applied inside a search; more: rebuild in the background
MAX_FRAGMENTS = 50_000  # positions' JSON kept per process (~1 KB each)
MAX_IDLE_S = 6 * 3600  # no search for this long: rebuild (the log keeps a day)
NO_CLOSING = np.int32(2**31 - 1)
_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)
_KINDS = {kind.value: i for i, kind in enumerate(PositionKind)}
_LOW64 = (1 << 64) - 1
_NULL_FIRST = np.iinfo(np.int64).max
_NULL_LAST = np.iinfo(np.int64).min + 1  # negated in the orders: must not overflow

_AGGREGATE = {
    "sqlite": "group_concat(major_code, ' ')",
    "postgresql": "string_agg(major_code, ' ')",
}


def _rows(dialect: str) -> str:
    """The statement reading what the index holds of each position (the columns ``put`` reads)."""
    return (
        "SELECT p.id, p.status, o.status, p.search_title, p.search_body, p.region_code, "
        "p.published_at, p.closing_date, p.kind, p.monthly_pay, p.start_date, p.enterprise_id, "
        f"o.industry_code, (SELECT {_AGGREGATE[dialect]} FROM position_major m "
        "WHERE m.position_id = p.id) "
        "FROM position p JOIN organization o ON o.id = p.enterprise_id"
    )


def scope_words(region_code: str) -> list[str]:
    """The region words FTS5 indexes for a position (migration 0013's trigger)."""
    return [f"r{region_code}", f"r{region_code[:4]}00", f"r{region_code[:2]}0000"]


def _micros(moment: datetime | None) -> int:
    if moment is None:
        return 0
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (moment - _EPOCH) // _MICROSECOND


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _enum(value: Any) -> str:
    return str(getattr(value, "value", value))


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


@dataclass(slots=True)
class _Doc:
    """What a position adds to the statistics, and its slot when it is listed (else -1)."""

    words: tuple[str, ...]  # distinct words of the title and body
    scope: tuple[str, ...]  # distinct region words
    length: int  # tokens of the title, body and region/date words (FTS5's row size)
    slot: int


class _Postings:
    """Slots (ascending: a slot is never reused) and each one's weighted frequency, with numpy
    copies of both kept until the next slot is added."""

    __slots__ = ("slots", "weights", "_arrays")

    def __init__(self) -> None:
        self.slots = array("q")
        self.weights = array("d")
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None

    def add(self, slot: int, weight: float) -> None:
        self.slots.append(slot)
        self.weights.append(weight)
        self._arrays = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._arrays is None:
            self._arrays = (
                np.array(self.slots, dtype=np.int64),
                np.array(self.weights, dtype=np.float64),
            )
        return self._arrays


@dataclass
class Query:
    """What a search asks of the index (built by `service.positions.operations`)."""

    terms: Sequence[str]
    region_word: str | None
    sort: str
    offset: int
    limit: int
    cap: int
    today: date
    kind: str | None = None
    enterprise_id: uuid.UUID | None = None
    min_pay: float | None = None
    published_since: datetime | None = None
    start_from: date | None = None
    start_to: date | None = None
    closing_from: date | None = None
    # The enterprise's industry code starts with one of these (a 门类 letter: its 大类 codes).
    industry_prefixes: tuple[str, ...] | None = None
    majors: Sequence[str] | None = None  # asks for one of these majors


@dataclass
class Answer:
    ids: list[uuid.UUID]
    count: int
    capped: bool
    # The entries the ids were found under, and whether the index was no newer than the
    # search's own snapshot (then a page rendered from the search's reads may be kept).
    docs: list[_Doc] = field(default_factory=list)
    index: TextIndex | None = None
    fresh: bool = False


_COLUMNS = {
    "alive": np.bool_,
    "published": np.int64,
    "dated": np.bool_,
    "closing": np.int32,
    "kind": np.int8,
    "pay": np.float64,
    "start": np.int32,
    "length": np.float64,
    "hi": np.uint64,
    "lo": np.uint64,
    "enterprise": np.int32,
}


@dataclass
class TextIndex:
    """The index of one database (see the module's docstring). Not thread-safe by itself: the
    process's `_Holder` serialises its use."""

    docs: dict[uuid.UUID, _Doc] = field(default_factory=dict)
    document_frequency: dict[str, int] = field(default_factory=dict)
    scope_frequency: dict[str, int] = field(default_factory=dict)
    tokens: int = 0
    postings: dict[str, _Postings] = field(default_factory=dict)
    scope_postings: dict[str, _Postings] = field(default_factory=dict)
    ids: list[uuid.UUID] = field(default_factory=list)
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    enterprises: dict[uuid.UUID, int] = field(default_factory=dict)
    industries: dict[uuid.UUID, str] = field(default_factory=dict)  # each enterprise's
    by_industry: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict)
    major_postings: dict[str, _Postings] = field(default_factory=dict)
    listed: int = 0
    # The log's position: every row up to ``low`` is applied, and the rows of the transactions
    # in ``in_flight`` (PostgreSQL) may still appear below it.
    low: int = 0
    in_flight: frozenset[int] = frozenset()
    synced_at: float = field(default_factory=time.monotonic)
    null_published_first: bool = False  # PostgreSQL orders NULL first in a descending order
    # The JSON of listed positions as an anonymous search shows them, rendered on a page's first
    # showing; dropped when the position is applied again (and all of them on a new day).
    fragments: dict[uuid.UUID, bytes] = field(default_factory=dict)
    fragments_day: date | None = None

    def __post_init__(self) -> None:
        if not self.columns:
            self.columns = {name: np.zeros(1024, dtype=kind) for name, kind in _COLUMNS.items()}

    # Writing -----------------------------------------------------------------------------

    def put(self, row: Sequence[Any]) -> None:
        """Add or replace the position of ``row`` (as :func:`_rows` selects it)."""
        position_id = _uuid(row[0])
        self.remove(position_id)
        self.fragments.pop(position_id, None)
        # Interned: a word is held once however many positions use it (35 of 75 MB at 20 000).
        title = [intern(word) for word in str(row[3] or "").split()]
        body = [intern(word) for word in str(row[4] or "").split()]
        region = str(row[5])
        published = _datetime(row[6])
        scope = [intern(word) for word in scope_words(region)]
        words = tuple(dict.fromkeys(title + body))
        doc = _Doc(words, tuple(dict.fromkeys(scope)), 0, -1)
        doc.length = len(title) + len(body) + len(scope) + (2 if published is not None else 0)
        for word in doc.words:
            self.document_frequency[word] = self.document_frequency.get(word, 0) + 1
        for word in doc.scope:
            self.scope_frequency[word] = self.scope_frequency.get(word, 0) + 1
        self.tokens += doc.length
        self.docs[position_id] = doc
        listed = (
            _enum(row[1]) == PositionStatus.open.value
            and _enum(row[2]) == OrganizationStatus.verified.value
        )
        if listed:
            doc.slot = self._list(position_id, row, title, body, scope, published, doc.length)

    def remove(self, position_id: uuid.UUID) -> None:
        self.fragments.pop(position_id, None)
        doc = self.docs.pop(position_id, None)
        if doc is None:
            return
        for word in doc.words:
            left = self.document_frequency[word] - 1
            if left:
                self.document_frequency[word] = left
            else:
                del self.document_frequency[word]
        for word in doc.scope:
            self.scope_frequency[word] -= 1
        self.tokens -= doc.length
        if doc.slot >= 0:
            self.columns["alive"][doc.slot] = False
            self.listed -= 1

    def _list(
        self,
        position_id: uuid.UUID,
        row: Sequence[Any],
        title: list[str],
        body: list[str],
        scope: list[str],
        published: datetime | None,
        length: int,
    ) -> int:
        slot = len(self.ids)
        self.ids.append(position_id)
        if slot >= len(self.columns["alive"]):
            self.columns = {
                name: np.concatenate([values, np.zeros(len(values), dtype=values.dtype)])
                for name, values in self.columns.items()
            }
        words = [(word, TITLE_WEIGHT) for word in title] + [(word, BODY_WEIGHT) for word in body]
        _post(self.postings, slot, words)
        _post(self.scope_postings, slot, [(word, SCOPE_WEIGHT) for word in scope])
        closing = _date(row[7])
        pay = row[9]
        start = _date(row[10])
        enterprise = _uuid(row[11])
        industry = str(row[12] or "")
        if self.industries.get(enterprise) != industry:
            self.industries[enterprise] = industry
            self.by_industry.clear()
        _post(self.major_postings, slot, [(code, 0.0) for code in str(row[13] or "").split()])
        number = position_id.int
        c = self.columns
        c["alive"][slot] = True
        # Without a publication time (the service always sets one when it publishes): where each
        # database orders NULL in a descending order — last on SQLite, first on PostgreSQL.
        if published is None:
            c["published"][slot] = _NULL_FIRST if self.null_published_first else _NULL_LAST
        else:
            c["published"][slot] = _micros(published)
        c["dated"][slot] = published is not None
        c["closing"][slot] = NO_CLOSING if closing is None else closing.toordinal()
        c["kind"][slot] = _KINDS.get(_enum(row[8]), -1)
        c["pay"][slot] = math.nan if pay is None else float(pay)
        c["start"][slot] = 0 if start is None else start.toordinal()
        c["length"][slot] = length
        c["hi"][slot] = number >> 64
        c["lo"][slot] = number & _LOW64
        c["enterprise"][slot] = self.enterprises.setdefault(enterprise, len(self.enterprises))
        self.listed += 1
        return slot

    @property
    def dead(self) -> int:
        return len(self.ids) - self.listed

    # Reading -----------------------------------------------------------------------------

    def search(self, query: Query) -> Answer:
        lists: list[tuple[np.ndarray, np.ndarray, int]] = []
        for term in query.terms:
            postings = self.postings.get(term)
            if postings is None:
                return Answer([], 0, False)
            lists.append((*postings.arrays(), self.document_frequency.get(term, 0)))
        if query.region_word is not None:
            postings = self.scope_postings.get(query.region_word)
            if postings is None:
                return Answer([], 0, False)
            lists.append((*postings.arrays(), self.scope_frequency.get(query.region_word, 0)))
        if len(lists) == 1:
            candidates = lists[0][0]
        elif lists:
            # Each list marks its slots; the slots every list marked match (one pass over each
            # list, where probing one list's slots in the others cost a binary search each).
            marks = np.zeros(len(self.ids), dtype=np.int8)
            for slots, _, _ in lists:
                marks[slots] += 1
            candidates = np.flatnonzero(marks == len(lists))
        else:
            candidates = np.arange(len(self.ids), dtype=np.int64)
        if query.majors is not None:
            asked = [self.major_postings[m] for m in query.majors if m in self.major_postings]
            wanted = np.unique(np.concatenate([p.arrays()[0] for p in asked] or [candidates[:0]]))
            candidates = candidates[_members(wanted, candidates)]
        c = self.columns
        keep = c["alive"][candidates] & (c["closing"][candidates] >= query.today.toordinal())
        if query.kind is not None:
            keep &= c["kind"][candidates] == _KINDS.get(query.kind, -2)
        if query.enterprise_id is not None:
            keep &= c["enterprise"][candidates] == self.enterprises.get(query.enterprise_id, -2)
        if query.min_pay is not None:
            keep &= c["pay"][candidates] >= query.min_pay
        if query.published_since is not None:
            since = _micros(query.published_since)
            keep &= c["dated"][candidates] & (c["published"][candidates] >= since)
        if query.start_from is not None:
            keep &= c["start"][candidates] >= query.start_from.toordinal()
        if query.start_to is not None:
            keep &= c["start"][candidates] <= query.start_to.toordinal()
        if query.closing_from is not None:
            keep &= c["closing"][candidates] >= query.closing_from.toordinal()
        if query.industry_prefixes is not None:
            keep &= np.isin(c["enterprise"][candidates], self._in_industry(query.industry_prefixes))
        found = candidates[keep]
        total = len(found)
        count, capped = (query.cap, True) if total > query.cap else (total, False)
        hi, lo = c["hi"][found], c["lo"][found]
        if query.sort == "relevance" and lists and query.terms:
            if total > query.cap:
                newest = np.lexsort((lo, hi, -c["published"][found]))[: query.cap]
                found, hi, lo = found[newest], hi[newest], lo[newest]
            rank = self._rank(found, lists)
            order = np.lexsort((lo, hi, -c["published"][found], rank))
        elif query.sort == "pay":
            pay = c["pay"][found]
            order = np.lexsort((lo, hi, np.where(np.isnan(pay), np.inf, -pay)))
        elif query.sort == "closing":
            order = np.lexsort((lo, hi, c["closing"][found]))
        else:
            order = np.lexsort((lo, hi, -c["published"][found]))
        page = found[order[query.offset : query.offset + query.limit]]
        ids = [self.ids[slot] for slot in page.tolist()]
        return Answer(ids, count, capped, [self.docs[i] for i in ids], self)

    def _in_industry(self, prefixes: tuple[str, ...]) -> np.ndarray:
        """The enterprises (their numbers) whose industry code starts with one of ``prefixes``;
        kept per filter until an enterprise's industry changes."""
        found = self.by_industry.get(prefixes)
        if found is None:
            numbers = [
                self.enterprises[e]
                for e, code in self.industries.items()
                if e in self.enterprises and code.startswith(prefixes)
            ]
            found = self.by_industry[prefixes] = np.array(numbers, dtype=np.int32)
        return found

    def _rank(
        self, found: np.ndarray, lists: Sequence[tuple[np.ndarray, np.ndarray, int]]
    ) -> np.ndarray:
        """FTS5's bm25 of ``found`` (``-1 × score``), phrase by phrase in the query's order, each
        operation in the order fts5_aux.c performs it (the same doubles)."""
        rows = len(self.docs)
        average = float(self.tokens) / float(rows)
        norm = K1 * ((1 - B) + (B * self.columns["length"][found]) / average)
        score = np.zeros(len(found), dtype=np.float64)
        for slots, weights, hits in lists:
            idf = math.log(((rows - hits) + 0.5) / (hits + 0.5))
            if idf <= 0.0:
                idf = 1e-6
            frequency = weights[np.searchsorted(slots, found)]
            score += idf * ((frequency * (K1 + 1.0)) / (frequency + norm))
        ranked: np.ndarray = -1.0 * score
        return ranked

    def scores(
        self, position_ids: Iterable[uuid.UUID], terms: Sequence[str], region_word: str | None
    ) -> list[float]:
        """bm25 of listed positions for a query's phrases (tests compare with FTS5's)."""
        lists = [(*self.postings[t].arrays(), self.document_frequency[t]) for t in terms]
        if region_word is not None:
            lists.append(
                (*self.scope_postings[region_word].arrays(), self.scope_frequency[region_word])
            )
        slots = np.array([self.docs[i].slot for i in position_ids], dtype=np.int64)
        scored: list[float] = self._rank(slots, lists).tolist()
        return scored


def _post(table: dict[str, _Postings], slot: int, words: Sequence[tuple[str, float]]) -> None:
    """Add ``slot`` to each word's postings in ``table`` once, with the sum of its weights (a
    word's hits in a column each count the column's weight, as FTS5's bm25 counts them)."""
    weights: dict[str, float] = {}
    for word, weight in words:
        weights[word] = weights.get(word, 0.0) + weight
    for word, weight in weights.items():
        postings = table.get(word)
        if postings is None:
            postings = table[word] = _Postings()
        postings.add(slot, weight)


def _members(slots: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Which of ``candidates`` (sorted) are in ``slots`` (sorted)."""
    if len(slots) == 0:
        return np.zeros(len(candidates), dtype=bool)
    at = np.searchsorted(slots, candidates)
    at[at == len(slots)] = 0
    found: np.ndarray = slots[at] == candidates
    return found


# The log --------------------------------------------------------------------------------------


def _snapshot(connection: Connection) -> tuple[int, int, frozenset[int]] | None:
    """PostgreSQL: (xmin, xmax, in flight) of the statement's snapshot; SQLite: None."""
    if connection.dialect.name == "sqlite":
        return None
    raw = str(connection.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar_one())
    xmin, xmax, running = raw.split(":")
    return int(xmin), int(xmax), frozenset(int(x) for x in running.split(",") if x)


def _changes(
    connection: Connection, low: int, in_flight: frozenset[int]
) -> tuple[list[tuple[int, Any, int | None]], tuple[int, int, frozenset[int]] | None]:
    """The log's rows past ``low`` and those of ``in_flight``, and the snapshot they were read
    at (PostgreSQL)."""
    if connection.dialect.name == "sqlite":
        # With the log's last row, seen or not: how far this transaction's snapshot reaches.
        # Two index reads in one statement (an OR of the two read the whole log).
        rows = connection.exec_driver_sql(
            "SELECT * FROM (SELECT seq, position_id, xid, 0 FROM search_change WHERE seq > ? "
            "ORDER BY seq) UNION ALL SELECT coalesce(max(seq), 0), NULL, NULL, 1 "
            "FROM search_change",
            (low,),
        ).all()
        return [(r[0], r[1], r[2]) for r in rows if not r[3]] + [(rows[-1][0], b"", None)], None
    # One statement: the snapshot is the one the rows were read at.
    statement = (
        "SELECT s.snap, c.seq, c.position_id, c.xid "
        "FROM (SELECT pg_current_snapshot()::text AS snap) s "
        "LEFT JOIN search_change c ON c.seq > %(low)s"
        + (" OR c.xid = ANY(%(xids)s)" if in_flight else "")
        + " ORDER BY c.seq"
    )
    rows = connection.exec_driver_sql(statement, {"low": low, "xids": sorted(in_flight)}).all()
    xmin, xmax, running = str(rows[0][0]).split(":")
    snapshot = int(xmin), int(xmax), frozenset(int(x) for x in running.split(",") if x)
    return [(r[1], r[2], r[3]) for r in rows if r[1] is not None], snapshot


def _still_running(
    xids: Iterable[int], snapshot: tuple[int, int, frozenset[int]]
) -> frozenset[int]:
    xmin, xmax, running = snapshot
    return frozenset(x for x in xids if x >= xmax or (x >= xmin and x in running))


def _read_rows(connection: Connection, ids: Sequence[uuid.UUID]) -> list[Sequence[Any]]:
    out: list[Sequence[Any]] = []
    sqlite = connection.dialect.name == "sqlite"
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        if sqlite:
            marks = ",".join("?" * len(part))
            out.extend(
                connection.exec_driver_sql(
                    f"{_rows('sqlite')} WHERE p.id IN ({marks})", tuple(i.hex for i in part)
                ).all()
            )
        else:
            out.extend(
                connection.exec_driver_sql(
                    f"{_rows('postgresql')} WHERE p.id = ANY(%(ids)s)", {"ids": list(part)}
                ).all()
            )
    return out


def build(connection: Connection) -> TextIndex:
    """A new index of every position, as of one snapshot (the caller's transaction: on PostgreSQL
    REPEATABLE READ, so that the log's position and the rows agree)."""
    index = TextIndex(null_published_first=connection.dialect.name != "sqlite")
    snapshot = _snapshot(connection)
    index.low = int(
        connection.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM search_change").scalar_one()
    )
    if snapshot is not None:
        index.in_flight = snapshot[2]
    rows = _rows(connection.dialect.name)
    result = connection.execution_options(yield_per=5_000).exec_driver_sql(rows)
    for row in result:
        index.put(row)
    return index


class Stale(Exception):
    """The index cannot be brought up to date inside a search: build a new one."""


def sync(index: TextIndex, connection: Connection) -> bool:
    """Apply the log's rows the index has not seen (see the module's docstring). True when the
    index is now no newer than what ``connection`` reads (SQLite: its snapshot reaches the
    index's last row; PostgreSQL's later statements read newer rows anyway)."""
    rows, snapshot = _changes(connection, index.low, index.in_flight)
    reach = 0
    if snapshot is None:  # SQLite: the last row is how far the snapshot reaches
        reach = int(rows.pop()[0])
        rows = [r for r in rows if r[0] > index.low]
    if rows:
        ids = list(dict.fromkeys(r[1] for r in rows))
        if None in ids or len(ids) > MAX_APPLY:
            raise Stale
        present = {_uuid(row[0]): row for row in _read_rows(connection, [_uuid(i) for i in ids])}
        for position_id in (_uuid(i) for i in ids):
            row = present.get(position_id)
            if row is None:
                index.remove(position_id)
            else:
                index.put(row)
        index.low = max(index.low, max(r[0] for r in rows))
    index.synced_at = time.monotonic()
    if snapshot is not None:
        index.in_flight = _still_running(index.in_flight | snapshot[2], snapshot)
        return True
    return reach >= index.low


def prune(session: Session) -> int:
    """The nightly job: delete the log's rows older than a day (an index that has not read the
    log for ``MAX_IDLE_S`` builds itself anew instead). Returns the rows deleted."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        statement = "DELETE FROM search_change WHERE changed_at < datetime('now', '-1 day')"
    else:
        statement = "DELETE FROM search_change WHERE changed_at < LOCALTIMESTAMP - interval '1 day'"
    return int(connection.exec_driver_sql(statement).rowcount)


# The process's index ----------------------------------------------------------------------------


class _Holder:
    """One database's index in this process, its lock and its builder thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.index: TextIndex | None = None
        self.building = False
        self.failures = 0
        self.skipped = False  # more positions than settings.search_index_max_positions

    def rebuild(self) -> None:
        """Build a new index in a thread; searches use the database until it is swapped in."""
        with self.lock:
            if self.building:
                return
            self.building = True
            self.index = None
        threading.Thread(target=self._build, name="search-index", daemon=True).start()

    def _build(self) -> None:
        from service.settings import settings

        began = time.monotonic()
        try:
            with self.engine.connect() as connection:
                if connection.dialect.name != "sqlite":
                    connection = connection.execution_options(isolation_level="REPEATABLE READ")
                with connection.begin():
                    count = int(
                        connection.exec_driver_sql("SELECT count(*) FROM position").scalar_one()
                    )
                    if count > settings.search_index_max_positions:
                        log.info("search index not built: %d positions", count)
                        self.skipped = True
                        return
                    index = build(connection)
            with self.lock:
                self.index = index
            metrics.SEARCH_INDEX_BUILD.observe(time.monotonic() - began)
            metrics.SEARCH_INDEX_LISTED.set(index.listed)
            log.info(
                "search index built: %d positions, %d listed, %.1f s",
                len(index.docs),
                index.listed,
                time.monotonic() - began,
            )
        except Exception:
            self.failures += 1
            log.exception("search index build failed")
        finally:
            with self.lock:
                self.building = False

    def search(self, session: Session, query: Query) -> Answer | None:
        """The answer from the index brought up to date in ``session``'s transaction, or None
        (not built, being rebuilt)."""
        with self.lock:
            index = self.index
            if index is None:
                return None
            if time.monotonic() - index.synced_at > MAX_IDLE_S or index.dead > max(
                10_000, index.listed
            ):
                stale = True
            else:
                try:
                    fresh = sync(index, session.connection())
                    if not fresh and _reading(session):
                        # SQLite: this read transaction's snapshot began before another
                        # search applied newer writes; its page could name positions it
                        # cannot read. A new snapshot, begun under the lock, reaches them.
                        session.commit()
                        fresh = sync(index, session.connection())
                    stale = False
                except Stale:
                    stale = True
            if not stale:
                try:
                    answer = index.search(query)
                except Exception:  # a fault of the index must not fail the search
                    log.exception("search index query failed; building it anew")
                    self.failures += 1
                else:
                    answer.fresh = fresh
                    return answer
        self.rebuild()
        return None

    def fragments(self, answer: Answer, day: date) -> dict[uuid.UUID, bytes]:
        """The kept JSON of the answer's positions (those kept)."""
        with self.lock:
            index = answer.index
            if index is None or index is not self.index:
                return {}
            if index.fragments_day != day:
                index.fragments.clear()
                index.fragments_day = day
            kept = index.fragments
            return {i: kept[i] for i in answer.ids if i in kept}

    def keep(self, answer: Answer, rendered: dict[uuid.UUID, bytes], day: date) -> None:
        """Keep the JSON rendered for the answer's positions, where the index still holds the
        entries they were found under and the rendering read no older rows than the index's."""
        with self.lock:
            index = answer.index
            if not answer.fresh or index is None or index is not self.index:
                return
            if index.fragments_day != day:
                return
            if len(index.fragments) + len(rendered) > MAX_FRAGMENTS:
                index.fragments.clear()
            for position_id, doc in zip(answer.ids, answer.docs, strict=True):
                body = rendered.get(position_id)
                if body is not None and index.docs.get(position_id) is doc:
                    index.fragments[position_id] = body


def _reading(session: Session) -> bool:
    """A read session on SQLite (``BEGIN DEFERRED``) holding no writes: its transaction can end
    and a new one begin without changing what the request does. A write session (``BEGIN
    IMMEDIATE``) holds the write turn from its start, so no search applied anything newer."""
    connection = session.connection()
    return (
        connection.dialect.name == "sqlite"
        and connection.get_execution_options().get("sqlite_begin") == "DEFERRED"
        and not (session.new or session.dirty or session.deleted)
    )


_holders: dict[str, _Holder] = {}
_holders_lock = threading.Lock()


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def start(engine: Engine) -> None:
    """Served: build this worker's index in the background (the application's lifespan)."""
    with _holders_lock:
        holder = _holders.setdefault(_key(engine), _Holder(engine))
    holder.rebuild()


def stop() -> None:
    with _holders_lock:
        _holders.clear()


def holder_for(session: Session) -> _Holder | None:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _holders.get(_key(engine))


def state() -> str:
    """This process's index: ``ready``, ``building`` (the database answers) or ``off``."""
    with _holders_lock:
        holders = list(_holders.values())
    states = {
        "ready" if h.index is not None else "building" if h.building else "off" for h in holders
    }
    return "building" if "building" in states else "ready" if "ready" in states else "off"


def wait_ready(engine: Engine, timeout: float) -> bool:
    """Tests and benchmarks: wait until the index of ``engine`` is built."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        holder = _holders.get(_key(engine))
        if holder is not None and holder.index is not None:
            return True
        if holder is None or (not holder.building and holder.failures):
            return False
        time.sleep(0.05)
    return False
