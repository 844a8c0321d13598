"""实习 pages for every party: the list, one internship with the actions of the viewer's role
(the student confirms and writes weekly logs; the school manages the agreement, the guardian's
consent, insurance and mentors, grades and completes; the enterprise confirms, comments and
evaluates; the regulator reads), the printable agreement and certificate."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import INTERNSHIP_STATUS_LABELS, Role, User
from service.deps import ReadSessionDep, SessionDep
from service.errors import AppError
from service.internships import documents, operations
from service.internships.schemas import (
    END_REASON_LABELS,
    GRADE_LABELS,
    AgreementUpdate,
    CommentCreate,
    ConfirmBody,
    EndBody,
    EvaluationBody,
    InsuranceBody,
    LogCreate,
    MentorsBody,
    Party,
)
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

router = APIRouter(prefix="/internships", route_class=PageRoute, include_in_schema=False)

Viewer = Annotated[
    User,
    Depends(
        require_page_roles(Role.student, Role.school, Role.enterprise, Role.regulator, Role.admin)
    ),
]
Actor = Annotated[User, Depends(require_page_roles(Role.student, Role.school, Role.enterprise))]
ALL = PageParams(page=1, page_size=100)
Action = Literal[
    "confirm", "guardian", "terms", "insurance", "mentors", "start", "log", "comment",
    "evaluate", "complete", "end",
]  # fmt: skip
TERMS_FIELDS = ("start_date", "end_date", "hours_per_day", "hours_per_week", "monthly_pay", "place")
_SEPARATORS = re.compile(r"[,，、\s]+")


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {str(k): str(v).strip() for k, v in form.items() if isinstance(v, str)}


@router.get("", response_class=HTMLResponse)
def list_page(
    request: Request, session: ReadSessionDep, user: Viewer, status: str | None = None
) -> Response:
    """实习列表（按角色）与违规发现。"""
    chosen = next((s for s in INTERNSHIP_STATUS_LABELS if s.value == status), None)
    rows, count = operations.list_internships(session, user, chosen, ALL)
    findings: list[Any] = []
    if user.role != Role.student:
        findings, _ = operations.list_findings(session, user, PageParams(page=1, page_size=50))
    return render(
        request,
        "internships/list.html",
        {
            "title": "实习管理",
            "internships": rows,
            "count": count,
            "findings": findings,
            "statuses": [(s.value, label) for s, label in INTERNSHIP_STATUS_LABELS.items()],
            "status": status or "",
        },
    )


def _context(
    session: Session, user: User, internship_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    internship = operations.read_internship(session, user, internship_id)
    agreement = operations.read_agreement(session, user, internship_id)
    logs = operations.list_logs(session, user, internship_id)
    findings = (
        operations.internship_findings(session, user, internship_id)
        if user.role != Role.student
        else []
    )
    terms = agreement.terms
    return {
        "title": f"{internship.position.title} · {internship.status_label}",
        "i": internship,
        "a": agreement,
        "logs": logs,
        "findings": findings,
        "role": user.role.value if isinstance(user.role, Role) else str(user.role),
        "grades": [(g.value, label) for g, label in GRADE_LABELS.items()],
        "reasons": [(r.value, label) for r, label in END_REASON_LABELS.items()],
        "form": {
            "start_date": terms.start_date.isoformat(),
            "end_date": terms.end_date.isoformat(),
            "hours_per_day": f"{terms.hours_per_day:g}",
            "hours_per_week": f"{terms.hours_per_week:g}",
            "monthly_pay": "" if terms.monthly_pay is None else f"{terms.monthly_pay:g}",
            "place": terms.place,
            "cover_start": terms.start_date.isoformat(),
            "cover_end": terms.end_date.isoformat(),
            **extra.pop("form", {}),
        },
        **extra,
    }


@router.get("/{internship_id}", response_class=HTMLResponse)
def detail_page(
    request: Request,
    session: ReadSessionDep,
    user: Viewer,
    internship_id: uuid.UUID,
    done: str | None = None,
) -> Response:
    """一项实习：协议、保险、导师、周志、评价。"""
    context = _context(session, user, internship_id, done=done)
    return render(request, "internships/detail.html", context)


@router.get("/{internship_id}/agreement", response_class=HTMLResponse)
def agreement_page(session: ReadSessionDep, user: Viewer, internship_id: uuid.UUID) -> Response:
    """可打印的三方协议。"""
    agreement = operations.read_agreement(session, user, internship_id)
    return HTMLResponse(documents.agreement_html(agreement))


@router.get("/{internship_id}/certificate", response_class=HTMLResponse)
def certificate_page(session: ReadSessionDep, user: Viewer, internship_id: uuid.UUID) -> Response:
    """可打印的实习完成证明。"""
    found = operations.certificate(session, user, internship_id)
    return HTMLResponse(documents.certificate_html(found))


def _hours(text: str) -> list[str]:
    return [part for part in _SEPARATORS.split(text) if part]


def _act(
    session: Session, user: User, internship_id: uuid.UUID, action: str, form: dict[str, str]
) -> None:
    if action == "confirm":
        operations.confirm_agreement(session, user, internship_id, ConfirmBody())
    elif action == "guardian":
        body = parse_form(
            ConfirmBody,
            {
                "party": Party.guardian.value,
                "guardian_name": form.get("guardian_name") or None,
                "guardian_relation": form.get("guardian_relation") or None,
            },
        )
        operations.confirm_agreement(session, user, internship_id, body)
    elif action == "terms":
        values = {k: form[k] for k in TERMS_FIELDS if form.get(k)}
        operations.update_agreement(
            session, user, internship_id, parse_form(AgreementUpdate, values)
        )
    elif action == "insurance":
        fields = ("insurer", "policy_number", "cover_start", "cover_end")
        values = {k: form[k] for k in fields if form.get(k)}
        operations.set_insurance(session, user, internship_id, parse_form(InsuranceBody, values))
    elif action == "mentors":
        mentors = {
            side: {k: form.get(f"{side}_{k}", "") for k in ("name", "title", "phone")}
            for side in ("school_mentor", "enterprise_mentor")
        }
        operations.set_mentors(session, user, internship_id, parse_form(MentorsBody, mentors))
    elif action == "start":
        operations.start(session, user, internship_id)
    elif action == "log":
        log: dict[str, Any] = {
            "week_start_date": form.get("week_start_date") or None,
            "content": form.get("content", ""),
            "daily_hours": _hours(form.get("daily_hours", "")) or None,
            "night_shift": form.get("night_shift") == "on",
            "overtime": form.get("overtime") == "on",
        }
        operations.add_log(session, user, internship_id, parse_form(LogCreate, log))
    elif action == "comment":
        operations.comment_log(
            session,
            user,
            internship_id,
            uuid.UUID(form.get("log_id", "")),
            parse_form(CommentCreate, {"text": form.get("text", "")}),
        )
    elif action == "evaluate":
        evaluation = {k: form[k] for k in ("score", "grade", "comment") if form.get(k)}
        operations.evaluate(session, user, internship_id, parse_form(EvaluationBody, evaluation))
    elif action == "complete":
        operations.complete(session, user, internship_id)
    else:
        ending = {k: form[k] for k in ("reason", "note") if form.get(k)}
        operations.end_early(session, user, internship_id, parse_form(EndBody, ending))


@router.post("/{internship_id}/{action}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def act(
    session: SessionDep,
    reader: ReadSessionDep,
    user: Actor,
    internship_id: uuid.UUID,
    action: Action,
    form: Annotated[dict[str, str], Depends(_form)],
) -> Response:
    """协议确认、保险、导师、开始、周志、批注、评价、完成、提前终止。"""
    try:
        _act(session, user, internship_id, action, form)
    except (AppError, ValueError) as error:
        if not isinstance(error, AppError):
            error = AppError("输入数据有误", status_code=422)
        context = _context(reader, user, internship_id, form=form, failed=action)
        raise FormInvalid("internships/detail.html", context, error) from None
    return redirect(f"/internships/{internship_id}?done={action}")
