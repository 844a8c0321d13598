"""The yearly 专业动态调整 cycle: windows, proposals with the platform's evidence, decisions.

A regulator opens a window for its region and year. A school of the region drafts proposals about
its majors — open (新增), stop enrolment (停招), close (撤销), change next year's plan (调整计划),
upgrade to another catalogue major (改造升级) — with its own case; the platform attaches the
evidence of the region's mismatch report for the window's year (action and reasons, 供求比,
去向落实率 and 对口率 by year, 布点数 now and after, demand trend, priority industries served, the
school's cohorts beside the region's, the what-if of the new plan) and checks the proposal against
the warnings. Submitting (inside the window only) freezes the evidence; a proposal against a
warning needs a written justification. The region's regulator approves — the school's programmes
and next year's plan change in the same transaction, audited before and after, and the school is
told — returns it for changes, or refuses it with a reason.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlmodel import Session, col

from models import AdjustmentWindow, MajorProposal, Organization, Programme, Role, User
from models.adjustment import (
    PROPOSAL_KIND_LABELS,
    PROPOSAL_STATUS_LABELS,
    ProposalKind,
    ProposalStatus,
)
from models.base import OrganizationKind, OrganizationStatus, utcnow
from rules.adjustment import ACTION_LABELS
from service import audit, clock
from service.adjustments import repository
from service.adjustments.schemas import (
    FilingRow,
    IndustryChange,
    KindDecisionCount,
    ProposalCreate,
    ProposalPublic,
    ProposalUpdate,
    RegionAdjustments,
    UnactedList,
    UnactedRow,
    WarningCheck,
    WarningFollowUp,
    WindowCreate,
    WindowPublic,
)
from service.catalog import operations as catalog
from service.errors import AppError, Conflict, Forbidden, Invalid, NotFound, field_detail
from service.organizations import operations as organizations
from service.organizations import repository as organizations_repository
from service.pagination import PageParams
from service.reports import evidence as report_evidence
from service.reports import operations as reports
from service.reports.operations import MismatchQuery
from service.reports.schemas import MismatchReport

WINDOW_ENTITY = "adjustment_window"
ENTITY = "major_proposal"
PROGRAMME_ENTITY = "programme"

KIND_LABELS = PROPOSAL_KIND_LABELS
STATUS_LABELS = PROPOSAL_STATUS_LABELS
WINDOW_STATE_LABELS = {"upcoming": "未开始", "open": "受理中", "closed": "已截止"}
# The report's actions that make a major "flagged" (a warning to cut it).
FLAGGED = frozenset({"merge_or_close", "reduce"})
CHECK_LABELS = {
    "open_flagged": "新增被预警的专业",
    "site_duplicated": "在设置雷同的专业上增加布点",
    "raise_flagged": "调增被预警专业的招生计划",
}
# Kinds that answer a warning to cut (a 调整计划 answers it only when the plan goes down).
ANSWERS_WARNING = frozenset({ProposalKind.stop, ProposalKind.close, ProposalKind.upgrade})
NEEDS_PLAN = frozenset({ProposalKind.open, ProposalKind.plan})
NEEDS_RUNNING = frozenset(
    {ProposalKind.stop, ProposalKind.close, ProposalKind.plan, ProposalKind.upgrade}
)
EDITABLE = frozenset({ProposalStatus.draft, ProposalStatus.returned})
OTHER_INDUSTRY = "其他（未对接重点产业）"


# ---------------------------------------------------------------- windows


def window_state(
    window: AdjustmentWindow, today: date | None = None
) -> Literal["upcoming", "open", "closed"]:
    today = today or clock.today()
    if today < window.opens_on:
        return "upcoming"
    if today > window.closes_on:
        return "closed"
    return "open"


def window_public(session: Session, window: AdjustmentWindow) -> WindowPublic:
    names = repository.region_names(session, [window.region_code])
    state = window_state(window)
    return WindowPublic(
        id=window.id,
        region_code=window.region_code,
        region_name=names.get(window.region_code, window.region_code),
        year=window.year,
        plan_year=window.year + 1,
        opens_on=window.opens_on,
        closes_on=window.closes_on,
        kinds=list(window.kinds),
        kind_labels=[KIND_LABELS[kind] for kind in window.kinds],
        note=window.note,
        state=state,
        state_label=WINDOW_STATE_LABELS[state],
    )


def _require_regional_regulator(session: Session, actor: User, region_code: str) -> None:
    if actor.role != Role.regulator:
        raise Forbidden("专业调整由所在地区的教育行政部门（监管账户）办理")
    if not organizations.supervises(session, actor, region_code):
        raise Forbidden(
            "只能办理本部门管辖地区的专业调整",
            details=[field_detail("region_code", f"{region_code}不在本部门管辖范围内")],
        )


def create_window(session: Session, actor: User, body: WindowCreate) -> AdjustmentWindow:
    """The region's regulator opens the year's window."""
    catalog.region_scope(session, body.region_code, field_name="region_code")
    _require_regional_regulator(session, actor, body.region_code)
    if body.closes_on < body.opens_on:
        raise Invalid(
            "截止日期早于开始日期",
            details=[field_detail("closes_on", "截止日期应不早于开始日期")],
        )
    if repository.window_of(session, body.region_code, body.year) is not None:
        raise Conflict(
            f"该地区{body.year}年的专业调整窗口已存在",
            details=[field_detail("year", "每个地区每年只有一个调整窗口")],
        )
    window = AdjustmentWindow(
        region_code=body.region_code,
        year=body.year,
        opens_on=body.opens_on,
        closes_on=body.closes_on,
        kinds=list(dict.fromkeys(body.kinds)),
        note=body.note.strip(),
        created_by=actor.id,
    )
    session.add(window)
    session.flush()
    audit.record(session, actor, "create", WINDOW_ENTITY, window.id, None, window)
    return window


def list_windows(
    session: Session, viewer: User, year: int | None, page: PageParams
) -> tuple[list[AdjustmentWindow], int]:
    """Regulators see the windows of their region; a school those covering its own region."""
    conditions: list[Any] = []
    if year is not None:
        conditions.append(col(AdjustmentWindow.year) == year)
    if viewer.role in (Role.regulator, Role.admin):
        scope = organizations.supervision_scope(session, viewer)
        if scope is not None:
            conditions.append(scope.contains(AdjustmentWindow.region_code))
    elif viewer.role == Role.school and viewer.organization_id is not None:
        school = _own_school(session, viewer)
        ancestors = catalog.region_ancestors(session, school.region_code)
        conditions.append(col(AdjustmentWindow.region_code).in_(ancestors))
    else:
        raise Forbidden("仅学校和监管部门可查看专业调整窗口")
    return repository.windows(session, conditions, page.offset, page.page_size)


def read_window(session: Session, viewer: User, window_id: uuid.UUID) -> AdjustmentWindow:
    window = session.get(AdjustmentWindow, window_id)
    if window is None:
        raise NotFound("专业调整窗口不存在")
    if viewer.role in (Role.regulator, Role.admin):
        if not organizations.supervises(session, viewer, window.region_code):
            raise NotFound("专业调整窗口不存在")
    elif viewer.role == Role.school:
        school = _own_school(session, viewer)
        if window.region_code not in catalog.region_ancestors(session, school.region_code):
            raise NotFound("专业调整窗口不存在")
    else:
        raise NotFound("专业调整窗口不存在")
    return window


def _window_for_school(session: Session, school: Organization, year: int) -> AdjustmentWindow:
    """The window of ``year`` covering the school: its own region's, else the nearest parent's."""
    ancestors = catalog.region_ancestors(session, school.region_code)
    found = {w.region_code: w for w in repository.windows_for(session, ancestors, year)}
    for code in ancestors:
        if code in found:
            return found[code]
    raise Invalid(
        f"所在地区尚未开放{year}年的专业调整窗口",
        details=[field_detail("year", "请等待所在地教育行政部门开放专业调整窗口")],
    )


# ---------------------------------------------------------------- schools and majors


def _own_school(session: Session, actor: User) -> Organization:
    school = session.get(Organization, actor.organization_id) if actor.organization_id else None
    if school is None or actor.role != Role.school or school.kind != OrganizationKind.school:
        raise Forbidden("仅学校账户可以提出专业调整申请")
    if school.status != OrganizationStatus.verified:
        raise Forbidden("所属学校尚未通过审核或已被暂停，暂不能提出专业调整申请")
    return school


def _resolve(session: Session, text: str, level: str | None, field: str) -> str:
    resolution = catalog.resolve_major(session, text, level)
    if not resolution.resolved or resolution.code is None:
        raise Invalid(
            "专业无法确定",
            details=[
                field_detail(
                    field,
                    catalog.unresolved_message(resolution, level),
                    candidates=[candidate.to_dict() for candidate in resolution.candidates],
                )
            ],
        )
    return resolution.code


def current_plan(session: Session, school_id: uuid.UUID, major_code: str, plan_year: int) -> int:
    """The school's plan for ``plan_year``: the stored one, else its last known plan, else 0."""
    rows = repository.programmes_of(session, school_id, major_code, plan_year)
    return rows[-1].enrolment_plan if rows else 0


# ---------------------------------------------------------------- evidence and checks


@dataclass(frozen=True)
class _Change:
    """How a proposal changes one major's plan at the school: -old for a stop, +new to open."""

    major_code: str
    before: int
    after: int
    site_change: int


def _changes(
    kind: str, major: str, target: str | None, planned: int | None, before: int
) -> list[_Change]:
    if kind == ProposalKind.open:
        return [_Change(major, before, planned or 0, 0 if before else 1)]
    if kind in (ProposalKind.stop, ProposalKind.close):
        return [_Change(major, before, 0, -1 if before else 0)]
    if kind == ProposalKind.plan:
        return [_Change(major, before, planned if planned is not None else before, 0)]
    assert target is not None
    after = planned if planned is not None else before
    return [_Change(major, before, 0, -1 if before else 0), _Change(target, 0, after, 1)]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _major_figures(
    session: Session,
    window: AdjustmentWindow,
    school: Organization,
    change: _Change,
    report: MismatchReport,
) -> dict[str, Any]:
    """The evidence of one major: the report row, yearly figures, the school beside the region."""
    query = MismatchQuery(region=window.region_code, year=window.year)
    row = next((r for r in report.rows if r.major_code == change.major_code), None)
    majors = repository.majors_by_code(session, [change.major_code])
    major = majors[change.major_code]
    years: list[dict[str, Any]] = []
    school_years: list[dict[str, Any]] = []
    if row is not None:
        found = report_evidence.major_evidence(session, query, change.major_code, viewer=None)
        region_by_year: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for evidence_school in found.schools:
            for cell in evidence_school.years:
                totals = region_by_year[cell.year]
                totals[0] += cell.graduates or 0
                totals[1] += cell.placed or 0
                totals[2] += cell.in_field or 0
                if evidence_school.school_id == school.id and cell.graduates is not None:
                    school_years.append(
                        {
                            "year": cell.year,
                            "graduates": cell.graduates,
                            "placed": cell.placed,
                            "in_field": cell.in_field,
                            "destination_rate": _rate(cell.placed or 0, cell.graduates),
                            "in_field_rate": _rate(cell.in_field or 0, cell.graduates),
                        }
                    )
        demand_by_year = {h.year: (h.demand, h.ratio) for h in row.history}
        demand_by_year[window.year] = (row.demand, row.ratio)
        for year in sorted(demand_by_year):
            graduates, placed, in_field = region_by_year.get(year, [0, 0, 0])
            demand, ratio = demand_by_year[year]
            years.append(
                {
                    "year": year,
                    "graduates": graduates,
                    "placed": placed,
                    "in_field": in_field,
                    "destination_rate": _rate(placed, graduates),
                    "in_field_rate": _rate(in_field, graduates),
                    "demand": demand,
                    "ratio": ratio,
                }
            )
        school_years.sort(key=lambda item: item["year"])
    trend: dict[str, Any] | None = None
    if len(years) >= 2:
        first, last = years[0], years[-1]
        change_share = (
            None if not first["demand"] else round(last["demand"] / first["demand"] - 1, 4)
        )
        label = "持平"
        if last["demand"] > first["demand"] * 1.05:
            label = "上升"
        elif last["demand"] < first["demand"] * 0.95:
            label = "下降"
        trend = {
            "first_year": first["year"],
            "first": first["demand"],
            "last_year": last["year"],
            "last": last["demand"],
            "change": change_share,
            "label": label,
        }
    industries = [
        {"name": industry.name, "category": industry.category}
        for industry in catalog.priority_industries_for(session, None, window.region_code)
        if major.code in industry.major_codes or major.class_code in industry.major_codes
    ]
    sites = row.sites if row is not None else 0
    return {
        "major_code": major.code,
        "major_name": major.name,
        "level": major.level,
        "action": row.action if row is not None else None,
        "action_label": row.action_label if row is not None else "无数据",
        "reasons": [
            {
                "rule_id": reason.rule_id,
                "action_label": reason.action_label,
                "message": reason.message,
                "source": reason.source,
            }
            for reason in (row.reasons if row is not None else [])
        ],
        "ratio": row.ratio if row is not None else None,
        "destination_rate": row.destination_rate if row is not None else None,
        "in_field_rate": row.in_field_rate if row is not None else None,
        "years": years,
        "sites": sites,
        "sites_after": max(sites + change.site_change, 0),
        "demand_trend": trend,
        "priority_industries": industries,
        "serves_priority": bool(industries),
        "school_years": school_years,
        "school_plan": change.before,
        "school_plan_after": change.after,
        "what_if": _what_if(session, query, change),
    }


def _what_if(session: Session, query: MismatchQuery, change: _Change) -> dict[str, Any] | None:
    """The region's supply in the plan year's graduating year, before and after the change."""
    plan_year = query.year + 1
    try:
        baseline = reports.what_if(session, query, change.major_code, 0.0, viewer=None)
    except AppError:
        return None
    item = next((p for p in baseline.projection if p.enrolment_year == plan_year), None)
    planned = item.planned if item is not None else 0
    demand = item.expected_demand if item is not None else baseline.demand
    after = max(planned + change.after - change.before, 0)
    return {
        "enrolment_year": plan_year,
        "graduation_year": plan_year + baseline.graduation_lag,
        "region_plan": planned,
        "region_plan_after": after,
        "expected_demand": demand,
        "ratio": round(demand / planned, 4) if planned else None,
        "ratio_after": round(demand / after, 4) if after else None,
    }


def _evidence(
    session: Session,
    window: AdjustmentWindow,
    school: Organization,
    proposal: MajorProposal,
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The platform's evidence of a proposal and the checks against the warnings that fire."""
    plan_year = window.year + 1
    before = current_plan(session, school.id, proposal.major_code, plan_year)
    changes = _changes(
        proposal.kind,
        proposal.major_code,
        proposal.target_major_code,
        proposal.planned_enrolment,
        before,
    )
    try:
        report = reports.mismatch_report(
            session, MismatchQuery(region=window.region_code, year=window.year), viewer=None
        )
    except AppError:
        report = None
    names = repository.region_names(session, [window.region_code])
    figures = [
        _major_figures(session, window, school, change, report)
        if report is not None
        else {"major_code": change.major_code, "action": None, "action_label": "无数据"}
        for change in changes
    ]
    evidence: dict[str, Any] = {
        "region": window.region_code,
        "region_name": names.get(window.region_code, window.region_code),
        "report_year": window.year,
        "plan_year": plan_year,
        "profile": report.profile_name if report is not None else None,
        "major": figures[0],
        "target": figures[1] if len(figures) > 1 else None,
    }
    return evidence, _checks(proposal, figures)


def _checks(proposal: MajorProposal, figures: list[dict[str, Any]]) -> list[dict[str, str]]:
    checks: list[dict[str, str]] = []
    opened = None
    if proposal.kind == ProposalKind.open:
        opened = figures[0]
    elif proposal.kind == ProposalKind.upgrade and len(figures) > 1:
        opened = figures[1]
    if opened is not None and opened.get("action") in FLAGGED:
        reasons = "；".join(r["message"] for r in opened.get("reasons", []))
        checks.append(
            {
                "rule": "open_flagged",
                "label": CHECK_LABELS["open_flagged"],
                "message": (
                    f"地区供需预警建议{opened['action_label']}专业"
                    f"{opened['major_name']}（{opened['major_code']}）：{reasons}"
                ),
            }
        )
        if any(r["rule_id"] == "oversupply_persistent" for r in opened.get("reasons", [])):
            checks.append(
                {
                    "rule": "site_duplicated",
                    "label": CHECK_LABELS["site_duplicated"],
                    "message": (
                        f"该专业已预警设置雷同，布点数将由{opened['sites']}个增至"
                        f"{opened['sites_after']}个"
                    ),
                }
            )
    if proposal.kind == ProposalKind.plan:
        major = figures[0]
        if major.get("action") in FLAGGED and major["school_plan_after"] > major["school_plan"]:
            checks.append(
                {
                    "rule": "raise_flagged",
                    "label": CHECK_LABELS["raise_flagged"],
                    "message": (
                        f"地区供需预警建议{major['action_label']}，本校招生计划却由"
                        f"{major['school_plan']}人调增至{major['school_plan_after']}人"
                    ),
                }
            )
    return checks


def _attach(
    session: Session, window: AdjustmentWindow, school: Organization, proposal: MajorProposal
) -> None:
    proposal.evidence, proposal.warnings = _evidence(session, window, school, proposal)
    proposal.against_warning = bool(proposal.warnings)


# ---------------------------------------------------------------- proposals


def _validate(
    session: Session, window: AdjustmentWindow, school: Organization, proposal: MajorProposal
) -> None:
    """The rules of the kind: a plan figure where one is needed, a running major to stop …"""
    problems: list[dict[str, Any]] = []
    plan_year = window.year + 1
    running = current_plan(session, school.id, proposal.major_code, plan_year) > 0
    kind = ProposalKind(proposal.kind)
    if kind in NEEDS_PLAN and proposal.planned_enrolment is None:
        problems.append(field_detail("planned_enrolment", f"{KIND_LABELS[kind]}须填写招生计划"))
    if kind == ProposalKind.open and running:
        problems.append(field_detail("major", "本校已开设该专业，调整招生人数请申请“调整计划”"))
    if kind in NEEDS_RUNNING and not running:
        problems.append(field_detail("major", f"本校{plan_year}年未开设该专业（无招生计划）"))
    if kind == ProposalKind.upgrade:
        if proposal.target_major_code is None:
            problems.append(field_detail("target_major", "改造升级须填写升级后的专业"))
        elif proposal.target_major_code == proposal.major_code:
            problems.append(field_detail("target_major", "升级后的专业应与原专业不同"))
    elif proposal.target_major_code is not None:
        problems.append(field_detail("target_major", "只有改造升级需要填写升级后的专业"))
    if problems:
        raise Invalid("专业调整申请有误", details=problems)


def create_proposal(session: Session, actor: User, body: ProposalCreate) -> MajorProposal:
    """A school's draft, with the platform's evidence attached (refreshed until submitted)."""
    school = _own_school(session, actor)
    window = _window_for_school(session, school, body.year)
    level = school.level if school.level in catalog.MAJOR_LEVELS else None
    major = _resolve(session, body.major, level, "major")
    target = (
        _resolve(session, body.target_major, level, "target_major")
        if body.target_major and body.target_major.strip()
        else None
    )
    existing = repository.open_proposal(session, window.id, school.id, major)
    if existing is not None:
        raise Conflict(
            "本校该专业已有未审结的调整申请",
            details=[field_detail("major", f"未审结的申请：{existing}")],
        )
    proposal = MajorProposal(
        window_id=window.id,
        school_id=school.id,
        kind=body.kind,
        major_code=major,
        target_major_code=target,
        planned_enrolment=body.planned_enrolment,
        teachers=body.teachers,
        dual_qualified_teachers=body.dual_qualified_teachers,
        facilities=body.facilities or "",
        partners=body.partners or [],
        reason=body.reason or "",
        justification=body.justification or "",
        created_by=actor.id,
    )
    _validate(session, window, school, proposal)
    _attach(session, window, school, proposal)
    session.add(proposal)
    session.flush()
    audit.record(session, actor, "create", ENTITY, proposal.id, None, proposal)
    return proposal


def _visible(session: Session, viewer: User | str, proposal_id: uuid.UUID) -> MajorProposal:
    proposal = session.get(MajorProposal, proposal_id)
    if proposal is None:
        raise NotFound("专业调整申请不存在")
    if isinstance(viewer, str):  # the command line
        return proposal
    if viewer.role == Role.school and viewer.organization_id == proposal.school_id:
        return proposal
    if (
        viewer.role in (Role.regulator, Role.admin)
        and proposal.status != ProposalStatus.draft
        and organizations.supervises_organization(session, viewer, proposal.school_id)
    ):
        return proposal
    raise NotFound("专业调整申请不存在")


def read_proposal(session: Session, viewer: User | str, proposal_id: uuid.UUID) -> MajorProposal:
    return _visible(session, viewer, proposal_id)


def list_proposals(
    session: Session,
    viewer: User | str,
    *,
    year: int | None,
    status: str | None,
    kind: str | None,
    school_code: str | None,
    page: PageParams,
    region: str | None = None,
) -> tuple[list[MajorProposal], int]:
    """A school its own proposals; a regulator its region's (drafts stay with the school); the
    command line (a string actor) every proposal."""
    conditions: list[Any] = []
    if year is not None:
        conditions.append(col(AdjustmentWindow.year) == year)
    if status is not None:
        conditions.append(col(MajorProposal.status) == status)
    if kind is not None:
        conditions.append(col(MajorProposal.kind) == kind)
    if region is not None:
        conditions.append(
            catalog.region_scope(session, region).contains(AdjustmentWindow.region_code)
        )
    if isinstance(viewer, str) or viewer.role in (Role.regulator, Role.admin):
        if not isinstance(viewer, str):
            conditions.append(col(MajorProposal.status) != ProposalStatus.draft)
            scope = organizations.supervision_scope(session, viewer)
            if scope is not None:
                conditions.append(
                    col(MajorProposal.school_id).in_(organizations_repository.ids_in(scope))
                )
        if school_code is not None:
            school = repository.school_by_code(session, school_code)
            conditions.append(col(MajorProposal.school_id) == (school.id if school else None))
    elif viewer.role == Role.school and viewer.organization_id is not None:
        conditions.append(col(MajorProposal.school_id) == viewer.organization_id)
    else:
        raise Forbidden("仅学校和监管部门可查看专业调整申请")
    return repository.proposals(session, conditions, page.offset, page.page_size)


def _own_editable(
    session: Session, actor: User, proposal_id: uuid.UUID
) -> tuple[MajorProposal, AdjustmentWindow, Organization]:
    school = _own_school(session, actor)
    proposal = session.get(MajorProposal, proposal_id)
    if proposal is None or proposal.school_id != school.id:
        raise NotFound("专业调整申请不存在")
    if proposal.status not in EDITABLE:
        raise Conflict(
            f"申请{STATUS_LABELS[proposal.status]}，不能再修改",
            details=[field_detail("status", "只有草稿和退回修改的申请可以修改和提交")],
        )
    window = session.get(AdjustmentWindow, proposal.window_id)
    assert window is not None
    return proposal, window, school


def update_proposal(
    session: Session, actor: User, proposal_id: uuid.UUID, body: ProposalUpdate
) -> MajorProposal:
    """Change a draft (or a returned proposal); the evidence is attached again."""
    proposal, window, school = _own_editable(session, actor, proposal_id)
    before = audit.snapshot(proposal)
    changes = body.model_dump(exclude_unset=True)
    if "target_major" in changes:
        text = changes.pop("target_major")
        level = school.level if school.level in catalog.MAJOR_LEVELS else None
        proposal.target_major_code = (
            _resolve(session, text, level, "target_major") if text and text.strip() else None
        )
    for field, value in changes.items():
        if field in ("facilities", "reason", "justification"):
            value = value or ""
        elif field == "partners":
            value = value or []
        setattr(proposal, field, value)
    _validate(session, window, school, proposal)
    _attach(session, window, school, proposal)
    proposal.updated_at = utcnow()
    session.add(proposal)
    session.flush()
    audit.record(session, actor, "update", ENTITY, proposal.id, before, proposal)
    return proposal


def submit_proposal(session: Session, actor: User, proposal_id: uuid.UUID) -> MajorProposal:
    """Submit inside the window: the evidence is attached afresh and frozen; a proposal against
    a warning needs its written justification."""
    proposal, window, school = _own_editable(session, actor, proposal_id)
    state = window_state(window)
    if state != "open":
        raise Conflict(
            f"专业调整窗口{WINDOW_STATE_LABELS[state]}，不能提交",
            details=[
                field_detail(
                    "window",
                    f"提交时间为{window.opens_on.isoformat()}至{window.closes_on.isoformat()}",
                )
            ],
        )
    if proposal.kind not in window.kinds:
        raise Conflict(
            f"本年度调整窗口不受理“{KIND_LABELS[proposal.kind]}”申请",
            details=[
                field_detail(
                    "kind", "受理的类型：" + "、".join(KIND_LABELS[k] for k in window.kinds)
                )
            ],
        )
    _validate(session, window, school, proposal)
    before = audit.snapshot(proposal)
    _attach(session, window, school, proposal)
    if proposal.against_warning and not proposal.justification.strip():
        raise Invalid(
            "申请与供需预警相反，须填写书面说明",
            details=[
                field_detail("justification", f"{check['label']}：{check['message']}")
                for check in proposal.warnings
            ],
        )
    now = utcnow()
    proposal.status = ProposalStatus.submitted
    proposal.submitted_at = now
    proposal.evidence_frozen_at = now
    proposal.decision_comment = ""
    proposal.updated_at = now
    session.add(proposal)
    session.flush()
    audit.record(session, actor, "submit", ENTITY, proposal.id, before, proposal)
    return proposal


# ---------------------------------------------------------------- decisions


def _for_decision(
    session: Session, actor: User, proposal_id: uuid.UUID
) -> tuple[MajorProposal, AdjustmentWindow, Organization]:
    proposal = _visible(session, actor, proposal_id)
    window = session.get(AdjustmentWindow, proposal.window_id)
    school = session.get(Organization, proposal.school_id)
    assert window is not None
    assert school is not None
    _require_regional_regulator(session, actor, window.region_code)
    if proposal.status != ProposalStatus.submitted:
        raise Conflict(
            f"申请{STATUS_LABELS[proposal.status]}，不能审核",
            details=[field_detail("status", "只有待审核的申请可以批准、退回或不予批准")],
        )
    return proposal, window, school


def _notify(session: Session, actor: User, proposal: MajorProposal, school: Organization) -> None:
    """Tell the school (kept in the audit log until a notification table exists)."""
    majors = repository.majors_by_code(session, [proposal.major_code])
    name = majors[proposal.major_code].name if proposal.major_code in majors else ""
    message = (
        f"您校“{KIND_LABELS[proposal.kind]}”申请（{name} {proposal.major_code}）"
        f"{STATUS_LABELS[proposal.status]}"
        + (f"：{proposal.decision_comment}" if proposal.decision_comment else "")
    )
    audit.record(
        session,
        actor,
        "notify",
        repository.NOTICE_ENTITY,
        school.id,
        None,
        {"proposal_id": str(proposal.id), "status": proposal.status, "message": message},
    )


def _set_plan(
    session: Session, actor: User, school: Organization, major_code: str, year: int, plan: int
) -> dict[str, Any]:
    programme = repository.programme_at(session, school.id, major_code, year)
    before = audit.snapshot(programme) if programme is not None else None
    if programme is None:
        programme = Programme(
            school_id=school.id, major_code=major_code, year=year, enrolment_plan=plan
        )
    programme.enrolment_plan = plan
    programme.updated_at = utcnow()
    session.add(programme)
    session.flush()
    audit.record(
        session,
        actor,
        "adjustment" if before is not None else "create",
        PROGRAMME_ENTITY,
        programme.id,
        before,
        programme,
    )
    return {
        "programme_id": str(programme.id),
        "major_code": major_code,
        "year": year,
        "plan_before": None if before is None else before["enrolment_plan"],
        "plan_after": plan,
    }


def _apply(
    session: Session,
    actor: User,
    proposal: MajorProposal,
    window: AdjustmentWindow,
    school: Organization,
) -> list[dict[str, Any]]:
    """Change the school's programmes as approved: next year's plan, and for a closure or an
    upgrade every later stored plan of the old major too."""
    plan_year = window.year + 1
    kind = ProposalKind(proposal.kind)
    applied: list[dict[str, Any]] = []
    if kind in (ProposalKind.open, ProposalKind.plan):
        assert proposal.planned_enrolment is not None
        applied.append(
            _set_plan(
                session, actor, school, proposal.major_code, plan_year, proposal.planned_enrolment
            )
        )
        return applied
    applied.append(_set_plan(session, actor, school, proposal.major_code, plan_year, 0))
    if kind in (ProposalKind.close, ProposalKind.upgrade):
        for later in repository.programmes_after(
            session, school.id, proposal.major_code, plan_year
        ):
            if later.enrolment_plan:
                applied.append(
                    _set_plan(session, actor, school, proposal.major_code, later.year, 0)
                )
    if kind == ProposalKind.upgrade:
        assert proposal.target_major_code is not None
        before = int(proposal.evidence.get("major", {}).get("school_plan") or 0)
        plan = proposal.planned_enrolment if proposal.planned_enrolment is not None else before
        applied.append(
            _set_plan(session, actor, school, proposal.target_major_code, plan_year, plan)
        )
    return applied


def approve(
    session: Session, actor: User, proposal_id: uuid.UUID, comment: str = ""
) -> MajorProposal:
    """Approve: the school's programmes change in this transaction, audited; the school is told."""
    proposal, window, school = _for_decision(session, actor, proposal_id)
    before = audit.snapshot(proposal)
    proposal.applied = _apply(session, actor, proposal, window, school)
    return _decide(session, actor, proposal, school, ProposalStatus.approved, comment, before)


def return_for_changes(
    session: Session, actor: User, proposal_id: uuid.UUID, comment: str
) -> MajorProposal:
    """Send it back with comments; the school edits and submits again."""
    proposal, _window, school = _for_decision(session, actor, proposal_id)
    before = audit.snapshot(proposal)
    return _decide(session, actor, proposal, school, ProposalStatus.returned, comment, before)


def refuse(session: Session, actor: User, proposal_id: uuid.UUID, reason: str) -> MajorProposal:
    proposal, _window, school = _for_decision(session, actor, proposal_id)
    before = audit.snapshot(proposal)
    return _decide(session, actor, proposal, school, ProposalStatus.refused, reason, before)


def _decide(
    session: Session,
    actor: User,
    proposal: MajorProposal,
    school: Organization,
    status: ProposalStatus,
    comment: str,
    before: dict[str, Any] | None,
) -> MajorProposal:
    now = utcnow()
    proposal.status = status
    proposal.decision_comment = comment
    proposal.decided_by, proposal.decided_at, proposal.updated_at = actor.id, now, now
    session.add(proposal)
    session.flush()
    action = {"approved": "approve", "returned": "return", "refused": "refuse"}[status]
    audit.record(session, actor, action, ENTITY, proposal.id, before, proposal)
    _notify(session, actor, proposal, school)
    return proposal


# ---------------------------------------------------------------- shaping


def proposals_public(session: Session, rows: list[MajorProposal]) -> list[ProposalPublic]:
    windows = repository.windows_by_id(session, [row.window_id for row in rows])
    schools = repository.organizations_by_id(session, [row.school_id for row in rows])
    majors = repository.majors_by_code(
        session,
        [row.major_code for row in rows] + [row.target_major_code or "" for row in rows],
    )
    out = []
    for row in rows:
        window, school, major = (
            windows[row.window_id],
            schools[row.school_id],
            majors[row.major_code],
        )
        target = majors.get(row.target_major_code or "")
        out.append(
            ProposalPublic(
                id=row.id,
                window_id=row.window_id,
                year=window.year,
                plan_year=window.year + 1,
                region_code=window.region_code,
                school_id=school.id,
                school_code=school.code,
                school_name=school.name,
                kind=row.kind,
                kind_label=KIND_LABELS[row.kind],
                major_code=major.code,
                major_name=major.name,
                major_level=major.level,
                target_major_code=row.target_major_code,
                target_major_name=target.name if target is not None else None,
                planned_enrolment=row.planned_enrolment,
                teachers=row.teachers,
                dual_qualified_teachers=row.dual_qualified_teachers,
                facilities=row.facilities,
                partners=list(row.partners),
                reason=row.reason,
                justification=row.justification,
                against_warning=row.against_warning,
                warnings=[WarningCheck.model_validate(check) for check in row.warnings],
                evidence=dict(row.evidence),
                evidence_frozen_at=row.evidence_frozen_at,
                status=row.status,
                status_label=STATUS_LABELS[row.status],
                submitted_at=row.submitted_at,
                decision_comment=row.decision_comment,
                decided_at=row.decided_at,
                applied=list(row.applied),
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
        )
    return out


def proposal_public(session: Session, row: MajorProposal) -> ProposalPublic:
    return proposals_public(session, [row])[0]


def notices(session: Session, viewer: User) -> list[dict[str, Any]]:
    """What the school was told about its proposals, newest first."""
    school = _own_school(session, viewer)
    return [
        {"at": entry.at, **(entry.after or {})}
        for entry in repository.notices_of(session, school.id)
    ]


# ---------------------------------------------------------------- warnings not acted on


@dataclass(frozen=True)
class _Flagged:
    school: Organization
    major_code: str
    major_name: str
    action: str
    reasons: list[str]


def _flagged(
    session: Session, region_code: str, year: int, actions: frozenset[str]
) -> list[_Flagged]:
    """Schools of the region running a major its report flags with one of ``actions``."""
    try:
        report = reports.mismatch_report(
            session, MismatchQuery(region=region_code, year=year), viewer=None
        )
    except AppError:
        return []
    rows = {row.major_code: row for row in report.rows if row.action in actions}
    scope = catalog.region_scope(session, region_code)
    pairs = repository.schools_offering(session, scope.low, scope.high, sorted(rows), year)
    schools = repository.organizations_by_id(session, [school for school, _ in pairs])
    out = [
        _Flagged(
            school=schools[school_id],
            major_code=major,
            major_name=rows[major].major_name,
            action=rows[major].action,
            reasons=[reason.message for reason in rows[major].reasons],
        )
        for school_id, major in pairs
    ]
    return sorted(out, key=lambda f: (f.school.code, f.major_code))


def unacted(session: Session, viewer: User, window_id: uuid.UUID) -> UnactedList:
    """Majors the report flags 撤并 at a school of the region with no proposal submitted about
    them by the window's close (while the window runs: so far)."""
    window = read_window(session, viewer, window_id)
    if viewer.role not in (Role.regulator, Role.admin):
        raise Forbidden("仅监管部门可查看未响应预警的专业")
    submitted = {
        (p.school_id, p.major_code)
        for p in repository.proposals_of_window(session, window.id)
        if p.status != ProposalStatus.draft
        and p.submitted_at is not None
        and p.submitted_at.date() <= window.closes_on
    }
    rows = [
        UnactedRow(
            school_id=f.school.id,
            school_code=f.school.code,
            school_name=f.school.name,
            major_code=f.major_code,
            major_name=f.major_name,
            action_label=ACTION_LABELS[f.action],
            reasons=f.reasons,
        )
        for f in _flagged(session, window.region_code, window.year, frozenset({"merge_or_close"}))
        if (f.school.id, f.major_code) not in submitted
    ]
    return UnactedList(
        window_id=window.id,
        year=window.year,
        closed=window_state(window) == "closed",
        rows=rows,
    )


# ---------------------------------------------------------------- the region's view


def _answers(proposal: MajorProposal) -> bool:
    if proposal.kind in ANSWERS_WARNING:
        return True
    if proposal.kind == ProposalKind.plan and proposal.planned_enrolment is not None:
        before = proposal.evidence.get("major", {}).get("school_plan")
        return before is not None and proposal.planned_enrolment < int(before)
    return False


def region_adjustments(
    session: Session, viewer: User | None, code: str, year: int
) -> RegionAdjustments:
    """Proposals and decisions of a region's year, the 4.1 figure, warnings followed up, 备案."""
    if not reports.MIN_YEAR <= year <= reports.MAX_YEAR:
        raise Invalid("年份超出范围", details=[field_detail("year", "年份应在2000至2100之间")])
    scope = catalog.region_scope(session, code, field_name="code")
    if viewer is not None:
        if viewer.role not in (Role.regulator, Role.admin):
            raise Forbidden("仅监管部门可查看地区的专业调整情况")
        organizations.ensure_region_in_scope(session, viewer, scope.code, "code")
    names = repository.region_names(session, [scope.code])
    window = repository.window_of(session, scope.code, year)
    rows = [
        p
        for p in repository.proposals_in(session, scope.low, scope.high, year)
        if p.status != ProposalStatus.draft
    ]
    public = {p.id: p for p in proposals_public(session, rows)}

    by_kind = []
    for kind in ProposalKind:
        counts = {s.value: 0 for s in ProposalStatus if s != ProposalStatus.draft}
        for p in rows:
            if p.kind == kind:
                counts[p.status] += 1
        by_kind.append(
            KindDecisionCount(
                kind=kind.value,
                kind_label=KIND_LABELS[kind],
                counts=counts,
                total=sum(counts.values()),
            )
        )

    industries = catalog.priority_industries_for(session, None, scope.code)
    majors = repository.majors_by_code(
        session, [p.major_code for p in rows] + [p.target_major_code or "" for p in rows]
    )

    def served(major_code: str) -> list[str]:
        major = majors[major_code]
        return [
            i.name
            for i in industries
            if major.code in i.major_codes or major.class_code in i.major_codes
        ]

    opened: dict[str, list[str]] = defaultdict(list)
    closed: dict[str, list[str]] = defaultdict(list)
    new_majors = new_priority = 0
    approved = [p for p in rows if p.status == ProposalStatus.approved]
    for p in approved:
        new = (
            p.major_code
            if p.kind == ProposalKind.open
            else p.target_major_code
            if p.kind == ProposalKind.upgrade
            else None
        )
        if new is not None:
            names_served = served(new)
            new_majors += 1
            new_priority += bool(names_served)
            for industry in names_served or [OTHER_INDUSTRY]:
                opened[industry].append(f"{majors[new].name}（{new}）")
        if p.kind in (ProposalKind.stop, ProposalKind.close, ProposalKind.upgrade):
            for industry in served(p.major_code) or [OTHER_INDUSTRY]:
                closed[industry].append(f"{majors[p.major_code].name}（{p.major_code}）")
    by_industry = [
        IndustryChange(industry=name, opened=opened.get(name, []), closed=closed.get(name, []))
        for name in sorted(set(opened) | set(closed), key=lambda n: (n == OTHER_INDUSTRY, n))
    ]

    follow_up = []
    answered = {(p.school_id, p.major_code): p for p in rows if _answers(p)}
    for f in _flagged(session, scope.code, year, FLAGGED):
        answer = answered.get((f.school.id, f.major_code))
        follow_up.append(
            WarningFollowUp(
                school_name=f.school.name,
                major_code=f.major_code,
                major_name=f.major_name,
                action_label=ACTION_LABELS[f.action],
                acted=answer is not None,
                proposal_kind_label=KIND_LABELS[answer.kind] if answer else None,
                proposal_status_label=STATUS_LABELS[answer.status] if answer else None,
            )
        )

    decided = [p for p in rows if p.status in (ProposalStatus.approved, ProposalStatus.refused)]
    decided.sort(key=lambda p: (public[p.id].school_code, p.major_code, p.id.hex))
    filing = []
    for number, p in enumerate(decided, start=1):
        shown = public[p.id]
        before = p.evidence.get("major", {}).get("school_plan")
        after = (
            p.planned_enrolment
            if p.kind in (ProposalKind.open, ProposalKind.plan, ProposalKind.upgrade)
            else 0
        )
        filing.append(
            FilingRow(
                number=number,
                school_code=shown.school_code,
                school_name=shown.school_name,
                kind_label=shown.kind_label,
                major_code=shown.major_code,
                major_name=shown.major_name,
                level=shown.major_level,
                target_major_code=shown.target_major_code or "",
                target_major_name=shown.target_major_name or "",
                plan_before=None if before is None else int(before),
                plan_after=after,
                against_warning="是" if p.against_warning else "否",
                decision_label=shown.status_label,
                comment=p.decision_comment,
                decided_on=(clock.local(p.decided_at).date().isoformat() if p.decided_at else ""),
            )
        )
    return RegionAdjustments(
        region=scope.code,
        region_name=names.get(scope.code, scope.code),
        year=year,
        window=window_public(session, window) if window is not None else None,
        by_kind=by_kind,
        by_industry=by_industry,
        new_majors=new_majors,
        new_majors_priority=new_priority,
        priority_share=round(new_priority / new_majors, 4) if new_majors else None,
        warnings_acted=sum(1 for f in follow_up if f.acted),
        warnings_not_acted=sum(1 for f in follow_up if not f.acted),
        follow_up=follow_up,
        filing=filing,
    )
