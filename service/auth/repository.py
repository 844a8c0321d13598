"""Queries of accounts."""

from __future__ import annotations

from sqlmodel import Session, select

from models import Organization, User


def user_named(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def organization_coded(session: Session, code: str) -> Organization | None:
    """The organisation an operator names when creating an account (auth does not import the
    organisations' domain, which imports auth)."""
    return session.exec(select(Organization).where(Organization.code == code)).first()
