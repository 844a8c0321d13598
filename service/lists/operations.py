"""The three lists (三张清单) of a region and year, computed from the platform's data.

人才需求清单 reuses the mismatch report, so its demand for a major is the report's demand
for the same region, year and major; 产业发展清单 walks the priority industries that apply
to the region; 政策支持清单 reads the support measures of ``seed/data/policy_support.json``
(national ones plus the region's own).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from models import (
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Position,
    PositionStatus,
    Programme,
    Region,
)
from models.base import utcnow
from service.catalog import operations as catalog
from service.errors import Invalid, NotFound, field_detail
from service.lists.schemas import (
    IndustryRow,
    ListKind,
    PolicyMeasure,
    RegionList,
    TalentDemandRow,
)
from service.reports import operations as reports
from service.reports.operations import MismatchQuery

POLICY_FILE = Path(__file__).resolve().parents[2] / "seed" / "data" / "policy_support.json"

TITLES: dict[str, str] = {
    "talent-demand": "人才需求清单",
    "industry": "产业发展清单",
    "policy-support": "政策支持清单",
}


@cache
def policy_measures() -> tuple[PolicyMeasure, ...]:
    """Every support measure of the data file, national and regional."""
    rows: list[dict[str, Any]] = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    return tuple(PolicyMeasure.model_validate(row) for row in rows)


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
        for i, row in enumerate(ranked, start=1)
    ]


def _matches(code: str | None, prefixes: list[str]) -> bool:
    return code is not None and any(code.startswith(prefix) for prefix in prefixes)


def industries(session: Session, region: Region, year: int) -> list[IndustryRow]:
    """The priority industries of ``region`` with its enterprises, posts and programmes."""
    scope = catalog.region_scope(session, region.code)
    enterprises = session.exec(
        select(Organization).where(
            Organization.kind == OrganizationKind.enterprise,
            Organization.status == OrganizationStatus.verified,
            scope.contains(Organization.region_code),
        )
    ).all()
    positions = session.exec(
        select(Position.enterprise_id, func.count(), func.sum(Position.headcount))
        .where(Position.status == PositionStatus.open, scope.contains(Position.region_code))
        .group_by(col(Position.enterprise_id))
    ).all()
    open_by_enterprise = {row[0]: (int(row[1]), int(row[2] or 0)) for row in positions}
    programme_majors = session.exec(
        select(Programme.major_code)
        .join(Organization, col(Organization.id) == col(Programme.school_id))
        .where(Programme.year == year, scope.contains(Organization.region_code))
    ).all()
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
    """National measures plus those the region or a region containing it added."""
    own = set(catalog.region_ancestors(session, region.code))
    return [m for m in policy_measures() if m.region_code is None or m.region_code in own]


def region_list(session: Session, code: str, kind: ListKind, year: int) -> RegionList:
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
    elif kind == "industry":
        result.industries = industries(session, region, year)
    else:
        result.measures = measures(session, region)
    return result
