"""Reading the audit log: admins see all of it, regulators what happened in their region."""

from __future__ import annotations

from sqlmodel import Session

from models import AuditLog, Role, User
from service.audit_log import repository
from service.audit_log.schemas import AuditFilters
from service.errors import Forbidden
from service.organizations import operations as organizations
from service.pagination import PageParams


def list_entries(
    session: Session, viewer: User, filters: AuditFilters, page: PageParams
) -> tuple[list[AuditLog], int]:
    """A page of the log, newest first, within what ``viewer`` may read."""
    if viewer.role not in (Role.admin, Role.regulator):
        raise Forbidden("仅管理员和监管部门可查看审计日志")
    scope = organizations.supervision_scope(session, viewer)
    return repository.entries(
        session, filters, scope, organizations.ENTITY, page.offset, page.page_size
    )
