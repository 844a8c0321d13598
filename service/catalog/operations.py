"""Reference catalogues: loading the data files, searching, and resolving messy major names."""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from cachetools import LRUCache
from sqlalchemy import event
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from matching.resolve import LEVELS, MajorRecord, MajorResolver, Resolution
from models import Industry, Major, MajorAlias, Occupation, PriorityIndustry, Region
from service.catalog import repository
from service.catalog.files import (
    DEFAULT_DATA_DIR,
    REFERENCE_FILES,
    ReferenceFileError,
    unique_by_key,
)

# Re-exported: the region and category queries live apart from the resolver (see that module).
from service.catalog.regions import (
    RegionScope as RegionScope,
)
from service.catalog.regions import (
    majors_serving_categories as majors_serving_categories,
)
from service.catalog.regions import (
    priority_industries_for as priority_industries_for,
)
from service.catalog.regions import (
    region_ancestors as region_ancestors,
)
from service.catalog.regions import (
    region_descendants as region_descendants,
)
from service.catalog.regions import (
    region_scope as region_scope,
)
from service.errors import AppError, Invalid, NotFound, field_detail

logger = logging.getLogger(__name__)

MAJOR_LEVELS: tuple[str, ...] = LEVELS
INDUSTRY_LEVELS = ("门类", "大类", "中类", "小类")
OCCUPATION_LEVELS = ("大类", "中类", "小类", "细类")
REGION_LEVELS = ("province", "city", "county")
MAX_NAME_LENGTH = 200

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the total number of matching rows."""

    data: list[T]
    count: int


# Child tables that hold nothing but what the files say: a row the files dropped is deleted, so a
# corrected alias cannot keep resolving to the old major. Parent tables are never pruned, because
# programmes, positions and organisations point at them.
_SYNCED_TABLES = frozenset({"major_alias", "major_term", "strategic_emerging_industry"})


@dataclass(frozen=True)
class TableLoad:
    """What one load did to one table."""

    table: str
    file_name: str
    total: int  # rows in the file (after dropping repeated keys)
    inserted: int
    updated: int
    unchanged: int
    deleted: int
    missing: bool = False  # the file was not there, the table was left as it was

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)


def load_reference(session: Session, data_dir: Path | None = None) -> dict[str, TableLoad]:
    """Upsert every reference file of ``data_dir`` into its catalogue table; flushes, never commits.

    Idempotent: rows equal to the stored ones are not written, so a second load reports no change.
    """
    folder = data_dir or DEFAULT_DATA_DIR
    report: dict[str, TableLoad] = {}
    for spec in REFERENCE_FILES:
        path = folder / spec.file_name
        if not path.is_file():
            logger.warning("reference file %s not found; table %s left as it is", path, spec.table)
            report[spec.table] = TableLoad(spec.table, spec.file_name, 0, 0, 0, 0, 0, missing=True)
            continue
        rows = unique_by_key(spec.read(path), spec.key, spec.file_name)
        target = repository.table(spec.table)
        deleted = 0
        if spec.table in _SYNCED_TABLES:
            wanted = {tuple(row[column] for column in spec.key) for row in rows}
            stale = sorted(repository.existing_keys(session, target) - wanted)
            deleted = repository.delete_keys(session, target, stale)
        before = repository.count_rows(session, target)
        try:
            written = repository.upsert(session, target, rows, update=not spec.insert_only)
        except (IntegrityError, DataError) as error:
            # A code pointing at no parent row, a value too long for its column: the caller's
            # transaction is rolled back, so nothing of this load is kept.
            raise ReferenceFileError(
                f"{spec.file_name} 无法导入 {spec.table} 表：{_first_line(error.orig)}"
            ) from error
        inserted = repository.count_rows(session, target) - before
        report[spec.table] = TableLoad(
            table=spec.table,
            file_name=spec.file_name,
            total=len(rows),
            inserted=inserted,
            updated=written - inserted,
            unchanged=len(rows) - written,
            deleted=deleted,
        )
    session.flush()
    invalidate_resolver(session)
    return report


# ---------------------------------------------------------------- choices and validation


def check_choice(
    field_name: str, value: str | None, allowed: Sequence[str], label: str | None = None
) -> str | None:
    """``value`` if it is one of ``allowed`` (or None); else a 422 naming the allowed values."""
    if value is None or value in allowed:
        return value
    raise Invalid(
        f"{label or field_name}取值无效：{value}",
        details=[
            field_detail(field_name, f"应为以下之一：{'、'.join(allowed)}", allowed=list(allowed))
        ],
    )


# ---------------------------------------------------------------- resolution

# Fitted resolvers keyed by the catalogue fingerprint: databases holding the same catalogue (every
# worker, every test copy) share one, and any change to majors or aliases makes a new key.
_MAX_RESOLVERS = 4
_resolvers: LRUCache[tuple[Any, ...], MajorResolver] = LRUCache(maxsize=_MAX_RESOLVERS)
_resolvers_lock = threading.Lock()
# Within one transaction the fingerprint is taken once: a loop of resolve_major calls then costs
# what the resolver costs. The memo goes when the session writes a major or an alias (ORM flush or
# a Core statement through the session), when a transaction or savepoint ends, and on
# invalidate_resolver.
_FINGERPRINT_MEMO = "catalog.major_fingerprint"
_RESOLVER_TABLES = frozenset({"major", "major_alias"})


@event.listens_for(OrmSession, "after_flush")
def _forget_fingerprint_on_write(session: OrmSession, _context: Any) -> None:
    if _FINGERPRINT_MEMO in session.info and any(
        isinstance(instance, Major | MajorAlias)
        for instance in (*session.new, *session.dirty, *session.deleted)
    ):
        del session.info[_FINGERPRINT_MEMO]


@event.listens_for(OrmSession, "do_orm_execute")
def _forget_fingerprint_on_bulk_write(state: ORMExecuteState) -> None:
    # Core INSERT / UPDATE / DELETE run through the session bypass the flush.
    if _FINGERPRINT_MEMO not in state.session.info:
        return
    if state.is_insert or state.is_update or state.is_delete:
        target = getattr(state.statement, "table", None)
        if getattr(target, "name", None) in _RESOLVER_TABLES:
            del state.session.info[_FINGERPRINT_MEMO]


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_fingerprint_at_transaction_end(session: OrmSession, _transaction: Any) -> None:
    session.info.pop(_FINGERPRINT_MEMO, None)


def invalidate_resolver(session: Session | None = None) -> None:
    """Forget the fitted resolvers of this process (the catalogue has changed)."""
    if session is not None:
        session.info.pop(_FINGERPRINT_MEMO, None)
    with _resolvers_lock:
        _resolvers.clear()


def _fingerprint(session: Session) -> tuple[Any, ...]:
    memo: tuple[Any, ...] | None = session.info.get(_FINGERPRINT_MEMO)
    if memo is None:
        memo = session.info[_FINGERPRINT_MEMO] = repository.major_fingerprint(session)
    return memo


def get_resolver(session: Session) -> MajorResolver:
    """A `MajorResolver` fitted on the catalogue of ``session``'s database.

    Cached in the process and refitted when the catalogue changes (checked once per transaction
    with one aggregate query). Batch callers should still use `resolve_majors`, which scores all
    names in one vectorised pass.
    """
    fingerprint = _fingerprint(session)
    with _resolvers_lock:
        resolver = _resolvers.get(fingerprint)
        if resolver is not None:
            return resolver
        rows = repository.majors_with_aliases(session)
        if not rows:
            raise AppError(
                "专业目录为空，请先运行 chanjiao seed catalog 导入参考目录",
                code="catalog_empty",
                status_code=503,
            )
        records = [
            MajorRecord(
                code=code, name=name, level=level, class_code=class_code, aliases=tuple(aliases)
            )
            for code, name, level, class_code, aliases in rows
        ]
        resolver = MajorResolver().fit(records)
        _resolvers[fingerprint] = resolver
        return resolver


def _check_name(name: str) -> str:
    if not name.strip():
        raise Invalid("专业名称不能为空", details=[field_detail("name", "请输入专业名称或代码")])
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid(
            "专业名称过长", details=[field_detail("name", f"长度不能超过{MAX_NAME_LENGTH}")]
        )
    return name


def resolve_major(session: Session, name: str, level: str | None = None) -> Resolution:
    """Resolve one free-text major name or code; unresolved inputs come back with suggestions."""
    check_choice("level", level, MAJOR_LEVELS, "专业层次")
    return get_resolver(session).resolve(_check_name(name), level)


def resolve_majors(
    session: Session, names: Iterable[str], level: str | None = None
) -> list[Resolution]:
    """Resolve a batch (imports): one fingerprint check and one vectorised scoring pass."""
    check_choice("level", level, MAJOR_LEVELS, "专业层次")
    return get_resolver(session).resolve_many(list(names), level)


# ---------------------------------------------------------------- majors


@dataclass(frozen=True)
class ServedIndustry:
    """A priority industry a major serves, and whether it lists the major or its 专业类."""

    key: str
    name: str
    category: str
    lists: list[str]
    region_code: str | None
    via: str  # "major" / "class"


@dataclass(frozen=True)
class MajorDetail:
    major: Major
    aliases: list[MajorAlias]
    terms: dict[str, list[str]]
    priority_industries: list[ServedIndustry] = field(default_factory=list)


def unresolved_message(resolution: Resolution, level: str | None = None) -> str:
    """The Chinese explanation of a name the catalogue could not resolve, naming its candidates.

    The one wording used by every form and import that takes major names.
    """
    where = f"（{level}）" if level else ""
    if resolution.candidates:
        shown = "、".join(f"{c.name}（{c.code}，{c.level}）" for c in resolution.candidates)
        return f"无法在专业目录{where}中确定专业“{resolution.input}”，可能是：{shown}"
    return f"专业目录{where}中没有与“{resolution.input}”相近的专业，请填写专业代码"


def search_majors(
    session: Session,
    q: str | None,
    level: str | None,
    class_code: str | None,
    offset: int,
    limit: int,
) -> Page[Major]:
    """Majors by code prefix, name part, alias part or pinyin initials (``rjjs`` → 软件技术)."""
    check_choice("level", level, MAJOR_LEVELS, "专业层次")
    query = _clean_query(q)
    statement = repository.major_search(query, level, class_code)
    return Page(
        *repository.page(session, statement, repository.major_search_order(query), offset, limit)
    )


def get_major(session: Session, code: str) -> Major:
    major = session.get(Major, code.strip().upper())
    if major is None:
        raise NotFound(f"专业代码 {code} 不在目录中")
    return major


def major_detail(session: Session, code: str) -> MajorDetail:
    """A major with its aliases, its terms grouped by kind and the priority industries it serves."""
    major = get_major(session, code)
    terms: dict[str, list[str]] = {}
    for kind, term in repository.terms_of(session, major.code):
        terms.setdefault(kind, []).append(term)
    served = [
        ServedIndustry(
            key=industry.key,
            name=industry.name,
            category=industry.category,
            lists=industry.lists,
            region_code=industry.region_code,
            via="major" if major.code in industry.major_codes else "class",
        )
        for industry in repository.priority_industries(session)
        if major.code in industry.major_codes or major.class_code in industry.major_codes
    ]
    return MajorDetail(major, repository.aliases_of(session, major.code), terms, served)


# ---------------------------------------------------------------- other catalogues


def search_industries(
    session: Session, q: str | None, level: str | None, offset: int, limit: int
) -> Page[Industry]:
    check_choice("level", level, INDUSTRY_LEVELS, "行业层级")
    statement = repository.industry_search(_clean_query(q), level)
    return Page(*repository.page(session, statement, [Industry.code], offset, limit))


def search_occupations(
    session: Session, q: str | None, level: str | None, offset: int, limit: int
) -> Page[Occupation]:
    check_choice("level", level, OCCUPATION_LEVELS, "职业层级")
    statement = repository.occupation_search(_clean_query(q), level)
    return Page(*repository.page(session, statement, [Occupation.code], offset, limit))


def search_regions(
    session: Session,
    parent: str | None,
    level: str | None,
    q: str | None,
    offset: int,
    limit: int,
) -> Page[Region]:
    check_choice("level", level, REGION_LEVELS, "区划层级")
    statement = repository.region_search(_clean_query(parent), level, _clean_query(q))
    return Page(*repository.page(session, statement, [Region.code], offset, limit))


# City-level rows of GB/T 2260 that are no city of their own: a municipality's 市辖区 and 县.
NOMINAL_CITY_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def is_nominal(region: Region) -> bool:
    """A city-level row that names no city (its province is the city people mean)."""
    return region.level == "city" and (region.name in NOMINAL_CITY_NAMES or "直辖" in region.name)


def region_display_name(session: Session, code: str) -> str:
    """The name people know a region by: a municipality's 市辖区 / 县 reads as the municipality
    (重庆市, not 市辖区); a county as its city and itself when the city is a real one."""
    region = session.get(Region, code)
    if region is None:
        return code
    if is_nominal(region) and region.parent_code:
        parent = session.get(Region, region.parent_code)
        return parent.name if parent is not None else region.name
    if region.level == "county" and region.parent_code:
        parent = session.get(Region, region.parent_code)
        if parent is not None and is_nominal(parent) and parent.parent_code:
            province = session.get(Region, parent.parent_code)
            return f"{province.name}{region.name}" if province is not None else region.name
        if parent is not None:
            return f"{parent.name}{region.name}"
    return region.name


def child_regions(session: Session, parent: str | None) -> list[Region]:
    """The provinces (``parent`` None) or the regions directly under ``parent``, by code."""
    level = "province" if parent is None else None
    statement = repository.region_search(parent, level, None)
    return list(repository.page(session, statement, [Region.code], 0, 1000)[0])


def list_priority_industries(
    session: Session, category: str | None, region: str | None, offset: int, limit: int
) -> Page[PriorityIndustry]:
    industries = priority_industries_for(session, _clean_query(category), _clean_query(region))
    return Page(industries[offset : offset + limit], len(industries))


# ---------------------------------------------------------------- regions


def region_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Each code's name; a 市辖区 (a city's own districts) reads with its city's name."""
    names: dict[str, str] = {}
    for code in codes:
        region = session.get(Region, code)
        if region is None:
            names[code] = code
            continue
        name = region.name
        if name == "市辖区" and region.parent_code:
            parent = session.get(Region, region.parent_code)
            name = f"{parent.name}{name}" if parent is not None else name
        names[code] = name
    return names


def _first_line(error: BaseException | None) -> str:
    return (
        str(error).strip().splitlines()[0]
        if error is not None and str(error).strip()
        else "数据库拒绝写入"
    )


def _clean_query(value: str | None) -> str | None:
    if value is None:
        return None
    # Full-width digits and letters (５１０２, ＡＩ) search like their half-width forms.
    cleaned = unicodedata.normalize("NFKC", value).strip()
    return cleaned or None


# ---------------------------------------------------------------- 专业类 named as a whole


@dataclass(frozen=True)
class MajorClass:
    """A 专业类 of the catalogue (level-specific: 5102 is 高职专科 计算机类)."""

    code: str
    name: str
    level: str


def names_a_class(text: str) -> bool:
    """Whether an input asks for a 专业类 rather than a major: four digits, or a name in 类."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    return (len(cleaned) == 4 and cleaned.isdigit()) or (
        cleaned.endswith("类") and len(cleaned) > 1
    )


def resolve_class(
    session: Session, text: str, level: str | None, field_name: str = "majors"
) -> MajorClass:
    """A 专业类 by its four-digit code or its name (计算机类); 422 when unknown or ambiguous."""
    check_choice("level", level, MAJOR_LEVELS, "专业层次")
    cleaned = "".join(unicodedata.normalize("NFKC", text).split())
    classes = [MajorClass(*row) for row in repository.major_classes(session)]
    if cleaned.isdigit():
        found = [c for c in classes if c.code == cleaned]
    else:
        found = [c for c in classes if c.name == cleaned and level in (None, c.level)]
    if len(found) == 1:
        return found[0]
    if not found:
        message = f"专业目录中没有专业类“{text}”，请填写四位专业类代码或专业类名称（如 计算机类）"
    else:
        shown = "、".join(f"{c.name}（{c.code}，{c.level}）" for c in found)
        message = f"专业类“{text}”在多个层次都有：{shown}，请填写专业类代码或指定层次"
    raise Invalid(
        "需求专业类无法识别",
        details=[
            field_detail(
                field_name,
                message,
                candidates=[{"code": c.code, "name": c.name, "level": c.level} for c in found],
            )
        ],
    )
