"""人才需求发布: enterprises, parks and governments publish the headcount they expect to need."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col

from models import (
    DemandForecast,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Role,
    User,
)
from service import audit
from service.catalog import operations as catalog
from service.catalog.schemas import MajorResolutionPublic
from service.demand import repository
from service.demand.repository import ForecastRow
from service.demand.schemas import DemandFilters, DemandForecastCreate
from service.errors import Conflict, Forbidden, Invalid, field_detail
from service.organizations import operations as organizations
from service.pagination import PageParams

ENTITY = "demand_forecast"
PUBLISHER_KINDS = frozenset(
    {OrganizationKind.enterprise, OrganizationKind.park, OrganizationKind.government}
)


def _publisher(session: Session, actor: User) -> Organization:
    organization = (
        session.get(Organization, actor.organization_id) if actor.organization_id else None
    )
    if organization is None or organization.kind not in PUBLISHER_KINDS:
        raise Forbidden("仅企业、园区和政府机构的账户可以发布人才需求")
    if organization.status != OrganizationStatus.verified:
        raise Forbidden("机构尚未通过审核或已被暂停，不能发布人才需求")
    return organization


def publish_forecast(
    session: Session, actor: User, data: DemandForecastCreate
) -> tuple[ForecastRow, MajorResolutionPublic | None]:
    """A forecast of the actor's organisation; ``target_code`` repeats the major or occupation."""
    publisher = _publisher(session, actor)
    problems: list[dict[str, Any]] = []
    if (data.major is None) == (data.occupation_code is None):
        message = "须填写专业或职业之一（不能同时填写）"
        problems += [field_detail("major", message), field_detail("occupation_code", message)]
    if data.occupation_code and not repository.occupation_exists(session, data.occupation_code):
        problems.append(field_detail("occupation_code", f"职业代码不存在：{data.occupation_code}"))
    if not repository.region_exists(session, data.region_code):
        problems.append(field_detail("region_code", f"行政区划代码不存在：{data.region_code}"))
    elif actor.role == Role.regulator and not organizations.supervises(
        session, actor, data.region_code
    ):
        # A park's or government's forecast speaks for its own region only.
        raise Forbidden(
            "只能发布本部门管辖地区的人才需求",
            details=[field_detail("region_code", "不在本部门管辖范围内")],
        )
    resolution = None
    major_class = None
    if data.major and not problems and catalog.names_a_class(data.major):
        # A 专业类 as a whole (5102, 计算机类): counted for its majors at the profile's discount.
        major_class = catalog.resolve_class(session, data.major, data.major_level, "major")
    elif data.major and not problems:
        resolution = catalog.resolve_major(session, data.major, data.major_level)
        if not resolution.resolved:
            problems.append(
                field_detail(
                    "major",
                    catalog.unresolved_message(resolution, data.major_level),
                    candidates=[c.to_dict() for c in resolution.candidates],
                )
            )
    if problems:
        raise Invalid("人才需求信息有误", details=problems)
    major_code = resolution.code if resolution is not None else None
    class_code = major_class.code if major_class is not None else None
    target_code = major_code or class_code or data.occupation_code or ""
    if repository.duplicate_of(session, publisher.id, target_code, data.region_code, data.year):
        raise Conflict(
            "本机构已发布过该专业（职业）在该地区该年份的需求",
            details=[field_detail("year", "同一专业或职业、地区和年份只能发布一次")],
        )
    forecast = DemandForecast(
        publisher_id=publisher.id,
        major_code=major_code,
        class_code=class_code,
        occupation_code=data.occupation_code,
        target_code=target_code,
        region_code=data.region_code,
        year=data.year,
        headcount=data.headcount,
    )
    session.add(forecast)
    session.flush()
    audit.record(session, actor, "create", ENTITY, forecast.id, None, forecast)
    shown = None
    if major_class is not None:
        shown = MajorResolutionPublic.of_class(data.major or "", major_class)
    if resolution is not None:
        shown = MajorResolutionPublic.of(resolution)
    return repository.row_of(session, forecast.id), shown


def list_forecasts(
    session: Session, filters: DemandFilters, page: PageParams
) -> tuple[list[ForecastRow], int]:
    """Published forecasts of verified organisations (public: 人才需求发布 is an announcement)."""
    conditions: list[Any] = []
    if filters.major:
        conditions.append(col(DemandForecast.major_code) == filters.major)
    if filters.occupation:
        conditions.append(col(DemandForecast.occupation_code) == filters.occupation)
    if filters.region:
        conditions.append(
            catalog.region_scope(session, filters.region).contains(col(DemandForecast.region_code))
        )
    if filters.year is not None:
        conditions.append(col(DemandForecast.year) == filters.year)
    if filters.publisher_id is not None:
        conditions.append(col(DemandForecast.publisher_id) == filters.publisher_id)
    return repository.page_of(session, conditions, page.offset, page.page_size)
