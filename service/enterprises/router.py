from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from models import Role, User
from service.auth.dependencies import OptionalUser, require_roles
from service.deps import ReadSessionDep, SessionDep
from service.enterprises import operations
from service.enterprises.schemas import (
    EnterpriseProfile,
    IncentiveStatement,
    TaxYearIn,
    TaxYearOut,
)
from service.fields import TaxYear

router = APIRouter(prefix="/enterprises", tags=["产教融合型企业"])

Code = Annotated[str, Path(min_length=1, max_length=32, description="统一社会信用代码")]
# The enterprise itself (and admins) files its figures; its region's regulators read them too.
Filer = Annotated[
    User,
    Depends(
        require_roles(Role.enterprise, Role.admin, refusal="只有企业本身可以填报其投资和纳税数据")
    ),
]
Reader = Annotated[
    User,
    Depends(
        require_roles(
            Role.enterprise,
            Role.regulator,
            Role.admin,
            refusal="只有企业本身及其所在地区的监管部门可以查看抵免计算单",
        )
    ),
]


@router.put("/{code}/tax-years/{year}", response_model=TaxYearOut)
def put_tax_year(
    session: SessionDep, actor: Filer, code: Code, year: TaxYear, body: TaxYearIn
) -> TaxYearOut:
    """企业填报某年度兴办职业教育的合规投资额和实缴增值税、消费税（元）。"""
    return operations.put_tax_year(session, code, year, body, actor)


@router.get("/{code}/incentive-statement", response_model=IncentiveStatement)
def incentive_statement(
    session: ReadSessionDep,
    actor: Reader,
    code: Code,
    year: Annotated[TaxYear, Query(description="计算年度")],
) -> IncentiveStatement:
    """投资额 30% 抵免教育费附加（3%）和地方教育附加（2%），不足抵免部分结转以后年度。"""
    return operations.statement(session, code, year, actor)


@router.get("/{code}/profile", response_model=EnterpriseProfile)
def enterprise_profile(
    session: ReadSessionDep, viewer: OptionalUser, code: str
) -> EnterpriseProfile:
    """认证企业的公开主页：名称、行业、地区、产教融合型企业名录状态、招聘中的岗位、学徒岗位占比。"""
    return operations.profile(session, code, viewer)
