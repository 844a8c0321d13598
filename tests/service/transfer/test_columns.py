from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.validators import uscc_problem
from service.transfer.columns import (
    EXAMPLE_USCC,
    SPECS,
    CellError,
    TransferKind,
    choice,
    header_key,
    integer,
    iso_date,
    items,
    major_reference,
    number,
    render_cell,
    render_text,
    year,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), ("１２", 12), ("1,200", 1200), ("10.0", 10), (" 7 ", 7)],
)
def test_integer_reads_what_spreadsheets_write(text: str, expected: int) -> None:
    assert integer()(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("1.5", "应为整数"), ("abc", "应为整数"), ("五百", "应为整数"), ("-1", "应不小于0")],
)
def test_integer_refuses_with_a_chinese_reason(text: str, message: str) -> None:
    with pytest.raises(CellError, match=f"^{message}$"):
        integer()(text)


def test_year_is_bounded() -> None:
    assert year("2024") == 2024
    with pytest.raises(CellError, match="^应不小于1990$"):
        year("1800")


def test_number_rejects_nan_and_infinity() -> None:
    assert number()("4650.5") == 4650.5
    assert number()("５０００") == 5000.0
    for text in ("nan", "inf", "-inf", "四千"):
        with pytest.raises(CellError, match="^应为数字$"):
            number()(text)


@pytest.mark.parametrize("text", ["2025-07-01", "2025/7/1", "2025.07.01", "2025年7月1日"])
def test_dates_in_common_spellings(text: str) -> None:
    assert iso_date(text) == date(2025, 7, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-30", "日期不存在"),
        ("20250101", "日期格式应为YYYY-MM-DD"),
        ("1900-01-01", "日期应在1990年至2100年之间"),
    ],
)
def test_bad_dates(text: str, message: str) -> None:
    with pytest.raises(CellError, match=f"^{message}$"):
        iso_date(text)


def test_choice_takes_value_or_chinese_label() -> None:
    kinds = SPECS[TransferKind.positions].column("kind").parse
    assert kinds("学徒") == "apprenticeship"
    assert kinds("Internship") == "internship"
    assert kinds("就业") == "job"
    with pytest.raises(CellError, match="^取值应为apprenticeship、学徒、internship"):
        kinds("兼职")
    assert choice({"是": "yes"})("是") == "yes"


def test_items_split_on_either_semicolon_and_drop_repeats() -> None:
    assert items()("Java; SQL；Java;;") == ["Java", "SQL"]
    assert items(as_code=True)("500106；５００１１２") == ["500106", "500112"]
    with pytest.raises(CellError, match="^最多2项（实际3项）$"):
        items(max_items=2)("a;b;c")


def test_major_reference_keeps_names_and_normalises_codes() -> None:
    assert major_reference("５１０２０３") == "510203"
    assert major_reference("520101k") == "520101K"
    assert major_reference("软件技术") == "软件技术"


def test_header_key_ignores_case_spaces_and_required_marks() -> None:
    assert header_key(" Major_Code ") == "major_code"
    assert header_key("专业代码*") == header_key("专业代码（必填）") == "专业代码"


def test_every_kind_names_its_columns_once() -> None:
    spec = SPECS[TransferKind.cohorts]
    assert spec.by_header[header_key("毕业年份")].name == "graduation_year"
    assert spec.by_header[header_key("去向落实人数")].name == "placed"
    assert spec.by_header[header_key("对口就业人数")].name == "in_field"
    assert spec.by_header[header_key("毕业生数")].name == "graduates"
    assert spec.by_header[header_key("学校标识码")].name == "school_code"
    assert [c.name for c in spec.exported] == [
        "school_code",
        "major_code",
        "graduation_year",
        "graduates",
        "placed",
        "in_field",
        "further_study",
        "avg_monthly_salary",
    ]


def test_example_enterprise_code_is_valid() -> None:
    assert uscc_problem(EXAMPLE_USCC) is None


def test_render_for_csv_and_xlsx() -> None:
    assert render_text(5000.0) == "5000"
    assert render_text(4650.5) == "4650.5"
    assert render_text(date(2027, 7, 1)) == "2027-07-01"
    assert render_text(["Java", "SQL"]) == "Java;SQL"
    assert render_text(None) == ""
    assert render_cell(5000.0) == 5000
    assert render_cell("510203") == "510203"


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_numbers_round_trip_through_text(value: float) -> None:
    assert number()(render_text(value)) == value


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_round_trip_through_text(value: date) -> None:
    assert iso_date(render_text(value)) == value


@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_characters=";；", blacklist_categories=("Cs", "Cc")),
            min_size=1,
            max_size=10,
        )
        .map(str.strip)
        .filter(bool),
        max_size=5,
        unique=True,
    )
)
def test_lists_round_trip_through_text(values: list[str]) -> None:
    assert items()(render_text(values)) == values
