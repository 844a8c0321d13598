"""The report's figures from per-(region, major, year) aggregates, kept exact by a change log.

``report_figure`` (sites, cohorts, forecasts) and ``report_demand`` (positions by kind and k) hold
``exact`` rows — the facts located at exactly one region code — and their roll-ups over the code
prefixes a report can ask for (``city`` 4 digits, ``province`` 2, ``national`` none), so any report
reads one key's rows through the primary key. Triggers on the source tables (migration 0003) log
the (region, year) of every write in ``report_change``:

- ``refresh`` (the scheduled job every few minutes, ``chanjiao report refresh``) recomputes the
  exact rows of the logged pairs and the roll-ups they belong to, then drops those log entries;
  ``full=True`` (nightly, or when never built) rebuilds everything;
- ``read`` answers with the roll-up rows, minus the stored exact rows of pairs still logged, plus
  those pairs computed directly from the source tables — so a report equals the direct computation
  at any moment, and costs more only in proportion to the writes since the last refresh.

Until the first build (no ``report_aggregate_state`` row) and when too many regions are pending,
the report computes directly (``repository``), as before.
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
# More changed regions than this at a refresh: rebuild everything in a few statements.
MAX_INCREMENTAL_REGIONS = 500  # within bound-parameter limits too
_CHUNK = 500

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
    pending: int = 0  # (region, year) pairs changed since the refresh, computed directly

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


def exact_demand(
    codes: Sequence[str] | None, years: Sequence[int] | None, majors: MajorFilter | None = None
) -> Select[Any]:
    """(region, major, year, kind, k, positions, headcount) of published positions.

    As ``repository.position_headcounts``: k counts every major the position asks for, before the
    major filters apply.
    """
    window = [] if years is None else repository.starting_between(min(years), max(years))
    asked = repository.asked_headcounts(
        PositionMajor,
        PositionMajor.major_code,
        [*_regions(Position.region_code, codes), *window],
        by_region=True,
    )
    return (
        select(
            asked.c.region_code,
            asked.c.major_code,
            asked.c.year,
            asked.c.kind,
            asked.c.k,
            func.count().label("positions"),
            func.sum(asked.c.headcount).label("headcount"),
        )
        .where(*_years(asked.c.year, years), *_majors(majors, asked.c.major_code))
        .group_by(asked.c.region_code, asked.c.major_code, asked.c.year, asked.c.kind, asked.c.k)
    )


# ---------------------------------------------------------------- refresh


def _rollup(
    table: Any,
    keys: Sequence[str],
    values: Sequence[str],
    level: str,
    prefixes: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
) -> Any:
    """The ``level`` roll-up rows summed from the exact rows (of some code prefixes, or all)."""
    length = ROLLUPS[level]
    exact = table.c
    code: Any = (
        literal("000000")
        if length == 0
        else func.substr(exact.region_code, 1, length).concat("0" * (6 - length))
    )
    conditions = [exact.scope == EXACT, *_years(exact.year, years)]
    if prefixes is not None and length:
        conditions.append(func.substr(exact.region_code, 1, length).in_(list(prefixes)))
    # The prefix code is computed once in a subquery: a bound '00' in both the select list and
    # the GROUP BY would be two parameters to PostgreSQL, and it refuses the grouping.
    inner = (
        select(code.label("rollup_code"), *[exact[name] for name in (*keys, *values)])
        .where(*conditions)
        .subquery()
    )
    grouping = [inner.c[name] for name in keys]
    statement = select(
        literal(level),
        inner.c.rollup_code,
        *grouping,
        *[func.sum(inner.c[name]) for name in values],
    ).group_by(inner.c.rollup_code, *grouping)
    return statement


def _insert(table: Any, columns: Sequence[str], statement: Any, scope: str | None = None) -> Any:
    if scope is not None:
        inner = statement.subquery()
        statement = select(literal(scope), *inner.c)
    return insert(table).from_select(["scope", *columns], statement)


_FIGURE_KEY = ("region_code", "major_code", "year")
_DEMAND_KEY = ("region_code", "major_code", "year", "kind", "k")


def _tables() -> list[tuple[Any, tuple[str, ...], tuple[str, ...], Any]]:
    return [
        (ReportFigure.__table__, _FIGURE_KEY, FIGURE_COLUMNS, exact_figures),  # type: ignore[attr-defined]
        (ReportDemand.__table__, _DEMAND_KEY, DEMAND_COLUMNS, exact_demand),  # type: ignore[attr-defined]
    ]


def _full(session: Session) -> None:
    for table, key, values, exact in _tables():
        session.execute(delete(table))
        session.execute(_insert(table, [*key, *values], exact(None, None), EXACT))
        for level in ROLLUPS:
            rolled = _rollup(table, key[1:], values, level)
            session.execute(insert(table).from_select(["scope", *key, *values], rolled))


def _incremental(session: Session, pairs: dict[str, set[int]]) -> None:
    """Recompute the changed regions × changed years, and the roll-ups holding them.

    A few set-wise statements rather than one per pair: rewriting an unchanged (region, year)
    as well costs little, and its roll-ups are recomputed with it, so they stay consistent.
    """
    regions = sorted(pairs)
    years = sorted(set().union(*pairs.values()))
    for table, key, values, exact in _tables():
        columns = table.c
        session.execute(
            delete(table).where(
                columns.scope == EXACT,
                columns.region_code.in_(regions),
                columns.year.in_(years),
            )
        )
        session.execute(_insert(table, [*key, *values], exact(regions, years), EXACT))
        for level, length in ROLLUPS.items():
            prefixes = sorted({code[:length] for code in regions})
            session.execute(
                delete(table).where(
                    columns.scope == level,
                    columns.region_code.in_([prefix.ljust(6, "0") for prefix in prefixes]),
                    columns.year.in_(years),
                )
            )
            rolled = _rollup(table, key[1:], values, level, prefixes, years)
            session.execute(insert(table).from_select(["scope", *key, *values], rolled))


def refresh(session: Session, *, full: bool = False) -> RefreshResult:
    """Bring the aggregates up to date: the logged pairs, or everything (``full``, or first build).

    The state row is locked first, so two refreshes never interleave. Only log entries read here are
    dropped: a write committing meanwhile keeps its entry and is recomputed next time.
    """
    state = session.get(ReportAggregateState, STATE, with_for_update=True)
    changes = session.execute(
        select(col(ReportChange.id), col(ReportChange.region_code), col(ReportChange.year))
    ).all()
    pairs: dict[str, set[int]] = defaultdict(set)
    for _id, code, year in changes:
        pairs[code].add(int(year))
    now = utcnow()
    if full or state is None or len(pairs) > MAX_INCREMENTAL_REGIONS:
        mode: Literal["full", "incremental"] = "full"
        _full(session)
    else:
        mode = "incremental"
        if pairs:
            _incremental(session, pairs)
    ids = [row[0] for row in changes]
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        session.execute(delete(ReportChange).where(col(ReportChange.id).in_(chunk)))
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


def read(session: Session, scope: Scope) -> Figures | None:
    """The scope's figures from the aggregates, or None when they cannot serve it cheaply."""
    state = session.get(ReportAggregateState, STATE)
    if state is None:
        return None
    pending = pending_pairs(session, scope)
    regions = sorted({code for code, _year in pending})
    if len(regions) > MAX_PENDING_REGIONS:
        return None
    level, code = _level(scope)
    years = sorted({year for _code, year in pending})
    supply: dict[Any, list[int]] = {}
    demand: dict[Any, list[int]] = {}
    pairs = sorted(pending)
    for (table, key, values, exact), totals in zip(_tables(), (supply, demand), strict=True):
        columns = table.c
        grouping = [columns[name] for name in key[1:]]
        stored: Any = select(
            literal_column("1").label("sign"), *grouping, *[columns[v] for v in values]
        ).where(
            columns.scope == level,
            columns.region_code == code,
            columns.year.between(scope.first_year, scope.last_year),
            *scope.majors(columns.major_code),
        )
        if pairs:
            # Pairs written since the refresh: their stored exact rows come out (read in the same
            # statement as the roll-up, so from the same snapshot), the live ones go in; both
            # summed over the regions in SQL, so Python sees a few rows per major whatever the
            # number of pending regions.
            stale = (
                select(literal_column("-1"), *grouping, *[func.sum(columns[v]) for v in values])
                .where(
                    columns.scope == EXACT,
                    tuple_(columns.region_code, columns.year).in_(pairs),
                    *scope.majors(columns.major_code),
                )
                .group_by(*grouping)
            )
            live_rows = exact(regions, years, scope.majors).subquery()
            live_grouping = [live_rows.c[name] for name in key[1:]]
            live = (
                select(
                    literal_column("1"),
                    *live_grouping,
                    *[func.sum(live_rows.c[v]) for v in values],
                )
                .where(tuple_(live_rows.c.region_code, live_rows.c.year).in_(pairs))
                .group_by(*live_grouping)
            )
            stored = union_all(stored, stale, live)
        width = len(grouping)
        for sign, *row in session.execute(stored):
            found = tuple(row[:width])
            current = totals.get(found)
            if current is None:
                totals[found] = [sign * int(value or 0) for value in row[width:]]
            else:
                for index, value in enumerate(row[width:]):
                    current[index] += sign * int(value or 0)
    return Figures(
        cohorts=[(m, y, g, p, f) for (m, y), (_s, n, g, p, f, _fn, _fh) in supply.items() if n > 0],
        sites=[(m, y, s) for (m, y), (s, *_rest) in supply.items() if s > 0],
        positions=[(m, y, kind, k, h) for (m, y, kind, k), (n, h) in demand.items() if n > 0],
        forecasts=[(m, y, fh) for (m, y), (*_rest, fn, fh) in supply.items() if fn > 0],
        source="aggregates",
        refreshed_at=state.refreshed_at,
        pending=len(pending),
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
