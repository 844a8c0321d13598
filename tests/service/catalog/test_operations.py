"""Catalogue operations: the cached resolver, priority categories, and the region roll-up."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, event, func, insert, select
from sqlmodel import Session

from models import MajorAlias, Organization, Region
from service.catalog import operations as catalog
from service.catalog import repository
from service.errors import AppError, Invalid
from tests.factories import make_enterprise, make_major_alias


def test_the_resolver_is_fitted_once_per_catalogue(session: Session) -> None:
    first = catalog.get_resolver(session)
    assert catalog.get_resolver(session) is first
    assert len(first.records_) == 1486


def test_the_resolver_follows_a_change_of_the_catalogue(session: Session) -> None:
    before = catalog.get_resolver(session)
    assert catalog.resolve_major(session, "软工", "高职专科").code is None

    make_major_alias(session, "510203", "软工")

    assert catalog.get_resolver(session) is not before
    resolution = catalog.resolve_major(session, "软工", "高职专科")
    assert (resolution.code, resolution.method) == ("510203", "alias")


def test_invalidation_refits(session: Session) -> None:
    before = catalog.get_resolver(session)
    catalog.invalidate_resolver()
    assert catalog.get_resolver(session) is not before


def test_a_batch_resolves_in_order(session: Session) -> None:
    results = catalog.resolve_majors(session, ["护理专业", "电商", "护理学"], "高职专科")
    assert [(r.input, r.code, r.method) for r in results] == [
        ("护理专业", "520201", "exact"),
        ("电商", "530701", "alias"),
        ("护理学", None, None),
    ]


@pytest.mark.parametrize(
    ("name", "level", "field"),
    [("护理", "大专", "level"), ("   ", None, "name"), ("护" * 201, None, "name")],
)
def test_bad_input_is_refused_with_the_field(
    session: Session, name: str, level: str | None, field: str
) -> None:
    with pytest.raises(Invalid) as caught:
        catalog.resolve_major(session, name, level)
    assert [detail["field"] for detail in caught.value.details] == [field]


def test_a_class_code_stands_for_every_major_of_the_class(session: Session) -> None:
    serving = catalog.majors_serving_categories(session)
    # new-generation-it lists 专业类 5102 (计算机类), not the majors themselves.
    assert serving["510203"] == {"新兴"}
    assert serving["510201"] == {"新兴"}
    assert len(serving) == 771


def test_regional_entries_count_only_inside_their_region(session: Session) -> None:
    national = catalog.majors_serving_categories(session)
    chongqing = catalog.majors_serving_categories(session, region="500101")
    elsewhere = catalog.majors_serving_categories(session, region="110101")
    assert "440703" not in national  # 物业管理: only Chongqing lists 物业
    assert chongqing["440703"] == {"生活服务"}
    assert "440703" not in elsewhere
    assert len(chongqing) == 774


def test_priority_industries_of_a_county_include_its_province(session: Session) -> None:
    keys = {entry.key for entry in catalog.priority_industries_for(session, None, "500101")}
    assert {"robotics-chongqing", "property-services-chongqing"} <= keys
    assert len(keys) == 46
    national = catalog.priority_industries_for(session, "生活服务", None)
    assert sorted(entry.key for entry in national) == ["culture", "health", "tourism"]


@pytest.mark.one_backend  # every pair of the catalogue's regions: a Python loop of 30 s
def test_the_code_prefix_rule_matches_the_parent_chain_for_every_region(
    session: Session,
) -> None:
    regions = {r.code: r for r in session.execute(select(Region)).scalars()}
    children: dict[str, list[str]] = {}
    for region in regions.values():
        if region.parent_code:
            children.setdefault(region.parent_code, []).append(region.code)

    def below(code: str) -> set[str]:
        found = {code}
        for child in children.get(code, []):
            found |= below(child)
        return found

    broken = []
    for code, region in regions.items():
        scope = catalog.RegionScope(code, region.level)
        by_prefix = {other for other in regions if other in scope}
        if by_prefix != below(code):
            broken.append(code)
    assert broken == []


def test_descendants_of_a_province_and_a_city(session: Session) -> None:
    chongqing = catalog.region_descendants(session, "500000")
    assert len(chongqing) == 41
    assert chongqing[:3] == ["500000", "500100", "500101"]
    assert len(catalog.region_descendants(session, "500100")) == 27
    assert catalog.region_descendants(session, "500101") == ["500101"]


def test_ancestors_run_from_the_region_to_its_province(session: Session) -> None:
    assert catalog.region_ancestors(session, "500101") == ["500101", "500100", "500000"]
    assert catalog.region_ancestors(session, "500000") == ["500000"]
    assert catalog.region_ancestors(session, "441900") == ["441900", "440000"]


def test_a_scope_filters_other_tables_in_sql(session: Session) -> None:
    make_enterprise(session, region_code="500101")
    make_enterprise(session, region_code="500230")
    make_enterprise(session, region_code="110101")
    scope = catalog.region_scope(session, "500000")
    inside = session.execute(
        select(func.count()).where(scope.contains(Organization.region_code))
    ).scalar_one()
    assert inside == 2
    assert (scope.prefix, scope.low, scope.high) == ("50", "500000", "509999")


def test_an_unknown_region_is_refused(session: Session) -> None:
    with pytest.raises(Invalid, match="地区代码 990000 不存在"):
        catalog.region_descendants(session, "990000")


def test_the_fingerprint_is_taken_once_per_transaction(session: Session) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    catalog.resolve_major(session, "护理", "高职专科")
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        for name in ("护理", "电商", "软件技术", "护理学"):
            catalog.resolve_major(session, name, "高职专科")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements == []


def test_a_bulk_write_through_the_session_is_seen_at_once(session: Session) -> None:
    assert catalog.resolve_major(session, "软开", "高职专科").code is None
    session.execute(
        insert(MajorAlias).values(major_code="510203", alias="软开", kind="abbreviation")
    )
    assert catalog.resolve_major(session, "软开", "高职专科").code == "510203"


def test_an_empty_catalogue_says_how_to_fill_it(session: Session) -> None:
    for table in ("major_term", "major_alias", "major"):
        session.execute(delete(repository.table(table)))
    with pytest.raises(AppError, match="专业目录为空，请先运行 chanjiao seed catalog") as caught:
        catalog.resolve_major(session, "护理", None)
    assert (caught.value.status_code, caught.value.code) == (503, "catalog_empty")
