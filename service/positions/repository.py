"""Queries of positions: views with names, majors, closing, apprentice-share aggregates.

The public search (full-text matching, date windows, its pages) is :mod:`service.positions.search`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Float,
    Select,
    Text,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlmodel import Session, col

from models import (
    Application,
    ApplicationStatus,
    Industry,
    Major,
    Occupation,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Position,
    PositionKind,
    PositionMajor,
    PositionMajorClass,
    PositionStatus,
    Region,
)
from models.base import PUBLISHED_STATUSES
from service.organizations import repository as organizations_repository

# A position with its enterprise's and its region's names (SQLModel types the names as Mapped).
PositionSelect = Select[Position, Any, Any]


def majors_of(
    session: Session, position_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[str, str, str]]]:
    """(code, name, level) of the majors each position asks for, in one query."""
    result: dict[uuid.UUID, list[tuple[str, str, str]]] = {pid: [] for pid in position_ids}
    if not position_ids:
        return result
    rows = session.execute(
        select(
            col(PositionMajor.position_id),
            col(Major.code),
            col(Major.name),
            col(Major.level),
        )
        .join(Major, col(Major.code) == col(PositionMajor.major_code))
        .where(col(PositionMajor.position_id).in_(list(position_ids)))
        .order_by(col(PositionMajor.position_id), col(Major.code))
    )
    for position_id, code, name, level in rows:
        result[position_id].append((code, name, level))
    return result


def major_codes_of(session: Session, position_id: uuid.UUID) -> list[str]:
    return list(
        session.execute(
            select(col(PositionMajor.major_code))
            .where(col(PositionMajor.position_id) == position_id)
            .order_by(col(PositionMajor.major_code))
        ).scalars()
    )


def major_names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.execute(
        select(col(Major.code), col(Major.name)).where(col(Major.code).in_(list(codes)))
    )
    return {str(code): str(name) for code, name in rows}


def replace_majors(session: Session, position_id: uuid.UUID, codes: Sequence[str]) -> None:
    session.execute(delete(PositionMajor).where(col(PositionMajor.position_id) == position_id))
    if codes:
        session.execute(
            insert(PositionMajor), [{"position_id": position_id, "major_code": c} for c in codes]
        )


def names_of(session: Session, position: Position) -> tuple[str, str]:
    """The enterprise's and the region's names shown beside ``position``."""
    row = session.execute(
        select(col(Organization.name), col(Region.name))
        .select_from(Organization)
        .join(Region, col(Region.code) == position.region_code)
        .where(col(Organization.id) == position.enterprise_id)
    ).one()
    return row[0], row[1]


def position_with_title(
    session: Session, enterprise_id: uuid.UUID, title: str, start: date
) -> uuid.UUID | None:
    """The enterprise's position with this title and start date (its natural key), if any."""
    found = session.execute(
        select(col(Position.id)).where(
            col(Position.enterprise_id) == enterprise_id,
            col(Position.title) == title,
            col(Position.start_date) == start,
        )
    ).first()
    return found[0] if found is not None else None


def asks_for_major(codes: Sequence[str]) -> ColumnElement[bool]:
    """The position lists one of the majors ``codes`` among the majors it wants.

    An IN over the major's index beats a correlated EXISTS probed for every position.
    """
    wanting = select(col(PositionMajor.position_id)).where(
        col(PositionMajor.major_code).in_(list(codes))
    )
    return col(Position.id).in_(wanting)


def open_on(day: date) -> ColumnElement[bool]:
    """The position takes applications on ``day``: no closing date, or one not before it."""
    return or_(col(Position.closing_date).is_(None), col(Position.closing_date) >= day)


def occupation_exists(session: Session, code: str) -> bool:
    return session.get(Occupation, code) is not None


def region_exists(session: Session, code: str) -> bool:
    return session.get(Region, code) is not None


def industry_condition(code: str) -> ColumnElement[bool]:
    """The position's enterprise is in industry ``code`` or below it: GB/T 4754 numeric codes nest
    by prefix (36 → 367 → 3670); a 门类 letter holds the 大类 listed under it."""
    column = col(Organization.industry_code)
    if code.isdigit():
        in_industry = column.startswith(code, autoescape=True)
    else:
        divisions = select(col(Industry.code)).where(col(Industry.parent_code) == code)
        in_industry = func.substr(column, 1, 2).in_(divisions)
    return col(Position.enterprise_id).in_(select(col(Organization.id)).where(in_industry))


def industry_divisions(session: Session, section: str) -> tuple[str, ...]:
    """The 大类 codes (two digits) under 门类 ``section`` (what :func:`industry_condition`
    reads for a letter)."""
    rows = session.connection().execute(_DIVISIONS, {"section": section}).scalars()
    return tuple(sorted(str(code) for code in rows))


_DIVISIONS = sql_text("SELECT code FROM industry WHERE parent_code = :section")


def published() -> list[ColumnElement[bool]]:
    """Positions that are published by an enterprise that is verified now (public, and demand)."""
    return [
        col(Position.status).in_(PUBLISHED_STATUSES),
        col(Position.enterprise_id).not_in(organizations_repository.unverified_ids()),
    ]


# The position's columns a search page shows (its search words are not shown).
_SHOWN_COLUMNS = tuple(
    column
    for column in Position.__table__.columns  # type: ignore[attr-defined]
    if column.name not in ("search_title", "search_body", "search_vector")
)


def shown_rows_by_id(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """The positions ``ids`` as Core rows — the position's columns by name, with
    ``enterprise_name``, ``enterprise_code`` and ``region_name`` beside them — in one query:
    the search's hot path builds no ORM objects (their identity map and attribute
    instrumentation cost as much as the query) and reads the enterprise's code in the same
    join instead of a second query."""
    if not ids:
        return {}
    rows = session.connection().execute(
        select(
            *_SHOWN_COLUMNS,
            col(Organization.name).label("enterprise_name"),
            col(Organization.code).label("enterprise_code"),
            col(Region.name).label("region_name"),
        )
        .join(Organization, col(Organization.id) == col(Position.enterprise_id))
        .join(Region, col(Region.code) == col(Position.region_code))
        .where(col(Position.id).in_(list(ids)))
    )
    return {row.id: row for row in rows}


def page_of(
    session: Session, statement: PositionSelect, order: Sequence[Any], offset: int, limit: int
) -> list[tuple[Position, str, str]]:
    rows = session.execute(statement.order_by(*order).offset(offset).limit(limit))
    return [(position, enterprise, region) for position, enterprise, region in rows]


def positions_of_enterprise(
    session: Session,
    enterprise_id: uuid.UUID,
    status: PositionStatus | None,
    offset: int,
    limit: int,
) -> tuple[list[tuple[Position, str, str]], int]:
    conditions: list[Any] = [col(Position.enterprise_id) == enterprise_id]
    if status is not None:
        conditions.append(col(Position.status) == status)
    order = [col(Position.created_at).desc(), col(Position.id)]
    return _counted_page(session, conditions, order, offset, limit)


def _counted_page(
    session: Session, conditions: Sequence[Any], order: Sequence[Any], offset: int, limit: int
) -> tuple[list[tuple[Position, str, str]], int]:
    """One page of positions (with enterprise and region names) and the total matching."""
    total = session.execute(
        select(func.count()).select_from(Position).where(*conditions)
    ).scalar_one()
    statement = (
        select(Position, col(Organization.name), col(Region.name))
        .join(Organization, col(Organization.id) == col(Position.enterprise_id))
        .join(Region, col(Region.code) == col(Position.region_code))
        .where(*conditions)
    )
    return page_of(session, statement, order, offset, limit), int(total)


def positions_with_findings(
    session: Session,
    region_condition: ColumnElement[bool] | None,
    severity: str | None,
    offset: int,
    limit: int,
    *,
    review: bool = False,
) -> tuple[list[tuple[Position, str, str]], int]:
    """Published positions that carry compliance findings (warnings that did not block);
    ``review``: only those with a ``needs_review`` mark of the review model."""
    # The findings are a JSON list; "not the empty list" is compared as text on both backends.
    conditions: list[Any] = [
        col(Position.status).in_(PUBLISHED_STATUSES),
        cast(col(Position.compliance_findings), Text) != "[]",
    ]
    if region_condition is not None:
        conditions.append(region_condition)
    if severity is not None:
        conditions.append(cast(col(Position.compliance_findings), Text).contains(f'"{severity}"'))
    if review:
        conditions.append(cast(col(Position.compliance_findings), Text).contains('"needs_review"'))
    order = [col(Position.published_at).desc().nulls_last(), col(Position.id)]
    return _counted_page(session, conditions, order, offset, limit)


def taking_applications(today: date) -> list[ColumnElement[bool]]:
    """Open and not past its closing date (a local date): what "open" means to an applicant,
    whether or not the nightly job has closed it yet."""
    return [col(Position.status) == PositionStatus.open, open_on(today)]


def expired_open_positions(session: Session, today: date) -> list[tuple[uuid.UUID, date]]:
    """Open positions whose closing date has passed."""
    rows = session.execute(
        select(col(Position.id), col(Position.closing_date)).where(
            col(Position.status) == PositionStatus.open,
            col(Position.closing_date) < today,
        )
    )
    return [(position_id, closing) for position_id, closing in rows]


def close_positions(session: Session, position_ids: Sequence[uuid.UUID], at: Any) -> int:
    if not position_ids:
        return 0
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(Position)
        .where(
            col(Position.id).in_(list(position_ids)),
            col(Position.status) == PositionStatus.open,
        )
        .values(status=PositionStatus.closed, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


# ---------------------------------------------------------------- apprentice share


def _apprentice_places(year: int) -> Any:
    """Per enterprise: its apprentices in ``year`` — accepted applications to its apprenticeship
    positions whose period (start to end, open-ended without an end) overlaps the year."""
    return (
        select(
            col(Position.enterprise_id).label("enterprise_id"),
            func.count(col(Application.id)).label("posts"),
        )
        .join(Application, col(Application.position_id) == col(Position.id))
        .where(
            col(Position.kind) == PositionKind.apprenticeship,
            col(Application.status) == ApplicationStatus.accepted,
            col(Position.start_date) <= date(year, 12, 31),
            or_(col(Position.end_date).is_(None), col(Position.end_date) >= date(year, 1, 1)),
        )
        .group_by(col(Position.enterprise_id))
        .subquery()
    )


def _share_base(region_condition: ColumnElement[bool] | None, year: int) -> tuple[Any, list[Any]]:
    posts = _apprentice_places(year)
    conditions: list[Any] = [
        col(Organization.kind) == OrganizationKind.enterprise,
        col(Organization.status) == OrganizationStatus.verified,
        col(Organization.staff_count).is_not(None),
    ]
    if region_condition is not None:
        conditions.append(region_condition)
    return posts, conditions


def share_groups(
    session: Session, region_condition: ColumnElement[bool] | None, group: str, year: int
) -> list[tuple[str, str, int, int, int, int]]:
    """(code, name, enterprises, with apprentices, staff, apprentice posts) per group.

    ``group`` is ``"region"`` (the enterprise's county or city code), ``"industry"`` (the 大类, the
    first two digits of its industry code) or ``"total"``.
    """
    posts, conditions = _share_base(region_condition, year)
    posts_col = func.coalesce(posts.c.posts, 0)
    measures = [
        func.count(col(Organization.id)),
        func.sum(case((posts_col > 0, 1), else_=0)),
        func.coalesce(func.sum(col(Organization.staff_count)), 0),
        func.coalesce(func.sum(posts_col), 0),
    ]
    if group == "region":
        key: Any = col(Organization.region_code)
        statement = select(key, func.max(col(Region.name)), *measures).join(
            Region, col(Region.code) == col(Organization.region_code)
        )
    elif group == "industry":
        key = func.coalesce(func.substr(col(Organization.industry_code), 1, 2), literal(""))
        statement = select(
            key, func.max(func.coalesce(col(Industry.name), literal(""))), *measures
        ).outerjoin(
            Industry,
            col(Industry.code) == func.substr(col(Organization.industry_code), 1, 2),
        )
    else:
        key = None
        statement = select(literal(""), literal(""), *measures).select_from(Organization)
    statement = statement.outerjoin(posts, posts.c.enterprise_id == col(Organization.id)).where(
        *conditions
    )
    if key is not None:
        statement = statement.group_by(key).order_by(key)
    return [
        (str(code), str(name), int(n), int(with_posts or 0), int(staff), int(total_posts))
        for code, name, n, with_posts, staff, total_posts in session.execute(statement)
    ]


def enterprise_shares(
    session: Session,
    region_condition: ColumnElement[bool] | None,
    year: int,
    offset: int,
    limit: int,
) -> tuple[list[tuple[uuid.UUID, str, str, str | None, int, int]], int]:
    """One page of enterprises with their apprentices in ``year``, highest share first."""
    posts, conditions = _share_base(region_condition, year)
    posts_col = func.coalesce(posts.c.posts, 0)
    # Share as a float in SQL so that the ordering is by the ratio on both backends.
    ratio = case(
        (
            col(Organization.staff_count) > 0,
            cast(posts_col, Float) / col(Organization.staff_count),
        ),
        else_=literal(None),
    )
    base = (
        select(
            col(Organization.id),
            col(Organization.name),
            col(Organization.region_code),
            col(Organization.industry_code),
            col(Organization.staff_count),
            posts_col,
        )
        .outerjoin(posts, posts.c.enterprise_id == col(Organization.id))
        .where(*conditions)
    )
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    rows = session.execute(
        base.order_by(ratio.desc().nulls_last(), posts_col.desc(), col(Organization.id))
        .offset(offset)
        .limit(limit)
    )
    return [
        (eid, name, region, industry, int(staff), int(n))
        for eid, name, region, industry, staff, n in rows
    ], int(total)


def replace_classes(session: Session, position_id: uuid.UUID, codes: Sequence[str]) -> None:
    """The 专业类 a position asks for as a whole."""
    session.execute(
        delete(PositionMajorClass).where(col(PositionMajorClass.position_id) == position_id)
    )
    if codes:
        session.execute(
            insert(PositionMajorClass),
            [{"position_id": position_id, "class_code": c} for c in codes],
        )


def internship_headcounts(
    session: Session,
    enterprise_ids: Collection[uuid.UUID],
    statuses: Sequence[PositionStatus],
    today: date,
    exclude: Sequence[uuid.UUID],
) -> dict[uuid.UUID, int]:
    """Per enterprise (those with any), the headcount of its internships in ``statuses`` that have
    not ended by ``today``, leaving out the positions ``exclude``; one aggregate query."""
    statement = (
        select(col(Position.enterprise_id), func.coalesce(func.sum(col(Position.headcount)), 0))
        .where(
            col(Position.enterprise_id).in_(list(enterprise_ids)),
            col(Position.kind) == PositionKind.internship,
            col(Position.status).in_(statuses),
            (col(Position.end_date) == None) | (col(Position.end_date) >= today),  # noqa: E711
        )
        .group_by(col(Position.enterprise_id))
    )
    if exclude:
        statement = statement.where(col(Position.id).not_in(list(exclude)))
    return {enterprise: int(total) for enterprise, total in session.execute(statement)}


# ---------------------------------------------------------------- search facets


def open_region_counts(session: Session, today: date) -> list[tuple[str, str, int]]:
    """(code, name, open positions) of each region with public positions taking applications on
    ``today``, by code."""
    rows = session.execute(
        select(col(Region.code), col(Region.name), func.count())
        .join(Position, col(Position.region_code) == col(Region.code))
        .where(*published(), *taking_applications(today))
        .group_by(col(Region.code), col(Region.name))
        .order_by(col(Region.code))
    ).all()
    return [(str(code), str(name), int(count)) for code, name, count in rows]


def open_division_counts(session: Session, today: date) -> list[tuple[str, int]]:
    """(GB/T 4754 大类, positions) over the enterprises of public positions taking applications
    on ``today``."""
    division = func.substr(col(Organization.industry_code), 1, 2)
    rows = session.execute(
        select(division, func.count())
        .join(Position, col(Position.enterprise_id) == col(Organization.id))
        .where(
            *published(),
            *taking_applications(today),
            col(Organization.industry_code).is_not(None),
        )
        .group_by(division)
    ).all()
    return [(str(code), int(count)) for code, count in rows]


def division_sections(session: Session) -> dict[str, str]:
    """Each 大类 (2 digits) and its 门类 letter, its parent."""
    rows = session.execute(
        select(col(Industry.code), col(Industry.parent_code)).where(col(Industry.level) == "大类")
    ).all()
    return {str(code): str(parent) for code, parent in rows if parent is not None}


def industry_names(session: Session, codes: Collection[str]) -> dict[str, str]:
    rows = session.execute(
        select(col(Industry.code), col(Industry.name)).where(col(Industry.code).in_(list(codes)))
    ).all()
    return {str(code): str(name) for code, name in rows}


def enterprise_codes(session: Session, enterprise_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The 统一社会信用代码 of each enterprise (for the link to its public page)."""
    if not enterprise_ids:
        return {}
    rows = session.execute(
        select(col(Organization.id), col(Organization.code)).where(
            col(Organization.id).in_(set(enterprise_ids))
        )
    )
    return {row[0]: row[1] for row in rows}


def enterprise_id_of(session: Session, code: str) -> uuid.UUID | None:
    return session.execute(
        select(col(Organization.id)).where(col(Organization.code) == code)
    ).scalar_one_or_none()
