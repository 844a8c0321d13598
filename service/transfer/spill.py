"""Rows held on disk between an import's check and its write (no database).

An import is all or nothing: every row of a file is checked before the first is written, so what
will be written must wait somewhere until the check of the last row. Held in memory, that plan
grew with the file (~1 KB a position, ~110 MB for 100 000, issue 25); a :class:`Spill` keeps it in
an anonymous temporary file instead, pickled a part at a time, and hands it back a part at a time,
so an import holds one part of its plan however long its file is.
"""

from __future__ import annotations

import copyreg
import pickle
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from typing import IO, Generic, TypeVar

T = TypeVar("T")

# Items pickled together: one pickle a part keeps values shared between the rows of a part (a
# description repeated across rows) stored once, and a part read back is a few megabytes.
PART = 2000


def _uuid(data: bytes) -> uuid.UUID:
    return uuid.UUID(bytes=data)


# A UUID pickled as its 16 bytes: its own pickling goes through ``__getstate__`` and a dict a
# UUID (~2x the time of the rest of a position's row in a micro-measurement).
_DISPATCH = copyreg.dispatch_table.copy()
_DISPATCH[uuid.UUID] = lambda value: (_uuid, (value.bytes,))


class Spill(Generic[T]):
    """An append-only sequence of picklable items in a temporary file, read back a part at a time.

    The file is made by :func:`tempfile.TemporaryFile`: it has no name on POSIX (unlinked at
    creation), so nothing is left behind even if the process dies; :meth:`close` (or the
    ``with`` block, or the spill being dropped) gives its space back. Reading does not consume:
    :meth:`parts` and iteration may run any number of times, also interleaved, each part being
    read at its own offset.
    """

    def __init__(self, items: Iterable[T] = (), *, part: int = PART) -> None:
        self.part = part
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="chanjiao-import-")
        self._offsets: list[int] = []
        self._buffer: list[T] = []
        self._count = 0
        self.extend(items)

    def append(self, item: T) -> None:
        self._buffer.append(item)
        self._count += 1
        if len(self._buffer) >= self.part:
            self._flush()

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.append(item)

    def _flush(self) -> None:
        if not self._buffer:
            return
        self._file.seek(0, 2)
        self._offsets.append(self._file.tell())
        pickler = pickle.Pickler(self._file, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _DISPATCH
        pickler.dump(self._buffer)
        self._buffer = []

    def parts(self) -> Iterator[list[T]]:
        """The items, a part (of at most :attr:`part` items) at a time, in the order added."""
        self._flush()
        for offset in self._offsets:
            self._file.seek(offset)
            part: list[T] = pickle.load(self._file)
            yield part

    def __iter__(self) -> Iterator[T]:
        for part in self.parts():
            yield from part

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    @property
    def closed(self) -> bool:
        return self._file.closed

    def close(self) -> None:
        self._buffer = []
        self._file.close()

    def __enter__(self) -> Spill[T]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
