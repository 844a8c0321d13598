"""Queries of accounts."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import Organization, RefreshToken, User


def user_named(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def organization_coded(session: Session, code: str) -> Organization | None:
    """The organisation an operator names when creating an account (auth does not import the
    organisations' domain, which imports auth)."""
    return session.exec(select(Organization).where(Organization.code == code)).first()


def live_refresh_tokens(session: Session, user_id: str) -> list[RefreshToken]:
    """The refresh tokens of a user that are not revoked (expired ones included)."""
    return list(
        session.exec(
            select(RefreshToken).where(
                RefreshToken.user_id == user_id, col(RefreshToken.revoked_at).is_(None)
            )
        ).all()
    )
