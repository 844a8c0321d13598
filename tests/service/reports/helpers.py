"""Small-region scenarios shared by the report tests (built with tests.factories)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from models import Organization
from tests.factories import make_cohort, make_enterprise, make_position, make_school

# Catalogue majors whose priority categories the report relies on (checked in test_operations).
PLAIN = "410201"  # 林业技术, 高职专科: serves no priority industry
PLAIN_B = "410202"  # 园林技术, 高职专科: serves none either
PRIORITY = "460103"  # 数控技术, 高职专科: 新兴 (先进制造)
UPGRADE = "430701"  # 建筑材料工程技术, 高职专科: 改造升级 (建材) only
PHARMA = "490201"  # 药品生产技术, 高职专科: 改造升级 (医药) and 新兴 (生物医药)
SECONDARY = "710101"  # 电子信息技术, 中职
BACHELOR = "330101"  # 财税大数据应用, 职教本科

YEAR = 2025
COUNTY = "500106"  # 沙坪坝区
SIBLING = "500107"  # 九龙坡区, the same city
CITY = "500100"
PROVINCE = "500000"


def cohorts(
    session: Session,
    school: Organization,
    major: str,
    figures: dict[int, tuple[int, int]],
) -> None:
    """Cohorts of ``major`` at ``school``: year → (graduates, placed)."""
    for year, (graduates, placed) in figures.items():
        make_cohort(session, school, major, year, graduates, placed)


def jobs(
    session: Session, enterprise: Organization, major: str, headcounts: dict[int, int]
) -> None:
    """One open job a year asking only for ``major``: year → headcount."""
    for year, headcount in headcounts.items():
        make_position(
            session, enterprise, [major], start_date=date(year, 6, 1), headcount=headcount
        )


def region_with(
    session: Session,
    major: str,
    rates: dict[int, tuple[int, int]],
    demand: dict[int, int],
    *,
    sites: int = 1,
    region_code: str = COUNTY,
) -> list[Organization]:
    """``sites`` schools sharing the cohorts of ``major`` evenly, plus the demand, in one county.

    ``rates`` gives the region's totals per year: (graduates, placed), split over the schools.
    """
    schools = [make_school(session, region_code=region_code) for _ in range(sites)]
    for year, (graduates, placed) in rates.items():
        for i, school in enumerate(schools):
            share_g = graduates // sites + (graduates % sites if i == 0 else 0)
            share_p = placed // sites + (placed % sites if i == 0 else 0)
            make_cohort(session, school, major, year, share_g, share_p)
    enterprise = make_enterprise(session, region_code=region_code)
    jobs(session, enterprise, major, demand)
    return schools
