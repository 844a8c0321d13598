"""The report's figures from per-(region, major, year) aggregates, kept exact by change logs.

``report_figure`` (sites, cohorts, forecasts) and ``report_demand`` (positions by kind and k) hold
``exact`` rows — the facts located at exactly one region code — and their roll-ups over the code
prefixes a report can ask for (``city`` 4 digits, ``province`` 2, ``national`` none), so any report
reads one key's rows through the primary key. Triggers log every write:

- to schools' and forecasts' facts, its (region, year) in ``report_change`` (migration 0003);
- to a position (its status, headcount, region, start, kind, majors, its enterprise's status), the
  position's id in ``report_position_change`` (migration 0029). ``report_position`` holds what each
  published position contributes to ``report_demand`` as folded in (per major: region, year, kind,
  k, headcount).

``refresh`` (the scheduled job every minute, ``chanjiao report refresh``) folds the logs in as
differences: for the logged positions, (contribution now − contribution folded), and for the
logged (region, year) pairs, (exact rows now − exact rows stored), added to the exact rows and to
each roll-up holding them. Its cost follows the writes since the last refresh, not the size of
the regions written to, and it never rebuilds in full because writes were many. ``full=True``
(nightly, or when never built) rebuilds everything; the demand rows are then summed from the
folded contributions, so the two always agree.

``read`` answers with the roll-up rows plus the same differences computed for what is still
logged, in one statement per table (one snapshot): a report equals the direct computation at any
moment, and costs more only in proportion to the writes since the last refresh. Until the first
build (no ``report_aggregate_state`` row), or when schools' facts changed in too many regions, the
report computes directly (``repository``), as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    tuple_,
    union,
    union_all,
)
from sqlmodel import Session, col

from models import (
    Cohort,
    DemandForecast,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Position,
    PositionMajor,
    Programme,
    ReportAggregateState,
    ReportChange,
    ReportDemand,
    ReportFigure,
    ReportPosition,
    ReportPositionChange,
)
from models.base import utcnow
from service.organizations import repository as organizations_repository
from service.reports import repository
from service.reports.repository import Scope

STATE = "main"
EXACT = "exact"
# Roll-up level → length of the code prefix it sums over (RegionScope's province 2, city 4).
ROLLUPS = {"city": 4, "province": 2, "national": 0}
# More pending regions than this in a report's scope: computing directly is cheaper.
MAX_PENDING_REGIONS = 200
# Logged regions recomputed per statement at a refresh (bound-parameter limits).
REFRESH_REGIONS = 200
_CHUNK = 500
# Keys per statement when the differences are written (6 key columns: SQLite's 999 parameters).
_KEY_CHUNK = 150

FIGURE_COLUMNS = (
    "sites",
    "cohorts",
    "graduates",
    "placed",
    "in_field",
    "forecasts",
    "forecast_headcount",
)
DEMAND_COLUMNS = ("positions", "headcount")

# The level and major filters of a scope, applied to a major-code column (``Scope.majors``).
MajorFilter = Callable[[Any], list[ColumnElement[bool]]]


@dataclass
class Figures:
    """The four aggregates of a report scope, in the shapes of ``repository``'s direct queries."""

    cohorts: list[tuple[str, int, int, int, int]]
    sites: list[tuple[str, int, int]]
    positions: list[tuple[str, int, str, int, int]]
    forecasts: list[tuple[str, int, int]]
    source: Literal["aggregates", "direct"] = "direct"
    refreshed_at: datetime | None = None
    pending: int = 0  # (region, year) pairs and positions changed since the refresh

    def sorted(self) -> tuple[list[Any], ...]:
        return (
            sorted(self.cohorts),
            sorted(self.sites),
            sorted(self.positions),
            sorted(self.forecasts),
        )


@dataclass
class RefreshResult:
    mode: Literal["full", "incremental"]
    pairs: int
    refreshed_at: datetime
    regions: list[str] = field(default_factory=list)
    positions: int = 0


# ---------------------------------------------------------------- exact figures (source queries)


def _regions(column: Any, codes: Sequence[str] | None) -> list[ColumnElement[bool]]:
    return [] if codes is None else [col(column).in_(list(codes))]


def _years(column: Any, years: Sequence[int] | None) -> list[ColumnElement[bool]]:
    return [] if years is None else [col(column).in_(list(years))]


def _majors(majors: MajorFilter | None, column: Any) -> list[ColumnElement[bool]]:
    return [] if majors is None else majors(column)


def _verified_schools() -> list[ColumnElement[bool]]:
    return [
        col(Organization.kind) == OrganizationKind.school,
        col(Organization.status) == OrganizationStatus.verified,
    ]


def exact_figures(
    codes: Sequence[str] | None, years: Sequence[int] | None, majors: MajorFilter | None = None
) -> Select[Any]:
    """(region, major, year, sites, cohorts, graduates, placed, in_field, forecasts, headcount).

    Grouped by the region a fact sits at: a school's region for its cohorts and programmes, the
    forecast's own region. Sites add up over regions because each school sits in one region.
    """
    school_region = col(Organization.region_code)
    offers = union(
        select(
            col(Programme.school_id).label("school_id"),
            school_region.label("region_code"),
            col(Programme.major_code).label("major_code"),
            col(Programme.year).label("year"),
        )
        .join(Organization, col(Organization.id) == col(Programme.school_id))
        .where(
            *_verified_schools(),
            *_regions(school_region, codes),
            *_years(Programme.year, years),
            *_majors(majors, col(Programme.major_code)),
        ),
        select(
            col(Cohort.school_id),
            school_region,
            col(Cohort.major_code),
            col(Cohort.graduation_year),
        )
        .join(Organization, col(Organization.id) == col(Cohort.school_id))
        .where(
            *_verified_schools(),
            *_regions(school_region, codes),
            *_years(Cohort.graduation_year, years),
            *_majors(majors, col(Cohort.major_code)),
        ),
    ).subquery()
    zero = literal(0)
    sites = select(
        offers.c.region_code,
        offers.c.major_code,
        offers.c.year,
        func.count(func.distinct(offers.c.school_id)).label("sites"),
        zero.label("cohorts"),
        zero.label("graduates"),
        zero.label("placed"),
        zero.label("in_field"),
        zero.label("forecasts"),
        zero.label("forecast_headcount"),
    ).group_by(offers.c.region_code, offers.c.major_code, offers.c.year)
    cohorts = (
        select(
            school_region,
            col(Cohort.major_code),
            col(Cohort.graduation_year),
            zero,
            func.count(),
            func.sum(col(Cohort.graduates)),
            func.sum(col(Cohort.placed)),
            func.sum(col(Cohort.in_field)),
            zero,
            zero,
        )
        .join(Organization, col(Organization.id) == col(Cohort.school_id))
        .where(
            *_verified_schools(),
            *_regions(school_region, codes),
            *_years(Cohort.graduation_year, years),
            *_majors(majors, col(Cohort.major_code)),
        )
        .group_by(school_region, col(Cohort.major_code), col(Cohort.graduation_year))
    )
    major = col(DemandForecast.major_code)
    forecasts = (
        select(
            col(DemandForecast.region_code),
            major,
            col(DemandForecast.year),
            zero,
            zero,
            zero,
            zero,
            zero,
            func.count(),
            func.sum(col(DemandForecast.headcount)),
        )
        .where(
            major.is_not(None),
            col(DemandForecast.publisher_id).not_in(organizations_repository.unverified_ids()),
            *_regions(DemandForecast.region_code, codes),
            *_years(DemandForecast.year, years),
            *_majors(majors, major),
        )
        .group_by(col(DemandForecast.region_code), major, col(DemandForecast.year))
    )
    parts = union_all(sites, cohorts, forecasts).subquery()
    return select(
        parts.c.region_code,
        parts.c.major_code,
        parts.c.year,
        *[func.sum(parts.c[name]).label(name) for name in FIGURE_COLUMNS],
    ).group_by(parts.c.region_code, parts.c.major_code, parts.c.year)


def contributions(ids: Any | None = None) -> Select[Any]:
    """(position, major, region, year, kind, k, headcount) of published positions now: what each
    contributes to the demand rows (of the positions ``ids``, a list or a subquery, or all).

    As ``repository.position_headcounts``: k counts every major the position asks for.
    """
    conditions = [] if ids is None else [col(Position.id).in_(ids)]
    asked = repository.asked_headcounts(
        PositionMajor, PositionMajor.major_code, conditions, by_region=True, by_position=True
    )
    return select(*[asked.c[name] for name in _FOLDED])


_FOLDED = ("position_id", "major_code", "region_code", "year", "kind", "k", "headcount")


def _folded_demand() -> Select[Any]:
    """The exact demand rows summed from the folded contributions."""
    folded = ReportPosition.__table__.c  # type: ignore[attr-defined]
    return select(
        *[folded[name] for name in _DEMAND_KEY],
        func.count().label("positions"),
        func.sum(folded.headcount).label("headcount"),
    ).group_by(*[folded[name] for name in _DEMAND_KEY])


# ---------------------------------------------------------------- refresh


def _rollup(
    table: Any,
    keys: Sequence[str],
    values: Sequence[str],
    level: str,
) -> Any:
    """The ``level`` roll-up rows summed from all the exact rows."""
    length = ROLLUPS[level]
    exact = table.c
    code: Any = (
        literal("000000")
        if length == 0
        else func.substr(exact.region_code, 1, length).concat("0" * (6 - length))
    )
    # The prefix code is computed once in a subquery: a bound '00' in both the select list and
    # the GROUP BY would be two parameters to PostgreSQL, and it refuses the grouping.
    inner = (
        select(code.label("rollup_code"), *[exact[name] for name in (*keys, *values)])
        .where(exact.scope == EXACT)
        .subquery()
    )
    grouping = [inner.c[name] for name in keys]
    return select(
        literal(level),
        inner.c.rollup_code,
        *grouping,
        *[func.sum(inner.c[name]) for name in values],
    ).group_by(inner.c.rollup_code, *grouping)


def _insert(table: Any, columns: Sequence[str], statement: Any, scope: str | None = None) -> Any:
    if scope is not None:
        inner = statement.subquery()
        statement = select(literal(scope), *inner.c)
    return insert(table).from_select(["scope", *columns], statement)


_FIGURE_KEY = ("region_code", "major_code", "year")
_DEMAND_KEY = ("region_code", "major_code", "year", "kind", "k")
Delta = dict[tuple[Any, ...], list[int]]


def _figure_table() -> Any:
    return ReportFigure.__table__  # type: ignore[attr-defined]


def _demand_table() -> Any:
    return ReportDemand.__table__  # type: ignore[attr-defined]


def _values(table: Any) -> tuple[str, ...]:
    return FIGURE_COLUMNS if table is _figure_table() else DEMAND_COLUMNS


def _full(session: Session) -> None:
    """Everything again: the figures from the source tables, the folded contributions of every
    published position, and the demand rows summed from those contributions."""
    session.execute(delete(ReportPosition))
    session.execute(insert(ReportPosition).from_select(list(_FOLDED), contributions()))
    for table, key, values, exact in (
        (_figure_table(), _FIGURE_KEY, FIGURE_COLUMNS, exact_figures(None, None)),
        (_demand_table(), _DEMAND_KEY, DEMAND_COLUMNS, _folded_demand()),
    ):
        session.execute(delete(table))
        session.execute(_insert(table, [*key, *values], exact, EXACT))
        for level in ROLLUPS:
            rolled = _rollup(table, key[1:], values, level)
            session.execute(insert(table).from_select(["scope", *key, *values], rolled))


def _add(delta: Delta, key: tuple[Any, ...], values: Sequence[Any], sign: int) -> None:
    current = delta.get(key)
    if current is None:
        delta[key] = [sign * int(value or 0) for value in values]
    else:
        for index, value in enumerate(values):
            current[index] += sign * int(value or 0)


def _apply(session: Session, table: Any, key: Sequence[str], delta: Delta) -> None:
    """Add ``delta`` (exact key (region, …) → value differences) to the exact rows and to each
    roll-up holding them; rows left at zero go. Reads, then deletes and writes back, only the
    keys the differences touch: the same statements on both databases."""
    values = _values(table)
    changes: Delta = {}
    for (region, *rest), differences in delta.items():
        if not any(differences):
            continue
        _add(changes, (EXACT, region, *rest), differences, 1)
        for level, length in ROLLUPS.items():
            _add(changes, (level, region[:length].ljust(6, "0"), *rest), differences, 1)
    keys = [found for found, differences in changes.items() if any(differences)]
    key_columns = [table.c.scope, *[table.c[name] for name in key]]
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        matching = tuple_(*key_columns).in_(chunk)
        stored = session.execute(
            select(*key_columns, *[table.c[name] for name in values]).where(matching)
        ).all()
        width = len(key_columns)
        now = {tuple(row[:width]): list(row[width:]) for row in stored}
        session.execute(delete(table).where(matching))
        rows = []
        for found in chunk:
            totals = [
                int(a or 0) + b
                for a, b in zip(now.get(found, [0] * len(values)), changes[found], strict=True)
            ]
            if any(totals):
                rows.append(dict(zip(["scope", *key, *values], [*found, *totals], strict=True)))
        if rows:
            session.execute(insert(table), rows)


def _refresh_pairs(session: Session, pairs: dict[str, set[int]]) -> None:
    """Fold in the logged (region, year) pairs: their exact figure rows now, less those stored.

    A few set-wise statements per ``REFRESH_REGIONS`` regions; only the logged pairs are read.
    """
    table = _figure_table()
    width = len(_FIGURE_KEY)
    codes = sorted(pairs)
    for start in range(0, len(codes), REFRESH_REGIONS):
        regions = codes[start : start + REFRESH_REGIONS]
        logged = [(code, year) for code in regions for year in sorted(pairs[code])]
        years = sorted({year for _code, year in logged})
        delta: Delta = {}
        stored = table.c
        for row in session.execute(
            select(*[stored[name] for name in (*_FIGURE_KEY, *FIGURE_COLUMNS)]).where(
                stored.scope == EXACT, tuple_(stored.region_code, stored.year).in_(logged)
            )
        ):
            _add(delta, tuple(row[:width]), row[width:], -1)
        live = exact_figures(regions, years).subquery()
        for row in session.execute(
            select(live).where(tuple_(live.c.region_code, live.c.year).in_(logged))
        ):
            _add(delta, tuple(row[:width]), row[width:], 1)
        _apply(session, table, _FIGURE_KEY, delta)


def _refresh_positions(session: Session, ids: Sequence[Any]) -> None:
    """Fold in the logged positions: their contributions now, less those folded before.

    The contributions are read once and used both for the differences and as the new folded
    rows, so the two agree even if a position changes meanwhile (its new log entry remains).
    """
    delta: Delta = {}
    folded = ReportPosition.__table__.c  # type: ignore[attr-defined]
    columns = [folded[name] for name in _FOLDED]
    key = [_FOLDED.index(name) for name in _DEMAND_KEY]
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        before = session.execute(select(*columns).where(folded.position_id.in_(chunk))).all()
        now = session.execute(contributions(chunk)).all()
        for rows, sign in ((before, -1), (now, 1)):
            for row in rows:
                _add(delta, tuple(row[i] for i in key), (1, row.headcount), sign)
        session.execute(delete(ReportPosition).where(folded.position_id.in_(chunk)))
        if now:
            session.execute(
                insert(ReportPosition), [dict(zip(_FOLDED, row, strict=True)) for row in now]
            )
    _apply(session, _demand_table(), _DEMAND_KEY, delta)


def _forget(session: Session, model: Any, ids: Sequence[int]) -> None:
    """Drop the log entries read by this refresh (not those committed meanwhile)."""
    for start in range(0, len(ids), _CHUNK):
        session.execute(delete(model).where(col(model.id).in_(ids[start : start + _CHUNK])))


def refresh(session: Session, *, full: bool = False) -> RefreshResult:
    """Bring the aggregates up to date: fold in the logged writes, or rebuild everything
    (``full``, or the first build).

    The state row is locked first, so two refreshes never interleave (readers never wait on it).
    The logs are read before anything is recomputed, and only the entries read are dropped: a write
    committing meanwhile keeps its entry and is folded in next time.
    """
    state = session.get(ReportAggregateState, STATE, with_for_update=True)
    changes = session.execute(
        select(col(ReportChange.id), col(ReportChange.region_code), col(ReportChange.year))
    ).all()
    position_changes = session.execute(
        select(col(ReportPositionChange.id), col(ReportPositionChange.position_id))
    ).all()
    pairs: dict[str, set[int]] = defaultdict(set)
    for _id, code, year in changes:
        pairs[code].add(int(year))
    positions = sorted({position_id for _id, position_id in position_changes}, key=str)
    now = utcnow()
    if full or state is None:
        mode: Literal["full", "incremental"] = "full"
        _full(session)
    else:
        mode = "incremental"
        if pairs:
            _refresh_pairs(session, pairs)
        if positions:
            _refresh_positions(session, positions)
    _forget(session, ReportChange, [row[0] for row in changes])
    _forget(session, ReportPositionChange, [row[0] for row in position_changes])
    if state is None:
        state = ReportAggregateState(name=STATE, built_at=now, refreshed_at=now)
    else:
        state.refreshed_at = now
        if mode == "full":
            state.built_at = now
    session.add(state)
    session.flush()
    return RefreshResult(
        mode=mode,
        pairs=sum(len(years) for years in pairs.values()),
        refreshed_at=now,
        regions=sorted(pairs),
        positions=len(positions),
    )


# ---------------------------------------------------------------- read


def _level(scope: Scope) -> tuple[str, str]:
    """The aggregate key of a scope: its roll-up level and code."""
    common = 0
    while common < 6 and scope.low[common] == scope.high[common]:
        common += 1
    if common == 6:
        return EXACT, scope.low
    for level, length in ROLLUPS.items():
        if length == common:
            return level, scope.low
    raise ValueError(f"no aggregate level for {scope.low}–{scope.high}")


def pending_pairs(session: Session, scope: Scope) -> set[tuple[str, int]]:
    statement = (
        select(col(ReportChange.region_code), col(ReportChange.year))
        .where(
            scope.region(col(ReportChange.region_code)),
            col(ReportChange.year).between(scope.first_year, scope.last_year),
        )
        .distinct()
    )
    return {(str(code), int(year)) for code, year in session.execute(statement)}


def pending_positions(session: Session) -> int:
    """Positions written since the refresh (anywhere)."""
    statement = select(func.count(func.distinct(col(ReportPositionChange.position_id))))
    return int(session.execute(statement).scalar_one())


def _stored(table: Any, key: Sequence[str], scope: Scope, level: str, code: str) -> Any:
    columns = table.c
    values = _values(table)
    return select(
        literal_column("1").label("sign"),
        *[columns[name] for name in key[1:]],
        *[columns[v] for v in values],
    ).where(
        columns.scope == level,
        columns.region_code == code,
        columns.year.between(scope.first_year, scope.last_year),
        *scope.majors(columns.major_code),
    )


def _pending_figures(scope: Scope, pairs: list[tuple[str, int]]) -> list[Any]:
    """Pairs written since the refresh: their stored exact rows come out, the live ones go in;
    both summed over the regions in SQL, so Python sees a few rows per major."""
    columns = _figure_table().c
    grouping = [columns[name] for name in _FIGURE_KEY[1:]]
    stale = (
        select(literal_column("-1"), *grouping, *[func.sum(columns[v]) for v in FIGURE_COLUMNS])
        .where(
            columns.scope == EXACT,
            tuple_(columns.region_code, columns.year).in_(pairs),
            *scope.majors(columns.major_code),
        )
        .group_by(*grouping)
    )
    regions = sorted({code for code, _year in pairs})
    years = sorted({year for _code, year in pairs})
    live_rows = exact_figures(regions, years, scope.majors).subquery()
    live_grouping = [live_rows.c[name] for name in _FIGURE_KEY[1:]]
    live = (
        select(
            literal_column("1"),
            *live_grouping,
            *[func.sum(live_rows.c[v]) for v in FIGURE_COLUMNS],
        )
        .where(tuple_(live_rows.c.region_code, live_rows.c.year).in_(pairs))
        .group_by(*live_grouping)
    )
    return [stale, live]


def _pending_demand(scope: Scope) -> list[Any]:
    """Positions written since the refresh: inside the scope, their folded contributions come out
    and their contributions now go in (a position may have moved in or out of it)."""
    ids = select(col(ReportPositionChange.position_id)).distinct()
    folded = ReportPosition.__table__.c  # type: ignore[attr-defined]
    grouping = [folded[name] for name in _DEMAND_KEY[1:]]
    before = (
        select(literal_column("-1"), *grouping, func.count(), func.sum(folded.headcount))
        .where(
            folded.position_id.in_(ids),
            scope.region(folded.region_code),
            folded.year.between(scope.first_year, scope.last_year),
            *scope.majors(folded.major_code),
        )
        .group_by(*grouping)
    )
    asked = repository.asked_headcounts(
        PositionMajor,
        PositionMajor.major_code,
        [
            col(Position.id).in_(ids),
            scope.region(col(Position.region_code)),
            *repository.starting_between(scope.first_year, scope.last_year),
        ],
    )
    live_grouping = [asked.c[name] for name in _DEMAND_KEY[1:]]
    now = (
        select(literal_column("1"), *live_grouping, func.count(), func.sum(asked.c.headcount))
        .where(*scope.majors(asked.c.major_code))
        .group_by(*live_grouping)
    )
    return [before, now]


def _totals(session: Session, statement: Any, width: int) -> dict[Any, list[int]]:
    """Key → values summed with their signs. A national report reads some 40 000 rows here, so
    the loop is kept plain: fetched at once, no call per row."""
    totals: dict[Any, list[int]] = {}
    for sign, *row in session.execute(statement).all():
        key = tuple(row[:width])
        current = totals.get(key)
        if current is None:
            totals[key] = [sign * int(value or 0) for value in row[width:]]
        else:
            for index, value in enumerate(row[width:]):
                current[index] += sign * int(value or 0)
    return totals


def read(session: Session, scope: Scope) -> Figures | None:
    """The scope's figures from the aggregates, or None when they cannot serve it cheaply."""
    state = session.get(ReportAggregateState, STATE)
    if state is None:
        return None
    pending = pending_pairs(session, scope)
    if len({code for code, _year in pending}) > MAX_PENDING_REGIONS:
        return None
    positions = pending_positions(session)
    level, code = _level(scope)
    figures = _stored(_figure_table(), _FIGURE_KEY, scope, level, code)
    if pending:
        figures = union_all(figures, *_pending_figures(scope, sorted(pending)))
    demand = _stored(_demand_table(), _DEMAND_KEY, scope, level, code)
    if positions:
        demand = union_all(demand, *_pending_demand(scope))
    supply = _totals(session, figures, len(_FIGURE_KEY) - 1)
    asked = _totals(session, demand, len(_DEMAND_KEY) - 1)
    return Figures(
        cohorts=[(m, y, g, p, f) for (m, y), (_s, n, g, p, f, _fn, _fh) in supply.items() if n > 0],
        sites=[(m, y, s) for (m, y), (s, *_rest) in supply.items() if s > 0],
        positions=[(m, y, kind, k, h) for (m, y, kind, k), (n, h) in asked.items() if n > 0],
        forecasts=[(m, y, fh) for (m, y), (*_rest, fn, fh) in supply.items() if fn > 0],
        source="aggregates",
        refreshed_at=state.refreshed_at,
        pending=len(pending) + positions,
    )


def direct(session: Session, scope: Scope) -> Figures:
    """The four aggregates computed from the source tables."""
    return Figures(
        cohorts=repository.cohort_totals(session, scope),
        sites=repository.site_counts(session, scope),
        positions=repository.position_headcounts(session, scope),
        forecasts=repository.forecast_headcounts(session, scope),
    )


def figures(session: Session, scope: Scope) -> Figures:
    """From the aggregates when built, else directly; equal either way."""
    return read(session, scope) or direct(session, scope)
