"""The process's recommendation index, kept in step with the database on every request.

Each process (API worker, CLI) holds one `matching.recommend.PositionIndex` per database. Before a
query it asks the database what changed since its watermark — the latest ``updated_at`` it has
seen, less ``LOOKBACK`` because a transaction can commit a row stamped before another row already
seen — and re-reads only those rows. A count of open positions then checks the result; when it
disagrees (rows deleted, an enterprise suspended, a clock far off) the index diffs all open ids
and versions. So several workers each stay correct without talking to each other, and no request
rebuilds the index.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from matching.recommend import PositionIndex, PositionRecord, Recommendation, StudentProfile
from matching.resolve import MajorRecord
from service.recommendations import repository

LOOKBACK = timedelta(minutes=5)


@dataclass
class _State:
    index: PositionIndex
    fingerprint: tuple[Any, ...]
    watermark: datetime | None
    industries: list[tuple[str, tuple[str, ...], str | None]]


_states: dict[str, _State] = {}
_lock = threading.Lock()


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
    wanted = [position.id for position, _, _ in rows] if ids is not None else None
    majors = repository.position_majors(session, wanted)
    classes = repository.position_classes(session, wanted)
    out = []
    for position, enterprise, industry_code in rows:
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
                enterprise=enterprise,
                kind=str(position.kind),
                region_code=position.region_code,
                major_codes=tuple(sorted(majors.get(position.id, []))),
                class_codes=tuple(sorted(classes.get(position.id, []))),
                skills=tuple(position.skills),
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
    industries = _industries(session)
    watermark = repository.latest_update(session)
    index = PositionIndex().fit(catalogue(session), _records(session, None, industries))
    index.merge()
    return _State(index, fingerprint, watermark, industries)


def _refresh(session: Session, state: _State) -> None:
    index = state.index
    if state.watermark is not None:
        changed = repository.changed_since(session, state.watermark - LOOKBACK)
        stale = []
        for pid, updated, is_open in changed:
            if not is_open:
                index.remove(str(pid))
            elif index.version(str(pid)) != _version(updated):
                stale.append(pid)
            if state.watermark is None or updated > state.watermark:
                state.watermark = updated
        index.add_many(_records(session, stale, state.industries))
    else:
        state.watermark = repository.latest_update(session)
        index.add_many(_records(session, None, state.industries))
    if repository.open_count(session) != len(index):
        _reconcile(session, state)


def _reconcile(session: Session, state: _State) -> None:
    """Diff every open id and version against the index (the rare, slower path)."""
    index = state.index
    versions = {
        str(pid): _version(updated) for pid, updated in repository.open_versions(session).items()
    }
    for pid in [pid for pid in index.slots_ if pid not in versions]:
        index.remove(pid)
    stale = [uuid.UUID(pid) for pid, v in versions.items() if index.version(pid) != v]
    index.add_many(_records(session, stale, state.industries))


def recommend(
    session: Session,
    fingerprint: tuple[Any, ...],
    student: StudentProfile,
    k: int,
    today: date,
    major_terms: Sequence[str],
) -> tuple[list[Recommendation], int]:
    """The student's top-k from the index of ``session``'s database, brought up to date first;
    also how many positions the index holds.

    One lock covers the refresh and the query: the index is mutated in place, and a query costs
    a few milliseconds, so requests of one process take turns rather than read a half-written row.
    """
    key = _key(session)
    with _lock:
        state = _states.get(key)
        if state is None or state.fingerprint != fingerprint:
            state = _states[key] = _build(session, fingerprint)
        else:
            _refresh(session, state)
        results = state.index.recommend(student, k=k, today=today, major_terms=major_terms)
        return results, len(state.index)


def forget() -> None:
    """Drop every index of this process (tests, catalogue reloads)."""
    with _lock:
        _states.clear()
