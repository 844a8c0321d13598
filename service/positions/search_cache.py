"""Anonymous answers of the public position search, kept in the process while they are current.

Since each worker's search index answers the anonymous searches it holds (afresh, see
service/positions/text_index.py), answers are kept here only for the others: a single-character
word, closed positions included, a region below county level, and any search while the worker's
index is building.

A city's search traffic repeats itself: the front page without filters, a handful of words
(护理, 数控), a district's internships. An anonymous answer depends only on its parameters, on
the local day, and on what is written in the tables the search reads, so it is kept, as the
JSON bytes that were sent, under its parameters and day together with the search generation it
was computed at. A request whose parameters and day match reads the generation (one indexed
read) and, when it is unchanged, sends the kept bytes: no search query, no serialisation.

The generation of a search is counted by triggers (migrations 0014 and 0025) and is the sum of
two parts: the writes to enterprises and catalogues (any of them changes every answer), and the
writes to positions and their majors *in the search's region* — the codes inside its ``region``
filter, or every region when it has none (``search.search_generation``). So a position written
in 沙坪坝区 drops the kept answers of 沙坪坝区, of its city, of Chongqing and of the searches
without a region, and keeps those of 城口县 or 渝中区. Words are not part of it: a write drops
the answers of its region whatever their words (a position's old words are not known to the
trigger without a read; the region alone keeps most district answers while enterprises write).
Any writer counts — this process, another worker, another host on the same database, a command
such as ``chanjiao import``.

Staleness bound: none beyond the request itself. The generation is read in the request's own
transaction before the search runs, so a write committed before a search starts is always in
its answer, on every process and host reading that database.

The generation is read before the search runs, so an answer computed while a write commits is
kept under the older generation and is never sent after that write. Signed-in viewers are not
served from here (an enterprise sees its own positions' private fields).

Bounded by entries and by bytes, least recently used first out; ``CHANJIAO_SEARCH_CACHE_ENTRIES=0``
turns it off (``bench.bench_search`` measures both).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass

from cachetools import LRUCache


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    stale: int = 0  # kept under an older generation: recomputed
    evictions: int = 0


def _body_size(entry: tuple[int, bytes]) -> int:
    return len(entry[1])


class ResponseCache:
    """Bytes by key, each valid for one generation; thread-safe (sync routes run in threads)."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        # Least recently used out first, by bytes; the count of entries is bounded in put.
        self._entries: LRUCache[Hashable, tuple[int, bytes]] = LRUCache(
            maxsize=max(max_bytes, 0), getsizeof=_body_size
        )
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and self.max_bytes > 0

    def get(self, key: Hashable, generation: int) -> bytes | None:
        """The bytes kept under ``key`` if they were computed at ``generation``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.stats.misses += 1
                return None
            if entry[0] != generation:
                self.stats.stale += 1
                del self._entries[key]
                return None
            self.stats.hits += 1
            return entry[1]

    def put(self, key: Hashable, generation: int, body: bytes) -> None:
        if not self.enabled or len(body) > self.max_bytes:
            return
        with self._lock:
            current = self._entries.get(key)
            if current is not None:
                if current[0] > generation:
                    return  # a request that began later kept a newer answer
                del self._entries[key]
            kept = len(self._entries)
            self._entries[key] = (generation, body)
            while len(self._entries) > self.max_entries:
                self._entries.popitem()
            self.stats.evictions += kept + 1 - len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.stats = CacheStats()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return int(self._entries.currsize)
