"""The small city the browser tests click through: one account per role, open positions, and two
years of cohorts so that the regulator's report has a major to merge and one to grow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from models import Organization, OrganizationKind, OrganizationStatus, PositionKind, Role
from service.alliances import operations as alliances
from service.alliances.schemas import AllianceIn
from service.identity_changes import operations as identity_changes
from service.identity_changes.schemas import IdentityChangeCreate
from service.integration_enterprises import operations as integration
from service.integration_enterprises.schemas import ApplicationIn
from tests.factories import (
    PASSWORD,
    make_enterprise,
    make_organization,
    make_position,
    make_programme,
    make_school,
    make_student,
    make_user,
)
from tests.service.reports.helpers import PLAIN, PRIORITY, YEAR, region_with

NURSING = "520201"  # 护理, 高职专科


@dataclass(frozen=True)
class Accounts:
    password: str
    student: str
    enterprise: str
    school: str
    regulator: str
    school_code: str
    # A regulator of a government body of 500000 (the other is national): its region's pages.
    city_regulator: str = "b_city"


def build_scenario(session: Session) -> Accounts:
    hospital = make_enterprise(session, name="重庆南岸康复医院", industry_code="8411")
    make_position(
        session,
        hospital,
        [NURSING],
        title="护理学徒",
        kind=PositionKind.apprenticeship,
        description="病房护理、康复护理，带教老师一对一指导",
        monthly_pay=4800,
        start_date=date(2027, 3, 1),
        skills=["基础护理", "急救"],
    )
    make_position(
        session,
        hospital,
        [NURSING],
        title="护理实习生",
        kind=PositionKind.internship,
        monthly_pay=3200,
        same_post_wage=3800,
        start_date=date(2027, 3, 1),
    )
    factory = make_enterprise(session, name="重庆精工数控有限公司")
    for index, title in enumerate(("数控车床操作员", "数控编程员", "设备维护技术员")):
        make_position(session, factory, [PRIORITY], title=title, monthly_pay=5600 + 400 * index)
    make_user(session, Role.enterprise, factory, username="b_enterprise")
    school = make_school(session, name="重庆南岸职业学院")
    make_user(session, Role.school, school, username="b_school")
    # The school runs 510203: its cohorts can be uploaded (cohorts only of majors it runs).
    make_programme(session, school, "510203", YEAR - 3)
    student_user = make_user(session, Role.student, school, username="b_student")
    make_student(
        session, school, NURSING, name="王小明", phone="13800001234", user_id=student_user.id
    )
    make_user(session, Role.regulator, username="b_regulator", display_name="市教委")
    _add_supervision(session, hospital, factory, school)
    region_with(
        session, PLAIN, {YEAR - 1: (100, 55), YEAR: (100, 50)}, {YEAR - 1: 80, YEAR: 80}, sites=2
    )
    region_with(session, PRIORITY, {YEAR - 1: (40, 38), YEAR: (40, 39)}, {YEAR: 100})
    return Accounts(
        password=PASSWORD,
        student="b_student",
        enterprise="b_enterprise",
        school="b_school",
        regulator="b_regulator",
        school_code=school.code,
    )


def _add_supervision(
    session: Session, hospital: Organization, factory: Organization, school: Organization
) -> None:
    """What the city's regulator decides on its pages: an enterprise waiting for verification,
    an identity change, a registry application, and the city's 联合体."""
    government = make_organization(
        session, OrganizationKind.government, name="重庆市教育委员会", region_code="500000"
    )
    park = make_organization(
        session, OrganizationKind.park, name="重庆西部科学城产业园", region_code="500106"
    )
    city = make_user(session, Role.regulator, government, username="b_city", display_name="市教委")
    make_enterprise(session, name="重庆待审科技有限公司", status=OrganizationStatus.pending)
    logistics = make_enterprise(session, name="重庆渝北物流有限公司")
    identity_changes.request_change(
        session,
        make_user(session, Role.enterprise, logistics, username="b_logistics"),
        logistics.id,
        IdentityChangeCreate(name="重庆渝北供应链有限公司", reason="工商变更登记"),
    )
    owner = make_user(session, Role.enterprise, hospital, username="b_hospital")
    identity_changes.request_change(
        session,
        owner,
        hospital.id,
        IdentityChangeCreate(name="重庆南岸康复医院集团", reason="工商变更登记"),
    )
    # Its own enterprise: b_enterprise applies to the registry through the pages itself.
    applicant = make_enterprise(session, name="重庆智造装备有限公司")
    integration.apply_for(
        session,
        applicant,
        ApplicationIn(
            cooperation_years=3,
            partner_programmes=2,
            apprentices=12,
            interns=30,
            investment=Decimal("1500000"),
            statement="与重庆南岸职业学院共建数控实训基地",
        ),
        make_user(session, Role.enterprise, applicant, username="b_maker"),
    )
    alliances.create(
        session,
        AllianceIn(
            name="重庆西部科学城产教联合体",
            region_code="500000",
            park_code=park.code,
            government_code=government.code,
            school_codes=[school.code],
            enterprise_codes=[hospital.code, factory.code],
            lead_industries=["intelligent-manufacturing"],
        ),
        city,
    )
