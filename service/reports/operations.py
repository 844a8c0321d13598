"""The mismatch report: indicators per major from SQL aggregates, actions from the classifier.

Each source is one aggregate over the region roll-up and the profile's year window (cohorts, sites,
positions, forecasts); the figures become `MajorSeries` and `rules.adjustment.WarningClassifier`
decides the actions. The CLI, the API and the nightly snapshot job all call the functions here.
"""

from __future__ import annotations

import json
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session

from models import MajorLevel, PositionKind, Region, Role, User, natural_id
from models.base import utcnow
from rules import small_numbers as small
from rules.adjustment import (
    ACTION_LABELS,
    ACTION_ORDER,
    AdjustmentThresholds,
    Assessment,
    MajorSeries,
    WarningClassifier,
    YearFigures,
    project_ratio,
)
from service import audit
from service.catalog import regions as catalog
from service.errors import AppError, Forbidden, Invalid, NotFound, field_detail
from service.organizations import operations as organizations
from service.policy import operations as policy
from service.reports import aggregates, exporters, repository
from service.reports import small_numbers as protection
from service.reports.exporters import ReportFile
from service.reports.repository import Scope
from service.reports.schemas import (
    AggregatesRefresh,
    ChangeRow,
    HistoryYear,
    MismatchChanges,
    MismatchReport,
    MismatchRow,
    ProjectionYear,
    ReasonPublic,
    ReportFormat,
    SnapshotResult,
    WhatIfReport,
)

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_ENROLMENT_CHANGE = 5.0
# Demand and internship places come from headcount / k splits; two decimals is what people read.
DEMAND_DECIMALS = 2
RATE_DECIMALS = 4
_LAGS_FILE = Path(__file__).with_name("graduation_lags.json")


# The whole country (all provinces): a code no GB/T 2260 region uses.
NATIONAL_CODE = "000000"
NATIONAL_NAME = "全国"


@dataclass(frozen=True)
class MismatchQuery:
    """The parameters of one report; ``region`` None is the viewer's own region (or national)."""

    region: str | None
    year: int
    level: str | None = None
    profile: str | None = None


@cache
def graduation_lags() -> dict[str, int]:
    """Years from enrolment to graduation by level (data, in ``graduation_lags.json``)."""
    data = json.loads(_LAGS_FILE.read_text(encoding="utf-8"))
    return {str(level): int(years) for level, years in data["lags"].items()}


# ---------------------------------------------------------------- validation


def national_region() -> Region:
    """The national scope as a region (not stored): every code rolls up to it."""
    return Region(
        code=NATIONAL_CODE, name=NATIONAL_NAME, level="national", province_code=NATIONAL_CODE
    )


def _region(session: Session, code: str | None, viewer: User | None = None) -> Region:
    if code is None:
        code = _own_region(session, viewer)
    if code == NATIONAL_CODE:
        region = national_region()
    else:
        found = repository.region(session, code)
        if found is None:
            raise Invalid("地区不存在", details=[field_detail("region", f"地区代码“{code}”不存在")])
        region = found
    if viewer is not None:
        organizations.ensure_region_in_scope(session, viewer, region.code)
        _ensure_school_province(session, viewer, region)
    return region


def _ensure_school_province(session: Session, viewer: User, region: Region) -> None:
    """A school reads the reports of its own province (issue 24, finding 9): another province's
    rows are other schools' figures, and with one site a row is one school's exact cohort."""
    if viewer.role != Role.school or viewer.organization_id is None:
        return
    school = repository.organization(session, viewer.organization_id)
    own = repository.region(session, school.region_code) if school is not None else None
    if own is None or region.province_code != own.province_code:
        raise Forbidden(
            "学校只能查看本省（自治区、直辖市）的专业供需报告",
            details=[
                field_detail(
                    "region",
                    f"{region.code}（{region.name}）不在本校所在省份"
                    + (f"（{own.province_code}）" if own is not None else ""),
                )
            ],
        )


def _own_region(session: Session, viewer: User | None) -> str:
    """A viewer's default scope: its organisation's region; national without one."""
    organization = (
        repository.organization(session, viewer.organization_id)
        if viewer is not None and viewer.organization_id is not None
        else None
    )
    if organization is not None:
        return organization.region_code
    if viewer is not None and viewer.role in (Role.regulator, Role.admin):
        return NATIONAL_CODE
    raise Invalid("请指定地区", details=[field_detail("region", "请填写行政区划代码")])


def _profile(session: Session, region: Region, override: str | None) -> policy.ResolvedProfile:
    if region.code == NATIONAL_CODE:
        return policy.resolve_default(session, override)
    return policy.resolve(session, region, override)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(
            "年份超出范围",
            details=[field_detail("year", f"年份应在{MIN_YEAR}至{MAX_YEAR}之间")],
        )


def _check_level(level: str | None) -> None:
    levels = [member.value for member in MajorLevel]
    if level is not None and level not in levels:
        raise Invalid(
            "专业层次无效",
            details=[field_detail("level", f"层次应为{'、'.join(levels)}之一")],
        )


def scope_of(
    region: Region,
    first_year: int,
    last_year: int,
    *,
    level: str | None = None,
    major: str | None = None,
) -> Scope:
    """The region roll-up: a province covers its cities and counties, a city its counties."""
    if region.code == NATIONAL_CODE:
        return Scope(region.code, "000000", "999999", first_year, last_year, level, major)
    rollup = catalog.RegionScope(region.code, region.level)
    return Scope(region.code, rollup.low, rollup.high, first_year, last_year, level, major)


def _visible_majors(
    session: Session, viewer: User | None, first_year: int, last_year: int
) -> set[str] | None:
    """None when the viewer sees every major; a school sees the majors it runs."""
    if viewer is None or viewer.role in (Role.regulator, Role.admin):
        return None
    if viewer.role == Role.school and viewer.organization_id is not None:
        return repository.school_majors(session, viewer.organization_id, first_year, last_year)
    raise Forbidden("当前角色无权查看专业供需报告")


# ---------------------------------------------------------------- figures


Key = TypeVar("Key")


def headcount_shares(rows: Iterable[tuple[Key, int, int]]) -> dict[Key, Fraction]:
    """Σ headcount / k per key, exactly: a position asking for k majors (or k 专业类) gives each
    headcount / k. Summed as whole numbers per k first, then one fraction per key, rather than one
    per (key, k) group, which a province has tens of thousands of."""
    by_k: dict[Key, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for key, k, headcount in rows:
        by_k[key][k] += headcount
    shares = {}
    for key, counts in by_k.items():
        common = math.lcm(*counts)
        shares[key] = Fraction(sum(h * (common // k) for k, h in counts.items()), common)
    return shares


_ZERO = Fraction()
_SHIFT: int = 10**DEMAND_DECIMALS


def rounded_share(value: Fraction) -> float:
    """``float(round(value, DEMAND_DECIMALS))`` in whole numbers: the same half-to-even rounding,
    without the intermediate fractions (a national report rounds some 25 000 of them)."""
    numerator, denominator = value.numerator, value.denominator
    if denominator == 1:
        return float(numerator)
    whole, remainder = divmod(numerator * _SHIFT, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and whole % 2):
        whole += 1
    return whole / _SHIFT


def _series(
    session: Session, scope: Scope, thresholds: AdjustmentThresholds
) -> tuple[list[MajorSeries], aggregates.Figures]:
    """The yearly figures of every major with any data in the scope, from four aggregates."""
    found = aggregates.figures(session, scope)
    sites: dict[tuple[str, int], int] = {}
    cohorts: dict[tuple[str, int], tuple[int, int, int]] = {}
    demand: dict[tuple[str, int], Fraction] = defaultdict(Fraction)
    internships: dict[tuple[str, int], Fraction] = defaultdict(Fraction)
    for code, year, graduates, placed, in_field in found.cohorts:
        cohorts[code, year] = (graduates, placed, in_field)
    for code, year, count in found.sites:
        sites[code, year] = count
    shares = headcount_shares(
        ((kind == PositionKind.internship, code, year), k, headcount)
        for code, year, kind, k, headcount in found.positions
    )
    for (internship, code, year), total in shares.items():
        (internships if internship else demand)[code, year] += total
    for code, year, headcount in found.forecasts:
        demand[code, year] += headcount
    class_demand = _class_demand(session, scope, thresholds)
    for key, value in class_demand.items():
        demand[key] += value
    keys = set(sites) | set(cohorts) | set(demand) | set(internships)
    # Nationally only the national priority lists count, not any region's own additions.
    national = scope.region_code == NATIONAL_CODE
    categories = catalog.majors_serving_categories(session, None if national else scope.region_code)
    figures: dict[str, dict[int, YearFigures]] = defaultdict(dict)
    for code, year in keys:
        graduates, placed, in_field = cohorts.get((code, year), (0, 0, 0))
        try:
            figures[code][year] = YearFigures(
                year=year,
                sites=sites.get((code, year), 0),
                graduates=graduates,
                placed=placed,
                in_field=in_field,
                demand=rounded_share(demand.get((code, year), _ZERO)),
                internship_places=rounded_share(internships.get((code, year), _ZERO)),
                class_demand=rounded_share(class_demand.get((code, year), _ZERO)),
            )
        except ValueError as exc:
            raise AppError(
                f"专业 {code} 的毕业生数据有误：{exc}",
                code="inconsistent_data",
                status_code=409,
            ) from exc
    return [
        MajorSeries(
            major_code=code,
            figures=by_year,
            # Which categories count is part of the profile (data), not of the code.
            serves_priority=bool(categories.get(code, set()) & set(thresholds.expand_categories)),
            serves_upgrade=bool(categories.get(code, set()) & set(thresholds.upgrade_categories)),
        )
        for code, by_year in sorted(figures.items())
    ], found


def _class_demand(
    session: Session, scope: Scope, thresholds: AdjustmentThresholds
) -> dict[tuple[str, int], Fraction]:
    """Demand naming a 专业类, counted for each major of the class at the profile's discount
    (docs/design/policy.md §2). Internship places asking for a class are not demand: left out."""
    discount = Fraction(str(thresholds.class_demand_discount))
    by_class: dict[tuple[str, int], Fraction] = defaultdict(Fraction)
    by_class.update(
        headcount_shares(
            ((class_code, year), k, headcount)
            for class_code, year, kind, k, headcount in repository.class_position_headcounts(
                session, scope
            )
            if kind != PositionKind.internship
        )
    )
    for class_code, year, count in repository.class_forecast_headcounts(session, scope):
        by_class[class_code, year] += count
    members = repository.class_members(session, {code for code, _ in by_class}, scope)
    out: dict[tuple[str, int], Fraction] = defaultdict(Fraction)
    for (class_code, year), asked in by_class.items():
        for major in members.get(class_code, []):
            out[major, year] += asked * discount
    return out


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, RATE_DECIMALS)


def _row(assessment: Assessment, name: str, level: str) -> MismatchRow:
    now = assessment.current
    return MismatchRow(
        major_code=assessment.major_code,
        major_name=name,
        level=level,
        sites=now.sites,
        graduates=now.graduates,
        placed=now.placed,
        in_field=now.in_field,
        destination_rate=_rounded(now.destination_rate),
        in_field_rate=_rounded(now.in_field_rate),
        demand=now.demand,
        exact_demand=round(now.exact_demand, DEMAND_DECIMALS),
        class_demand=now.class_demand,
        internship_places=now.internship_places,
        ratio=_rounded(now.ratio),
        gap=round(now.gap, DEMAND_DECIMALS),
        history=[
            HistoryYear(
                year=past.year,
                graduates=past.graduates,
                placed=past.placed,
                demand=past.demand,
                ratio=_rounded(past.ratio),
                destination_rate=_rounded(past.destination_rate),
            )
            for past in sorted(assessment.history, key=lambda figures: figures.year)
        ],
        action=assessment.action,
        action_label=assessment.action_label,
        reasons=[ReasonPublic.model_validate(reason.to_dict()) for reason in assessment.reasons],
    )


def summary_of(rows: list[MismatchRow]) -> dict[str, int]:
    counts = dict.fromkeys(ACTION_ORDER, 0)
    for row in rows:
        counts[row.action] += 1
    return counts


def _build(
    session: Session,
    region: Region,
    year: int,
    resolved: policy.ResolvedProfile,
    *,
    level: str | None = None,
    major: str | None = None,
    visible: set[str] | None = None,
) -> MismatchReport:
    window = resolved.thresholds.lookback_years
    scope = scope_of(region, year - window + 1, year, level=level, major=major)
    series, found = _series(session, scope, resolved.thresholds)
    assessments = WarningClassifier(resolved.thresholds).assess(series, year)
    if visible is not None:
        assessments = [a for a in assessments if a.major_code in visible]
    names = repository.majors(session, (a.major_code for a in assessments))
    rows = [_row(a, *names.get(a.major_code, (a.major_code, ""))) for a in assessments]
    _add_salaries(session, scope, rows)
    return MismatchReport(
        region=region.code,
        region_name=region.name,
        year=year,
        level=level,
        profile=resolved.row.key,
        profile_name=resolved.row.name,
        profile_source=resolved.source,
        generated_at=utcnow(),
        summary=summary_of(rows),
        rows=rows,
        figures_source=found.source,
        aggregates_refreshed_at=found.refreshed_at,
        pending_changes=found.pending,
        small_number_rule=small.SMALL_NUMBER_RULE,
    )


def _add_salaries(session: Session, scope: Scope, rows: Sequence[MismatchRow]) -> None:
    """Each row's median monthly salary: the report year's cohorts' average salaries, each
    weighted by its employed graduates (placed less further study), and how many they are."""
    by_major: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for code, salary, employed, _graduates in repository.cohort_salaries(session, scope):
        by_major[code].append((salary, employed))
    for row in rows:
        values = by_major.get(row.major_code, [])
        median = small.weighted_median(values)
        row.median_salary = None if median is None else round(median, 2)
        row.salary_employed = sum(weight for _, weight in values)


def _protected(
    session: Session, report: MismatchReport, scope: Scope, viewer: User | None
) -> MismatchReport:
    """The report as ``viewer`` may read it under the small-number rule: a school sees figures
    resting on one to four students of other schools as “<5” (rules/small_numbers.py)."""
    if viewer is None or viewer.role != Role.school or viewer.organization_id is None:
        return report
    own = repository.school_cohort_figures(session, viewer.organization_id, scope)
    return protection.protect_report(report, own)


# ---------------------------------------------------------------- the report


def mismatch_report(
    session: Session, query: MismatchQuery, *, viewer: User | None
) -> MismatchReport:
    """The report of ``query``; ``viewer`` None (CLI, jobs) sees every major."""
    report, _ = _report_and_profile(session, query, viewer)
    return report


def mismatch_report_with_profile(
    session: Session, query: MismatchQuery, *, viewer: User | None
) -> tuple[MismatchReport, AdjustmentThresholds]:
    """The report and the thresholds it applied (pages draw the destination floor from them)."""
    report, resolved = _report_and_profile(session, query, viewer)
    return report, resolved.thresholds


def _report_and_profile(
    session: Session, query: MismatchQuery, viewer: User | None
) -> tuple[MismatchReport, policy.ResolvedProfile]:
    _check_year(query.year)
    _check_level(query.level)
    region = _region(session, query.region, viewer)
    resolved = _profile(session, region, query.profile)
    first_year = query.year - resolved.thresholds.lookback_years + 1
    visible = _visible_majors(session, viewer, first_year, query.year)
    report = _build(session, region, query.year, resolved, level=query.level, visible=visible)
    scope = scope_of(region, first_year, query.year, level=query.level)
    return _protected(session, report, scope, viewer), resolved


def mismatch_export(
    session: Session, query: MismatchQuery, fmt: ReportFormat, *, viewer: User | None
) -> MismatchReport | ReportFile:
    """The report as JSON-ready data, or as a CSV, XLSX or HTML file."""
    report, resolved = _report_and_profile(session, query, viewer)
    if fmt == "json":
        return report
    return exporters.export(report, fmt, resolved.thresholds)


# ---------------------------------------------------------------- what-if


def what_if(
    session: Session,
    query: MismatchQuery,
    major_code: str,
    enrolment_change: float,
    *,
    viewer: User | None,
) -> WhatIfReport:
    """Projected 供求比 of the graduating years ahead if enrolment changes by ``enrolment_change``.

    Intakes up to the report year are already enrolled (their actual numbers, unchanged); later
    plans change by the given fraction. Demand is held at the report year's. A coming year in
    which a programme has no stored plan takes that programme's last known plan (see
    :func:`coming_plans`) and is marked estimated.
    """
    _check_year(query.year)
    if not math.isfinite(enrolment_change) or not -1 <= enrolment_change <= MAX_ENROLMENT_CHANGE:
        raise Invalid(
            "调整比例无效",
            details=[
                field_detail(
                    "enrolment_change", f"调整比例应在-1至{MAX_ENROLMENT_CHANGE:g}之间，如-0.2"
                )
            ],
        )
    region = _region(session, query.region, viewer)
    names = repository.majors(session, [major_code])
    if major_code not in names:
        raise Invalid(
            "专业不存在", details=[field_detail("major", f"专业代码“{major_code}”不存在")]
        )
    name, level = names[major_code]
    lag = graduation_lags().get(level)
    if lag is None:
        raise Invalid(
            "专业层次无学制数据", details=[field_detail("major", f"层次“{level}”无学制数据")]
        )
    resolved = _profile(session, region, query.profile)
    first_year = query.year - resolved.thresholds.lookback_years + 1
    visible = _visible_majors(session, viewer, first_year, query.year)
    if visible is not None and major_code not in visible:
        raise Forbidden(
            "只能模拟本校开设的专业",
            details=[field_detail("major", f"本校未开设专业“{name}”")],
        )
    report = _build(session, region, query.year, resolved, major=major_code)
    report = _protected(
        session, report, scope_of(region, first_year, query.year, major=major_code), viewer
    )
    current = report.rows[0] if report.rows else None
    demand = current.demand if current else 0.0
    scope = scope_of(region, first_year, query.year)
    plans = repository.programme_plans(session, scope, major_code, query.year + 1 - lag)
    enrolled: dict[int, int] = defaultdict(int)
    for _school, year, _plan, actual in plans:
        if year <= query.year:
            enrolled[year] += actual
    coming = coming_plans(plans, query.year)
    projection = [
        ProjectionYear(**projected, adjustable=False)
        for projected in project_ratio(dict(enrolled), demand, 0.0, lag)
    ]
    coming_totals = {year: total for year, (total, _, _) in coming.items()}
    for projected in project_ratio(coming_totals, demand, enrolment_change, lag):
        _total, carried, programmes = coming[projected["enrolment_year"]]
        projection.append(
            ProjectionYear(
                **projected,
                adjustable=True,
                estimated=programmes > 0,
                estimated_plan=carried,
                estimated_programmes=programmes,
            )
        )
    for item in projection:
        item.ratio = _rounded(item.ratio)
    return WhatIfReport(
        region=region.code,
        region_name=region.name,
        year=query.year,
        major_code=major_code,
        major_name=name,
        level=level,
        graduation_lag=lag,
        enrolment_change=enrolment_change,
        graduates=current.graduates if current else 0,
        demand=demand,
        ratio=current.ratio if current else None,
        projection=projection,
    )


def coming_plans(
    plans: Sequence[tuple[uuid.UUID, int, int, int]], report_year: int
) -> dict[int, tuple[int, int, int]]:
    """Enrolment year → (Σ plan, of which carried forward, programmes carried) after the report
    year, up to the last year any programme has a stored plan (at least the next year).

    A programme without a stored plan for a coming year is taken to enrol as its last known plan
    says: counting it as zero made one school's early plan look like the whole region's supply.
    A programme that stops enrolling records a plan of 0, which is carried forward as 0.
    """
    by_programme: dict[uuid.UUID, dict[int, int]] = defaultdict(dict)
    for school, year, plan, _actual in plans:
        by_programme[school][year] = plan
    last = max((year for _s, year, _p, _a in plans), default=report_year)
    coming: dict[int, tuple[int, int, int]] = {}
    for year in range(report_year + 1, max(last, report_year + 1) + 1):
        total = carried = programmes = 0
        known = False
        for by_year in by_programme.values():
            if year in by_year:
                total += by_year[year]
                known = True
                continue
            earlier = [y for y in by_year if y < year]
            if earlier:
                plan = by_year[max(earlier)]
                total += plan
                carried += plan
                programmes += 1
                known = True
        if known:
            coming[year] = (total, carried, programmes)
    return coming


# ---------------------------------------------------------------- aggregates


def refresh_aggregates(session: Session, *, full: bool = False) -> AggregatesRefresh:
    """Recompute the report's aggregates for the writes logged since the last refresh (or all)."""
    result = aggregates.refresh(session, full=full)
    return AggregatesRefresh(
        mode=result.mode,
        pairs=result.pairs,
        positions=result.positions,
        refreshed_at=result.refreshed_at,
    )


def aggregates_job(session: Session) -> AggregatesRefresh:
    """The scheduled refresh: incremental (a full build the first time)."""
    return refresh_aggregates(session)


def aggregates_full_job(session: Session) -> AggregatesRefresh:
    """The nightly rebuild, a safety net behind the triggers' change log."""
    return refresh_aggregates(session, full=True)


# ---------------------------------------------------------------- snapshots


def snapshot_targets(session: Session) -> dict[str, int]:
    """City- and province-level regions with schools that have cohorts → latest cohort year."""
    latest = repository.latest_cohort_year_by_school_region(session)
    known = repository.regions(session, (code for code, _ in latest))
    parents = repository.regions(
        session, (r.parent_code for r in known.values() if r.parent_code is not None)
    )
    provinces = repository.regions(session, (r.province_code for r in known.values()))
    targets: dict[str, int] = {}
    for code, year in latest:
        school_region = known.get(code)
        if school_region is None:
            continue
        candidates = [
            school_region,
            parents.get(school_region.parent_code or ""),
            provinces.get(school_region.province_code),
        ]
        for region in candidates:
            if region is not None and region.level in ("city", "province"):
                targets[region.code] = max(year, targets.get(region.code, year))
    return dict(sorted(targets.items()))


def _snapshot_region(code: str | None) -> None:
    """Snapshots are kept per city and province (and county on request), not for the nation."""
    if code == NATIONAL_CODE:
        raise Invalid(
            "全国范围不保存预警快照",
            details=[field_detail("region", "请填写省、市或县的行政区划代码")],
        )


@dataclass(frozen=True)
class PreparedSnapshots:
    """Snapshot rows computed by a read-only pass, ready to be written in a short transaction."""

    results: list[SnapshotResult]
    rows: dict[tuple[str, int, str], list[dict[str, Any]]]


def compute_snapshots(
    session: Session, *, region_code: str | None = None, year: int | None = None
) -> PreparedSnapshots:
    """The warnings of one region, or of every city and province with schools, not yet stored.

    Without ``year`` each region uses its latest year with cohorts. Only reads: on SQLite the
    computation must not hold the write lock (docs/design/pitfalls.md).
    """
    if year is not None:
        _check_year(year)
    if region_code is not None:
        _snapshot_region(region_code)
        region = _region(session, region_code)
        target_year = year or repository.latest_cohort_year(session, scope_of(region, 0, 0))
        targets = {region.code: target_year} if target_year is not None else {}
    else:
        targets = {code: year or latest for code, latest in snapshot_targets(session).items()}
    regions = repository.regions(session, targets)
    results: list[SnapshotResult] = []
    rows: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    computed_at = utcnow()
    for code, target_year in targets.items():
        region = regions[code]
        resolved = _profile(session, region, None)
        report = _build(session, region, target_year, resolved)
        key = resolved.row.key
        rows[(code, target_year, key)] = [
            {
                "id": natural_id("warning_snapshot", code, target_year, key, row.major_code),
                "region_code": code,
                "year": target_year,
                "profile_key": key,
                "major_code": row.major_code,
                "action": row.action,
                "figures": row.model_dump(
                    mode="json", exclude={"action", "action_label", "reasons"}
                ),
                "reasons": [reason.model_dump(mode="json") for reason in row.reasons],
                "computed_at": computed_at,
            }
            for row in report.rows
        ]
        results.append(
            SnapshotResult(
                region=code,
                year=target_year,
                profile=key,
                rows=len(report.rows),
                summary=report.summary,
            )
        )
    return PreparedSnapshots(results=results, rows=rows)


def write_snapshots(
    session: Session, prepared: PreparedSnapshots, actor: audit.Actor = "cli"
) -> list[SnapshotResult]:
    """Store computed snapshots, replacing the rows of the same region, year and profile."""
    for (code, target_year, key), rows in prepared.rows.items():
        repository.replace_snapshots(session, code, target_year, key, rows)
    audit.record_many(
        session,
        actor,
        "snapshot",
        "warning_snapshot",
        [
            (f"{r.region}:{r.year}:{r.profile}", None, {"rows": r.rows, "summary": r.summary})
            for r in prepared.results
        ],
    )
    session.flush()
    return prepared.results


def store_snapshots(
    session: Session,
    *,
    region_code: str | None = None,
    year: int | None = None,
    actor: audit.Actor = "cli",
) -> list[SnapshotResult]:
    """Compute and store in one session (tests and small regions); jobs use the two phases."""
    prepared = compute_snapshots(session, region_code=region_code, year=year)
    return write_snapshots(session, prepared, actor)


def snapshot_job(session: Session, prepared: PreparedSnapshots) -> list[SnapshotResult]:
    """The nightly job's write phase; ``compute_snapshots`` ran before it in a read session."""
    return write_snapshots(session, prepared, actor="scheduler")


def _small_snapshot_rows(
    session: Session, viewer: User | None, region: Region, year: int, snapshots: Iterable[Any]
) -> set[str]:
    """Majors whose stored figures a school may not read exactly (small-number rule): their
    reasons' messages, which quote the figures, are replaced."""
    if viewer is None or viewer.role != Role.school or viewer.organization_id is None:
        return set()
    own = repository.school_cohort_figures(
        session, viewer.organization_id, scope_of(region, year, year)
    )
    hidden = set()
    for snapshot in snapshots:
        figures = tuple(
            int(snapshot.figures.get(k) or 0) for k in ("graduates", "placed", "in_field")
        )
        exact = own.get((snapshot.major_code, year)) == figures
        if small.any_small(list(figures), exact):
            hidden.add(snapshot.major_code)
    return hidden


def mismatch_changes(
    session: Session, query: MismatchQuery, *, viewer: User | None
) -> MismatchChanges:
    """Majors new on the warning list, worsened or improved against the year before (snapshots)."""
    _check_year(query.year)
    _snapshot_region(query.region)
    region = _region(session, query.region, viewer)
    resolved = _profile(session, region, query.profile)
    key = resolved.row.key
    stored = repository.snapshots(session, region.code, [query.year - 1, query.year], key)
    current = {s.major_code: s for s in stored if s.year == query.year}
    previous = {s.major_code: s for s in stored if s.year == query.year - 1}
    if not current:
        raise NotFound(
            f"{region.name}{query.year}年尚无预警快照",
            details=[
                field_detail(
                    "year",
                    f"请先生成快照：chanjiao report snapshot --region {region.code} "
                    f"--year {query.year}",
                )
            ],
        )
    first_year = query.year - resolved.thresholds.lookback_years + 1
    visible = _visible_majors(session, viewer, first_year, query.year)
    hidden = _small_snapshot_rows(session, viewer, region, query.year, current.values())
    changes: dict[str, list[ChangeRow]] = {"new": [], "worsened": [], "improved": []}
    rank = ACTION_ORDER.index
    for snapshot in sorted(current.values(), key=lambda s: (rank(s.action), s.major_code)):
        if visible is not None and snapshot.major_code not in visible:
            continue
        before = previous.get(snapshot.major_code)
        before_action = before.action if before is not None else None
        if snapshot.action != "keep" and before_action in (None, "keep"):
            kind = "new"
        elif before_action is not None and rank(snapshot.action) < rank(before_action):
            kind = "worsened"
        elif before_action is not None and rank(snapshot.action) > rank(before_action):
            kind = "improved"
        else:
            continue
        changes[kind].append(
            ChangeRow(
                major_code=snapshot.major_code,
                major_name=str(snapshot.figures.get("major_name", "")),
                action=snapshot.action,
                action_label=ACTION_LABELS[snapshot.action],
                previous_action=before_action,
                previous_action_label=ACTION_LABELS[before_action] if before_action else None,
                reasons=[
                    ReasonPublic.model_validate(
                        {**reason, "message": protection.HIDDEN_REASON}
                        if snapshot.major_code in hidden
                        else reason
                    )
                    for reason in snapshot.reasons
                ],
            )
        )
    return MismatchChanges(
        region=region.code,
        region_name=region.name,
        year=query.year,
        previous_year=query.year - 1,
        profile=key,
        previous_available=bool(previous),
        **changes,
    )
