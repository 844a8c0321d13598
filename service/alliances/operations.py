"""市域产教联合体: recording one and computing its monitoring indicators for a year."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import (
    Alliance,
    Organization,
    OrganizationKind,
    PartnerKind,
    PositionKind,
    Programme,
    ProgrammePartner,
    Region,
    User,
)
from service.alliances import repository
from service.alliances.schemas import AllianceIn, AllianceIndicators, AlliancePublic, Indicator
from service.errors import Conflict, Forbidden, Invalid, NotFound, field_detail
from service.organizations import operations as organizations
from service.organizations import repository as organizations_repository

MIN_YEAR, MAX_YEAR = 2000, 2100


def _organizations(
    session: Session, codes: Sequence[str], kind: OrganizationKind, field: str
) -> list[Organization]:
    found = organizations_repository.of_kind_by_code(session, codes, kind)
    missing = [code for code in codes if code not in found]
    if missing:
        raise Invalid(
            f"以下机构不存在或类型不符：{'、'.join(missing)}",
            details=[field_detail(field, f"{code} 不是已登记的{_KIND[kind]}") for code in missing],
        )
    return [found[code] for code in dict.fromkeys(codes)]


_KIND = {
    OrganizationKind.school: "学校",
    OrganizationKind.enterprise: "企业",
    OrganizationKind.park: "园区",
    OrganizationKind.government: "政府部门",
}


def _public(session: Session, alliance: Alliance) -> AlliancePublic:
    park = session.get(Organization, alliance.park_id)
    government = session.get(Organization, alliance.government_id)
    assert park is not None
    assert government is not None
    return AlliancePublic(
        id=alliance.id,
        name=alliance.name,
        region_code=alliance.region_code,
        park_code=park.code,
        park_name=park.name,
        government_code=government.code,
        government_name=government.name,
        school_codes=alliance.school_codes,
        enterprise_codes=alliance.enterprise_codes,
        research_institutions=alliance.research_institutions,
        lead_industries=alliance.lead_industries,
        created_at=alliance.created_at,
    )


def create(session: Session, data: AllianceIn, actor: User) -> AlliancePublic:
    """Record an alliance; a regulator or an admin does it (the route's role check)."""
    if session.get(Region, data.region_code) is None:
        raise Invalid(
            f"地区代码 {data.region_code} 不存在",
            details=[field_detail("region_code", "行政区划代码不在目录中")],
        )
    if not organizations.supervises(session, actor, data.region_code):
        raise Forbidden(
            "只能登记本部门管辖地区的联合体",
            details=[field_detail("region_code", "不在本部门管辖范围内")],
        )
    park = _organizations(session, [data.park_code], OrganizationKind.park, "park_code")[0]
    government = _organizations(
        session, [data.government_code], OrganizationKind.government, "government_code"
    )[0]
    schools = _organizations(session, data.school_codes, OrganizationKind.school, "school_codes")
    enterprises = _organizations(
        session, data.enterprise_codes, OrganizationKind.enterprise, "enterprise_codes"
    )
    known = repository.known_priority_industries(session, data.lead_industries)
    unknown = [key for key in data.lead_industries if key not in known]
    if unknown:
        raise Invalid(
            f"以下主导产业不在重点产业清单中：{'、'.join(unknown)}",
            details=[field_detail("lead_industries", f"{key} 不是重点产业编号") for key in unknown],
        )
    alliance = Alliance(
        name=data.name.strip(),
        region_code=data.region_code,
        park_id=park.id,
        government_id=government.id,
        school_codes=[s.code for s in schools],
        enterprise_codes=[e.code for e in enterprises],
        research_institutions=list(dict.fromkeys(n.strip() for n in data.research_institutions)),
        lead_industries=list(dict.fromkeys(data.lead_industries)),
        created_by=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(alliance)
            session.flush()
    except IntegrityError:
        raise Conflict(
            f"联合体“{data.name}”已存在", details=[field_detail("name", "名称已被使用")]
        ) from None
    return _public(session, alliance)


def list_all(session: Session, region: str | None) -> list[AlliancePublic]:
    return [_public(session, a) for a in repository.alliances(session, region)]


def _get(session: Session, alliance_id: uuid.UUID) -> Alliance:
    alliance = session.get(Alliance, alliance_id)
    if alliance is None:
        raise NotFound("联合体不存在", details=[field_detail("id", "没有这个联合体")])
    return alliance


def get(session: Session, alliance_id: uuid.UUID) -> AlliancePublic:
    return _public(session, _get(session, alliance_id))


def _share(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def indicators(session: Session, alliance_id: uuid.UUID, year: int) -> AllianceIndicators:
    """4.1, 3.1 and 4.4 for ``year`` from the platform's own data."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(
            f"年份须在 {MIN_YEAR}—{MAX_YEAR} 之间", details=[field_detail("year", "年份超出范围")]
        )
    alliance = _get(session, alliance_id)
    schools = list(
        organizations_repository.of_kind_by_code(
            session, alliance.school_codes, OrganizationKind.school
        ).values()
    )
    enterprises = list(
        organizations_repository.of_kind_by_code(
            session, alliance.enterprise_codes, OrganizationKind.enterprise
        ).values()
    )
    programmes = repository.programmes_of(session, [s.id for s in schools], year)
    partners = repository.partners_of(session, [p.id for p in programmes])
    return AllianceIndicators(
        alliance_id=alliance.id,
        name=alliance.name,
        year=year,
        indicators=[
            _aligned(session, alliance, schools, programmes),
            _partnered(programmes, partners),
            _posts(session, enterprises, programmes, partners, year),
        ],
    )


def _aligned(
    session: Session,
    alliance: Alliance,
    schools: Sequence[Organization],
    programmes: Sequence[Programme],
) -> Indicator:
    # The matcher's alignment (the same as GET /schools/{code}/alignment), heavy: imported here.
    from service.recommendations import operations as recommendations

    aligner = recommendations.get_aligner(session)
    lead = set(alliance.lead_industries)
    region_of = {s.id: s.region_code for s in schools}
    aligned = 0
    for region in sorted(set(region_of.values())):
        codes = [p.major_code for p in programmes if region_of[p.school_id] == region]
        evidence, regions = recommendations._evidence(session, region)
        by_major = aligner.align_many(sorted(set(codes)), evidence, regions)
        aligned += sum(
            1 for code in codes if any(i.key in lead for i in aligner.aligned(by_major[code]))
        )
    return Indicator(
        code="4.1",
        name="成员学校专业与主导产业对接率",
        definition=(
            "当年成员学校开设的专业中，与联合体主导产业对接（对接得分不低于"
            f"{aligner.aligned_threshold:g}，同 /schools/{{code}}/alignment）的专业点数"
            " ÷ 专业点总数"
        ),
        numerator=aligned,
        denominator=len(programmes),
        value=_share(aligned, len(programmes)),
        figures={"lead_industries": "、".join(alliance.lead_industries)},
    )


def _partnered(programmes: Sequence[Programme], partners: Sequence[ProgrammePartner]) -> Indicator:
    with_partner = {p.programme_id for p in partners}
    n = sum(1 for p in programmes if p.id in with_partner)
    return Indicator(
        code="3.1",
        name="有企业参与的专业占比",
        definition=(
            "当年成员学校专业点中，有合作企业（校企合作、订单培养、学徒制）的专业点数 ÷ 专业点总数"
        ),
        numerator=n,
        denominator=len(programmes),
        value=_share(n, len(programmes)),
        figures={},
    )


def _posts(
    session: Session,
    enterprises: Sequence[Organization],
    programmes: Sequence[Programme],
    partners: Sequence[ProgrammePartner],
    year: int,
) -> Indicator:
    ids = [e.id for e in enterprises]
    posts = repository.placement_posts(session, ids, year)
    apprentice = posts.get(PositionKind.apprenticeship.value, 0)
    intern = posts.get(PositionKind.internship.value, 0)
    staff = sum(e.staff_count or 0 for e in enterprises)
    member_ids = set(ids)
    ordered = {
        p.programme_id
        for p in partners
        if p.kind == PartnerKind.order_training and p.enterprise_id in member_ids
    }
    order_students = sum(
        (p.enrolled if p.enrolled is not None else p.enrolment_plan)
        for p in programmes
        if p.id in ordered
    )
    return Indicator(
        code="4.4",
        name="成员企业学徒、实习岗位占职工比例",
        definition=(
            "当年成员企业发布的学徒岗位和实习岗位人数 ÷ 成员企业在岗职工总数；"
            "另列每家企业平均岗位数和订单培养学生数（与成员企业订单培养的专业点的在校生，"
            "无在校生数据时按招生计划）"
        ),
        numerator=apprentice + intern,
        denominator=staff,
        value=_share(apprentice + intern, staff),
        figures={
            "apprenticeship_posts": apprentice,
            "internship_posts": intern,
            "enterprises": len(enterprises),
            "posts_per_enterprise": _share(apprentice + intern, len(enterprises)),
            "staff": staff,
            "order_training_students": order_students,
        },
    )
