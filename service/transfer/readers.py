"""Reading an uploaded or local file into a header and rows of text cells.

CSV comes as UTF-8 (with or without a byte-order mark), GB18030 (which covers GBK and GB2312, what
Excel on a Chinese Windows writes) or UTF-16 with a byte-order mark (Excel's "Unicode text");
XLSX is read from its first sheet. Every cell becomes text, so one set of parsers serves both.
Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook

from service.errors import Invalid
from service.transfer.columns import FORMULA_PREFIXES, FileFormat

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


class UnreadableFile(Invalid):
    """The file is not a CSV or XLSX the importer can read."""

    code = "import_unreadable"


@dataclass(frozen=True)
class Sheet:
    """A file's header (row 1) and its non-blank data rows with their spreadsheet row numbers."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    file_format: FileFormat
    encoding: str | None = None


MAX_ROWS = 200_000  # data rows per file


def detect_format(data: bytes, file_name: str | None = None) -> FileFormat:
    if data.startswith(_ZIP_MAGIC):
        return FileFormat.xlsx
    if data.startswith(_OLE_MAGIC):
        raise UnreadableFile("不支持旧版Excel（.xls）文件，请另存为.xlsx或CSV后再导入")
    if file_name and file_name.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile("文件扩展名为.xlsx，但内容不是有效的Excel文件")
    return FileFormat.csv


def detect_encoding(data: bytes) -> str:
    """The encoding of a CSV: a byte-order mark decides, else UTF-8 if it decodes, else GB18030."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile("无法识别文件编码，请将CSV保存为UTF-8或GB18030（GBK）编码") from None
    return "gb18030"


def read_file(data: bytes, file_name: str | None = None) -> Sheet:
    """The header and rows of a CSV or XLSX file given as bytes."""
    if not data.strip():
        raise UnreadableFile("文件为空")
    file_format = detect_format(data, file_name)
    if file_format is FileFormat.xlsx:
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes) -> Sheet:
    encoding = detect_encoding(data)
    content = data.decode(encoding)
    first_line = content.split("\n", 1)[0]
    # Excel's "Unicode text" export separates with tabs; everything else here uses commas.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        records = list(itertools.islice(reader, MAX_ROWS + 2))
    except csv.Error as exc:
        raise UnreadableFile(f"CSV格式错误：{exc}") from None
    for record in records:
        for i, cell in enumerate(record):
            if cell.startswith("'") and cell[1:2] in FORMULA_PREFIXES and len(cell) > 1:
                record[i] = cell[1:]
    return _sheet(records, FileFormat.csv, "utf-8" if encoding == "utf-8-sig" else encoding)


def _read_xlsx(data: bytes) -> Sheet:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same here
        raise UnreadableFile("无法读取Excel文件，请确认是有效的.xlsx文件") from None
    try:
        if not workbook.worksheets:
            raise UnreadableFile("Excel文件中没有工作表")
        sheet = workbook.worksheets[0]
        # Some writers store a wrong sheet size; forgetting it makes openpyxl read every row.
        sheet.reset_dimensions()
        rows = itertools.islice(sheet.iter_rows(values_only=True), MAX_ROWS + 2)
        records = [[cell_text(value) for value in row] for row in rows]
    finally:
        workbook.close()
    return _sheet(records, FileFormat.xlsx, None)


def _sheet(records: list[list[str]], file_format: FileFormat, encoding: str | None) -> Sheet:
    if not records:
        raise UnreadableFile("文件中没有表头")
    if len(records) > MAX_ROWS + 1:
        # Read no further: a small XLSX can expand to hundreds of thousands of rows.
        raise UnreadableFile(f"文件超过{MAX_ROWS}行数据的上限，请拆分后分批导入")
    headers = [cell.strip() for cell in records[0]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise UnreadableFile("第1行应为表头，但为空")
    rows: list[tuple[int, list[str]]] = []
    for index, record in enumerate(records[1:], start=2):
        cells = [cell.strip() for cell in record]
        if any(cells):
            rows.append((index, cells))
    return Sheet(headers=headers, rows=rows, file_format=file_format, encoding=encoding)


def cell_text(value: Any) -> str:
    """A spreadsheet cell's value as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
