"""Favourites and saved searches: students only.

Only students keep positions and searches: they are the ones who apply. Enterprises, schools and
regulators read positions for other reasons (their own, their students', their region's) and have
their own lists; the routes refuse them with 403.

A favourite is kept while the position changes: closed, filled or past its closing date it is
listed marked as such; a position the student may no longer see (its enterprise suspended) is
listed without its content. Adding a favourite of a position the student may not see is a 404, as
for a missing one (service/position_access.py).

A saved search keeps the position search's own parameters (``PositionSearch``); the daily digest
(:func:`digest_compute`, :func:`digest_run`) runs each one for positions published since its last
run and sends its owner one notification with the count and the first titles.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session

from models import Favorite, Position, SavedSearch, User
from models.base import utcnow
from service import clock, notifications
from service import position_access as access
from service.errors import Conflict, NotFound, field_detail
from service.favorites import repository
from service.favorites.schemas import (
    FavoritePublic,
    FavoritesPage,
    SavedSearchCreate,
    SavedSearchesPublic,
    SavedSearchPublic,
)
from service.pagination import PageParams
from service.positions import operations as positions
from service.positions.schemas import PositionPublic, PositionSearch

MAX_SAVED_SEARCHES = 20
# The digest's look at each saved search: the newest matches, and how many titles it names.
DIGEST_PAGE = 100
DIGEST_TITLES = 3
DIGEST_BATCH = 5000


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# ---------------------------------------------------------------- favourites


def add_favorite(session: Session, user: User, position_id: uuid.UUID) -> FavoritePublic:
    """Keep a position the student may see (again: no change)."""
    position = access.seen(session, user, session.get(Position, position_id))
    row = repository.favorite(session, user.id, position.id)
    if row is None:
        row = Favorite(user_id=user.id, position_id=position.id, created_at=utcnow())
        session.add(row)
        session.flush()
    return _favorite(session, user, row)


def remove_favorite(session: Session, user: User, position_id: uuid.UUID) -> None:
    """Drop a favourite (none kept: no change)."""
    repository.remove_favorite(session, user.id, position_id)


def _favorite(session: Session, user: User, row: Favorite) -> FavoritePublic:
    position = session.get(Position, row.position_id)
    if position is None or not access.visible(session, user, position):
        return FavoritePublic(
            position_id=row.position_id,
            created_at=row.created_at,
            available=False,
            accepting_applications=False,
            status_label="岗位已下线",
            position=None,
        )
    view = positions.read_position(session, user, position.id)
    return FavoritePublic(
        position_id=row.position_id,
        created_at=row.created_at,
        available=True,
        accepting_applications=view.accepting_applications,
        status_label=view.status_label,
        position=PositionPublic.from_view(view),
    )


def list_favorites(session: Session, user: User, page: PageParams) -> FavoritesPage:
    rows, count = repository.favorites(session, user.id, page.offset, page.page_size)
    return FavoritesPage(data=[_favorite(session, user, row) for row in rows], count=count)


def favorite_ids(session: Session, user: User, position_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``position_ids`` the user keeps (for the 收藏 buttons of a page)."""
    return repository.favorite_ids(session, user.id, position_ids)


# ---------------------------------------------------------------- saved searches


def _params(search: PositionSearch) -> dict[str, Any]:
    return search.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def _saved_public(row: SavedSearch) -> SavedSearchPublic:
    return SavedSearchPublic(
        id=row.id,
        name=row.name,
        search=dict(row.params),
        query_string=urlencode(
            {
                k: ("true" if v is True else "false" if v is False else v)
                for k, v in row.params.items()
            }
        ),
        created_at=_utc(row.created_at),
        last_run_at=_utc(row.last_run_at),
    )


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def save_search(
    session: Session, user: User, data: SavedSearchCreate, *, since: datetime | None = None
) -> SavedSearchPublic:
    """Keep a search under a name (unique per student, at most 20); its digest counts positions
    published from now on (or from ``since``: the demo's search kept a month ago)."""
    if repository.saved_search_named(session, user.id, data.name) is not None:
        raise Conflict(
            "已有同名的保存搜索", details=[field_detail("name", "名称已被使用，请换一个")]
        )
    if repository.count_saved_searches(session, user.id) >= MAX_SAVED_SEARCHES:
        raise Conflict(
            f"最多保存{MAX_SAVED_SEARCHES}个搜索，请先删除不再需要的",
            details=[field_detail("name", f"已保存{MAX_SAVED_SEARCHES}个搜索")],
        )
    now = utcnow()
    row = SavedSearch(
        user_id=user.id,
        name=data.name,
        params=_params(data.search),
        created_at=since or now,
        last_run_at=since or now,
    )
    session.add(row)
    session.flush()
    return _saved_public(row)


def list_saved_searches(session: Session, user: User) -> SavedSearchesPublic:
    rows = repository.saved_searches(session, user.id)
    return SavedSearchesPublic(data=[_saved_public(row) for row in rows], count=len(rows))


def delete_saved_search(session: Session, user: User, search_id: uuid.UUID) -> None:
    row = session.get(SavedSearch, search_id)
    if row is None or row.user_id != user.id:
        raise NotFound("保存的搜索不存在")
    session.delete(row)
    session.flush()


# ---------------------------------------------------------------- the daily digest


@dataclass(frozen=True)
class Digest:
    search_id: uuid.UUID
    user_id: uuid.UUID
    name: str
    count: int
    titles: list[str]
    checked_at: datetime


def new_matches(
    session: Session, user: User, row: SavedSearch, until: datetime
) -> tuple[int, list[str]]:
    """The positions of ``row``'s search published after its last run (up to ``until``): how
    many (of the newest :data:`DIGEST_PAGE`), and their titles, newest first."""
    since = _utc(row.last_run_at)
    filters = PositionSearch.model_validate(
        {
            **row.params,
            "published_from": clock.local(since).date().isoformat(),
            "sort": "newest",
            "open_only": True,
        }
    )
    views, _count, _capped = positions.search_positions(
        session, user, filters, PageParams(page=1, page_size=DIGEST_PAGE)
    )
    fresh = [
        view.position.title
        for view in views
        if view.position.published_at is not None
        and since < _utc(view.position.published_at) <= until
    ]
    return len(fresh), fresh


def digest_compute(session: Session) -> list[Digest]:
    """The digest's reading (a read-only session): each saved search not run for a day."""
    now = utcnow()
    digests = []
    for row, user in repository.due_saved_searches(
        session, now - timedelta(hours=23), DIGEST_BATCH
    ):
        count, titles = new_matches(session, user, row, now)
        digests.append(Digest(row.id, user.id, row.name, count, titles[:DIGEST_TITLES], now))
    return digests


def digest_run(session: Session, digests: list[Digest]) -> int:
    """The digest's writing: one notification per saved search with new positions, and each
    search's last run moved to the time it was read. Returns the notifications sent."""
    sent = 0
    for digest in digests:
        row = session.get(SavedSearch, digest.search_id)
        if row is None or _utc(row.last_run_at) >= digest.checked_at:
            continue  # deleted, or already reported by another run
        row.last_run_at = digest.checked_at
        session.add(row)
        if digest.count:
            more = "等" if digest.count > len(digest.titles) else ""
            sent += notifications.notify(
                session,
                user_ids=[digest.user_id],
                kind=notifications.NotificationKind.saved_search_matches,
                title=f"保存的搜索“{digest.name}”有{digest.count}个新岗位",
                body=f"{'、'.join(digest.titles)}{more}",
                link="/me/saved-searches",
            )
    session.flush()
    return sent
