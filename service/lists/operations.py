"""The three lists (三张清单) of a region and year, computed from the platform's data.

人才需求清单 reuses the mismatch report, so its demand for a major is the report's demand
for the same region, year and major, and adds demand by occupation (职业分类大典) from positions
and forecasts that name one; 产业发展清单 walks the priority industries that apply to the
region; 政策支持清单 reads the support measures stored in ``policy_measure`` (national ones plus
the region's own, seeded from ``seed/data/policy_support.json``, edited by regulators).

A regulator of the region freezes the live computation as a numbered draft and publishes it;
the public reads the newest published version, and the live computation while there is none.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import (
    ListVersion,
    PositionKind,
    Region,
    User,
)
from models.base import utcnow
from service import audit, notifications
from service.catalog import operations as catalog
from service.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized, field_detail
from service.fields import as_utc
from service.lists import repository
from service.lists.schemas import (
    IndustryRow,
    ListKind,
    ListVersionPublic,
    OccupationDemandRow,
    PolicyMeasure,
    RegionList,
    TalentDemandRow,
)
from service.organizations import operations as organizations
from service.reports import operations as reports
from service.reports import small_numbers as report_protection
from service.reports.operations import MismatchQuery

TITLES: dict[str, str] = {
    "talent-demand": "人才需求清单",
    "industry": "产业发展清单",
    "policy-support": "政策支持清单",
}


def _region(session: Session, code: str) -> Region:
    region = session.get(Region, code.strip())
    if region is None:
        raise NotFound(
            f"地区代码 {code} 不存在", details=[field_detail("code", "行政区划代码不在目录中")]
        )
    return region


def _check_year(year: int) -> None:
    if not reports.MIN_YEAR <= year <= reports.MAX_YEAR:
        raise Invalid(
            f"年份须在 {reports.MIN_YEAR}—{reports.MAX_YEAR} 之间",
            details=[field_detail("year", "年份超出范围")],
        )


def talent_demand(session: Session, region: Region, year: int) -> list[TalentDemandRow]:
    """Demand and supply by major, ranked by 供求比 (most short first)."""
    report = reports.mismatch_report(
        session, MismatchQuery(region=region.code, year=year), viewer=None
    )

    def shortage(row: Any) -> tuple[float, float, str]:
        ratio = math.inf if row.ratio is None else row.ratio
        return (-ratio, -row.gap, row.major_code)

    ranked = sorted((row for row in report.rows if row.demand > 0), key=shortage)
    # The list is public: the small-number rule hides supply resting on one to four students.
    shown = [report_protection.protect_row(row, year, {}) for row in ranked]
    return [
        TalentDemandRow(
            rank=i,
            major_code=row.major_code,
            major_name=row.major_name,
            level=row.level,
            demand=row.demand,
            graduates=row.graduates,
            ratio=row.ratio,
            gap=row.gap,
        )
        for i, row in enumerate(shown, start=1)
    ]


def talent_demand_by_occupation(
    session: Session, region: Region, year: int
) -> list[OccupationDemandRow]:
    """Demand by occupation: published positions starting in ``year`` and forecasts for ``year``
    that name an occupation, in the region and the regions inside it (internships apart)."""
    scope = catalog.region_scope(session, region.code)
    posts: dict[str, int] = {}
    interns: dict[str, int] = {}
    for code, kind, total in repository.occupation_posts(session, scope, year):
        target = interns if kind == PositionKind.internship else posts
        target[code] = target.get(code, 0) + total
    forecast = repository.occupation_forecasts(session, scope, year)
    codes = set(posts) | set(interns) | set(forecast)
    names = repository.occupation_names(session, codes)
    rows = [
        (code, posts.get(code, 0), forecast.get(code, 0), interns.get(code, 0)) for code in codes
    ]
    rows.sort(key=lambda r: (-(r[1] + r[2]), -r[3], r[0]))
    return [
        OccupationDemandRow(
            rank=i,
            occupation_code=code,
            occupation_name=names.get(code, ""),
            position_demand=post,
            forecast_demand=planned,
            demand=post + planned,
            internship_places=intern,
        )
        for i, (code, post, planned, intern) in enumerate(rows, start=1)
    ]


def _matches(code: str | None, prefixes: list[str]) -> bool:
    return code is not None and any(code.startswith(prefix) for prefix in prefixes)


def industries(session: Session, region: Region, year: int) -> list[IndustryRow]:
    """The priority industries of ``region`` with its enterprises, posts and programmes."""
    scope = catalog.region_scope(session, region.code)
    enterprises = repository.verified_enterprises(session, scope)
    open_by_enterprise = repository.open_positions_by_enterprise(session, scope)
    programme_majors = repository.programme_majors(session, scope, year)
    rows = []
    for industry in catalog.priority_industries_for(session, None, region.code):
        members = [e for e in enterprises if _matches(e.industry_code, industry.industry_codes)]
        posts = [open_by_enterprise.get(e.id, (0, 0)) for e in members]
        rows.append(
            IndustryRow(
                key=industry.key,
                name=industry.name,
                category=industry.category,
                own=industry.region_code is not None,
                industry_codes=list(industry.industry_codes),
                enterprises=len(members),
                open_positions=sum(p[0] for p in posts),
                open_headcount=sum(p[1] for p in posts),
                major_codes=list(industry.major_codes),
                programmes=sum(
                    1 for code in programme_majors if _matches(code, industry.major_codes)
                ),
                source=industry.source,
            )
        )
    return rows


def measures(session: Session, region: Region) -> list[PolicyMeasure]:
    """National measures plus those the region or a region containing it added (not withdrawn)."""
    own = catalog.region_ancestors(session, region.code)
    rows = repository.measures(session, own, include_withdrawn=False)
    return [PolicyMeasure.model_validate(row, from_attributes=True) for row in rows]


def live_list(session: Session, code: str, kind: ListKind, year: int) -> RegionList:
    """The list computed now from the platform's data (what a draft freezes)."""
    _check_year(year)
    region = _region(session, code)
    result = RegionList(
        kind=kind,
        title=TITLES[kind],
        region=region.code,
        region_name=region.name,
        year=year,
        generated_at=utcnow(),
    )
    if kind == "talent-demand":
        result.talent_demand = talent_demand(session, region, year)
        result.talent_demand_by_occupation = talent_demand_by_occupation(session, region, year)
    elif kind == "industry":
        result.industries = industries(session, region, year)
    else:
        result.measures = measures(session, region)
    return result


# ---------------------------------------------------------------- drafts and published versions

Wanted = Literal["latest", "draft"]


def _from_version(session: Session, row: ListVersion) -> RegionList:
    result = RegionList.model_validate(row.content)
    result.status = "published" if row.status == "published" else "draft"
    result.version = row.version
    result.published_at = None if row.published_at is None else as_utc(row.published_at)
    result.publisher = organizations.acting_body_name(session, row.published_by)
    return result


def _summary(session: Session, row: ListVersion) -> ListVersionPublic:
    return ListVersionPublic(
        kind=row.kind,
        region=row.region_code,
        year=row.year,
        version=row.version,
        status="published" if row.status == "published" else "draft",
        created_at=row.created_at,
        published_at=row.published_at,
        publisher=organizations.acting_body_name(session, row.published_by),
    )


def _may_draft(session: Session, viewer: User | None, region: Region) -> bool:
    return viewer is not None and organizations.supervises(session, viewer, region.code)


def _require_publisher(session: Session, actor: User, region: Region) -> None:
    # Only supervisors reach here (the routes' role check).
    if not organizations.supervises(session, actor, region.code):
        raise Forbidden(
            f"只能拟定和发布本部门管辖地区的清单（{region.name} 不在管辖范围内）",
            details=[field_detail("code", "不在本部门管辖地区内")],
        )


def region_list(
    session: Session,
    code: str,
    kind: ListKind,
    year: int,
    viewer: User | None = None,
    wanted: Wanted = "latest",
) -> RegionList:
    """The newest published version, or the live computation while none is published.

    ``wanted="draft"`` is the live computation whatever is published: the region's regulators'
    working copy.
    """
    _check_year(year)
    region = _region(session, code)
    if wanted == "draft":
        if viewer is None:
            raise Unauthorized("请先以监管部门账号登录后查看清单草稿")
        _require_publisher(session, viewer, region)
        result = live_list(session, code, kind, year)
        result.status = "draft"
        return result
    latest = repository.latest_published(session, region.code, kind, year)
    if latest is None:
        return live_list(session, code, kind, year)
    return _from_version(session, latest)


def create_draft(session: Session, code: str, kind: ListKind, year: int, actor: User) -> RegionList:
    """Freeze the live computation as the next numbered draft (a regulator of the region)."""
    _check_year(year)
    region = _region(session, code)
    _require_publisher(session, actor, region)
    content = live_list(session, code, kind, year)
    last = repository.last_version_number(session, region.code, kind, year)
    row = ListVersion(
        region_code=region.code,
        kind=kind,
        year=year,
        version=last + 1,
        status="draft",
        content=content.model_dump(mode="json"),
        created_by=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another regulator drafted the same number at the same moment.
        raise Conflict(
            "同时有其他草稿在拟定，请重试", details=[field_detail("version", "版本号已被占用")]
        ) from None
    audit.record(session, actor, "list_draft", "list_version", row.id, after=_summary(session, row))
    return _from_version(session, row)


def _version(
    session: Session, region: Region, kind: ListKind, year: int, version: int
) -> ListVersion:
    row = repository.version(session, region.code, kind, year, version)
    if row is None:
        raise NotFound(
            f"{region.name}{year}年{TITLES[kind]}没有第 {version} 版",
            details=[field_detail("version", "没有这个版本")],
        )
    return row


def publish(
    session: Session, code: str, kind: ListKind, year: int, version: int, actor: User
) -> RegionList:
    """Publish a draft: its frozen content becomes what the public reads."""
    _check_year(year)
    region = _region(session, code)
    _require_publisher(session, actor, region)
    row = _version(session, region, kind, year, version)
    if row.status == "published":
        raise Conflict(
            f"第 {version} 版已于 {row.published_at:%Y-%m-%d %H:%M} 发布，不能重复发布",
            details=[field_detail("version", "该版本已发布")],
        )
    newer = repository.published_after(session, region.code, kind, year, version)
    if newer is not None:
        raise Conflict(
            f"已发布更新的第 {newer.version} 版，第 {version} 版不能再发布",
            details=[field_detail("version", "已有更新的发布版本")],
        )
    before = _summary(session, row)
    row.status = "published"
    row.published_at = utcnow()
    row.published_by = actor.id
    session.add(row)
    session.flush()
    audit.record(
        session, actor, "list_publish", "list_version", row.id, before, _summary(session, row)
    )
    # The schools and enterprises of the region plan by these lists: each is told.
    scope = catalog.region_scope(session, region.code)
    notifications.notify(
        session,
        user_ids=notifications.staff_in_region(session, scope.low, scope.high),
        kind=notifications.NotificationKind.list_published,
        title=f"{region.name}{year}年{TITLES[kind]}（第 {version} 版）已发布",
        link=f"/api/v1/regions/{region.code}/lists/{kind}?year={year}&format=html",
    )
    return _from_version(session, row)


def list_versions(
    session: Session, code: str, kind: ListKind, year: int, viewer: User | None
) -> list[ListVersionPublic]:
    """Published versions for everyone; drafts too for the region's regulators."""
    _check_year(year)
    region = _region(session, code)
    drafts = _may_draft(session, viewer, region)
    return [
        _summary(session, row)
        for row in repository.versions(session, region.code, kind, year, drafts)
    ]


def read_version(
    session: Session, code: str, kind: ListKind, year: int, version: int, viewer: User | None
) -> RegionList:
    """One version; a draft is visible only to the region's regulators (to others: not found)."""
    _check_year(year)
    region = _region(session, code)
    row = _version(session, region, kind, year, version)
    if row.status != "published" and not _may_draft(session, viewer, region):
        raise NotFound(
            f"{region.name}{year}年{TITLES[kind]}没有第 {version} 版",
            details=[field_detail("version", "没有这个版本")],
        )
    return _from_version(session, row)
