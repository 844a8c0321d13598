"""One rule for every cell a CSV, XLSX or HTML export writes (reports, lists, transfer).

Control characters (other than newline and tab, which a description keeps) are removed: XLSX
cannot hold them at all (openpyxl's IllegalCharacterError made every export of a region a 500,
issue 24) and in a CSV or a page they only hide text. Text that a spreadsheet would run as a
formula (starting with = + - @, or a tab or carriage return before one) is neutralised: in a CSV
with a leading apostrophe (the importer strips it again), in an XLSX by storing it as a string.
"""

from __future__ import annotations

import html
import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# C0 controls except \t and \n, DEL and the C1 block; \r only inside a CRLF pair is kept as \n.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """``text`` without control characters (CRLF becomes a newline, a lone CR is removed)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n"))


def csv_cell(value: Any) -> Any:
    """A value for ``csv.writer``: text cleaned and, when a spreadsheet would run it, quoted."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if value.startswith(FORMULA_PREFIXES) else text


def xlsx_value(value: Any) -> Any:
    """A value for an openpyxl cell: text cleaned (numbers and dates pass unchanged)."""
    return clean_text(value) if isinstance(value, str) else value


def is_formula_text(value: Any) -> bool:
    """Text that openpyxl would store as a formula: it must be written with data type "s"."""
    return isinstance(value, str) and value.startswith("=")


def guard_row(sheet: Any, row_number: int | None = None) -> None:
    """Make every "=" text in a (normal-mode) sheet's row a string, never a formula."""
    for cell in sheet[row_number or sheet.max_row]:
        if cell.data_type == "f" or is_formula_text(cell.value):
            cell.data_type = "s"


def append_row(sheet: Any, values: list[Any]) -> None:
    """``sheet.append`` of cleaned values, formulas neutralised (a normal-mode worksheet)."""
    sheet.append([xlsx_value(value) for value in values])
    guard_row(sheet)


def html_text(value: Any) -> str:
    """A value escaped for HTML, control characters removed."""
    return html.escape(clean_text("" if value is None else str(value)))


def html_table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain HTML table of escaped, cleaned cells (the printable exports)."""
    head = "".join(f"<th>{html_text(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html_text(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
