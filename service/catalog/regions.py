"""Regions as scopes, and the priority categories a region's majors serve.

What the reports, the organisations and the policy profiles need of the catalogue: plain queries,
no major-name resolver (`service.catalog.operations` fits that on scikit-learn and pypinyin), so a
command such as ``chanjiao report mismatch`` starts without them. `service.catalog.operations`
re-exports every name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col

from models import PriorityIndustry
from service.catalog import repository
from service.errors import Invalid, field_detail


@dataclass(frozen=True)
class RegionScope:
    """A region and everything inside it, as a range of codes.

    GB/T 2260 codes nest by prefix: a province ``50xxxx`` holds every code starting ``50``, a city
    ``5001xx`` every code starting ``5001``, a county only itself (checked over the whole catalogue
    by the tests). A range on the code column keeps an index usable on both backends.
    """

    code: str
    level: str

    @property
    def prefix(self) -> str:
        return {"province": self.code[:2], "city": self.code[:4]}.get(self.level, self.code)

    @property
    def low(self) -> str:
        return self.prefix.ljust(6, "0")

    @property
    def high(self) -> str:
        return self.prefix.ljust(6, "9")

    def contains(self, column: Any) -> ColumnElement[bool]:
        """A SQL condition: ``column`` (a region code) lies in this region."""
        return col(column).between(self.low, self.high)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.low <= code <= self.high


def region_scope(session: Session, code: str, *, field_name: str = "region") -> RegionScope:
    level = repository.region_level(session, code.strip())
    if level is None:
        raise Invalid(
            f"地区代码 {code} 不存在", details=[field_detail(field_name, "行政区划代码不在目录中")]
        )
    return RegionScope(code.strip(), level)


def region_descendants(session: Session, code: str) -> list[str]:
    """``code`` and the codes of every region inside it, sorted."""
    scope = region_scope(session, code)
    return repository.codes_in_range(session, scope.low, scope.high)


def region_ancestors(session: Session, code: str, *, field_name: str = "region") -> list[str]:
    """``code`` and the regions containing it, from the region itself up to its province."""
    scope = region_scope(session, code, field_name=field_name)
    candidates = list(dict.fromkeys([scope.code, scope.code[:4] + "00", scope.code[:2] + "0000"]))
    known = repository.existing_region_codes(session, candidates)
    return [candidate for candidate in candidates if candidate in known]


def priority_industries_for(
    session: Session, category: str | None, region: str | None
) -> list[PriorityIndustry]:
    """National entries plus those of ``region`` and the regions containing it."""
    own: set[str] = set()
    if region:
        own = set(region_ancestors(session, region, field_name="region"))
    return [
        industry
        for industry in repository.priority_industries(session)
        if (category is None or industry.category == category)
        and (industry.region_code is None or industry.region_code in own)
    ]


def majors_serving_categories(session: Session, region: str | None = None) -> dict[str, set[str]]:
    """Major code → the priority categories (新兴, 紧缺 …) it serves.

    A 4-digit code in an entry's ``major_codes`` is a 专业类 and stands for every major of that
    class (class codes are level-specific, so an entry lists each level it means). National
    entries always count; a region's own entries count when ``region`` is it or lies inside it.
    """
    industries = priority_industries_for(session, None, region)
    classes = sorted(
        {code for industry in industries for code in industry.major_codes if len(code) == 4}
    )
    members: dict[str, list[str]] = {}
    for class_code, major_code in repository.major_codes_by_class(session, classes):
        members.setdefault(class_code, []).append(major_code)
    serving: dict[str, set[str]] = {}
    for industry in industries:
        for code in industry.major_codes:
            for major_code in members.get(code, []) if len(code) == 4 else [code]:
                serving.setdefault(major_code, set()).add(industry.category)
    return serving
