"""The report endpoints: who may call them, the JSON shape, the files, errors in Chinese."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from models import Role
from service.reports import operations
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_programme,
    make_user,
    make_warning_snapshot,
)
from tests.service.reports.helpers import (
    COUNTY,
    PLAIN,
    PLAIN_B,
    PRIORITY,
    YEAR,
    region_with,
)

URL = "/api/v1/reports/mismatch"


@pytest.fixture
def regulator(session: Session) -> dict[str, str]:
    return auth_headers(make_user(session, Role.regulator))


@pytest.fixture
def scenario(session: Session) -> None:
    """A county where PLAIN is to be merged (2 years below 60 %) and PRIORITY to expand."""
    region_with(session, PLAIN, {YEAR - 1: (100, 55), YEAR: (100, 50)}, {YEAR - 1: 80, YEAR: 80})
    region_with(session, PRIORITY, {YEAR: (40, 39)}, {YEAR: 100})


def params(**extra: str | int | float) -> dict[str, str | int | float]:
    return {"region": COUNTY, "year": YEAR, **extra}


@pytest.mark.usefixtures("scenario")
def test_a_regulator_gets_the_json_report(client: TestClient, regulator: dict[str, str]) -> None:
    response = client.get(URL, params=params(), headers=regulator)

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("region", "region_name", "year", "level", "profile")} == {
        "region": COUNTY,
        "region_name": "沙坪坝区",
        "year": YEAR,
        "level": None,
        "profile": "national",
    }
    assert body["summary"] == {
        "merge_or_close": 1,
        "reduce": 0,
        "upgrade": 0,
        "expand": 1,
        "keep": 0,
    }
    first = body["rows"][0]
    assert {k: v for k, v in first.items() if k not in ("history", "reasons")} == {
        "major_code": PLAIN,
        "major_name": "林业技术",
        "level": "高职专科",
        "sites": 1,
        "graduates": 100,
        "placed": 50,
        "in_field": 50,
        "destination_rate": 0.5,
        "in_field_rate": 0.5,
        "demand": 80.0,
        "exact_demand": 80.0,
        "class_demand": 0.0,
        "internship_places": 0.0,
        "ratio": 0.8,
        "gap": -20.0,
        "median_salary": None,
        "salary_employed": 0,
        "suppressed": [],
        "action": "merge_or_close",
        "action_label": "撤并",
    }
    assert first["history"] == [
        {
            "year": YEAR - 1,
            "graduates": 100,
            "placed": 55,
            "demand": 80.0,
            "ratio": 0.8,
            "destination_rate": 0.55,
        }
    ]
    assert [r["rule_id"] for r in first["reasons"]] == ["destination_persistent", "destination_low"]
    assert set(first["reasons"][0]) == {
        "rule_id",
        "action",
        "action_label",
        "message",
        "thresholds",
        "source",
        "rule_label",
        "thresholds_text",
    }
    assert first["reasons"][0]["rule_label"] == "毕业去向落实率连续偏低"
    assert [row["action"] for row in body["rows"]] == ["merge_or_close", "expand"]


@pytest.mark.usefixtures("scenario")
def test_an_admin_gets_it_too(client: TestClient, session: Session) -> None:
    headers = auth_headers(make_user(session, Role.admin))
    response = client.get(URL, params=params(), headers=headers)
    assert (response.status_code, len(response.json()["rows"])) == (200, 2)


@pytest.mark.usefixtures("scenario")
def test_a_school_sees_only_its_majors(client: TestClient, session: Session) -> None:
    (school,) = region_with(session, PLAIN_B, {YEAR: (10, 9)}, {YEAR: 10})
    make_programme(session, school, PRIORITY, YEAR)
    headers = auth_headers(make_user(session, Role.school, school))

    response = client.get(URL, params=params(), headers=headers)

    assert response.status_code == 200
    assert [r["major_code"] for r in response.json()["rows"]] == [PRIORITY, PLAIN_B]


PATHS = ["", "/what-if", "/changes"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("role", [Role.enterprise, Role.student])
def test_other_roles_are_forbidden(
    client: TestClient, session: Session, role: Role, path: str
) -> None:
    organization = make_enterprise(session) if role == Role.enterprise else None
    headers = auth_headers(make_user(session, role, organization))
    response = client.get(URL + path, params=params(major=PLAIN), headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_callers_must_log_in(client: TestClient, path: str) -> None:
    response = client.get(URL + path, params=params(major=PLAIN))
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"region": "999999"}, "region", "地区代码“999999”不存在"),
        ({"profile": "mars"}, "profile", "政策配置“mars”不存在"),
        ({"level": "本科"}, "level", "取值应为'中职', '高职专科' or '职教本科'之一"),
        ({"year": 1999}, "year", "应不小于2000"),
        ({"format": "pdf"}, "format", "取值应为'json', 'csv', 'xlsx' or 'html'之一"),
        ({"region": "5001"}, "region", "长度不能少于6"),
    ],
)
def test_bad_parameters_get_chinese_field_messages(
    client: TestClient,
    regulator: dict[str, str],
    extra: dict[str, str | int],
    field: str,
    message: str,
) -> None:
    response = client.get(URL, params=params(**extra), headers=regulator)
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [(d["field"], d["message"]) for d in details] == [(field, message)]


@pytest.mark.usefixtures("scenario")
def test_csv_is_a_utf8_file_with_bom_and_chinese_headers(
    client: TestClient, regulator: dict[str, str]
) -> None:
    response = client.get(URL, params=params(format="csv"), headers=regulator)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    name = quote(f"专业供需预警_{COUNTY}沙坪坝区_{YEAR}.csv")
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"mismatch_{COUNTY}_{YEAR}.csv\"; filename*=UTF-8''{name}"
    )
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:8] == [
        "专业代码",
        "专业名称",
        "层次",
        "调整建议",
        "布点数",
        "毕业生人数",
        "去向落实人数",
        "毕业去向落实率",
    ]
    assert [(r[0], r[3], r[5], r[7]) for r in rows[1:]] == [
        (PLAIN, "撤并", "100", "0.5"),
        (PRIORITY, "扩招", "40", "0.975"),
    ]


@pytest.mark.usefixtures("scenario")
def test_xlsx_has_the_rows_the_history_and_the_reasons(
    client: TestClient, regulator: dict[str, str]
) -> None:
    response = client.get(URL, params=params(format="xlsx"), headers=regulator)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["专业供需预警", "历年数据", "预警依据", "报告信息"]
    main = [list(r) for r in book["专业供需预警"].iter_rows(values_only=True)]
    assert main[1][:8] == [PLAIN, "林业技术", "高职专科", "撤并", 1, 100, 50, 0.5]
    history = [list(r) for r in book["历年数据"].iter_rows(min_row=2, values_only=True)]
    assert [r[:4] for r in history] == [
        [PLAIN, "林业技术", YEAR - 1, 100],
        [PLAIN, "林业技术", YEAR, 100],
        [PRIORITY, "数控技术", YEAR, 40],
    ]
    reasons = [r[2] for r in book["预警依据"].iter_rows(min_row=2, values_only=True)]
    assert reasons == ["毕业去向落实率连续偏低", "毕业去向落实率偏低", "人才紧缺，可扩大招生"]
    thresholds = [r[5] for r in book["预警依据"].iter_rows(min_row=2, values_only=True)]
    assert thresholds[0] == "毕业去向落实率下限 60%，连续年数 2 年"


@pytest.mark.usefixtures("scenario")
def test_html_prints_without_scripts_and_carries_svg_charts(
    client: TestClient, regulator: dict[str, str]
) -> None:
    response = client.get(URL, params=params(format="html"), headers=regulator)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert html.count("<svg ") == 2
    assert "<script" not in html
    assert "@media print" in html
    assert "林业技术" in html


def test_what_if_through_the_api(client: TestClient, session: Session) -> None:
    (school,) = region_with(session, PLAIN, {YEAR: (50, 45)}, {YEAR: 40})
    make_programme(session, school, PLAIN, YEAR + 1, 100)
    headers = auth_headers(make_user(session, Role.regulator))

    response = client.get(
        URL + "/what-if", params=params(major=PLAIN, enrolment_change=-0.5), headers=headers
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["graduation_lag"], body["ratio"]) == (3, 0.8)
    assert body["projection"] == [
        {
            "enrolment_year": YEAR + 1,
            "graduation_year": YEAR + 4,
            "planned": 100,
            "adjusted_plan": 50,
            "graduates": 50,
            "expected_demand": 40.0,
            "ratio": 0.8,
            "adjustable": True,
            "estimated": False,
            "estimated_plan": 0,
            "estimated_programmes": 0,
        }
    ]


def test_what_if_refuses_a_change_below_minus_one(
    client: TestClient, regulator: dict[str, str]
) -> None:
    response = client.get(
        URL + "/what-if", params=params(major=PLAIN, enrolment_change=-2), headers=regulator
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "enrolment_change", "message": "调整比例应在-1至5之间，如-0.2"}
    ]


def test_changes_through_the_api(
    client: TestClient, session: Session, regulator: dict[str, str]
) -> None:
    make_warning_snapshot(session, COUNTY, YEAR - 1, PLAIN, "keep")
    make_warning_snapshot(session, COUNTY, YEAR, PLAIN, "reduce")

    response = client.get(URL + "/changes", params=params(), headers=regulator)

    assert response.status_code == 200
    body = response.json()
    assert [(c["major_code"], c["previous_action"], c["action_label"]) for c in body["new"]] == [
        (PLAIN, "keep", "调减")
    ]
    assert (body["worsened"], body["improved"], body["previous_available"]) == ([], [], True)


def test_changes_without_a_snapshot_say_how_to_make_one(
    client: TestClient, regulator: dict[str, str]
) -> None:
    response = client.get(URL + "/changes", params=params(), headers=regulator)
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": f"沙坪坝区{YEAR}年尚无预警快照",
        "details": [
            {
                "field": "year",
                "message": (
                    f"请先生成快照：chanjiao report snapshot --region {COUNTY} --year {YEAR}"
                ),
            }
        ],
    }


@pytest.fixture
def two_provinces(session: Session) -> None:
    """The scenario's county of Chongqing, plus PLAIN graduates in Chengdu (Sichuan)."""
    region_with(session, PLAIN, {YEAR - 1: (100, 55), YEAR: (100, 50)}, {YEAR - 1: 80, YEAR: 80})
    region_with(session, PLAIN, {YEAR: (40, 30)}, {YEAR: 20}, region_code="510104")


def plain_row(body: dict[str, Any]) -> tuple[Any, ...]:
    row = next(r for r in body["rows"] if r["major_code"] == PLAIN)
    return (body["region"], body["region_name"], row["graduates"], row["placed"], row["demand"])


@pytest.mark.usefixtures("two_provinces")
def test_region_000000_is_the_whole_country(client: TestClient, regulator: dict[str, str]) -> None:
    national = client.get(URL, params=params(region="000000"), headers=regulator)
    province = client.get(URL, params=params(region="500000"), headers=regulator)

    assert national.status_code == 200
    assert plain_row(national.json()) == ("000000", "全国", 140, 80, 100.0)
    assert plain_row(province.json()) == ("500000", "重庆市", 100, 50, 80.0)
    assert national.json()["profile"] == "national"


@pytest.mark.usefixtures("two_provinces")
def test_without_a_region_a_viewer_gets_its_own_and_a_regulator_without_one_the_nation(
    client: TestClient, session: Session
) -> None:
    chengdu = make_enterprise(session, region_code="510104")
    own = client.get(
        URL,
        params={"year": YEAR},
        headers=auth_headers(make_user(session, Role.regulator, chengdu)),
    )
    national = client.get(
        URL, params={"year": YEAR}, headers=auth_headers(make_user(session, Role.regulator))
    )

    assert plain_row(own.json()) == ("510104", "锦江区", 40, 30, 20.0)
    assert plain_row(national.json()) == ("000000", "全国", 140, 80, 100.0)


@pytest.mark.usefixtures("two_provinces")
def test_the_national_report_from_the_aggregates_equals_the_direct_one(
    client: TestClient, session: Session, regulator: dict[str, str]
) -> None:
    direct = client.get(URL, params=params(region="000000"), headers=regulator).json()
    operations.refresh_aggregates(session)
    region_with(session, PLAIN, {YEAR: (10, 10)}, {YEAR: 5}, region_code="510107")

    found = client.get(URL, params=params(region="000000"), headers=regulator).json()

    assert (direct["figures_source"], found["figures_source"]) == ("direct", "aggregates")
    # One (region, year) of cohorts and one position, corrected from the source rows.
    assert found["pending_changes"] == 2
    assert plain_row(found) == ("000000", "全国", 150, 90, 105.0)
    # 90 of 150 placed is exactly 60 %: no longer below the floor, so the merge flag goes.
    assert [r["action"] for r in direct["rows"]] == ["merge_or_close"]
    assert [r["action"] for r in found["rows"]] == ["keep"]
