"""From a sheet of text cells to typed rows: header recognition and cell parsing (no database)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from service.transfer.columns import CellError, Column, KindSpec, header_key
from service.transfer.readers import Sheet
from service.transfer.schemas import Problem

HEADER_ROW = 1


@dataclass(frozen=True)
class HeaderMap:
    """Where each recognised column sits in the file, and the header text it was given."""

    index: dict[str, int]
    headers: dict[str, str]


@dataclass
class ParsedRow:
    """One data row: typed values of the columns present (None when empty), the raw cell text, and
    the columns whose cell could not be read (already reported)."""

    row: int
    values: dict[str, Any]
    raw: dict[str, str]
    failed: set[str] = field(default_factory=set)

    def text(self, column: str) -> str:
        return self.raw.get(column, "")


def map_headers(spec: KindSpec, headers: list[str]) -> tuple[HeaderMap, list[Problem]]:
    """Recognise the header row: English names, Chinese labels or aliases, in any order."""
    index: dict[str, int] = {}
    given: dict[str, str] = {}
    problems: list[Problem] = []
    known = "、".join(column.label for column in spec.columns)
    for position, header in enumerate(headers):
        if not header:
            continue
        column = spec.by_header.get(header_key(header))
        if column is None:
            problems.append(
                Problem(
                    HEADER_ROW,
                    "",
                    header,
                    f"无法识别的列“{header}”；{spec.label}文件可用的列：{known}",
                )
            )
        elif column.name in index:
            problems.append(
                Problem(
                    HEADER_ROW,
                    column.name,
                    header,
                    f"列“{header}”与列“{given[column.name]}”重复",
                    label=column.label,
                )
            )
        else:
            index[column.name] = position
            given[column.name] = header
    for column in spec.columns:
        if column.required and column.name not in index:
            problems.append(
                Problem(
                    HEADER_ROW,
                    column.name,
                    "",
                    f"缺少必填列“{column.label}”（{column.name}）",
                    label=column.label,
                )
            )
    for group in spec.one_of:
        if not any(name in index for name in group):
            labels = "、".join(f"“{spec.column(name).label}”" for name in group)
            problems.append(Problem(HEADER_ROW, group[0], "", f"须至少包含{labels}之一列"))
    return HeaderMap(index=index, headers=given), problems


def parse_rows(
    spec: KindSpec,
    header_map: HeaderMap,
    sheet: Sheet,
    rows: Iterable[tuple[int, list[str]]] | None = None,
) -> tuple[list[ParsedRow], list[Problem]]:
    """Read every cell of every row (of ``rows``, a part of the sheet's, when given); every problem
    is collected, none stops the reading."""
    columns = [(spec.column(name), position) for name, position in header_map.index.items()]
    width = len(sheet.headers)
    parsed: list[ParsedRow] = []
    problems: list[Problem] = []
    for row_number, cells in sheet.rows if rows is None else rows:
        values: dict[str, Any] = {}
        raw: dict[str, str] = {}
        failed: set[str] = set()
        for column, position in columns:
            text = cells[position] if position < len(cells) else ""
            raw[column.name] = text
            if not text:
                values[column.name] = None
                if column.required:
                    failed.add(column.name)
                    problems.append(_problem(row_number, column, text, f"{column.label}不能为空"))
                continue
            try:
                values[column.name] = column.parse(text)
            except CellError as error:
                values[column.name] = None
                failed.add(column.name)
                problems.append(_problem(row_number, column, text, f"{column.label}{error}"))
        if any(cells[width:]):
            problems.append(
                Problem(
                    row_number,
                    "",
                    "",
                    f"表头只有{width}列，该行在第{width}列之后还有内容，请检查是否多了分隔符",
                )
            )
        for group in spec.one_of:
            present = [name for name in group if name in values]
            if (
                present
                and all(values[name] is None for name in present)
                and not (failed & set(group))
            ):
                labels = "、".join(spec.column(name).label for name in present)
                first = spec.column(present[0])
                problems.append(
                    Problem(
                        row_number, first.name, "", f"{labels}须至少填写一项", label=first.label
                    )
                )
                failed.update(group)
        parsed.append(ParsedRow(row_number, values, raw, failed))
    return parsed, problems


def _problem(row: int, column: Column, value: str, message: str) -> Problem:
    return Problem(row, column.name, value, message, label=column.label)


class _Unset:
    """The mark of a column not set; pickled by name, so a row read back from a spill
    (:mod:`service.transfer.spill`) still tells an unset column from a None."""

    def __reduce__(self) -> str:
        return "_UNSET"


_UNSET: Any = _Unset()


class CompactRow(MutableMapping[str, Any]):
    """A row of fixed columns read and written like a dict, in a third of a dict's memory (one
    list of values; the column names are the class's). An import holds one per row of its file
    between its check and its write: 100 000 dicts of 26 columns are ~130 MB, these ~35 MB.
    Only the class's columns can be set (a KeyError names any other)."""

    __slots__ = ("_values",)
    FIELDS: ClassVar[tuple[str, ...]] = ()
    INDEX: ClassVar[dict[str, int]] = {}

    def __init__(self, values: Mapping[str, Any] = {}) -> None:  # noqa: B006 - never mutated
        self._values = [_UNSET] * len(self.FIELDS)
        for name, value in values.items():
            self[name] = value

    @classmethod
    def of(cls, name: str, fields: Iterable[str], *, module: str) -> type[CompactRow]:
        """A row class of ``fields``, to be bound to ``name`` in ``module`` (its ``__name__``):
        pickle finds the class of a row there when the row is read back from a spill."""
        names = tuple(dict.fromkeys(fields))
        index = {field_name: i for i, field_name in enumerate(names)}
        made: type[CompactRow] = type(
            name,
            (cls,),
            {"__slots__": (), "FIELDS": names, "INDEX": index, "__module__": module},
        )
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self._values))

    def __getitem__(self, key: str) -> Any:
        value = self._values[self.INDEX[key]]
        if value is _UNSET:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self._values[self.INDEX[key]] = value

    def __delitem__(self, key: str) -> None:
        if self[key] is not _UNSET:
            self._values[self.INDEX[key]] = _UNSET

    def __iter__(self) -> Iterator[str]:
        return (
            name
            for name, value in zip(self.FIELDS, self._values, strict=True)
            if value is not _UNSET
        )

    def __len__(self) -> int:
        return sum(value is not _UNSET for value in self._values)

    def as_dict(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in zip(self.FIELDS, self._values, strict=True)
            if value is not _UNSET
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.as_dict()!r})"


def _restore(cls: type[CompactRow], values: list[Any]) -> CompactRow:
    row = cls.__new__(cls)
    row._values = values
    return row


class Shared:
    """One object for equal values across the rows of a file (descriptions, skills, dates repeat
    across thousands of rows; each row's parse makes its own copy). Bounded: past ``limit``
    distinct values a new one is kept as it is."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self.values: dict[Any, Any] = {}

    def __call__(self, value: Any, key: Any = None) -> Any:
        key = value if key is None else key
        found = self.values.get(key, _UNSET)
        if found is not _UNSET:
            return found
        if len(self.values) < self.limit:
            self.values[key] = value
        return value
