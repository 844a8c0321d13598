"""The choices a position search offers: regions and industries that have open positions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from service import clock
from service.positions import repository


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
    today = clock.today()
    region_rows = repository.open_region_counts(session, today)
    # GB/T 4754 divisions (2 digits) roll up to their section letter (门类), which is their parent.
    parents = repository.division_sections(session)
    sections: dict[str, int] = {}
    for division, count in repository.open_division_counts(session, today):
        parent = parents.get(division)
        if parent is not None:
            sections[parent] = sections.get(parent, 0) + count
    names = repository.industry_names(session, sections)
    return SearchFacets(
        regions=[Choice(code, name, count) for code, name, count in region_rows],
        industries=[
            Choice(code, names.get(code, code), sections[code]) for code in sorted(sections)
        ],
    )
