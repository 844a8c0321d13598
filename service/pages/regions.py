"""The region picker of the forms: province → city → district by Chinese name, never a typed code.

The page renders three selects filled for the region already chosen; ``app.js`` refills the lower
ones from ``/api/v1/catalog/regions?parent=…`` when a higher one changes. The form sends the three
codes and the deepest one chosen is the region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlmodel import Session

from models import Region
from service.catalog import operations as catalog
from service.errors import AppError

LEVELS = ("province", "city", "county")


@dataclass(frozen=True)
class RegionPicker:
    """What the ``region_picker`` macro draws: the options of each level and the chosen codes."""

    prefix: str
    provinces: list[tuple[str, str]]
    cities: list[tuple[str, str]] = field(default_factory=list)
    counties: list[tuple[str, str]] = field(default_factory=list)
    chosen: dict[str, str] = field(default_factory=dict)


def _level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def _option(region: Region, province_name: str = "") -> tuple[str, str]:
    # A municipality's 市辖区 / 县 is shown with the municipality's name beside it.
    if catalog.is_nominal(region) and province_name:
        return region.code, f"{province_name}（{region.name}）"
    return region.code, region.name


def picker(session: Session, prefix: str, code: str | None) -> RegionPicker:
    """The picker with ``code`` (any level, or none) chosen."""
    provinces = catalog.child_regions(session, None)
    chosen: dict[str, str] = {}
    if code and code.isdigit() and len(code) == 6:
        try:
            for ancestor in catalog.region_ancestors(session, code):
                chosen[_level_of(ancestor)] = ancestor
        except AppError:  # an unknown code leaves the picker empty
            chosen = {}
    names = {r.code: r.name for r in provinces}
    cities: list[tuple[str, str]] = []
    counties: list[tuple[str, str]] = []
    if "province" in chosen:
        province_name = names.get(chosen["province"], "")
        cities = [
            _option(r, province_name) for r in catalog.child_regions(session, chosen["province"])
        ]
    if "city" in chosen:
        counties = [_option(r) for r in catalog.child_regions(session, chosen["city"])]
    return RegionPicker(
        prefix=prefix,
        provinces=[(r.code, r.name) for r in provinces],
        cities=cities,
        counties=counties,
        chosen=chosen,
    )


def chosen_code(form: Mapping[str, str], prefix: str) -> str:
    """The deepest level chosen in the form's picker ("" when none)."""
    for level in reversed(LEVELS):
        value = str(form.get(f"{prefix}_{level}", "")).strip()
        if value:
            return value
    return ""


def field_names(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{level}" for level in LEVELS)
