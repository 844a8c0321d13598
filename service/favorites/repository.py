"""Queries of favourites and saved searches."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from models import Favorite, SavedSearch, User


def favorite(session: Session, user_id: uuid.UUID, position_id: uuid.UUID) -> Favorite | None:
    return session.get(Favorite, (user_id, position_id))


def remove_favorite(session: Session, user_id: uuid.UUID, position_id: uuid.UUID) -> int:
    result = session.execute(
        delete(Favorite).where(
            col(Favorite.user_id) == user_id, col(Favorite.position_id) == position_id
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def favorites(
    session: Session, user_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[Favorite], int]:
    rows = session.exec(
        select(Favorite)
        .where(Favorite.user_id == user_id)
        .order_by(col(Favorite.created_at).desc(), col(Favorite.position_id))
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(
        select(func.count()).select_from(Favorite).where(Favorite.user_id == user_id)
    ).one()
    return list(rows), int(total)


def favorite_ids(
    session: Session, user_id: uuid.UUID, position_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    if not position_ids:
        return set()
    return set(
        session.exec(
            select(Favorite.position_id).where(
                Favorite.user_id == user_id, col(Favorite.position_id).in_(position_ids)
            )
        ).all()
    )


def saved_searches(session: Session, user_id: uuid.UUID) -> list[SavedSearch]:
    return list(
        session.exec(
            select(SavedSearch)
            .where(SavedSearch.user_id == user_id)
            .order_by(col(SavedSearch.created_at).desc(), col(SavedSearch.id))
        ).all()
    )


def saved_search_named(session: Session, user_id: uuid.UUID, name: str) -> SavedSearch | None:
    return session.exec(
        select(SavedSearch).where(SavedSearch.user_id == user_id, SavedSearch.name == name)
    ).first()


def count_saved_searches(session: Session, user_id: uuid.UUID) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user_id)
        ).one()
    )


def due_saved_searches(
    session: Session, before: datetime, limit: int
) -> list[tuple[SavedSearch, User]]:
    """Saved searches last run before ``before``, of active accounts, oldest run first."""
    rows = session.exec(
        select(SavedSearch, User)
        .join(User, col(User.id) == col(SavedSearch.user_id))
        .where(col(SavedSearch.last_run_at) < before, col(User.is_active).is_(True))
        .order_by(col(SavedSearch.last_run_at), col(SavedSearch.id))
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]
