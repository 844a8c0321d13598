"""The printable agreement and certificate: A4 HTML pages with Chinese fonts and print CSS (the
browser's print to PDF makes the PDF; no PDF library)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from service import clock, export_cells
from service.internships.schemas import AgreementPublic, CertificatePublic

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.filters["clean"] = lambda value: export_cells.clean_text(
    "" if value is None else str(value)
)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


_TEMPLATES.filters["money"] = _number
_TEMPLATES.filters["beijing"] = lambda value: clock.local(value).strftime("%Y-%m-%d %H:%M")


def agreement_html(agreement: AgreementPublic) -> str:
    return _TEMPLATES.get_template("agreement.html").render(a=agreement, t=agreement.terms)


def certificate_html(certificate: CertificatePublic) -> str:
    return _TEMPLATES.get_template("certificate.html").render(c=certificate)
