from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from models import Role, User
from service.auth.dependencies import ReadSessionDep, SessionDep, require_roles
from service.demand import operations
from service.demand.repository import ForecastRow
from service.demand.schemas import (
    DemandFilters,
    DemandForecastCreate,
    DemandForecastPublic,
    DemandForecastSaved,
    DemandForecastsPublic,
)
from service.page_dep import PageDep

router = APIRouter(prefix="/demand-forecasts", tags=["人才需求发布"])

Publisher = Annotated[User, Depends(require_roles(Role.enterprise, Role.regulator))]


def _public(row: ForecastRow) -> DemandForecastPublic:
    forecast, publisher, major, occupation, region = row
    return DemandForecastPublic(
        **forecast.model_dump(
            include={
                "id",
                "publisher_id",
                "major_code",
                "occupation_code",
                "target_code",
                "region_code",
                "year",
                "headcount",
                "created_at",
            }
        ),
        publisher_name=publisher,
        major_name=major,
        occupation_name=occupation,
        region_name=region,
    )


@router.post("", response_model=DemandForecastSaved, status_code=201)
def publish_forecast(
    session: SessionDep, actor: Publisher, body: DemandForecastCreate
) -> DemandForecastSaved:
    """发布人才需求（企业、园区、政府机构）：专业或职业、地区、年份、人数。"""
    row, resolution = operations.publish_forecast(session, actor, body)
    return DemandForecastSaved(**_public(row).model_dump(), major_resolution=resolution)


@router.get("", response_model=DemandForecastsPublic)
def list_forecasts(
    session: ReadSessionDep, filters: Annotated[DemandFilters, Query()], page: PageDep
) -> DemandForecastsPublic:
    """已发布的人才需求（无需登录）。"""
    rows, count = operations.list_forecasts(session, filters, page)
    return DemandForecastsPublic(data=[_public(row) for row in rows], count=count)
