"""Queries and bulk statements of the reference catalogues."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col

from models import Industry, Major, MajorAlias, MajorTerm, Occupation, PriorityIndustry, Region

# Bound parameters per statement stay far below SQLite's 32 766 and PostgreSQL's 65 535.
_MAX_PARAMS = 8000


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def count_rows(session: Session, target: Table) -> int:
    return int(session.execute(select(func.count()).select_from(target)).scalar_one())


def upsert(
    session: Session, target: Table, rows: Sequence[dict[str, Any]], *, update: bool = True
) -> int:
    """Insert ``rows`` or update the existing rows with the same primary key; returns rows written.

    With ``update=False`` existing rows are left as they are (only new keys are inserted).

    A row whose values already equal the stored ones is left alone (the ``WHERE`` of the upsert), so
    the count is inserted + updated, and a second load of the same files writes nothing.
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = [column.name for column in target.primary_key.columns]
    others = [column for column in target.columns if column.name not in key]
    statement: Any = insert(target)
    if others and update:
        excluded = statement.excluded
        changed = or_(
            *(
                _comparable(column).is_distinct_from(_comparable(excluded[column.name]))
                for column in others
            )
        )
        statement = statement.on_conflict_do_update(
            index_elements=key,
            set_={column.name: excluded[column.name] for column in others},
            where=changed,
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=key)
    # RETURNING lists exactly the rows written on both backends (psycopg reports rowcount -1).
    # An executemany is batched into multi-row VALUES by SQLAlchemy from one cached statement.
    statement = statement.returning(target.primary_key.columns[0])
    written = 0
    chunk = max(1, _MAX_PARAMS // len(target.columns))
    for start in range(0, len(rows), chunk):
        written += len(session.execute(statement, list(rows[start : start + chunk])).all())
    return written


def _comparable(column: Any) -> Any:
    # PostgreSQL's json type has no equality operator; both sides are serialised the same way.
    return cast(column, String) if isinstance(column.type, JSON) else column


def existing_keys(session: Session, target: Table) -> set[tuple[Any, ...]]:
    """Primary keys stored in a (small) reference table."""
    key = list(target.primary_key.columns)
    return {tuple(row) for row in session.execute(select(*key))}


def delete_keys(session: Session, target: Table, keys: Sequence[tuple[Any, ...]]) -> int:
    if not keys:
        return 0
    key = list(target.primary_key.columns)
    chunk = max(1, _MAX_PARAMS // len(key))
    deleted = 0
    for start in range(0, len(keys), chunk):
        statement = delete(target).where(tuple_(*key).in_(keys[start : start + chunk]))
        deleted += len(session.execute(statement.returning(key[0])).all())
    return deleted


# ---------------------------------------------------------------- catalogue look-ups


def major_fingerprint(session: Session) -> tuple[Any, ...]:
    """A cheap summary that changes when majors or aliases are added, removed or renamed.

    One round trip; a rename to a name of the same length is the one change it misses (loads in
    this process invalidate explicitly).
    """
    alias_length = func.length(col(MajorAlias.alias)) + func.length(col(MajorAlias.major_code))
    statement = select(
        select(func.count()).select_from(Major).scalar_subquery(),
        select(func.max(col(Major.code))).scalar_subquery(),
        select(func.sum(func.length(col(Major.name)))).scalar_subquery(),
        select(func.count()).select_from(MajorAlias).scalar_subquery(),
        select(func.max(col(MajorAlias.alias))).scalar_subquery(),
        select(func.sum(alias_length)).scalar_subquery(),
    )
    return tuple(session.execute(statement).one())


def majors_with_aliases(session: Session) -> list[tuple[str, str, str, str, list[str]]]:
    """(code, name, level, class_code, aliases) of every major, for fitting the resolver."""
    aliases: dict[str, list[str]] = {}
    for code, alias in session.execute(
        select(col(MajorAlias.major_code), col(MajorAlias.alias)).order_by(
            col(MajorAlias.major_code), col(MajorAlias.alias)
        )
    ):
        aliases.setdefault(code, []).append(alias)
    rows = session.execute(
        select(col(Major.code), col(Major.name), col(Major.level), col(Major.class_code)).order_by(
            col(Major.code)
        )
    )
    return [
        (code, name, level, class_code, aliases.get(code, []))
        for code, name, level, class_code in rows
    ]


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    # lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
    return func.lower(column).contains(text.lower(), autoescape=True)


def _starts(column: Any, text: str) -> ColumnElement[bool]:
    return func.lower(column).startswith(text.lower(), autoescape=True)


def major_search(q: str | None, level: str | None, class_code: str | None) -> Select[Any]:
    """Majors matching a code prefix, a name part, an alias part or pinyin initials."""
    statement = select(Major)
    if level:
        statement = statement.where(col(Major.level) == level)
    if class_code:
        statement = statement.where(col(Major.class_code) == class_code)
    if q:
        alias_hit = select(col(MajorAlias.major_code)).where(_contains(col(MajorAlias.alias), q))
        statement = statement.where(
            or_(
                _starts(col(Major.code), q),
                _contains(col(Major.name), q),
                _starts(col(Major.pinyin_initials), q),
                col(Major.code).in_(alias_hit),
            )
        )
    return statement


def major_search_order(q: str | None) -> list[Any]:
    if not q:
        return [col(Major.code)]
    # Exact code or name first, then prefixes, then the rest; code order within each group.
    rank = case(
        (or_(col(Major.code) == q.upper(), col(Major.name) == q), literal(0)),
        (or_(_starts(col(Major.code), q), _starts(col(Major.name), q)), literal(1)),
        else_=literal(2),
    )
    return [rank, col(Major.code)]


def terms_of(session: Session, code: str) -> list[tuple[str, str]]:
    statement = (
        select(col(MajorTerm.kind), col(MajorTerm.term))
        .where(col(MajorTerm.major_code) == code)
        .order_by(col(MajorTerm.kind), col(MajorTerm.term))
    )
    return [(kind, term) for kind, term in session.execute(statement)]


def aliases_of(session: Session, code: str) -> list[MajorAlias]:
    statement = (
        select(MajorAlias).where(col(MajorAlias.major_code) == code).order_by(col(MajorAlias.alias))
    )
    return list(session.execute(statement).scalars())


def priority_industries(session: Session) -> list[PriorityIndustry]:
    """The whole priority list: a few dozen rows, so its JSON lists are filtered in Python."""
    statement = select(PriorityIndustry).order_by(col(PriorityIndustry.key))
    return list(session.execute(statement).scalars())


def major_codes_by_class(session: Session, class_codes: Sequence[str]) -> list[tuple[str, str]]:
    if not class_codes:
        return []
    statement = select(col(Major.class_code), col(Major.code)).where(
        col(Major.class_code).in_(class_codes)
    )
    return [(class_code, code) for class_code, code in session.execute(statement)]


def industry_search(q: str | None, level: str | None) -> Select[Any]:
    statement = select(Industry)
    if level:
        statement = statement.where(col(Industry.level) == level)
    if q:
        statement = statement.where(
            or_(
                col(Industry.code).startswith(q.upper(), autoescape=True),
                _contains(col(Industry.name), q),
            )
        )
    return statement


def occupation_search(q: str | None, level: str | None) -> Select[Any]:
    statement = select(Occupation)
    if level:
        statement = statement.where(col(Occupation.level) == level)
    if q:
        statement = statement.where(
            or_(
                col(Occupation.code).startswith(q, autoescape=True),
                _contains(col(Occupation.name), q),
            )
        )
    return statement


def region_search(parent: str | None, level: str | None, q: str | None) -> Select[Any]:
    statement = select(Region)
    if parent:
        statement = statement.where(col(Region.parent_code) == parent)
    if level:
        statement = statement.where(col(Region.level) == level)
    if q:
        statement = statement.where(
            or_(
                col(Region.code).startswith(q, autoescape=True),
                col(Region.name).contains(q, autoescape=True),
            )
        )
    return statement


def codes_in_range(session: Session, low: str, high: str) -> list[str]:
    return list(
        session.execute(
            select(col(Region.code))
            .where(and_(col(Region.code) >= low, col(Region.code) <= high))
            .order_by(col(Region.code))
        ).scalars()
    )


def page(
    session: Session, statement: Select[Any], order_by: Sequence[Any], offset: int, limit: int
) -> tuple[list[Any], int]:
    """One page of ``statement`` and the total count of its rows."""
    total = session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    items = list(
        session.execute(statement.order_by(*order_by).offset(offset).limit(limit)).scalars()
    )
    return items, total


def region_level(session: Session, code: str) -> str | None:
    """The level of region ``code`` (None: not in the catalogue); one indexed read, no ORM
    object (the public search asks it on every request with a region)."""
    # Core text on the session's connection: the ORM's execute (compile, cache key, result
    # wrapping) cost ~4× the read itself on the search's hot path.
    level = session.connection().execute(_REGION_LEVEL, {"code": code}).scalar_one_or_none()
    return None if level is None else str(level)


_REGION_LEVEL = sql_text("SELECT level FROM region WHERE code = :code")


def existing_region_codes(session: Session, codes: Sequence[str]) -> set[str]:
    return set(
        session.execute(select(col(Region.code)).where(col(Region.code).in_(codes))).scalars()
    )


def major_classes(session: Session) -> list[tuple[str, str, str]]:
    """(class code, class name, level) of every 专业类 of the catalogue."""
    rows = session.execute(
        select(col(Major.class_code), col(Major.class_name), col(Major.level))
        .distinct()
        .order_by(col(Major.class_code))
    )
    return [(str(code), str(name), str(level)) for code, name, level in rows]
