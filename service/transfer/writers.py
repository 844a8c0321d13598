"""Writing a header and rows of stored values as CSV (UTF-8 with a byte-order mark) or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from service.export_cells import csv_cell, is_formula_text, xlsx_value
from service.transfer.columns import FileFormat, render_cell, render_text

CONTENT_TYPES = {
    FileFormat.csv: "text/csv; charset=utf-8",
    FileFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def write_table(
    out: IO[bytes],
    file_format: FileFormat,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_title: str = "Sheet1",
) -> int:
    """Write ``headers`` and ``rows`` to ``out``; returns the number of data rows written."""
    if file_format is FileFormat.xlsx:
        return _write_xlsx(out, headers, rows, sheet_title)
    return _write_csv(out, headers, rows)


def _csv_cell(value: Any) -> str:
    cell: str = csv_cell(render_text(value))
    return cell


def _write_csv(out: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    # The byte-order mark makes Excel open the file as UTF-8 instead of the system code page.
    stream = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(stream)
        writer.writerow(headers)
        count = 0
        for row in rows:
            writer.writerow([_csv_cell(value) for value in row])
            count += 1
        stream.flush()
    finally:
        stream.detach()  # the caller owns ``out``
    return count


def _write_xlsx(
    out: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str
) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append([xlsx_value(header) for header in headers])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    workbook.save(out)
    return count


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    cell_value = xlsx_value(render_cell(value))
    if is_formula_text(cell_value):
        # openpyxl would store text starting with "=" as a formula; keep it a string.
        cell = WriteOnlyCell(sheet, value=cell_value)
        cell.data_type = "s"
        return cell
    return cell_value
