"""Queries of password-reset tokens and the accounts they reset."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from models import PasswordResetToken, User


def user_named(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def token_hashed(session: Session, token_hash: str) -> PasswordResetToken | None:
    return session.exec(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash)
    ).first()


def use_up_tokens(session: Session, user_id: uuid.UUID, at: datetime) -> None:
    """End every unused link of the user (a newer one was sent, or the password was reset)."""
    session.execute(
        update(PasswordResetToken)
        .where(
            col(PasswordResetToken.user_id) == user_id,
            col(PasswordResetToken.used_at).is_(None),
        )
        .values(used_at=at)
    )
