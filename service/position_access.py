"""May this user see this position, and may it act on it: the one rule, for every domain.

Seeing. A position is visible to
- its enterprise's accounts, whatever its state (drafts included);
- supervisors whose region holds its place of work (admins and national regulators: all);
- everyone, anonymous callers included, once published (open, filled or closed) by a verified
  enterprise.
The first two are *privileged*: they also see its unpublished state and its compliance detail.

Acting. Only its enterprise acts on a position as its owner (edits, publishes, closes it, ranks
students for it in a placement round); privileged readings (the candidate programmes) are for the
privileged viewers above. Which roles may call an operation at all is the route's role check.

Answers. A position the caller may not see is "not found" (404), exactly like one that does not
exist: the answer does not reveal that it exists. A position the caller sees but may not act on
(another enterprise's published one, another region's for a regional regulator) is forbidden (403):
its existence is public, only the action is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlmodel import Session

from models import Organization, OrganizationStatus, Position, User
from models.base import PUBLISHED_STATUSES, SUPERVISOR_ROLES
from service.errors import Forbidden, NotFound, field_detail
from service.organizations import operations as organizations

NOT_FOUND = "岗位不存在"


def is_owner(user: User | None, position: Position) -> bool:
    """Whether ``user`` is an account of the position's enterprise."""
    return user is not None and user.organization_id == position.enterprise_id


def privilege(session: Session, user: User | None) -> Callable[[Position], bool]:
    """Whether ``user`` is privileged on a position, as a test of many positions (one look-up of
    the supervisor's region): the owner, and supervisors whose region holds the place of work."""
    if user is None or user.role not in SUPERVISOR_ROLES:
        return lambda position: is_owner(user, position)
    scope = organizations.supervision_scope(session, user)
    if scope is None:
        return lambda _position: True
    return lambda position: position.region_code in scope


def privileged(session: Session, user: User | None, position: Position) -> bool:
    return privilege(session, user)(position)


def is_public(session: Session, position: Position) -> bool:
    """Published by a verified enterprise: visible to everyone."""
    if position.status not in PUBLISHED_STATUSES:
        return False
    enterprise = session.get(Organization, position.enterprise_id)
    return enterprise is not None and enterprise.status == OrganizationStatus.verified


def visible(session: Session, user: User | None, position: Position) -> bool:
    return privileged(session, user, position) or is_public(session, position)


def _not_found(field: str | None) -> NotFound:
    details = [field_detail(field, NOT_FOUND)] if field is not None else None
    return NotFound(NOT_FOUND, details=details)


def seen(
    session: Session, user: User | None, position: Position | None, *, field: str | None = None
) -> Position:
    """``position`` if ``user`` may see it; otherwise 404, as for a missing position (``None``).

    ``field`` names the request field that gave the id, for the error's details."""
    if position is None or not visible(session, user, position):
        raise _not_found(field)
    return position


def owned(session: Session, user: User, position: Position | None, refusal: str) -> Position:
    """``position`` if ``user`` is of its enterprise; 404 when it may not see it, else 403
    (``refusal`` says what only the owner may do)."""
    found = seen(session, user, position)
    if not is_owner(user, found):
        raise Forbidden(refusal)
    return found


def privileged_position(
    session: Session, user: User | None, position_id: uuid.UUID, refusal: str
) -> Position:
    """A position ``user`` is privileged on; 404 when it may not see it, else 403. ``None`` is the
    command line, which sees every position."""
    position = session.get(Position, position_id)
    if user is None and position is not None:
        return position
    found = seen(session, user, position)
    if not privileged(session, user, found):
        raise Forbidden(refusal)
    return found
