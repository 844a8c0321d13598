from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from service.transfer.columns import FileFormat
from service.transfer.readers import UnreadableFile, cell_text, detect_encoding, read_file
from service.transfer.writers import write_table
from tests.factories import import_file_bytes

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "transfer"
HEADERS = ["学校标识码", "专业代码", "备注"]
ROWS = [["4150000101", "510203", "软件技术（移动应用开发方向）"], ["4150000102", "720201", "护理"]]


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8-sig", "utf-8"), ("utf-8", "utf-8"), ("gb18030", "gb18030"), ("utf-16", "utf-16")],
)
def test_csv_encodings_are_detected(encoding: str, detected: str) -> None:
    sheet = read_file(import_file_bytes(HEADERS, ROWS, encoding=encoding))
    assert sheet.encoding == detected
    assert sheet.file_format is FileFormat.csv
    assert sheet.headers == HEADERS
    assert sheet.rows == [(2, ROWS[0]), (3, ROWS[1])]


def test_gbk_fixture_reads_like_the_utf8_one() -> None:
    utf8 = read_file((FIXTURES / "organizations.csv").read_bytes())
    gbk = read_file((FIXTURES / "organizations_gb18030.csv").read_bytes())
    assert gbk.encoding == "gb18030"
    assert (gbk.headers, gbk.rows) == (utf8.headers, utf8.rows)


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(UnreadableFile, match="无法识别文件编码"):
        detect_encoding(b"code\n\x81\x30\xff\xff\n")


def test_row_numbers_are_the_spreadsheets_and_blank_rows_are_skipped() -> None:
    data = 'a,b\r\n1,2\r\n,\r\n\r\n3,"多行\n文本"\r\n5,6\r\n'.encode()
    sheet = read_file(data)
    assert sheet.rows == [(2, ["1", "2"]), (5, ["3", "多行\n文本"]), (6, ["5", "6"])]


def test_tab_separated_unicode_text_from_excel() -> None:
    data = "学号\t专业代码\r\n2023001\t510203\r\n".encode("utf-16")
    sheet = read_file(data)
    assert sheet.headers == ["学号", "专业代码"]
    assert sheet.rows == [(2, ["2023001", "510203"])]


def test_xlsx_first_sheet_with_typed_cells() -> None:
    workbook = Workbook()
    first = workbook.active
    first.append(["学校标识码", "毕业年份", "平均月薪", "开始日期", "专业代码"])
    first.append([4150000101, 2024, 4650.5, datetime(2027, 7, 1), "510203"])
    first.append([None, None, None, None, None])
    first.append([4150000102.0, "2025", 5000.0, date(2027, 9, 1), 720201])
    workbook.create_sheet("其他").append(["忽略"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = read_file(buffer.getvalue(), "cohorts.xlsx")
    assert sheet.file_format is FileFormat.xlsx
    assert sheet.headers == ["学校标识码", "毕业年份", "平均月薪", "开始日期", "专业代码"]
    assert sheet.rows == [
        (2, ["4150000101", "2024", "4650.5", "2027-07-01", "510203"]),
        (4, ["4150000102", "2025", "5000", "2027-09-01", "720201"]),
    ]


def test_old_xls_and_fake_xlsx_are_refused() -> None:
    with pytest.raises(UnreadableFile, match="不支持旧版Excel"):
        read_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls")
    with pytest.raises(UnreadableFile, match="内容不是有效的Excel文件"):
        read_file(b"a,b\n1,2\n", "a.xlsx")
    with pytest.raises(UnreadableFile, match="无法读取Excel文件"):
        read_file(b"PK\x03\x04broken", "a.xlsx")


def test_empty_files_are_refused() -> None:
    with pytest.raises(UnreadableFile, match="^文件为空$"):
        read_file(b"  \n")
    with pytest.raises(UnreadableFile, match="第1行应为表头"):
        read_file(b",,\n1,2,3\n")


def test_cell_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(True) == "true"
    assert cell_text(2.0) == "2"
    assert cell_text(0.1) == "0.1"
    assert cell_text(datetime(2027, 7, 1, 8, 30)) == "2027-07-01T08:30:00"


@pytest.mark.parametrize("file_format", list(FileFormat))
def test_formula_like_text_survives_a_write_and_read(file_format: FileFormat) -> None:
    values = ["=SUM(A1)", "+86 138", "-负责装配", "@备注", "普通文本"]
    out = io.BytesIO()
    write_table(out, file_format, ["a", "b", "c", "d", "e"], [values])
    if file_format is FileFormat.csv:
        # Opened in a spreadsheet program, none of the cells is taken for a formula.
        assert out.getvalue().decode("utf-8-sig").splitlines()[1] == (
            "'=SUM(A1),'+86 138,'-负责装配,'@备注,普通文本"
        )
    assert read_file(out.getvalue()).rows == [(2, values)]
