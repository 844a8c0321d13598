"""From a sheet of text cells to typed rows: header recognition and cell parsing (no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    spec: KindSpec, header_map: HeaderMap, sheet: Sheet
) -> tuple[list[ParsedRow], list[Problem]]:
    """Read every cell of every row; every problem is collected, none stops the reading."""
    columns = [(spec.column(name), position) for name, position in header_map.index.items()]
    width = len(sheet.headers)
    parsed: list[ParsedRow] = []
    problems: list[Problem] = []
    for row_number, cells in sheet.rows:
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
