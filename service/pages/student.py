"""学生 pages: ``/me`` — the profile, recommendations with their reasons, applications with their
states and the student's actions (accept / decline / withdraw)."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import Role, User
from models.base import POSITION_KIND_LABELS
from service.applications import operations as applications
from service.catalog import operations as catalog
from service.deps import ReadSessionDep, SessionDep
from service.errors import AppError, Invalid, Unavailable, field_detail
from service.pages import applying, regions
from service.pages.web import (
    CsrfChecked,
    FormInvalid,
    PageRoute,
    parse_form,
    redirect,
    render,
    require_page_roles,
)
from service.pagination import PageParams
from service.placement import operations as placement
from service.placement.schemas import ChoicesIn
from service.recommendations import operations as recommendations
from service.recommendations.schemas import RecommendationsPublic
from service.students import operations as students
from service.students.schemas import ProfileUpdate

router = APIRouter(prefix="/me", route_class=PageRoute, include_in_schema=False)

StudentUser = Annotated[User, Depends(require_page_roles(Role.student))]
PROFILE_FIELDS = ("phone", "skills", "certificates", "introduction", *regions.field_names("pref"))
LIST_FIELDS = ("skills", "certificates")
RECOMMENDATIONS = 10
REGION_LABELS = {"preferred": "在意向地区内", "same_province": "与意向地区同省"}
_SEPARATORS = re.compile(r"[,，、;；\n\r]+")


def _split(text: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def _context(session: Session, user: User, **extra: Any) -> dict[str, Any]:
    profile = students.read_profile(session, user)
    rows, count = applications.list_applications(
        session, user, applications.ApplicationFilters(), PageParams(page=1, page_size=100)
    )
    form = {
        "phone": profile.phone or "",
        "skills": "、".join(profile.skills),
        "certificates": "、".join(profile.certificates),
        "preferred_regions": list(profile.preferred_regions),
        "introduction": profile.introduction,
        "preferred_kinds": [k.value for k in profile.preferred_kinds],
    }
    student = recommendations.student_of_user(session, user)
    recommended: RecommendationsPublic | None = None
    recommendations_pending: str | None = None
    try:
        recommended = RecommendationsPublic.model_validate(
            recommendations.recommend(session, student, RECOMMENDATIONS)
        )
    except Unavailable as error:  # the worker's index is still being built: the rest of the page
        recommendations_pending = error.message
    return {
        "title": "我的",
        "region_choice": regions.picker(session, "pref", None),
        "region_names": {
            code: catalog.region_display_name(session, code) for code in profile.preferred_regions
        },
        "profile": profile,
        "recommendations": recommended.data if recommended is not None else [],
        "recommendations_pending": recommendations_pending,
        "rounds": placement.my_rounds(session, user),
        "region_labels": REGION_LABELS,
        "applications": [(a, applying.actions_for(a, Role.student)) for a in rows],
        "application_count": count,
        "kinds": [(k.value, label) for k, label in POSITION_KIND_LABELS.items()],
        "form": form,
        **extra,
    }


@router.get("", response_class=HTMLResponse)
def home(
    request: Request,
    session: ReadSessionDep,
    user: StudentUser,
    saved: str | None = None,
    done: str | None = None,
    application: uuid.UUID | None = None,
) -> Response:
    """学生：个人资料与我的申请。"""
    message = applying.done_message(session, user, done, application)
    return render(request, "student/home.html", _context(session, user, saved=saved, done=message))


async def _profile_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name, "")) for name in PROFILE_FIELDS}
    values["preferred_kinds"] = [str(v) for v in form.getlist("preferred_kinds")]
    kept = [str(v) for v in form.getlist("preferred_regions")]
    added = regions.chosen_code({k: str(v) for k, v in values.items()}, "pref")
    values["preferred_regions"] = list(dict.fromkeys([*kept, *([added] if added else [])]))
    return values


@router.post("/profile", response_class=HTMLResponse, dependencies=[CsrfChecked])
def update_profile(
    session: SessionDep,
    user: StudentUser,
    form: Annotated[dict[str, Any], Depends(_profile_form)],
) -> Response:
    context = _context(session, user)
    context["form"] = form
    context["region_names"] = {
        code: catalog.region_display_name(session, code) for code in form["preferred_regions"]
    }
    values: dict[str, Any] = {
        "phone": form["phone"].strip() or None,
        "introduction": form["introduction"].strip(),
        "preferred_kinds": form["preferred_kinds"],
        "preferred_regions": form["preferred_regions"],
        **{name: _split(form[name]) for name in LIST_FIELDS},
    }
    try:
        students.update_profile(session, user, parse_form(ProfileUpdate, values))
    except AppError as error:
        raise FormInvalid("student/home.html", context, error) from None
    return redirect("/me?saved=1")


@router.post("/applications/{application_id}/{action}", dependencies=[CsrfChecked])
def act(session: SessionDep, user: StudentUser, application_id: uuid.UUID, action: str) -> Response:
    chosen = applying.parse_action(action, Role.student)
    if chosen is None:
        raise Invalid("不支持的操作", details=[field_detail("action", f"无法执行“{action}”")])
    applications.transition(session, user, application_id, chosen)
    return redirect(f"/me?done={chosen.value}&application={application_id}#applications")


# ---------------------------------------------------------------- placement-round choices


def _round_context(session: Session, user: User, round_id: uuid.UUID) -> dict[str, Any]:
    rounds = {r.id: (r, editable) for r, editable in placement.my_rounds(session, user)}
    chosen = placement.read_choices(session, user, round_id).position_ids  # 403 if not invited
    row, editable = rounds[round_id]
    ranks = {str(pid): str(number) for number, pid in enumerate(chosen, start=1)}
    return {
        "title": f"{row.title} · 志愿",
        "round": row,
        "editable": editable,
        "form": ranks,
        "chosen": list(chosen),
    }


@router.get("/placement/{round_id}", response_class=HTMLResponse)
def round_choices(
    request: Request,
    session: ReadSessionDep,
    user: StudentUser,
    round_id: uuid.UUID,
    saved: str | None = None,
) -> Response:
    """学生：双选轮次的志愿，按序号排列（1 为第一志愿）。"""
    context = _round_context(session, user, round_id)
    return render(request, "student/placement.html", {**context, "saved": saved})


def _ranked(form: dict[str, str], position_ids: list[str]) -> list[uuid.UUID]:
    """The positions in the order of the numbers typed beside them (blank: not chosen)."""
    numbered: list[tuple[int, str]] = []
    problems = []
    for pid in position_ids:
        text = form.get(f"rank-{pid}", "").strip()
        if not text:
            continue
        if not text.isdigit() or int(text) < 1:
            problems.append(field_detail(f"rank-{pid}", "请填写正整数序号，1 为第一志愿"))
            continue
        numbered.append((int(text), pid))
    counts = Counter(number for number, _ in numbered)
    problems += [
        field_detail(f"rank-{pid}", f"序号 {number} 重复")
        for number, pid in numbered
        if counts[number] > 1
    ]
    if problems:
        raise Invalid("志愿有误", details=problems)
    return [uuid.UUID(pid) for _, pid in sorted(numbered)]


async def _rank_form(request: Request) -> dict[str, str]:
    return {key: str(value) for key, value in (await request.form()).items()}


@router.post("/placement/{round_id}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def set_round_choices(
    session: SessionDep,
    user: StudentUser,
    round_id: uuid.UUID,
    form: Annotated[dict[str, str], Depends(_rank_form)],
) -> Response:
    context = _round_context(session, user, round_id)
    context["form"] = {k[len("rank-") :]: v for k, v in form.items() if k.startswith("rank-")}
    position_ids = [str(p.position_id) for p in context["round"].positions]
    try:
        ranked = _ranked(form, position_ids)
        try:
            placement.set_choices(session, user, round_id, ChoicesIn(position_ids=ranked))
        except Invalid as error:
            # The operation names list positions (position_ids.N): shown beside that position.
            for detail in error.details:
                field = str(detail.get("field", ""))
                index = field.rpartition(".")[2]
                if field.startswith("position_ids.") and index.isdigit():
                    detail["field"] = f"rank-{ranked[int(index)]}"
            raise
    except AppError as error:
        raise FormInvalid("student/placement.html", context, error) from None
    return redirect(f"/me/placement/{round_id}?saved=1")
