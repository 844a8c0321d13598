"""Queries of accounts."""

from __future__ import annotations

from sqlmodel import Session, select

from models import User


def user_named(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()
