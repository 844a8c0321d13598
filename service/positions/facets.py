"""The choices a position search offers: regions and industries that have open positions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from models import Industry, Organization, Position, Region
from service.positions import compliance, repository


@dataclass(frozen=True)
class Choice:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class SearchFacets:
    regions: list[Choice]
    industries: list[Choice]


def search_facets(session: Session) -> SearchFacets:
    """Counties with open positions and the industry sections (门类) of their enterprises.

    Two grouped aggregates over open public positions; a city-sized demo has a few dozen of each.
    """
    public = [*repository.published(), *repository.taking_applications(compliance.local_today())]
    region_rows = session.execute(
        select(col(Region.code), col(Region.name), func.count())
        .join(Position, col(Position.region_code) == col(Region.code))
        .where(*public)
        .group_by(col(Region.code), col(Region.name))
        .order_by(col(Region.code))
    ).all()
    section = func.substr(col(Organization.industry_code), 1, 2)
    division_rows = session.execute(
        select(section, func.count())
        .join(Position, col(Position.enterprise_id) == col(Organization.id))
        .where(*public, col(Organization.industry_code).is_not(None))
        .group_by(section)
    ).all()
    # GB/T 4754 divisions (2 digits) roll up to their section letter (门类), which is their parent.
    parents = dict(
        session.execute(
            select(col(Industry.code), col(Industry.parent_code)).where(
                col(Industry.level) == "大类"
            )
        ).all()
    )
    sections: dict[str, int] = {}
    for division, count in division_rows:
        parent = parents.get(division)
        if parent is not None:
            sections[parent] = sections.get(parent, 0) + int(count)
    names = dict(
        session.execute(
            select(col(Industry.code), col(Industry.name)).where(
                col(Industry.code).in_(list(sections))
            )
        ).all()
    )
    return SearchFacets(
        regions=[Choice(code, name, int(count)) for code, name, count in region_rows],
        industries=[
            Choice(code, names.get(code, code), sections[code]) for code in sorted(sections)
        ],
    )
