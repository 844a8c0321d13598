"""Reading an uploaded or local file into a header and rows of text cells.

CSV comes as UTF-8 (with or without a byte-order mark), GB18030 (which covers GBK and GB2312, what
Excel on a Chinese Windows writes) or UTF-16 with a byte-order mark (Excel's "Unicode text");
XLSX is read from its first sheet. Every cell becomes text, so one set of parsers serves both.
Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2.

:func:`stream_file` reads the header and hands the rows out one at a time (an import checks a
file of 100 000 rows without ever holding its cells: the csv module's records of such a file are
~100 MB); :func:`read_file` is the same, read whole.
"""

from __future__ import annotations

import codecs
import csv
import ctypes
import gc
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from time import monotonic
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
    """A file's header (row 1) and its non-blank data rows with their spreadsheet row numbers
    (a list, or from :func:`stream_file` an iterator read once, which may raise
    :class:`UnreadableFile` part-way)."""

    headers: list[str]
    rows: Iterable[tuple[int, list[str]]]
    file_format: FileFormat
    encoding: str | None = None


@dataclass(frozen=True)
class ReadSheet(Sheet):
    """A sheet read whole (:func:`read_file`): its rows are a list."""

    rows: list[tuple[int, list[str]]]


MAX_ROWS = 200_000  # data rows per file
# Limits of an XLSX, checked while reading, before memory grows (issue 24: a 973 KB file holding a
# 1 GB string grew the server by 10 GB). The archive's declared sizes are checked before anything is
# unpacked, and zipfile never inflates a member past its declared size.
MAX_MEMBER_BYTES = 160 * 1024 * 1024  # one unpacked member (a sheet of 200 000 rows fits)
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members together
MAX_MEMBERS = 500
MAX_SHARED_STRINGS = 1_000_000
MAX_CELL_CHARS = 32_767  # Excel's own limit of a cell
READ_SECONDS = 60.0  # the whole file
_SHARED_STRINGS = "xl/sharedStrings.xml"


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
    for encoding in ("utf-8", "gb18030"):
        if _decodes(data, encoding):
            return encoding
    raise UnreadableFile("无法识别文件编码，请将CSV保存为UTF-8或GB18030（GBK）编码")


_DECODE_BLOCK = 1024 * 1024


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` decodes, tried a megabyte at a time (never a whole copy as text)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _DECODE_BLOCK):
            decoder.decode(view[start : start + _DECODE_BLOCK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def read_file(data: bytes, file_name: str | None = None) -> ReadSheet:
    """The header and rows of a CSV or XLSX file given as bytes, read whole."""
    try:
        sheet = stream_file(data, file_name)
        return ReadSheet(sheet.headers, list(sheet.rows), sheet.file_format, sheet.encoding)
    except UnreadableFile as error:
        message = error.message
    # Refused after reading: what was read is garbage now that the traceback (and its frames) is
    # gone; hand it back to the system, or a refused 200 000-row file leaves the process 55 MB
    # larger (openpyxl's objects are in cycles, hence the collection).
    release_memory()
    raise UnreadableFile(message)


def stream_file(data: bytes, file_name: str | None = None) -> Sheet:
    """The header of a CSV or XLSX file given as bytes, and its rows as an iterator: each row is
    read when it is asked for, and a refusal (a cell too long, too many rows, a damaged sheet)
    raises :class:`UnreadableFile` from the iteration. The caller releases memory after a
    refusal (:func:`release_memory`)."""
    if not data.strip():
        raise UnreadableFile("文件为空")
    file_format = detect_format(data, file_name)
    if file_format is FileFormat.xlsx:
        _check_archive(data)  # refused here, nothing has been built
        return _sheet(_xlsx_records(data), FileFormat.xlsx, None)
    encoding = detect_encoding(data)
    shown = "utf-8" if encoding == "utf-8-sig" else encoding
    return _sheet(_csv_records(data, encoding), FileFormat.csv, shown)


def release_memory() -> None:
    """Collect cycles and return freed heap pages to the system (glibc's ``malloc_trim``)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the allocator keeps its pages
        pass


def _csv_records(data: bytes, encoding: str) -> Iterator[list[str]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first_line = text.readline()
    text.seek(0)
    # Excel's "Unicode text" export separates with tabs; everything else here uses commas.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(text, delimiter=delimiter)
    index = 0
    while True:
        try:
            record = next(reader, None)
        except csv.Error as exc:
            raise UnreadableFile(f"CSV格式错误：{exc}") from None
        if record is None:
            return
        index += 1
        for i, cell in enumerate(record):
            _limited(cell, index, i)
            if cell.startswith("'") and cell[1:2] in FORMULA_PREFIXES and len(cell) > 1:
                record[i] = cell[1:]
        yield record


def _check_archive(data: bytes) -> None:
    """Refuse an archive whose declared unpacked sizes, member count or shared strings pass the
    limits, before openpyxl unpacks anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise UnreadableFile("无法读取Excel文件，请确认是有效的.xlsx文件") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnreadableFile(f"Excel文件内部结构异常（超过{MAX_MEMBERS}个部件），已拒绝读取")
        total = 0
        for member in members:
            total += member.file_size
            if member.file_size > MAX_MEMBER_BYTES or total > MAX_UNPACKED_BYTES:
                raise UnreadableFile(
                    f"Excel文件解压后超过{MAX_UNPACKED_BYTES // (1024 * 1024)}MB的上限"
                    "（可能是压缩炸弹或数据过多），请拆分后分批导入"
                )
        for member in members:
            if member.filename == _SHARED_STRINGS or member.filename.startswith("xl/worksheets/"):
                _scan_member(archive, member.filename)


# A cell's text in the XML: at most 4 bytes a character, plus room for escapes (&amp; is 5 bytes).
_MAX_TEXT_BYTES = MAX_CELL_CHARS * 6


def _scan_member(archive: zipfile.ZipFile, name: str) -> None:
    """Stream one member (never holding it whole): refuse a text longer than a cell may be, and
    shared strings past their limit, before openpyxl builds either in memory."""
    count = 0
    run = 0  # bytes since the last "<"
    tail = b""
    with archive.open(name) as stream:
        while chunk := stream.read(1024 * 1024):
            last = chunk.rfind(b"<")
            if last < 0:
                run += len(chunk)
            else:
                first = chunk.find(b"<")
                longest = max(len(part) for part in chunk[first:last].split(b"<"))
                if max(run + first, longest) > _MAX_TEXT_BYTES:
                    run = _MAX_TEXT_BYTES + 1
                else:
                    run = len(chunk) - last
            if run > _MAX_TEXT_BYTES:
                raise UnreadableFile(
                    f"Excel文件中有超过单元格{MAX_CELL_CHARS}个字符上限的内容，已拒绝读取"
                )
            if name == _SHARED_STRINGS:
                block = tail + chunk
                count += block.count(b"<si>") + block.count(b"<si ")
                tail = block[-3:]
                count -= tail.count(b"<si>") + tail.count(b"<si ")  # counted with the next block
                if count > MAX_SHARED_STRINGS:
                    raise UnreadableFile(
                        f"Excel文件的共享字符串超过{MAX_SHARED_STRINGS}个的上限，已拒绝读取"
                    )


def _xlsx_records(data: bytes) -> Iterator[list[str]]:
    deadline = monotonic() + READ_SECONDS
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
        for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if index % 1000 == 0 and monotonic() > deadline:
                raise UnreadableFile(
                    f"读取Excel文件超过{READ_SECONDS:g}秒仍未完成，已停止，请拆分后分批导入"
                )
            yield [_limited(cell_text(value), index, column) for column, value in enumerate(row)]
    except zipfile.BadZipFile:
        raise UnreadableFile("无法读取Excel文件，请确认是有效的.xlsx文件") from None
    finally:
        workbook.close()


def _limited(text: str, row: int, column: int) -> str:
    if len(text) > MAX_CELL_CHARS:
        raise UnreadableFile(
            f"第{row}行第{column + 1}列的内容有{len(text)}个字符，"
            f"超过单元格{MAX_CELL_CHARS}个字符的上限"
        )
    return text


def _sheet(records: Iterator[list[str]], file_format: FileFormat, encoding: str | None) -> Sheet:
    """The header (read now) and the data rows (read as they are asked for)."""
    first = next(records, None)
    if first is None:
        raise UnreadableFile("文件中没有表头")
    headers = [cell.strip() for cell in first]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise UnreadableFile("第1行应为表头，但为空")
    return Sheet(
        headers=headers, rows=_data_rows(records), file_format=file_format, encoding=encoding
    )


def _data_rows(records: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for index, record in enumerate(records, start=2):
        if index > MAX_ROWS + 1:
            # Read no further: a small XLSX can expand to hundreds of thousands of rows.
            raise UnreadableFile(f"文件超过{MAX_ROWS}行数据的上限，请拆分后分批导入")
        cells = [cell.strip() for cell in record]
        if any(cells):
            yield index, cells


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
