"""注册: an enterprise or a school registers itself and its first account; the answer is "pending
review" (待审核) until the regulator of its region verifies it.

The API's registration (``POST /api/v1/auth/register``): the same checks (统一社会信用代码 check
digit, 学校标识码, password rule, region), the same throttle per address (counted before the write
transaction begins, like the sign-in form), and a CSRF token like every form.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models import MajorLevel, OrganizationKind
from models.base import ORGANIZATION_KIND_LABELS
from service import throttle
from service.auth import operations as auth
from service.auth.router import client_address
from service.catalog import operations as catalog
from service.db import write_from_here
from service.deps import ReadSessionDep
from service.errors import AppError, Invalid, field_detail
from service.organizations import operations as organizations
from service.organizations.schemas import RegisterRequest
from service.pages import regions
from service.pages.web import CsrfChecked, FormInvalid, PageRoute, parse_form, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

KINDS = (OrganizationKind.enterprise, OrganizationKind.school)
TEXT_FIELDS = (
    "kind",
    "name",
    "code",
    "industry_code",
    "level",
    "staff_count",
    "username",
    "display_name",
    "password",
    "password_again",
)
ORGANIZATION_FIELDS = ("kind", "name", "code", "industry_code", "level", "staff_count")
PREFIX = "org_region"


def _industries(session: Session) -> list[tuple[str, list[tuple[str, str]]]]:
    """The 门类 of GB/T 4754 with their 大类, for the industry select."""
    sections = catalog.search_industries(session, None, "门类", 0, 100).data
    divisions = catalog.search_industries(session, None, "大类", 0, 100).data
    return [
        (
            f"{s.code} {s.name}",
            [(d.code, f"{d.code} {d.name}") for d in divisions if d.parent_code == s.code],
        )
        for s in sections
    ]


def _context(session: Session, form: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "title": "注册",
        "form": form,
        "kinds": [(k.value, ORGANIZATION_KIND_LABELS[k]) for k in KINDS],
        "levels": [m.value for m in MajorLevel],
        "industries": _industries(session),
        "region_choice": regions.picker(session, PREFIX, regions.chosen_code(form, PREFIX)),
        **extra,
    }


async def _register_form(request: Request) -> dict[str, str]:
    form = await request.form()
    names = (*TEXT_FIELDS, *regions.field_names(PREFIX))
    return {name: str(form.get(name, "")) for name in names}


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request, session: ReadSessionDep) -> Response:
    """企业、学校自助注册。"""
    return render(request, "register.html", _context(session, {"kind": "enterprise"}))


def _request_of(form: dict[str, str]) -> dict[str, Any]:
    kind = form.get("kind", "")
    organization: dict[str, Any] = {
        "kind": kind,
        "name": form.get("name", ""),
        "code": form.get("code", ""),
        "region_code": regions.chosen_code(form, PREFIX),
    }
    if kind == OrganizationKind.enterprise.value:
        organization["industry_code"] = form.get("industry_code") or None
        organization["staff_count"] = form.get("staff_count", "").strip() or None
    else:
        organization["level"] = form.get("level") or None
    return {
        "organization": organization,
        "username": form.get("username", "").strip(),
        "password": form.get("password", ""),
        "display_name": form.get("display_name", "").strip() or None,
    }


def _form_field(field: str) -> str:
    """The API names organisation fields ``organization.code``; the form names them ``code``."""
    name = field.removeprefix("organization.")
    return "region_code" if name == "region_code" else name


@router.post("/register", response_class=HTMLResponse, dependencies=[CsrfChecked])
def register(
    request: Request,
    read_session: ReadSessionDep,
    form: Annotated[dict[str, str], Depends(_register_form)],
) -> Response:
    context = _context(read_session, form)
    try:
        # Counted first, on the throttle's own connection, before this request writes anything.
        throttle.check_and_hit(throttle.REGISTER_PER_ADDRESS, client_address(request))
        problems = []
        if form.get("password", "") != form.get("password_again", ""):
            problems.append(field_detail("password_again", "两次输入的密码不一致"))
        if not regions.chosen_code(form, PREFIX):
            problems.append(field_detail("region_code", "请选择所在地（省、市、区县）"))
        values = _request_of(form)
        try:
            body = parse_form(RegisterRequest, values)
        except Invalid as error:
            # The organisation's own checks too (the code's check digit), so that every field
            # with a problem says so at once, not only the ones the schema saw first.
            found = {(d.get("field"), d.get("message")) for d in error.details}
            own = organizations.field_problems(
                read_session, values["organization"], "organization."
            )
            extra = [d for d in own if (d.get("field"), d.get("message")) not in found]
            problems = [*error.details, *extra, *problems]
            raise Invalid("注册信息有误", details=problems) from None
        if problems:
            # The operation's own checks too, so that every field says its problem at once.
            own = organizations.field_problems(
                read_session, values["organization"], "organization."
            )
            if (weak := auth.password_problem(body.password, body.username)) is not None:
                own.append(field_detail("password", weak))
            raise Invalid("注册信息有误", details=[*own, *problems])
        organization = organizations.register(write_from_here(request, read_session), body)
    except AppError as error:
        for detail in error.details:
            detail["field"] = _form_field(str(detail.get("field") or ""))
        raise FormInvalid("register.html", context, error) from None
    return render(
        request,
        "register_done.html",
        {
            "title": "注册申请已提交",
            "organization": organization,
            "kind_label": ORGANIZATION_KIND_LABELS[OrganizationKind(organization.kind)],
            "region_name": catalog.region_display_name(read_session, organization.region_code),
            "message": organizations.REGISTRATION_MESSAGE,
            "username": body.username,
        },
    )
