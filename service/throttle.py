"""Abuse limits: attempts counted per key in fixed windows, in a store every worker shares.

The store is Redis when ``CHANJIAO_REDIS_URL`` is set (e.g. ``redis://127.0.0.1:6379/0``), else
the database (table ``throttle_counter``, written in a transaction of its own so a refused login,
whose request rolls back, still counts). Tests use the in-process store. Limits are checked before
any password is hashed, so an anonymous flood cannot spend the argon2 cost (issue 15).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from models import ThrottleCounter
from models.base import utcnow
from service.errors import AppError
from service.settings import settings


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` in ``seconds`` under one key."""

    name: str
    attempts: int
    seconds: int


# A person mistyping a password tries a few times; a guesser tries thousands. Only failures count
# (issue 24): a class signing in behind one NAT address is never refused for succeeding, and
# failures slow one account *from one address* down, so a stranger's guesses elsewhere cannot lock
# the owner out. One address failing on many accounts meets a much higher bound of its own.
LOGIN_PER_ACCOUNT_ADDRESS = Limit("login:user+ip", 5, 15 * 60)
LOGIN_FAILURES_PER_ADDRESS = Limit("login:ip-failures", 100, 15 * 60)
REGISTER_PER_ADDRESS = Limit("register:ip", 5, 60 * 60)
# Password-reset requests mail a link: a few per account an hour (no mailbox flooding), more per
# address (a school lab behind one address).
PASSWORD_RESET_PER_ACCOUNT = Limit("reset:user", 3, 60 * 60)
PASSWORD_RESET_PER_ADDRESS = Limit("reset:ip", 20, 60 * 60)
# Setting the new password hashes it (argon2) before the link is looked up: bounded per address.
PASSWORD_RESET_CONFIRM_PER_ADDRESS = Limit("reset-confirm:ip", 30, 60 * 60)


class TooManyAttempts(AppError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"尝试次数过多，请{max(1, math.ceil(retry_after / 60))}分钟后再试")
        self.retry_after = max(1, retry_after)


class Store(Protocol):
    def count(self, key: str, seconds: int) -> tuple[int, int]:
        """Hits under ``key`` in its current window, and the seconds until the window ends."""
        ...

    def hit(self, key: str, seconds: int) -> int:
        """Count one attempt; returns the hits in the window including this one."""
        ...

    def reset(self, key: str) -> None: ...


class MemoryStore:
    """One process only: for tests and single-process demos."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def count(self, key: str, seconds: int) -> tuple[int, int]:
        with self._lock:
            start, hits = self._windows.get(key, (0.0, 0))
            left = start + seconds - time.monotonic()
            return (hits, math.ceil(left)) if left > 0 else (0, 0)

    def hit(self, key: str, seconds: int) -> int:
        with self._lock:
            now = time.monotonic()
            start, hits = self._windows.get(key, (now, 0))
            if start + seconds <= now:
                start, hits = now, 0
            self._windows[key] = (start, hits + 1)
            return hits + 1

    def reset(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)


class RedisStore:
    """Shared by every worker and host that points at the same Redis."""

    def __init__(self, url: str) -> None:
        import redis  # only when configured

        self._redis = redis.Redis.from_url(url, socket_timeout=1.0)

    def count(self, key: str, seconds: int) -> tuple[int, int]:
        pipe = self._redis.pipeline()
        pipe.get(key)
        pipe.ttl(key)
        value, ttl = pipe.execute()  # type: ignore[no-untyped-call]
        return (int(value or 0), max(0, int(ttl))) if value else (0, 0)

    def hit(self, key: str, seconds: int) -> int:
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, seconds, nx=True)
        hits, _ = pipe.execute()  # type: ignore[no-untyped-call]
        return int(hits)

    def reset(self, key: str) -> None:
        self._redis.delete(key)


class DatabaseStore:
    """Counters in ``throttle_counter``, each change in its own short transaction."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url

    def _engine(self) -> Engine:
        from service.db import get_engine  # the db module reads settings at import

        return get_engine(self.url)

    def count(self, key: str, seconds: int) -> tuple[int, int]:
        from service.db import read_engine

        table = ThrottleCounter.__table__  # type: ignore[attr-defined]
        with read_engine(self.url).connect() as conn:
            row = conn.execute(
                select(table.c.window_start, table.c.hits).where(table.c.key == key)
            ).first()
        if row is None:
            return 0, 0
        start = (
            row.window_start
            if row.window_start.tzinfo
            else row.window_start.replace(tzinfo=utcnow().tzinfo)
        )
        left = (start + timedelta(seconds=seconds) - utcnow()).total_seconds()
        return (int(row.hits), math.ceil(left)) if left > 0 else (0, 0)

    def hit(self, key: str, seconds: int) -> int:
        now = utcnow()
        table = ThrottleCounter.__table__  # type: ignore[attr-defined]
        for _ in range(3):
            with self._engine().begin() as conn:
                bumped = conn.execute(
                    update(table)
                    .where(
                        table.c.key == key, table.c.window_start > now - timedelta(seconds=seconds)
                    )
                    .values(hits=table.c.hits + 1)
                    .returning(table.c.hits)
                ).first()
                if bumped is not None:
                    return int(bumped[0])
                conn.execute(delete(table).where(table.c.key == key))
                try:
                    conn.execute(insert(table).values(key=key, window_start=now, hits=1))
                except IntegrityError:
                    continue  # another worker started the window first: count into it
                return 1
        return 1

    def reset(self, key: str) -> None:
        table = ThrottleCounter.__table__  # type: ignore[attr-defined]
        with self._engine().begin() as conn:
            conn.execute(delete(table).where(table.c.key == key))


_store: Store | None = None


def store() -> Store:
    """The configured store, made once per process."""
    global _store
    if _store is None:
        if settings.redis_url:
            _store = RedisStore(settings.redis_url)
        elif settings.environment == "test":
            _store = MemoryStore()
        else:
            _store = DatabaseStore()
    return _store


def use_store(new: Store | None) -> None:
    """Replace the store (tests)."""
    global _store
    _store = new


def store_name() -> str:
    return type(store()).__name__


def _key(limit: Limit, subject: str) -> str:
    return f"{limit.name}:{subject.strip().lower()[:120]}"


def count(limit: Limit, subject: str) -> int:
    """The attempts counted under ``subject`` in ``limit``'s current window."""
    return store().count(_key(limit, subject), limit.seconds)[0]


def check(limit: Limit, subject: str) -> None:
    """Refuse with 429 and Retry-After when ``subject`` used up ``limit`` in this window."""
    hits, left = store().count(_key(limit, subject), limit.seconds)
    if hits >= limit.attempts:
        raise TooManyAttempts(left)


def hit(limit: Limit, subject: str) -> None:
    store().hit(_key(limit, subject), limit.seconds)


def check_and_hit(limit: Limit, subject: str) -> None:
    """Count this attempt, refusing it once the window holds ``limit.attempts``."""
    hits = store().hit(_key(limit, subject), limit.seconds)
    if hits > limit.attempts:
        _, left = store().count(_key(limit, subject), limit.seconds)
        raise TooManyAttempts(left)


def reset(limit: Limit, subject: str) -> None:
    store().reset(_key(limit, subject))
