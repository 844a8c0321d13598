"""The apply button of a position page: shown to signed-in students while the position is open.

Applications are their own domain (``service.applications``); until it is part of the app the
button explains that applying opens soon, and no state is shown.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from models import PositionStatus, Role, User
from service.positions.schemas import PositionView

ENABLED = False


def can_apply(user: User | None, view: PositionView) -> bool:
    return (
        user is not None
        and user.role == Role.student
        and view.position.status == PositionStatus.open
    )


def application_state(
    _session: Session, _user: User | None, _position_id: uuid.UUID
) -> dict[str, Any] | None:
    """The student's application to this position, once applications exist."""
    return None
