"""Policy profiles: listing them, resolving the one a region uses, assigning one to a region.

A region uses its own assignment, else the nearest ancestor's (city, then province), else the
national default. The thresholds are the profile row's ``params`` (docs/design/policy.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from models import PolicyProfile, Region, RegionPolicy, Role, User
from rules.adjustment import AdjustmentThresholds
from service import audit
from service.catalog import regions as catalog
from service.errors import AppError, Forbidden, Invalid, NotFound, field_detail
from service.pagination import PageParams
from service.policy import repository
from service.policy.schemas import PolicyProfilePublic, PolicyProfilesPublic, RegionPolicyPublic

DEFAULT_PROFILE_KEY = "national"

Source = Literal["own", "inherited", "default"]


@dataclass(frozen=True)
class ResolvedProfile:
    """The profile a report applies, and why."""

    row: PolicyProfile
    thresholds: AdjustmentThresholds
    source: Source | Literal["override"]
    source_region_code: str | None


def to_public(row: PolicyProfile) -> PolicyProfilePublic:
    return PolicyProfilePublic(
        key=row.key,
        name=row.name,
        description=str(row.params.get("description", "")),
        params=row.params,
    )


def list_profiles(session: Session, page: PageParams) -> PolicyProfilesPublic:
    rows, total = repository.profiles_page(session, page.offset, page.page_size)
    return PolicyProfilesPublic(data=[to_public(row) for row in rows], count=total)


def thresholds_of(row: PolicyProfile) -> AdjustmentThresholds:
    """The thresholds of a stored profile, as the warning classifier takes them."""
    try:
        return AdjustmentThresholds.from_dict({**row.params, "key": row.key, "name": row.name})
    except (KeyError, TypeError, ValueError) as exc:
        raise AppError(
            f"政策配置 {row.key} 的数据无效：{exc}",
            code="invalid_policy_profile",
            status_code=409,
            details=[field_detail("profile", f"政策配置 {row.key} 的数据无效")],
        ) from exc


def get_profile(session: Session, key: str, *, field: str = "profile") -> PolicyProfile:
    row = repository.profile(session, key)
    if row is None:
        raise Invalid("政策配置不存在", details=[field_detail(field, f"政策配置“{key}”不存在")])
    return row


def resolve(session: Session, region: Region, override: str | None = None) -> ResolvedProfile:
    """The profile for ``region``: ``override`` when given, else the region's choice (inherited)."""
    if override is not None:
        row = get_profile(session, override)
        return ResolvedProfile(row, thresholds_of(row), "override", None)
    chain = catalog.region_ancestors(session, region.code)
    assigned = repository.assignments(session, chain)
    for position, code in enumerate(chain):
        key = assigned.get(code)
        if key is not None:
            row = get_profile(session, key)
            source: Source = "own" if position == 0 else "inherited"
            return ResolvedProfile(row, thresholds_of(row), source, code)
    return resolve_default(session)


def resolve_default(session: Session, override: str | None = None) -> ResolvedProfile:
    """The profile of a scope without a region of its own (the nation): override or default."""
    if override is not None:
        row = get_profile(session, override)
        return ResolvedProfile(row, thresholds_of(row), "override", None)
    default = repository.profile(session, DEFAULT_PROFILE_KEY)
    if default is None:
        raise NotFound(
            f"未找到默认政策配置 {DEFAULT_PROFILE_KEY}，请先运行 chanjiao seed catalog",
            details=[field_detail("profile", f"政策配置“{DEFAULT_PROFILE_KEY}”不存在")],
        )
    return ResolvedProfile(default, thresholds_of(default), "default", None)


def _region_or_404(session: Session, code: str) -> Region:
    region = repository.region(session, code)
    if region is None:
        raise NotFound("地区不存在", details=[field_detail("code", f"地区代码“{code}”不存在")])
    return region


def _public(region: Region, resolved: ResolvedProfile) -> RegionPolicyPublic:
    source = resolved.source
    assert source != "override"  # only explicit report parameters override
    return RegionPolicyPublic(
        region_code=region.code,
        region_name=region.name,
        profile_key=resolved.row.key,
        profile_name=resolved.row.name,
        source=source,
        source_region_code=resolved.source_region_code,
    )


def effective_profile(session: Session, region_code: str) -> RegionPolicyPublic:
    region = _region_or_404(session, region_code)
    return _public(region, resolve(session, region))


def assign_profile(
    session: Session, actor: User, region_code: str, profile_key: str
) -> RegionPolicyPublic:
    """Make ``region_code`` use ``profile_key``; a regulator may set only its own area."""
    region = _region_or_404(session, region_code)
    if actor.role == Role.regulator and actor.organization_id is not None:
        _check_within_own_area(session, actor, region)
    row = get_profile(session, profile_key)
    thresholds_of(row)  # refuse a profile the classifier could not use
    assignment = repository.assignment(session, region.code)
    before = None if assignment is None else {"profile_key": assignment.profile_key}
    if assignment is None:
        assignment = RegionPolicy(region_code=region.code, profile_key=row.key)
    else:
        assignment.profile_key = row.key
    session.add(assignment)
    audit.record(
        session,
        actor,
        "assign_policy_profile",
        "region_policy",
        region.code,
        before=before,
        after={"profile_key": row.key},
    )
    session.flush()
    return _public(region, resolve(session, region))


def _check_within_own_area(session: Session, actor: User, region: Region) -> None:
    own = repository.organization_region(session, actor.organization_id)
    if own is None or region.code not in catalog.region_scope(session, own):
        raise Forbidden(
            "只能设置本机构所在地区及其下辖地区的政策配置",
            details=[field_detail("code", f"地区“{region.name}”不在本机构管辖范围内")],
        )
