"""The process's recommendation index: built and kept current in the background when served.

Each process (API worker, CLI) holds one `matching.recommend.PositionIndex` per database.

Served (``chanjiao serve``: the application's lifespan calls `start`): a thread of the worker
builds the index at start-up and swaps it in under the lock; a request only queries the last
complete index and never builds or refreshes it. Before the first build has completed a request
is answered 503 with Retry-After (`Unavailable`, "岗位推荐正在准备中"). The thread then polls
the search generation (`service.positions.search.search_generation`, one indexed read counted by
the triggers of every position and enterprise write) every ``recommendation_refresh_s``; when it
moved, it reads what changed since its watermark — the latest ``updated_at`` it has seen, less
``LOOKBACK`` because a transaction can commit a row stamped before another row already seen —
builds those records outside the lock, and applies them under it (a few rows: microseconds). A
count of open positions then checks the result (in the thread, not per query); when it disagrees
(rows deleted, an enterprise suspended, a clock far off) the index diffs all open ids and
versions. A catalogue change (the fingerprint) builds a new index outside the lock while requests
keep being answered by the old one, then swaps it in. Staleness bound: one refresh interval plus
the refresh itself.

Not served (the CLI, in-process tests): the first query builds the index and a query refreshes it
when the generation moved — a one-shot command has nobody to build it for it.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from matching.recommend import PositionIndex, PositionRecord, Recommendation, StudentProfile
from matching.resolve import MajorRecord
from service.db import read_engine
from service.errors import Unavailable
from service.positions import search
from service.recommendations import repository
from service.settings import settings

LOOKBACK = timedelta(minutes=5)


@dataclass
class _State:
    index: PositionIndex
    fingerprint: tuple[Any, ...]
    watermark: datetime | None
    industries: list[tuple[str, tuple[str, ...], str | None]]
    generation: int = -1


Fingerprint = Callable[[Session], tuple[Any, ...]]

_states: dict[str, _State] = {}
_lock = threading.Lock()  # guards _states and every index in it (queries and applied changes)
_builders: dict[str, _Builder] = {}
_builders_lock = threading.Lock()
_served = False  # set by `start`: requests never build, they wait for the background thread
# Tests: called in the builder thread after a build or a refresh has read the database, before
# the result is swapped in or applied (to make it slow).
build_hook: Callable[[], None] | None = None

log = logging.getLogger(__name__)

NOT_READY = "岗位推荐正在准备中（正在建立岗位索引），请稍后重试"


def _version(updated_at: datetime) -> str:
    return updated_at.replace(tzinfo=None).isoformat()


def _key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def region_prefix(code: str) -> str:
    """The code prefix shared by a region and everything inside it (GB/T 2260 nests by prefix)."""
    if code.endswith("0000"):
        return code[:2]
    return code[:4] if code.endswith("00") else code


def _records(
    session: Session,
    ids: Sequence[uuid.UUID] | None,
    industries: list[tuple[str, tuple[str, ...], str | None]],
) -> list[PositionRecord]:
    rows = repository.position_rows(session, ids)
    wanted = [position.id for position in rows] if ids is not None else None
    majors = repository.position_majors(session, wanted)
    classes = repository.position_classes(session, wanted)
    out = []
    # One string object for each value many positions share (enterprise, region, kind, skills,
    # majors): the index keeps every record for as long as the worker lives.
    shared: dict[str, str] = {}
    one = shared.setdefault
    for position in rows:
        industry_code = position.industry_code
        # The most specific industry first: 8411 is 护理 (841) before 健康 (84).
        matches = sorted(
            (
                -max(len(code) for code in codes if industry_code.startswith(code)),
                name,
            )
            for name, codes, region in industries
            if industry_code
            and any(industry_code.startswith(code) for code in codes)
            and (region is None or position.region_code.startswith(region_prefix(region)))
        )
        served = tuple(dict.fromkeys(name for _, name in matches))
        out.append(
            PositionRecord(
                id=str(position.id),
                title=position.title,
                enterprise=one(position.enterprise, position.enterprise),
                kind=one(str(position.kind), str(position.kind)),
                region_code=one(position.region_code, position.region_code),
                major_codes=tuple(sorted(one(c, c) for c in majors.get(position.id, []))),
                class_codes=tuple(sorted(one(c, c) for c in classes.get(position.id, []))),
                skills=tuple(one(skill, skill) for skill in position.skills),
                description=position.description,
                monthly_pay=position.monthly_pay,
                closing_date=position.closing_date,
                priority_industries=served,
                version=_version(position.updated_at),
            )
        )
    return out


def _industries(session: Session) -> list[tuple[str, tuple[str, ...], str | None]]:
    return [
        (p.name, tuple(p.industry_codes), p.region_code)
        for p in repository.priority_industries(session)
    ]


def catalogue(session: Session) -> list[MajorRecord]:
    """The major catalogue an index is fitted on."""
    return [
        MajorRecord(code=code, name=name, level=level, class_code=class_code)
        for code, name, level, class_code, _ in repository.majors(session)
    ]


def open_position_records(
    session: Session, position_ids: Sequence[uuid.UUID]
) -> list[PositionRecord]:
    """The index records of those of ``position_ids`` that are open (as the index holds them),
    for a caller that scores against a few positions of its own (placement rounds)."""
    return _records(session, position_ids, _industries(session))


def _build(session: Session, fingerprint: tuple[Any, ...]) -> _State:
    generation = search.search_generation(session)
    industries = _industries(session)
    watermark = repository.latest_update(session)
    index = PositionIndex().fit(catalogue(session), _records(session, None, industries))
    index.merge()
    return _State(index, fingerprint, watermark, industries, generation)


def _refresh(session: Session, state: _State, lock: threading.Lock | None = None) -> None:
    """Bring ``state`` up to the database: the records are read and built outside ``lock``, the
    index changed under it (when given; the caller holds it otherwise)."""
    guard = lock if lock is not None else _Held()
    generation = search.search_generation(session)
    if generation == state.generation:
        return
    index = state.index
    watermark = state.watermark
    latest: datetime | None
    if watermark is not None:
        changed = repository.changed_since(session, watermark - LOOKBACK)
        gone = [str(pid) for pid, _, is_open in changed if not is_open]
        stale = [
            pid
            for pid, updated, is_open in changed
            if is_open and index.version(str(pid)) != _version(updated)
        ]
        latest = max([watermark, *(updated for _, updated, _ in changed)])
    else:
        gone, stale, latest = [], None, repository.latest_update(session)
    records = _records(session, stale, state.industries)
    if lock is not None and build_hook is not None:
        build_hook()
    with guard:
        for pid in gone:
            index.remove(pid)
        index.add_many(records)
        state.watermark = latest
    if repository.open_count(session) != len(index):
        _reconcile(session, state, guard)
    state.generation = generation


class _Held:
    """A no-op context manager: the caller already holds the lock."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


def _reconcile(session: Session, state: _State, guard: Any) -> None:
    """Diff every open id and version against the index (the rare, slower path)."""
    index = state.index
    versions = {
        str(pid): _version(updated) for pid, updated in repository.open_versions(session).items()
    }
    with guard:
        gone = [pid for pid in index.slots_ if pid not in versions]
        stale = [uuid.UUID(pid) for pid, v in versions.items() if index.version(pid) != v]
    records = _records(session, stale, state.industries)
    with guard:
        for pid in gone:
            index.remove(pid)
        index.add_many(records)


def _release_memory() -> None:
    """Give the build's transient objects (ORM rows, records, an old index) back to the system:
    glibc keeps freed arenas in the process otherwise, and the worker's RSS stays at its peak."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused by the process instead
        pass


class _Builder:
    """The thread that builds one database's index and keeps it current (served processes)."""

    def __init__(self, key: str, engine: Engine, fingerprint: Fingerprint) -> None:
        self.key = key
        self.engine = engine
        self.fingerprint = fingerprint
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.builds = 0
        self.thread = threading.Thread(
            target=self._run, name=f"recommendation-index-{len(_builders)}", daemon=True
        )

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self.step()
            except Exception:  # the database away for a moment: try again next interval
                log.exception("推荐索引更新失败，稍后重试")
            self.wake.wait(settings.recommendation_refresh_s)
            self.wake.clear()

    def step(self) -> None:
        with Session(self.engine) as session:
            fingerprint = self.fingerprint(session)
            with _lock:
                state = _states.get(self.key)
            if state is None or state.fingerprint != fingerprint:
                fresh = _build(session, fingerprint)  # outside the lock: the old one answers
                self.builds += 1
                if build_hook is not None:
                    build_hook()
                if self.stop.is_set():
                    return
                with _lock:
                    _states[self.key] = fresh
                del state
                _release_memory()
            else:
                _refresh(session, state, _lock)


def start(engine: Engine, fingerprint: Fingerprint) -> _Builder:
    """Build ``engine``'s index in a background thread and keep it current; from now on requests
    of this process never build an index (the application's lifespan calls this)."""
    global _served
    _served = True
    key = engine.url.render_as_string(hide_password=True)
    with _builders_lock:
        builder = _builders.get(key)
        if builder is None or not builder.thread.is_alive():
            # A reader's engine: on SQLite its transactions do not wait for the write turn.
            reader = read_engine(engine.url.render_as_string(hide_password=False))
            builder = _builders[key] = _Builder(key, reader, fingerprint)
            builder.thread.start()
        return builder


def stop() -> None:
    """Stop the background threads (the lifespan's end, tests); the built indexes stay."""
    global _served
    with _builders_lock:
        builders = list(_builders.values())
        _builders.clear()
        _served = False
    for builder in builders:
        builder.stop.set()
        builder.wake.set()
    for builder in builders:
        builder.thread.join(timeout=5)  # a build under way stops before its swap


def refresh_now() -> None:
    """Ask every background thread to look at the database now (tests, after a bulk import)."""
    with _builders_lock:
        for builder in _builders.values():
            builder.wake.set()


def ready(session: Session) -> bool:
    with _lock:
        return _key(session) in _states


def wait_ready(key_of: Session | Engine, timeout: float) -> bool:
    """Whether the index of that database is built within ``timeout`` seconds (tests, benches)."""
    key = (
        _key(key_of)
        if isinstance(key_of, Session)
        else key_of.url.render_as_string(hide_password=True)
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            if key in _states:
                return True
        time.sleep(0.01)
    return False


def recommend(
    session: Session,
    fingerprint: Fingerprint,
    student: StudentProfile,
    k: int,
    today: date,
    major_terms: Sequence[str],
) -> tuple[list[Recommendation], int]:
    """The student's top-k from the index of ``session``'s database; also how many positions the
    index holds.

    Served: the last complete index, as the background thread left it (503 `Unavailable` before
    its first build; a database nobody started a thread for gets one now). Otherwise the index is
    built or refreshed here first. One lock covers the query and every change applied to the
    index, so requests of one process take turns rather than read a half-written row.
    """
    key = _key(session)
    if _served:
        with _lock:
            state = _states.get(key)
            if state is not None:
                results = state.index.recommend(student, k=k, today=today, major_terms=major_terms)
                return results, len(state.index)
        start(session.get_bind().engine, fingerprint)
        raise Unavailable(NOT_READY)
    with _lock:
        state = _states.get(key)
        current = fingerprint(session)
        if state is None or state.fingerprint != current:
            state = _states[key] = _build(session, current)
        else:
            _refresh(session, state)
        results = state.index.recommend(student, k=k, today=today, major_terms=major_terms)
        return results, len(state.index)


def forget() -> None:
    """Drop every index of this process (tests, catalogue reloads)."""
    with _lock:
        _states.clear()
