"""Queries shared by the domains' repositories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, func, select

Row = TypeVar("Row", bound=SQLModel)


def counted_page(
    session: Session,
    model: type[Row],
    conditions: Sequence[Any],
    order: Sequence[Any],
    offset: int,
    limit: int,
) -> tuple[list[Row], int]:
    """One page of ``model``'s rows matching ``conditions`` in ``order``, and how many match."""
    total = session.exec(select(func.count()).select_from(model).where(*conditions)).one()
    rows = session.exec(
        select(model).where(*conditions).order_by(*order).offset(offset).limit(limit)
    ).all()
    return list(rows), int(total)
