"""validate_organization_fields: the one check of an organisation's fields (API and bulk import)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from service.organizations.operations import (
    ReferenceCodes,
    load_reference_codes,
    validate_organization_fields,
)
from tests.factories import make_school_code, make_uscc

CODES = ReferenceCodes(
    regions=frozenset({"500106", "500000"}), industries=frozenset({"3670", "36"})
)


def enterprise(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "enterprise",
        "code": "91110000600037341L",
        "name": "重庆某某机械有限公司",
        "region_code": "500106",
        "industry_code": "3670",
        "level": None,
        "staff_count": 300,
    }
    data.update(changes)
    return data


def school(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "school",
        "code": "4150012345",
        "name": "重庆某职业技术学院",
        "region_code": "500106",
        "level": "高职专科",
    }
    data.update(changes)
    return data


def test_valid_enterprise_and_school_have_no_problems() -> None:
    assert validate_organization_fields(CODES, enterprise()) == []
    assert validate_organization_fields(CODES, school()) == []


def test_uscc_is_checked_in_normalised_form() -> None:
    # Full-width and lower case are what people paste; the stored form is half-width upper case.
    assert (
        validate_organization_fields(CODES, enterprise(code="９１１１００００６０００３７３４１ｌ"))
        == []
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91110000600037341", "统一社会信用代码应为18位，实际为17位"),
        ("91110000600037341O", "统一社会信用代码含有不允许的字符：O（不使用I、O、S、V、Z）"),
        ("91110000600037341X", "统一社会信用代码校验位错误：应为L，实际为X"),
    ],
)
def test_bad_uscc_is_reported_on_code(code: str, message: str) -> None:
    assert validate_organization_fields(CODES, enterprise(code=code)) == [("code", message)]


def test_school_code_must_be_ten_digits() -> None:
    assert validate_organization_fields(CODES, school(code="41500123")) == [
        ("code", "学校标识码应为10位数字")
    ]


def test_every_problem_is_reported_at_once() -> None:
    problems = validate_organization_fields(
        CODES,
        enterprise(
            name="  ",
            region_code="999999",
            industry_code="9999",
            level="高职专科",
            staff_count=-1,
        ),
    )
    assert problems == [
        ("name", "机构名称不能为空"),
        ("region_code", "行政区划代码不存在：999999"),
        ("industry_code", "行业代码不存在（GB/T 4754-2017）：9999"),
        ("level", "仅学校填写办学层次"),
        ("staff_count", "在岗职工总数不能为负数"),
    ]


def test_enterprise_needs_industry_and_staff_count() -> None:
    assert validate_organization_fields(
        CODES, enterprise(industry_code=None, staff_count=None)
    ) == [
        ("industry_code", "企业须填写所属行业代码（GB/T 4754-2017）"),
        ("staff_count", "企业须填写在岗职工总数"),
    ]


@pytest.mark.parametrize("staff", ["300", 3.5, True])
def test_staff_count_must_be_an_integer(staff: object) -> None:
    assert validate_organization_fields(CODES, enterprise(staff_count=staff)) == [
        ("staff_count", "在岗职工总数应为整数")
    ]


def test_school_level_must_be_a_catalogue_level() -> None:
    assert validate_organization_fields(CODES, school(level="本科")) == [
        ("level", "学校办学层次应为中职、高职专科、职教本科之一")
    ]


def test_unknown_kind_and_malformed_region() -> None:
    assert validate_organization_fields(CODES, enterprise(kind="company", region_code="5001")) == [
        ("kind", "机构类型应为 enterprise、school、park 或 government 之一"),
        ("region_code", "行政区划代码应为6位数字"),
    ]


def test_park_code_is_free_form_but_bounded() -> None:
    park = {"kind": "park", "code": "CQ-PARK-1", "name": "西部科学城", "region_code": "500106"}
    assert validate_organization_fields(CODES, park) == []
    assert validate_organization_fields(CODES, {**park, "code": "X" * 33}) == [
        ("code", "机构代码长度不能超过32")
    ]


def test_session_and_preloaded_codes_agree(session: Session) -> None:
    preloaded = load_reference_codes(session)
    assert "500106" in preloaded.regions
    assert "3670" in preloaded.industries
    rows = [
        enterprise(code=make_uscc()),
        enterprise(code=make_uscc(), region_code="500199", industry_code="C"),
        school(code=make_school_code(), level=None),
    ]
    for row in rows:
        assert validate_organization_fields(session, row) == validate_organization_fields(
            preloaded, row
        )
    assert validate_organization_fields(session, rows[1]) == [
        ("region_code", "行政区划代码不存在：500199")
    ]
