"""监管 pages beyond the report: identity-change requests decided, the 产教融合型企业 registry
reviewed, the three lists drafted and published, the 联合体 indicators, and the region's policy
profile. Every action comes back to its list saying what happened, to what, and what comes next."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import IdentityChangeRequest, Organization, Role, User
from models.base import POSITION_KIND_LABELS
from rules import labels
from service import clock
from service.alliances import operations as alliances
from service.catalog import operations as catalog
from service.deps import ReadSessionDep, SessionDep
from service.errors import AppError, Invalid, field_detail
from service.identity_changes import operations as identity_changes
from service.identity_changes.schemas import IdentityChangeRefusal
from service.integration_enterprises import operations as registry
from service.integration_enterprises.operations import NEXT
from service.integration_enterprises.schemas import STATUS_LABELS as REGISTRY_LABELS
from service.integration_enterprises.schemas import ReviewIn
from service.lists import operations as lists
from service.lists.schemas import ListKind
from service.pages.web import (
    MAX_PAGE,
    CsrfChecked,
    FormInvalid,
    PageRoute,
    parse_form,
    query_string,
    redirect,
    render,
    require_page_roles,
)
from service.pagination import PageParams
from service.placement import operations as placement
from service.placement.schemas import RoundCreate
from service.policy import operations as policy

router = APIRouter(prefix="/regulator", route_class=PageRoute, include_in_schema=False)

Supervisor = Annotated[User, Depends(require_page_roles(Role.regulator, Role.admin))]
PAGE_SIZE = 20

CHANGE_FIELD_LABELS = {"name": "名称", "code": "代码", "region_code": "所在地", "kind": "类型"}
KIND_LABELS = {"enterprise": "企业", "school": "学校", "park": "园区", "government": "政府部门"}
REQUEST_STATUS_LABELS = {"pending": "待审核", "approved": "已批准", "refused": "已驳回"}
LIST_LABELS: dict[str, str] = {
    "talent-demand": "人才需求清单",
    "industry": "产业发展清单",
    "policy-support": "政策支持清单",
}
LIST_STATUS_LABELS = {"draft": "草稿", "published": "已发布", "live": "实时计算（未发布）"}
POLICY_SOURCE_LABELS = {
    "own": "本地区设置",
    "inherited": "沿用上级地区设置",
    "default": "全国默认",
}
DECISION_BUTTONS = {"cultivation": "纳入培育库", "certified": "认定", "refused": "不予通过"}


def _own_region(session: Session, user: User, region: str | None) -> str:
    """The region asked for, else the regulator's own; a national regulator must name one."""
    if region:
        return region
    own = session.get(Organization, user.organization_id) if user.organization_id else None
    if own is None:
        raise Invalid("请指定地区", details=[field_detail("region", "请填写行政区划代码")])
    return own.region_code


def _year(year: str | None) -> int:
    if not year:
        return clock.today().year
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        raise Invalid("年份无效", details=[field_detail("year", "年份应为四位数字")])
    return int(year)


# ---------------------------------------------------------------- identity changes


def _change_rows(session: Session, rows: list[IdentityChangeRequest]) -> list[dict[str, Any]]:
    """Each request with its organisation's name and each change read in Chinese."""
    regions = {
        str(value)
        for r in rows
        for part in (r.changes, r.before)
        for key, value in part.items()
        if key == "region_code" and value
    }
    names = catalog.region_names(session, regions)

    def shown(key: str, value: Any) -> str:
        if value in (None, ""):
            return "—"
        if key == "region_code":
            return f"{names.get(str(value), str(value))}（{value}）"
        if key == "kind":
            return KIND_LABELS.get(str(value), str(value))
        return str(value)

    found = []
    for r in rows:
        organization = session.get(Organization, r.organization_id)
        found.append(
            {
                "request": r,
                "organization": organization.name if organization else "—",
                "status_label": REQUEST_STATUS_LABELS.get(r.status, r.status),
                "changes": [
                    (
                        CHANGE_FIELD_LABELS.get(key, key),
                        shown(key, r.before.get(key)),
                        shown(key, value),
                    )
                    for key, value in r.changes.items()
                ],
            }
        )
    return found


def _changes_context(
    session: Session, user: User, status: str, page: int, **extra: Any
) -> dict[str, Any]:
    rows, count = identity_changes.list_requests(
        session,
        user,
        status=status or None,
        organization_id=None,
        page=PageParams(page=page, page_size=PAGE_SIZE),
    )
    return {
        "title": "身份变更申请",
        "rows": _change_rows(session, rows),
        "count": count,
        "status": status,
        "status_labels": REQUEST_STATUS_LABELS,
        "page": page,
        "pages": -(-count // PAGE_SIZE),
        "acted": None,
        **extra,
    }


@router.get("/identity-changes", response_class=HTMLResponse)
def identity_changes_page(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    status: Literal["pending", "approved", "refused", ""] = "pending",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    done: Literal["approve", "refuse", ""] = "",
    change: uuid.UUID | None = None,
) -> Response:
    """身份变更申请：批准或驳回。"""
    acted = None
    if done and change is not None:
        decided = identity_changes.read_request(session, user, change)
        acted = {"done": done, **_change_rows(session, [decided])[0]}
    return render(
        request,
        "regulator/identity_changes.html",
        _changes_context(session, user, status, page, acted=acted),
    )


@router.post("/identity-changes/{request_id}/approve", dependencies=[CsrfChecked])
def approve_change(session: SessionDep, user: Supervisor, request_id: uuid.UUID) -> Response:
    identity_changes.approve(session, user, request_id)
    return redirect(f"/regulator/identity-changes?done=approve&change={request_id}")


@router.post("/identity-changes/{request_id}/refuse", dependencies=[CsrfChecked])
def refuse_change(
    session: SessionDep,
    user: Supervisor,
    request_id: uuid.UUID,
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        body = parse_form(IdentityChangeRefusal, {"reason": reason})
    except AppError as error:
        details = [{**d, "field": f"reason-{request_id}"} for d in error.details]
        context = _changes_context(session, user, "pending", 1)
        raise FormInvalid(
            "regulator/identity_changes.html",
            context,
            Invalid("请填写驳回理由", details=details),
        ) from None
    identity_changes.refuse(session, user, request_id, body.reason)
    return redirect(f"/regulator/identity-changes?done=refuse&change={request_id}")


# ---------------------------------------------------------------- 产教融合型企业 registry


def _registry_context(
    session: Session, user: User, status: str, page: int, **extra: Any
) -> dict[str, Any]:
    listed = registry.registry(
        session,
        user,
        region=None,
        industry=None,
        status=status or None,  # type: ignore[arg-type]
        page=PageParams(page=page, page_size=PAGE_SIZE),
    )
    return {
        "title": "产教融合型企业",
        "rows": listed.data,
        "count": listed.count,
        "status": status,
        "status_labels": REGISTRY_LABELS,
        "next_steps": {k: [(d, DECISION_BUTTONS[d]) for d in v] for k, v in NEXT.items()},
        "page": page,
        "pages": -(-listed.count // PAGE_SIZE),
        "acted": None,
        **extra,
    }


@router.get("/registry", response_class=HTMLResponse)
def registry_page(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    status: Literal["submitted", "cultivation", "certified", "refused", ""] = "submitted",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    reviewed: uuid.UUID | None = None,
) -> Response:
    """产教融合型企业申报：审核（纳入培育库、认定或不予通过）。"""
    acted = registry.read(session, reviewed, user) if reviewed is not None else None
    return render(
        request,
        "regulator/registry.html",
        _registry_context(session, user, status, page, acted=acted),
    )


@router.post("/registry/{application_id}/review", dependencies=[CsrfChecked])
def review_application(
    session: SessionDep,
    user: Supervisor,
    application_id: uuid.UUID,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        body = parse_form(ReviewIn, {"decision": decision, "reason": reason})
        registry.review(session, application_id, body, user)
    except AppError as error:
        if error.status_code >= 500:
            raise
        details = [
            {**d, "field": f"{d.get('field') or ''}-{application_id}"} for d in error.details
        ]
        context = _registry_context(session, user, "submitted", 1)
        raise FormInvalid(
            "regulator/registry.html",
            context,
            AppError(error.message, status_code=error.status_code, details=details),
        ) from None
    return redirect(f"/regulator/registry?status=&reviewed={application_id}")


# ---------------------------------------------------------------- the three lists


@router.get("/lists", response_class=HTMLResponse)
def lists_page(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    kind: ListKind = "talent-demand",
    year: str | None = None,
    region: Annotated[str | None, Query(max_length=6)] = None,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    done: Literal["draft", "publish", ""] = "",
) -> Response:
    """三张清单：拟定草稿、查看、发布。"""
    code = _own_region(session, user, region)
    chosen_year = _year(year)
    versions = lists.list_versions(session, code, kind, chosen_year, user)
    if version is not None:
        shown = lists.read_version(session, code, kind, chosen_year, version, user)
    else:
        shown = lists.region_list(session, code, kind, chosen_year, user, "latest")
    params = {"kind": kind, "year": chosen_year, "region": region or ""}
    api = f"/api/v1/regions/{code}/lists/{kind}"
    download = {"year": chosen_year, "version": version} if version else {"year": chosen_year}
    return render(
        request,
        "regulator/lists.html",
        {
            "title": LIST_LABELS[kind],
            "kind": kind,
            "kinds": LIST_LABELS,
            "year": chosen_year,
            "region": region or "",
            "code": code,
            "versions": versions,
            "shown": shown,
            "status_labels": LIST_STATUS_LABELS,
            "params": params,
            "done": done,
            "done_version": version,
            "downloads": [
                (
                    f"{api}/versions/{version}?{query_string({'year': chosen_year, 'format': fmt})}"
                    if version
                    else f"{api}?{query_string({**download, 'format': fmt})}",
                    label,
                )
                for fmt, label in (("xlsx", "Excel"), ("csv", "CSV"), ("html", "打印版（HTML）"))
            ],
        },
    )


@router.post("/lists/draft", dependencies=[CsrfChecked])
def draft_list(
    session: SessionDep,
    user: Supervisor,
    kind: Annotated[ListKind, Form()],
    year: Annotated[str, Form()] = "",
    region: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    code = _own_region(session, user, region or None)
    drafted = lists.create_draft(session, code, kind, _year(year), user)
    params = {"kind": kind, "year": drafted.year, "region": region, "version": drafted.version}
    return redirect(f"/regulator/lists?{query_string(params, done='draft')}")


@router.post("/lists/publish", dependencies=[CsrfChecked])
def publish_list(
    session: SessionDep,
    user: Supervisor,
    kind: Annotated[ListKind, Form()],
    version: Annotated[int, Form(ge=1, le=1_000_000)],
    year: Annotated[str, Form()] = "",
    region: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    code = _own_region(session, user, region or None)
    published = lists.publish(session, code, kind, _year(year), version, user)
    params = {"kind": kind, "year": published.year, "region": region, "version": version}
    return redirect(f"/regulator/lists?{query_string(params, done='publish')}")


# ---------------------------------------------------------------- 联合体


@router.get("/alliances", response_class=HTMLResponse)
def alliances_page(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    year: str | None = None,
    region: Annotated[str | None, Query(max_length=6)] = None,
) -> Response:
    """市域产教联合体及其监测指标。"""
    code = _own_region(session, user, region)
    chosen_year = _year(year)
    found = alliances.list_all(session, code)
    return render(
        request,
        "regulator/alliances.html",
        {
            "title": "产教联合体",
            "year": chosen_year,
            "region": region or "",
            "region_name": catalog.region_names(session, [code])[code],
            "alliances": [
                (alliance, alliances.indicators(session, alliance.id, chosen_year))
                for alliance in found
            ],
        },
    )


# ---------------------------------------------------------------- policy profile


def _policy_context(session: Session, user: User, region: str | None) -> dict[str, Any]:
    code = _own_region(session, user, region)
    effective = policy.effective_profile(session, code)
    profiles = policy.list_profiles(session, PageParams(page=1, page_size=100)).data
    current = next((p for p in profiles if p.key == effective.profile_key), None)
    return {
        "title": "政策配置",
        "region": region or "",
        "effective": effective,
        "source_label": POLICY_SOURCE_LABELS[effective.source],
        "source_region": (
            catalog.region_names(session, [effective.source_region_code])[
                effective.source_region_code
            ]
            if effective.source_region_code
            else None
        ),
        "profiles": [(p.key, p.name) for p in profiles],
        "current": current,
        "thresholds": labels.known_thresholds(current.params) if current else [],
        "sources": [
            (labels.rule_label(rule), text)
            for rule, text in (current.params.get("sources") or {}).items()
        ]
        if current
        else [],
        "form": {},
    }


@router.get("/policy", response_class=HTMLResponse)
def policy_page(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    region: Annotated[str | None, Query(max_length=6)] = None,
    saved: bool = False,
) -> Response:
    """本地区的政策配置：预警规则的阈值和政策依据。"""
    context = _policy_context(session, user, region)
    context["saved"] = saved
    return render(request, "regulator/policy.html", context)


@router.post("/policy", dependencies=[CsrfChecked])
def assign_policy(
    session: SessionDep,
    user: Supervisor,
    profile: Annotated[str, Form(max_length=32)] = "",
    region: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    code = _own_region(session, user, region or None)
    try:
        if not profile:
            raise Invalid("请选择政策配置", details=[field_detail("profile", "请选择")])
        policy.assign_profile(session, user, code, profile)
    except AppError as error:
        if error.status_code >= 500:
            raise
        raise FormInvalid(
            "regulator/policy.html", _policy_context(session, user, region or None), error
        ) from None
    return redirect(f"/regulator/policy?{query_string({'region': region}, saved='1')}")


# ---------------------------------------------------------------- placement rounds

# Deadlines are typed and shown in Beijing time (the people who use this are in China).
BEIJING = timezone(timedelta(hours=8), "北京时间")
ROUND_STATUS_LABELS = {"open": "志愿填报中", "run": "已运行，待公布", "completed": "已公布"}


def _beijing(value: datetime) -> str:
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


@router.get("/placement", response_class=HTMLResponse)
def placement_page(request: Request, session: ReadSessionDep, user: Supervisor) -> Response:
    """双选轮次：组织、运行、查看结果。"""
    rounds = placement.organiser_rounds(session, user)
    return render(
        request,
        "regulator/placement.html",
        {
            "title": "双选分配",
            "rounds": rounds,
            "status_labels": ROUND_STATUS_LABELS,
            "beijing": _beijing,
        },
    )


def _new_round_context(
    session: Session, user: User, form: dict[str, Any], graduation_year: int | None
) -> dict[str, Any]:
    positions, schools = placement.round_candidates(session, user, graduation_year)
    return {
        "title": "组织双选轮次",
        "positions": positions,
        "schools": schools,
        "kind_labels": {k.value: v for k, v in POSITION_KIND_LABELS.items()},
        "form": form,
    }


@router.get("/placement/new", response_class=HTMLResponse)
def new_round(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    graduation_year: str | None = None,
) -> Response:
    """组织双选轮次：选择岗位和学校（按名称）。"""
    year = _year(graduation_year) if graduation_year else None
    default_deadline = (datetime.now(BEIJING) + timedelta(days=7)).strftime("%Y-%m-%dT18:00")
    form: dict[str, Any] = {
        "deadline_at": default_deadline,
        "graduation_year": graduation_year or "",
        "positions": [],
        "schools": [],
    }
    return render(
        request, "regulator/placement_new.html", _new_round_context(session, user, form, year)
    )


async def _round_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {
        "title": str(form.get("title", "")).strip(),
        "deadline_at": str(form.get("deadline_at", "")).strip(),
        "graduation_year": str(form.get("graduation_year", "")).strip(),
        "positions": [str(v) for v in form.getlist("position")],
        "schools": [str(v) for v in form.getlist("school")],
    }


def _round_body(session: Session, form: dict[str, Any]) -> dict[str, Any]:
    problems = []
    deadline: Any = form["deadline_at"]
    try:
        # Stored in UTC: SQLite keeps no offset, and every reader takes the value as UTC.
        typed = datetime.fromisoformat(form["deadline_at"]).replace(tzinfo=BEIJING)
        deadline = typed.astimezone(UTC)
    except ValueError:
        problems.append(field_detail("deadline_at", "请填写截止时间（北京时间）"))
    year = None
    if form["graduation_year"]:
        try:
            year = _year(form["graduation_year"])
        except AppError:
            problems.append(field_detail("graduation_year", "年份应为四位数字"))
    try:
        schools = [uuid.UUID(s) for s in form["schools"]]
        positions = [uuid.UUID(p) for p in form["positions"]]
    except ValueError:
        raise Invalid("选择有误，请刷新页面后重试") from None
    if not positions:
        problems.append(field_detail("positions", "请至少选择一个岗位"))
    students = placement.students_to_invite(session, schools, year) if schools else []
    if not students:
        problems.append(field_detail("schools", "所选学校没有学生，请至少选择一所有学生的学校"))
    if problems:
        raise Invalid("双选轮次信息有误", details=problems)
    return {
        "title": form["title"],
        "deadline_at": deadline,
        "positions": [{"position_id": p} for p in positions],
        "student_ids": students,
    }


def _general(error: AppError) -> AppError:
    """The round's messages about list items (``positions.3.position_id``) read above the form."""
    details = []
    for detail in error.details:
        field = str(detail.get("field") or "")
        if "." in field:
            field = ""
        details.append({**detail, "field": field})
    return AppError(error.message, status_code=error.status_code, details=details)


@router.post("/placement", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_round(
    session: SessionDep,
    user: Supervisor,
    form: Annotated[dict[str, Any], Depends(_round_form)],
) -> Response:
    try:
        body = parse_form(RoundCreate, _round_body(session, form))
        created = placement.create_round(session, user, body)
    except AppError as error:
        if error.status_code >= 500:
            raise
        context = _new_round_context(session, user, form, None)
        raise FormInvalid("regulator/placement_new.html", context, _general(error)) from None
    return redirect(f"/regulator/placement/{created.id}?done=create")


@router.get("/placement/{round_id}", response_class=HTMLResponse)
def round_page(
    request: Request,
    session: ReadSessionDep,
    user: Supervisor,
    round_id: uuid.UUID,
    done: Literal["create", "run", "publish", ""] = "",
) -> Response:
    """一个双选轮次：岗位、学生数、分配结果（按名称；学生姓名按规定脱敏）。"""
    found = placement.read_round(session, user, round_id)
    named = placement.named_results(session, user, round_id) if found.run_at else None
    return render(
        request,
        "regulator/placement_round.html",
        {
            "title": found.title,
            "round": found,
            "enterprises": placement.round_enterprise_names(session, found),
            "named": named,
            "status_labels": ROUND_STATUS_LABELS,
            "kind_labels": {k.value: v for k, v in POSITION_KIND_LABELS.items()},
            "deadline": _beijing(found.deadline_at),
            "run_at": _beijing(found.run_at) if found.run_at else None,
            "deadline_passed": found.deadline_at <= datetime.now(BEIJING),
            "done": done,
        },
    )


@router.post("/placement/{round_id}/run", dependencies=[CsrfChecked])
def run_round(session: SessionDep, user: Supervisor, round_id: uuid.UUID) -> Response:
    placement.run_round(session, user, round_id)
    return redirect(f"/regulator/placement/{round_id}?done=run")


@router.post("/placement/{round_id}/publish", dependencies=[CsrfChecked])
def publish_round(session: SessionDep, user: Supervisor, round_id: uuid.UUID) -> Response:
    placement.publish_round(session, user, round_id)
    return redirect(f"/regulator/placement/{round_id}?done=publish")
