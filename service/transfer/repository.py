"""Queries and bulk statements of the import and export: look-ups loaded once per file, the stored
rows a file touches, chunked upserts, and the rows an export writes.

All of it is SQLAlchemy Core on the tables (docs/design/pitfalls.md: ORM objects cost 30× per row).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

from models import (
    Cohort,
    DemandForecast,
    Major,
    Occupation,
    Organization,
    Position,
    PositionMajor,
    Programme,
    Student,
)
from service.transfer.columns import TransferKind


def table_of(model: Any) -> Table:
    return cast(Table, model.__table__)


ORGANIZATION = table_of(Organization)
PROGRAMME = table_of(Programme)
COHORT = table_of(Cohort)
POSITION = table_of(Position)
POSITION_MAJOR = table_of(PositionMajor)
DEMAND = table_of(DemandForecast)
STUDENT = table_of(Student)
MAJOR = table_of(Major)
OCCUPATION = table_of(Occupation)

# Rows per look-up query (IN lists) and per write statement. SQLite allows 32 766 bound parameters
# and PostgreSQL 65 535; an IN list of 2 000 and write batches of 1 000 rows stay far below both.
LOOKUP_CHUNK = 2000
WRITE_CHUNK = 1000


@dataclass(frozen=True)
class TableSpec:
    """How one kind is stored: its table, natural key, the parent column its rows hang from, and
    the columns an import updates (and compares, to tell a changed row from an unchanged one)."""

    table: Table
    key: tuple[str, ...]
    parent: str | None
    updated: tuple[str, ...]
    # Columns computed from the others at write time (search words): written, never compared.
    derived: tuple[str, ...] = ()


TABLES: dict[TransferKind, TableSpec] = {
    TransferKind.organizations: TableSpec(
        ORGANIZATION,
        ("code",),
        None,
        ("name", "region_code", "industry_code", "level", "staff_count", "status", "verified_at"),
    ),
    TransferKind.programmes: TableSpec(
        PROGRAMME,
        ("school_id", "major_code", "year"),
        "school_id",
        ("enrolment_plan", "enrolled", "practical_hours_share"),
    ),
    TransferKind.cohorts: TableSpec(
        COHORT,
        ("school_id", "major_code", "graduation_year"),
        "school_id",
        ("graduates", "placed", "in_field", "further_study", "avg_monthly_salary"),
    ),
    TransferKind.positions: TableSpec(
        POSITION,
        ("enterprise_id", "title", "start_date"),
        "enterprise_id",
        (
            "kind",
            "description",
            "requirements",
            "skills",
            "region_code",
            "headcount",
            "monthly_pay",
            "same_post_wage",
            "post_staff_count",
            "hours_per_day",
            "hours_per_week",
            "end_date",
            "closing_date",
            "occupation_code",
            "status",
            "compliance_findings",
            "published_at",
        ),
        ("search_title", "search_body"),
    ),
    TransferKind.demand: TableSpec(
        DEMAND,
        ("publisher_id", "target_code", "region_code", "year"),
        "publisher_id",
        ("major_code", "occupation_code", "headcount"),
    ),
    TransferKind.students: TableSpec(
        STUDENT,
        ("school_id", "student_no"),
        "school_id",
        (
            "name",
            "phone",
            "birth_date",
            "major_code",
            "graduation_year",
            "skills",
            "preferred_regions",
        ),
    ),
}


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------- look-ups


@dataclass(frozen=True)
class OrgRef:
    """What rows need to know about the organisation they name."""

    id: uuid.UUID
    code: str
    kind: str
    name: str
    region_code: str
    level: str | None
    staff_count: int | None
    status: str


def organizations_by_code(session: Session, codes: Iterable[str]) -> dict[str, OrgRef]:
    wanted = sorted(set(codes))
    found: dict[str, OrgRef] = {}
    c = ORGANIZATION.c
    for part in chunks(wanted, LOOKUP_CHUNK):
        rows = session.execute(
            select(
                c.id, c.code, c.kind, c.name, c.region_code, c.level, c.staff_count, c.status
            ).where(c.code.in_(list(part)))
        )
        for row in rows:
            found[row.code] = OrgRef(*row)
    return found


def organization_by_id(session: Session, organization_id: uuid.UUID) -> OrgRef | None:
    c = ORGANIZATION.c
    row = session.execute(
        select(c.id, c.code, c.kind, c.name, c.region_code, c.level, c.staff_count, c.status).where(
            c.id == organization_id
        )
    ).first()
    return OrgRef(*row) if row is not None else None


def major_levels(session: Session) -> dict[str, str]:
    """Catalogue major code → level (a couple of thousand rows)."""
    return {
        str(code): str(level)
        for code, level in session.execute(select(MAJOR.c.code, MAJOR.c.level))
    }


def existing_occupations(session: Session, codes: Iterable[str]) -> frozenset[str]:
    wanted = sorted(set(codes))
    found: set[str] = set()
    for part in chunks(wanted, LOOKUP_CHUNK):
        found.update(
            session.execute(
                select(OCCUPATION.c.code).where(OCCUPATION.c.code.in_(list(part)))
            ).scalars()
        )
    return frozenset(found)


def programme_majors(
    session: Session, school_ids: Iterable[uuid.UUID]
) -> frozenset[tuple[uuid.UUID, str]]:
    """(school id, major code) of every major the schools run (a programme in any year)."""
    wanted = sorted(set(school_ids), key=str)
    found: set[tuple[uuid.UUID, str]] = set()
    programme = table_of(Programme)
    for part in chunks(wanted, LOOKUP_CHUNK):
        found.update(
            (school_id, str(major))
            for school_id, major in session.execute(
                select(programme.c.school_id, programme.c.major_code)
                .where(programme.c.school_id.in_(list(part)))
                .distinct()
            )
        )
    return frozenset(found)


# ---------------------------------------------------------------- stored rows a file touches


def stored_rows(
    session: Session,
    kind: TransferKind,
    keys: set[tuple[Any, ...]],
    parents: Iterable[Any],
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The id, natural key and updated columns of the stored rows whose key is among ``keys``.

    Rows are fetched by their parent (the school, the enterprise, the publisher) — one indexed
    query per chunk of parents — and those the file does not name are dropped as they stream by.
    """
    spec = TABLES[kind]
    table = spec.table
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    if not keys:
        return found
    names = ["id", *spec.key, *spec.updated]
    width = len(spec.key)
    if spec.parent is None:
        selector = table.c[spec.key[0]]
        values: list[Any] = sorted({key[0] for key in keys})
    else:
        selector = table.c[spec.parent]
        values = sorted(set(parents), key=str)
    columns = [table.c[name] for name in names]
    for part in chunks(values, LOOKUP_CHUNK):
        result = session.execute(
            select(*columns).where(selector.in_(list(part))).execution_options(yield_per=5000)
        )
        for row in result:
            key = tuple(row[1 : 1 + width])
            if key in keys:
                found[key] = dict(zip(names, row, strict=True))
    return found


def majors_of_positions(
    session: Session, position_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, ...]]:
    """The major codes (sorted) each position asks for."""
    majors: dict[uuid.UUID, list[str]] = {}
    c = POSITION_MAJOR.c
    for part in chunks(position_ids, LOOKUP_CHUNK):
        rows = session.execute(
            select(c.position_id, c.major_code).where(c.position_id.in_(list(part)))
        )
        for position_id, code in rows:
            majors.setdefault(position_id, []).append(code)
    return {position_id: tuple(sorted(codes)) for position_id, codes in majors.items()}


# ---------------------------------------------------------------- writes


def upsert(
    session: Session,
    kind: TransferKind,
    rows: Sequence[dict[str, Any]],
    regions: RegionWrites | None = None,
) -> None:
    """Insert ``rows``, or update the stored row with the same natural key.

    The conflict target is the natural key, not the id, so a row first created through the API
    (with a random id) is updated in place and keeps its id.
    """
    if not rows:
        return
    spec = TABLES[kind]
    dialect = session.get_bind().dialect.name
    if kind in BULK_KINDS and BULK_WRITES:
        if dialect == "postgresql":
            _copy_upsert(session, spec, rows)
        else:
            _driver_upsert(session, spec, rows, regions)
        return
    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_of(spec.table)
    statement = statement.on_conflict_do_update(
        index_elements=[spec.table.c[name] for name in spec.key],
        set_={name: statement.excluded[name] for name in _written_on_update(spec)},
    )
    # executemany: one prepared statement for every row of the chunk (SQLite), or batched
    # multi-row VALUES (SQLAlchemy's insertmanyvalues on PostgreSQL).
    for part in chunks(rows, WRITE_CHUNK):
        session.execute(statement, list(part))


# Kinds written in bulk (the bulk of a large import: positions): on PostgreSQL by ``COPY``, on
# SQLite by the driver's executemany of the values as SQLAlchemy would bind them.
BULK_KINDS = frozenset({TransferKind.positions})
# False: every write by executemany, a statement a row (the reference the bulk write is tested
# against: tests/service/transfer/test_bulk_import.py).
BULK_WRITES = True


def _copy_upsert(session: Session, spec: TableSpec, rows: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL: the same upsert as :func:`upsert`'s, the rows sent by ``COPY`` into a
    temporary table of this transaction and then upserted by one ``INSERT … SELECT … ON
    CONFLICT`` in the rows' order (a statement per row, even pipelined, cost ~0.2 ms of the
    server's time a position). The triggers fire per row as they did, in the same order; the
    values are bound as SQLAlchemy binds them (its bind processors, then psycopg's dumpers)."""
    table = spec.table
    names = list(rows[0])
    stage = f"import_stage_{table.name}"
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    listed = ", ".join(quote(name) for name in names)
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "
        f"SELECT 0 AS stage_order, {listed} FROM {quote(table.name)} WITH NO DATA"
    )
    connection.exec_driver_sql(f"TRUNCATE {stage}")
    _copy(
        connection,
        f"COPY {stage} (stage_order, {listed}) FROM STDIN",
        ((order, *values) for order, values in enumerate(_bound(connection, table, names, rows))),
    )
    connection.exec_driver_sql(
        f"INSERT INTO {quote(table.name)} ({listed}) SELECT {listed} FROM {stage} "
        f"ORDER BY stage_order " + _upsert_sql(spec, quote)
    )


def _upsert_sql(spec: TableSpec, quote: Callable[[str], str]) -> str:
    """The statement's tail after the inserted rows: ``ON CONFLICT (key) DO UPDATE SET …``."""
    updated = ", ".join(
        f"{quote(name)} = excluded.{quote(name)}" for name in _written_on_update(spec)
    )
    key = ", ".join(quote(name) for name in spec.key)
    return f"ON CONFLICT ({key}) DO UPDATE SET {updated}"


def _bound(
    connection: Any, table: Table, names: Sequence[str], rows: Iterable[Any]
) -> Iterator[tuple[Any, ...]]:
    """Each row's values of ``names`` as SQLAlchemy binds them (each column type's bind
    processor for this dialect), as tuples."""
    processors = [table.c[name].type._cached_bind_processor(connection.dialect) for name in names]
    for row in rows:
        yield tuple(
            value if process is None else process(value)
            for process, value in zip(processors, (row[name] for name in names), strict=True)
        )


def _driver_upsert(
    session: Session,
    spec: TableSpec,
    rows: Sequence[dict[str, Any]],
    regions: RegionWrites | None,
) -> None:
    """SQLite: the same upsert as :func:`upsert`'s, the values bound once and handed to the
    driver's executemany (SQLAlchemy's parameter handling was ~20 µs a position)."""
    table = spec.table
    names = list(rows[0])
    connection = session.connection()
    quote = connection.dialect.identifier_preparer.quote
    listed = ", ".join(quote(name) for name in names)
    marks = ", ".join("?" for _ in names)
    upsert_tail = _upsert_sql(spec, quote)
    statement = f"INSERT INTO {quote(table.name)} ({listed}) VALUES ({marks}) {upsert_tail}"
    bound = list(_bound(connection, table, names, rows))
    if regions is not None:
        _count_upserted_regions(connection, bound, names, regions)
    connection.exec_driver_sql(statement, bound)


def _copy(connection: Any, statement: str, rows: Iterable[Sequence[Any]]) -> None:
    """``COPY … FROM STDIN`` of ``rows`` on the session's psycopg connection; a rejected row is
    raised as SQLAlchemy's error of its kind, as an ``execute`` would."""
    driver = connection.connection.driver_connection
    dbapi = connection.dialect.loaded_dbapi
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except (dbapi.IntegrityError, dbapi.DataError) as error:
        wrapped = IntegrityError if isinstance(error, dbapi.IntegrityError) else DataError
        raise wrapped(statement, None, error) from error


# ---------------------------------------------------------------- SQLite: the search generations


# The triggers an import fires on SQLite, each adding 1 to ``search_region_generation`` for its
# row's region: ~25 µs a position or major, the largest share after the full-text index's.
_REGION_TRIGGERS = (
    "search_region_position_insert",
    "search_region_position_update",
    "search_region_position_major_insert",
    "search_region_position_major_delete",
)


class RegionWrites:
    """SQLite: what the search generation triggers of :data:`_REGION_TRIGGERS` would add, summed
    by region code as the import writes (the triggers dropped for its transaction, see
    :func:`region_writes`), and added in one statement at its end."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, code: str | None, times: int = 1) -> None:
        key = code if code is not None else ""
        self.counts[key] = self.counts.get(key, 0) + times


@contextmanager
def region_writes(session: Session) -> Iterator[RegionWrites | None]:
    """SQLite: drop the search generation triggers an import fires for this transaction, yield
    the counter the writes below fill, then add its counts and create the triggers again, as they
    were, in the same transaction: no other connection ever sees them missing (a failed write is
    rolled back with them). None (the triggers left firing) on PostgreSQL, with
    ``BULK_WRITES`` off, or when the stored triggers are not those this code counts for."""
    if not BULK_WRITES or session.get_bind().dialect.name != "sqlite":
        yield None
        return
    from migrations import search_region_generation

    expected: list[str] = []
    search_region_generation.create("sqlite", expected.append)
    wanted = {name: sql for sql in expected for name in _REGION_TRIGGERS if f" {name} " in sql}
    connection = session.connection()
    stored: dict[str, str] = dict(
        connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
            f"({', '.join('?' for _ in _REGION_TRIGGERS)})",
            _REGION_TRIGGERS,
        ).all()
    )
    if stored != wanted or len(wanted) != len(_REGION_TRIGGERS):
        yield None
        return
    for name in _REGION_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    counter = RegionWrites()
    try:
        yield counter
        if counter.counts:
            connection.exec_driver_sql(
                "INSERT INTO search_region_generation (region_code, slot, writes) VALUES (?, 0, ?) "
                "ON CONFLICT (region_code, slot) DO UPDATE SET writes = writes + excluded.writes",
                list(counter.counts.items()),
            )
    finally:
        for name in _REGION_TRIGGERS:
            connection.exec_driver_sql(wanted[name])


def _count_upserted_regions(
    connection: Any, rows: Sequence[tuple[Any, ...]], names: Sequence[str], counter: RegionWrites
) -> None:
    """Before an upsert of ``rows`` (bound values of ``names``) into ``position``: what its
    triggers would add, a row updated in place (its key stored) counting its region before and
    after, an inserted row its new region."""
    key = [names.index(name) for name in ("enterprise_id", "title", "start_date")]
    region = names.index("region_code")
    values = ", ".join("(?, ?, ?)" for _ in rows)
    found = connection.exec_driver_sql(
        f"WITH k (e, t, s) AS (VALUES {values}) SELECT k.e, k.t, k.s, p.region_code FROM k "
        "JOIN position p ON p.enterprise_id = k.e AND p.title = k.t AND p.start_date = k.s",
        tuple(row[i] for row in rows for i in key),
    ).all()
    before = {(e, t, s): code for e, t, s, code in found}
    for row in rows:
        stored = before.get(tuple(row[i] for i in key), _ABSENT)
        if stored is not _ABSENT:
            counter.add(stored)
        counter.add(row[region])


_ABSENT = object()


def _count_major_regions(
    connection: Any, position_ids: Iterable[Any], counter: RegionWrites, *, stored: bool
) -> None:
    """What the triggers of ``position_major`` would add for the majors of ``position_ids``
    (bound ids): each stored one (``stored``, about to be deleted) or each new one adds 1 to
    its position's region."""
    ids = list(position_ids)
    for part in chunks(ids, LOOKUP_CHUNK):
        marks = ", ".join("?" for _ in part)
        if stored:
            found = connection.exec_driver_sql(
                "SELECT p.region_code FROM position_major m LEFT JOIN position p ON p.id = "
                f"m.position_id WHERE m.position_id IN ({marks})",
                tuple(part),
            ).all()
            for (code,) in found:
                counter.add(code)
            continue
        distinct = tuple(dict.fromkeys(part))
        listed = ", ".join("?" for _ in distinct)
        regions = dict(
            connection.exec_driver_sql(
                f"SELECT id, region_code FROM position WHERE id IN ({listed})", distinct
            ).all()
        )
        for position_id in part:
            counter.add(regions.get(position_id))


# SQLite's default page cache (2 MB) is far smaller than the indexes of a large table; a bulk
# write that keeps them in memory runs about twice as fast. PostgreSQL sizes its own buffers.
# 16 MB, not 64: the cache fills as a large import writes and counts in the process's peak (100 000
# positions: 392 MB peak at 16 MB against 444 MB at 64 MB, 37 s against 31-34 s at a higher load;
# bench/results/2026-12-07T2222-import.json and T2214).
_SQLITE_BULK_CACHE_KIB = 16 * 1024


@contextmanager
def bulk_write_cache(session: Session) -> Iterator[None]:
    """While writing, give this transaction's SQLite connection a page cache that fits a large
    import; the pooled connection gets its former size back afterwards."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = int(session.execute(text("PRAGMA cache_size")).scalar_one())
    session.execute(text(f"PRAGMA cache_size = -{_SQLITE_BULK_CACHE_KIB}"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA cache_size = {before}"))


def _written_on_update(spec: TableSpec) -> tuple[str, ...]:
    stamp = ("updated_at",) if "updated_at" in spec.table.c else ()
    return (*spec.updated, *spec.derived, *stamp)


def replace_position_majors(
    session: Session,
    replaced: Sequence[uuid.UUID],
    majors: Sequence[tuple[uuid.UUID, str]],
    regions: RegionWrites | None = None,
) -> None:
    """Drop the majors of the ``replaced`` positions, then insert ``majors`` (position, code)."""
    c = POSITION_MAJOR.c
    if regions is not None:
        connection = session.connection()
        bind = c.position_id.type._cached_bind_processor(connection.dialect)
        assert bind is not None  # SQLite stores a UUID as its hex digits
        _count_major_regions(connection, map(bind, replaced), regions, stored=True)
        _count_major_regions(connection, (bind(p) for p, _ in majors), regions, stored=False)
    for part in chunks(replaced, LOOKUP_CHUNK):
        session.execute(delete(POSITION_MAJOR).where(c.position_id.in_(list(part))))
    if BULK_WRITES:
        connection = session.connection()
        if not majors:
            pass
        elif connection.dialect.name == "postgresql":
            _copy(connection, "COPY position_major (position_id, major_code) FROM STDIN", majors)
        else:
            connection.exec_driver_sql(
                "INSERT INTO position_major (position_id, major_code) VALUES (?, ?)",
                list(
                    _bound(
                        connection,
                        POSITION_MAJOR,
                        ("position_id", "major_code"),
                        ({"position_id": p, "major_code": c} for p, c in majors),
                    )
                ),
            )
        return
    rows = [{"position_id": position_id, "major_code": code} for position_id, code in majors]
    for part in chunks(rows, WRITE_CHUNK * 5):
        session.execute(insert(POSITION_MAJOR), list(part))


# ---------------------------------------------------------------- exports


def export_rows(
    session: Session,
    kind: TransferKind,
    owner: uuid.UUID | None,
    region_range: tuple[str, str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The stored rows of ``kind`` in the export's column names, in natural-key order, streamed.

    ``owner`` limits the rows to one organisation's (its positions, its school's cohorts …);
    ``region_range`` (low, high) to those of organisations in a region (a regional regulator's).
    """
    statement = _EXPORTS[kind](owner)
    if region_range is not None:
        # Every export selects from its rows' organisation (the school, enterprise, publisher).
        statement = statement.where(ORGANIZATION.c.region_code.between(*region_range))
    result = session.execute(statement.execution_options(yield_per=2000))
    if kind is not TransferKind.positions:
        for mapping in result.mappings():
            yield dict(mapping)
        return
    # Majors are fetched per partition of positions: one IN query per 2 000 rows.
    for partition in result.mappings().partitions():
        records = [dict(mapping) for mapping in partition]
        majors = majors_of_positions(session, [record["id"] for record in records])
        for record in records:
            record["major_codes"] = list(majors.get(record.pop("id"), ()))
            yield record


def organization_regions(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The region code of each organisation of ``ids``."""
    found: dict[uuid.UUID, str] = {}
    c = ORGANIZATION.c
    for part in chunks(sorted(set(ids), key=str), LOOKUP_CHUNK):
        rows = session.execute(select(c.id, c.region_code).where(c.id.in_(list(part))))
        found.update({row.id: row.region_code for row in rows})
    return found


def _owned(statement: Any, column: Any, owner: uuid.UUID | None) -> Any:
    return statement if owner is None else statement.where(column == owner)


def _export_organizations(owner: uuid.UUID | None) -> Any:
    c = ORGANIZATION.c
    statement = select(
        c.kind, c.code, c.name, c.region_code, c.industry_code, c.level, c.staff_count
    ).order_by(c.code)
    return _owned(statement, c.id, owner)


def _school_join(table: Table) -> Any:
    return ORGANIZATION.join(table, table.c.school_id == ORGANIZATION.c.id)


def _export_programmes(owner: uuid.UUID | None) -> Any:
    p = PROGRAMME.c
    statement = (
        select(
            ORGANIZATION.c.code.label("school_code"),
            p.major_code,
            p.year,
            p.enrolment_plan,
            p.enrolled,
            p.practical_hours_share,
        )
        .select_from(_school_join(PROGRAMME))
        .order_by(ORGANIZATION.c.code, p.major_code, p.year)
    )
    return _owned(statement, p.school_id, owner)


def _export_cohorts(owner: uuid.UUID | None) -> Any:
    k = COHORT.c
    statement = (
        select(
            ORGANIZATION.c.code.label("school_code"),
            k.major_code,
            k.graduation_year,
            k.graduates,
            k.placed,
            k.in_field,
            k.further_study,
            k.avg_monthly_salary,
        )
        .select_from(_school_join(COHORT))
        .order_by(ORGANIZATION.c.code, k.major_code, k.graduation_year)
    )
    return _owned(statement, k.school_id, owner)


def _export_positions(owner: uuid.UUID | None) -> Any:
    p = POSITION.c
    statement = (
        select(
            p.id,
            ORGANIZATION.c.code.label("enterprise_code"),
            p.title,
            p.kind,
            p.region_code,
            p.headcount,
            p.monthly_pay,
            p.start_date,
            p.closing_date,
            p.description,
            p.status,
            p.same_post_wage,
            p.hours_per_day,
            p.hours_per_week,
            p.end_date,
            p.skills,
            p.post_staff_count,
            p.occupation_code,
            p.requirements,
        )
        .select_from(ORGANIZATION.join(POSITION, p.enterprise_id == ORGANIZATION.c.id))
        .order_by(ORGANIZATION.c.code, p.start_date, p.title)
    )
    return _owned(statement, p.enterprise_id, owner)


def _export_demand(owner: uuid.UUID | None) -> Any:
    d = DEMAND.c
    statement = (
        select(
            ORGANIZATION.c.code.label("publisher_code"),
            d.major_code,
            d.occupation_code,
            d.region_code,
            d.year,
            d.headcount,
        )
        .select_from(ORGANIZATION.join(DEMAND, d.publisher_id == ORGANIZATION.c.id))
        .order_by(ORGANIZATION.c.code, d.target_code, d.region_code, d.year)
    )
    return _owned(statement, d.publisher_id, owner)


def _export_students(owner: uuid.UUID | None) -> Any:
    s = STUDENT.c
    statement = (
        select(
            ORGANIZATION.c.code.label("school_code"),
            s.student_no,
            s.name,
            s.phone,
            s.birth_date,
            s.major_code,
            s.graduation_year,
            s.skills,
            s.preferred_regions,
        )
        .select_from(_school_join(STUDENT))
        .order_by(ORGANIZATION.c.code, s.student_no)
    )
    return _owned(statement, s.school_id, owner)


_EXPORTS = {
    TransferKind.organizations: _export_organizations,
    TransferKind.programmes: _export_programmes,
    TransferKind.cohorts: _export_cohorts,
    TransferKind.positions: _export_positions,
    TransferKind.demand: _export_demand,
    TransferKind.students: _export_students,
}


def organization_codes(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The codes of the organisations with ``ids``."""
    found: dict[uuid.UUID, str] = {}
    for part in chunks(sorted(set(ids), key=str), LOOKUP_CHUNK):
        rows = session.execute(
            select(ORGANIZATION.c.id, ORGANIZATION.c.code).where(ORGANIZATION.c.id.in_(list(part)))
        )
        found.update({row[0]: row[1] for row in rows})
    return found
