"""The incentive statement of a 产教融合型企业 and the yearly figures it rests on."""

from __future__ import annotations

from sqlmodel import Session

from models import (
    EnterpriseTaxYear,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    PositionKind,
    Role,
    User,
)
from models.base import POSITION_KIND_LABELS, utcnow
from service.catalog import operations as catalog
from service.enterprises import incentive, repository
from service.enterprises.schemas import (
    EnterpriseProfile,
    IncentiveStatement,
    ProfilePosition,
    StatementYear,
    TaxYearIn,
    TaxYearOut,
)
from service.errors import Forbidden, Invalid, NotFound, field_detail
from service.integration_enterprises import repository as registry
from service.integration_enterprises.schemas import STATUS_LABELS
from service.organizations import repository as organizations_repository
from service.pagination import PageParams
from service.positions import operations as positions
from service.positions.schemas import PositionSearch

MIN_YEAR, MAX_YEAR = 2019, 2100  # 财税〔2019〕46号 applies from 2019


def _enterprise(session: Session, code: str) -> Organization:
    enterprise = organizations_repository.of_kind_by_code(
        session, [code], OrganizationKind.enterprise
    ).get(code)
    if enterprise is None:
        raise NotFound(
            f"企业 {code} 不存在", details=[field_detail("code", "统一社会信用代码未登记")]
        )
    return enterprise


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(
            f"年度须在 {MIN_YEAR}—{MAX_YEAR} 之间（财税〔2019〕46号自2019年起执行）",
            details=[field_detail("year", "年度超出范围")],
        )


def _own(actor: User, enterprise: Organization) -> bool:
    return actor.role == Role.enterprise and actor.organization_id == enterprise.id


def _regulates(session: Session, actor: User, enterprise: Organization) -> bool:
    if actor.role == Role.admin:
        return True
    if actor.role != Role.regulator:
        return False
    if actor.organization_id is None:
        return True  # a national regulator
    own = session.get(Organization, actor.organization_id)
    if own is None:
        return False
    return enterprise.region_code in catalog.region_scope(session, own.region_code)


# 财税〔2019〕46号 credits the investment of enterprises in the 产教融合型企业 registry: those taken
# into cultivation (培育库) and those certified (认定).
ELIGIBLE_STATUSES = ("cultivation", "certified")


def _require_registry(session: Session, enterprise: Organization) -> None:
    """422 naming where the enterprise stands when it is not in the registry (issue 24)."""
    if enterprise.is_integration_enterprise:
        return
    application = registry.active_application(session, enterprise.id, ELIGIBLE_STATUSES)
    if application is not None:
        return
    other = registry.active_application(session, enterprise.id, tuple(STATUS_LABELS))
    standing = STATUS_LABELS[other.status] if other is not None else "未申报"
    raise Invalid(
        f"{enterprise.name}不在产教融合型企业名录中（申报状态：{standing}），"
        "不能出具抵免计算单（财税〔2019〕46号仅适用于入库培育或已认定的产教融合型企业）",
        details=[field_detail("code", f"申报状态：{standing}，须为入库培育或已认定")],
    )


def put_tax_year(
    session: Session, code: str, year: int, data: TaxYearIn, actor: User
) -> TaxYearOut:
    """The enterprise records (or corrects) one year's investment and taxes paid."""
    _check_year(year)
    enterprise = _enterprise(session, code)
    if not (_own(actor, enterprise) or actor.role == Role.admin):
        raise Forbidden("只有企业本身可以填报其投资和纳税数据")
    row = repository.tax_year(session, enterprise.id, year)
    if row is None:
        row = EnterpriseTaxYear(enterprise_id=enterprise.id, year=year, **data.model_dump())
        session.add(row)
    else:
        for key, value in data.model_dump().items():
            setattr(row, key, value)
        row.updated_at = utcnow()
    session.flush()
    return TaxYearOut(year=year, **data.model_dump())


def statement(session: Session, code: str, year: int, actor: User) -> IncentiveStatement:
    """Every year up to ``year`` worked by hand's rules, with the carried-forward balance."""
    _check_year(year)
    enterprise = _enterprise(session, code)
    if not (_own(actor, enterprise) or _regulates(session, actor, enterprise)):
        raise Forbidden("只有企业本身及其所在地区的监管部门可以查看抵免计算单")
    _require_registry(session, enterprise)
    rows = repository.tax_years_up_to(session, enterprise.id, year)
    if not any(row.year == year for row in rows):
        raise NotFound(
            f"企业尚未填报 {year} 年的投资和纳税数据",
            details=[field_detail("year", "该年度没有填报数据")],
        )
    sources = {row.year: row.source for row in rows}
    worked = incentive.work(
        [
            incentive.TaxYear(
                row.year, row.qualifying_investment, row.vat_paid, row.consumption_tax_paid
            )
            for row in rows
        ]
    )
    years = [StatementYear(**{**item.__dict__, "source": sources[item.year]}) for item in worked]
    return IncentiveStatement(
        enterprise_code=enterprise.code,
        enterprise_name=enterprise.name,
        year=year,
        rates={rate.key: rate.value for rate in incentive.RATES},
        sources=[f"{rate.name} {rate.value:.0%}：{rate.source}" for rate in incentive.RATES],
        years=years,
        current=years[-1],
    )


PROFILE_POSITIONS = 50


def profile(session: Session, code: str, viewer: User | None) -> EnterpriseProfile:
    """The public page of a verified enterprise (anyone, signed in or not); any other code —
    unknown, not an enterprise, pending or suspended — is a 404 like a missing one."""
    found = organizations_repository.of_kind_by_code(
        session, [code], OrganizationKind.enterprise
    ).get(code)
    if found is None or found.status != OrganizationStatus.verified:
        raise NotFound("企业不存在或未通过认证", details=[field_detail("code", "无此认证企业")])
    region_name, industry_name = repository.names(session, found.region_code, found.industry_code)
    application = registry.active_application(session, found.id, tuple(STATUS_LABELS))
    status = application.status if application is not None else None
    if status is None and found.is_integration_enterprise:
        status = "certified"
    views, count, _ = positions.search_positions(
        session,
        viewer,
        PositionSearch(enterprise=found.code, sort="newest"),
        PageParams(page=1, page_size=PROFILE_POSITIONS),
    )
    posts = repository.apprentice_posts(session, found.id)
    staff = found.staff_count
    return EnterpriseProfile(
        code=found.code,
        name=found.name,
        industry_code=found.industry_code,
        industry_name=industry_name,
        region_code=found.region_code,
        region_name=region_name,
        registry_status=status,
        registry_status_label=STATUS_LABELS[status] if status else "未申报",
        open_positions=[
            ProfilePosition(
                id=v.position.id,
                title=v.position.title,
                kind=str(v.position.kind),
                kind_label=POSITION_KIND_LABELS[PositionKind(v.position.kind)],
                region_name=v.region_name,
                headcount=v.position.headcount,
                monthly_pay=v.position.monthly_pay,
                closing_date=v.position.closing_date,
            )
            for v in views
        ],
        open_positions_count=count,
        staff_count=staff,
        apprentice_posts=posts,
        apprenticeship_share=round(posts / staff, 4) if staff else None,
        profile_url=f"/enterprises/{found.code}",
    )
