"""监管 pages: the mismatch report with its charts, drill-down, what-if, year-on-year changes and
downloads; organisations waiting for verification; postings with compliance findings."""

from __future__ import annotations

import math
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import MajorLevel, Organization, OrganizationKind, OrganizationStatus, Role, User
from rules.adjustment import ACTION_LABELS, ACTION_ORDER
from service.catalog import operations as catalog
from service.deps import ReadSessionDep, SessionDep
from service.errors import AppError, Invalid, field_detail
from service.organizations import operations as organizations
from service.pages import charts as page_charts
from service.pages.web import (
    MAX_PAGE,
    CsrfChecked,
    FormInvalid,
    PageRoute,
    query_string,
    redirect,
    render,
    require_page_roles,
)
from service.pagination import PageParams
from service.positions import operations as positions
from service.reports import charts, evidence
from service.reports import operations as reports
from service.reports.exporters import ReportFile
from service.reports.operations import MismatchQuery

router = APIRouter(prefix="/regulator", route_class=PageRoute, include_in_schema=False)

Supervisor = Annotated[User, Depends(require_page_roles(Role.regulator, Role.admin))]
PAGE_SIZE = 20
ORGANIZATION_STATUS_LABELS = {
    OrganizationStatus.pending: "待审核",
    OrganizationStatus.verified: "已审核",
    OrganizationStatus.suspended: "已暂停",
}
ORGANIZATION_KIND_LABELS = {
    "enterprise": "企业",
    "school": "学校",
    "park": "园区",
    "government": "政府部门",
}
DOWNLOAD_LABELS = {"xlsx": "Excel", "csv": "CSV", "html": "打印版（HTML）"}


def _report_params(
    session: Session,
    user: User,
    region: str | None,
    year: str | None,
    level: str | None,
    profile: str | None,
) -> tuple[MismatchQuery, dict[str, str], dict[str, int]]:
    """The report asked for, with defaults: the regulator's own region (a national one: the
    first with data) and its latest graduation year. A regional regulator reads only its region."""
    targets = reports.snapshot_targets(session)
    if not region:
        own = session.get(Organization, user.organization_id) if user.organization_id else None
        region = own.region_code if own else next(iter(targets), None)
    if not region:
        raise Invalid("尚无报告数据", details=[field_detail("region", "请填写行政区划代码")])
    if not year:
        year = str(targets.get(region, max(targets.values(), default=2025)))
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        raise Invalid("年份无效", details=[field_detail("year", "年份应为四位数字")])
    params = {"region": region, "year": year, "level": level or "", "profile": profile or ""}
    query = MismatchQuery(
        region=region, year=int(year), level=level or None, profile=profile or None
    )
    return query, params, targets


def _region_options(session: Session, targets: dict[str, int]) -> list[tuple[str, str]]:
    names = {
        r.code: r.name
        for r in catalog.search_regions(session, None, None, None, 0, 10_000).data
        if r.code in targets
    }
    return [(code, f"{names.get(code, code)}（{code}）") for code in targets]


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    region: str | None = None,
    year: str | None = None,
    level: str | None = None,
    profile: str | None = None,
) -> Response:
    """监管：专业供需错配报告。"""
    context: dict[str, Any] = {
        "title": "监管工作台",
        "levels": [(m.value, m.value) for m in MajorLevel],
        "params": {"region": region or "", "year": year or "", "level": level or ""},
        "region_options": [],
        "report": None,
    }
    try:
        query, params, targets = _report_params(session, user, region, year, level, profile)
        context["params"] = params
        context["region_options"] = _region_options(session, targets)
        report, thresholds = reports.mismatch_report_with_profile(session, query, viewer=user)
    except AppError as error:
        raise FormInvalid("regulator/dashboard.html", context, error, status_code=200) from None
    try:
        changes = reports.mismatch_changes(session, query, viewer=user)
        changes_note = None
    except AppError as error:
        changes, changes_note = None, error.message
    share = positions.apprenticeship_share(
        session, user, query.region, PageParams(page=1, page_size=10), query.year
    )
    download_query = query_string(params)
    context.update(
        report=report,
        supply_chart=charts.supply_demand_chart(report.rows),
        trend_chart=charts.destination_trend_chart(
            report.rows, report.year, thresholds.destination_floor
        ),
        floor=thresholds.destination_floor,
        actions=[(a, ACTION_LABELS[a], report.summary.get(a, 0)) for a in ACTION_ORDER],
        changes=changes,
        changes_note=changes_note,
        share=share,
        share_region_chart=page_charts.share_chart(
            share.by_region, "各区县在岗学徒占在岗职工比例", "share-region"
        ),
        share_industry_chart=page_charts.share_chart(
            share.by_industry, "各行业在岗学徒占在岗职工比例", "share-industry"
        ),
        downloads=[
            (f"/regulator/report.{fmt}?{download_query}", label)
            for fmt, label in DOWNLOAD_LABELS.items()
        ],
        query=download_query,
        latest_year=targets.get(params["region"]),
        latest_query=query_string(params, year=targets.get(params["region"])),
    )
    return render(request, "regulator/dashboard.html", context)


@router.get("/report.{fmt}")
def download(
    session: ReadSessionDep,
    user: Supervisor,
    fmt: Literal["xlsx", "csv", "html"],
    region: str | None = None,
    year: str | None = None,
    level: str | None = None,
    profile: str | None = None,
) -> Response:
    """The report file, with the signed-in cookie (a link on the page, no bearer header)."""
    query, _, _ = _report_params(session, user, region, year, level, profile)
    result = reports.mismatch_export(session, query, fmt, viewer=user)
    if isinstance(result, ReportFile):
        # The printable report opens in the browser; the spreadsheets download.
        disposition = result.content_disposition
        if fmt == "html":
            disposition = disposition.replace("attachment", "inline", 1)
        return Response(
            result.content,
            media_type=result.media_type,
            headers={"Content-Disposition": disposition},
        )
    raise Invalid("不支持的格式", details=[field_detail("format", "应为 xlsx、csv 或 html")])


@router.get("/majors/{major_code}", response_class=HTMLResponse)
def major_page(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    major_code: str,
    region: str | None = None,
    year: str | None = None,
    profile: str | None = None,
) -> Response:
    """一个专业的依据：各校、各年数据和触发的规则。"""
    query, params, _ = _report_params(session, user, region, year, None, profile)
    found = evidence.major_evidence(session, query, major_code, viewer=user)
    years = list(range(found.first_year, found.year + 1))
    return render(
        request,
        "regulator/major.html",
        {
            "title": f"{found.row.major_name} · 专业依据",
            "evidence": found,
            "row": found.row,
            "years": years,
            "params": params,
            "back": f"/regulator?{query_string(params)}",
        },
    )


@router.get("/what-if", response_class=HTMLResponse)
def what_if_page(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    region: str | None = None,
    year: str | None = None,
    major: str = "",
    enrolment_change: str = "0",
    profile: str | None = None,
) -> Response:
    """招生计划调整模拟。"""
    query, params, _ = _report_params(session, user, region, year, None, profile)
    context: dict[str, Any] = {
        "title": "招生计划调整模拟",
        "params": {**params, "major": major, "enrolment_change": enrolment_change},
        "back": f"/regulator?{query_string(params)}",
        "result": None,
    }
    try:
        problems = []
        if not major.strip():
            problems.append(field_detail("major", "请填写专业代码"))
        try:
            percent = float(enrolment_change)
        except ValueError:
            percent = math.nan
        if not -100 <= percent <= reports.MAX_ENROLMENT_CHANGE * 100:
            problems.append(
                field_detail(
                    "enrolment_change",
                    f"调整比例应为-100至{reports.MAX_ENROLMENT_CHANGE * 100:g}之间的数字，如 -20",
                )
            )
        if problems:
            raise Invalid("模拟参数有误", details=problems)
        result = reports.what_if(session, query, major.strip(), percent / 100, viewer=user)
    except AppError as error:
        raise FormInvalid("regulator/what_if.html", context, error, status_code=200) from None
    context["result"] = result
    return render(request, "regulator/what_if.html", context)


@router.get("/organizations", response_class=HTMLResponse)
def organizations_page(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    status: OrganizationStatus = OrganizationStatus.pending,
    kind: Literal["enterprise", "school", "park", "government", ""] = "",
    q: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    done: Literal["verify", "suspend", ""] = "",
    organization: uuid.UUID | None = None,
) -> Response:
    """本地区机构：按名称查找，审核通过或暂停。"""
    rows, count = organizations.list_organizations(
        session,
        user,
        kind=OrganizationKind(kind) if kind else None,
        status=status,
        region=None,
        page=PageParams(page=page, page_size=PAGE_SIZE),
        name=q.strip() or None,
    )
    acted = (
        organizations.read_organization(session, user, organization)
        if organization is not None and done
        else None
    )
    return render(
        request,
        "regulator/organizations.html",
        {
            "title": "机构审核",
            "rows": rows,
            "count": count,
            "status": status.value,
            "kind": kind,
            "q": q,
            "status_labels": {k.value: v for k, v in ORGANIZATION_STATUS_LABELS.items()},
            "kind_labels": ORGANIZATION_KIND_LABELS,
            "region_names": catalog.region_names(session, {o.region_code for o in rows}),
            "page": page,
            "pages": -(-count // PAGE_SIZE),
            "done": done,
            "acted": acted,
        },
    )


def _back_to_list(request: Request, organization: Organization, done: str) -> Response:
    """Back to the list the regulator acted from, saying what happened to which organisation."""
    params = {k: v for k, v in request.query_params.items() if k in ("status", "kind", "q", "page")}
    return redirect(
        "/regulator/organizations?"
        + query_string(params, done=done, organization=str(organization.id))
    )


@router.post("/organizations/{organization_id}/verify", dependencies=[CsrfChecked])
def verify(
    request: Request, session: SessionDep, user: Supervisor, organization_id: uuid.UUID
) -> Response:
    organization = organizations.verify_organization(session, user, organization_id)
    return _back_to_list(request, organization, "verify")


@router.post("/organizations/{organization_id}/suspend", dependencies=[CsrfChecked])
def suspend(
    request: Request, session: SessionDep, user: Supervisor, organization_id: uuid.UUID
) -> Response:
    organization = organizations.suspend_organization(session, user, organization_id)
    return _back_to_list(request, organization, "suspend")


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    severity: Literal["warning", "blocking", ""] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    """带合规提示的已发布岗位。"""
    views, count = positions.positions_with_findings(
        session, user, None, severity or None, PageParams(page=page, page_size=PAGE_SIZE)
    )
    return render(
        request,
        "regulator/findings.html",
        {
            "title": "岗位合规提示",
            "views": views,
            "count": count,
            "severity": severity,
            "page": page,
            "pages": -(-count // PAGE_SIZE),
        },
    )
