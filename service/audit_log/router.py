from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from models import Role, User
from service.audit_log import operations
from service.audit_log.schemas import AuditEntriesPublic, AuditEntryPublic, AuditFilters
from service.auth.dependencies import ReadSessionDep, require_roles
from service.http_errors import error_responses
from service.page_dep import PageDep

router = APIRouter(prefix="/audit", tags=["审计"])
Supervisor = Annotated[User, Depends(require_roles(Role.regulator, Role.admin))]


@router.get("", response_model=AuditEntriesPublic, responses=error_responses(401, 403))
def list_audit(
    session: ReadSessionDep,
    viewer: Supervisor,
    page: PageDep,
    entity: Annotated[str | None, Query(max_length=32, description="对象类型")] = None,
    entity_id: Annotated[str | None, Query(max_length=64, description="对象编号")] = None,
    action: Annotated[str | None, Query(max_length=32, description="动作")] = None,
    actor: Annotated[str | None, Query(max_length=64, description="操作者用户名")] = None,
    since: Annotated[datetime | None, Query(description="起始时间（含）")] = None,
    until: Annotated[datetime | None, Query(description="截止时间（不含）")] = None,
) -> AuditEntriesPublic:
    """审计日志（管理员可见全部，监管部门仅见本辖区机构及其账户的记录），新的在前。"""
    filters = AuditFilters(entity, entity_id, action, actor, since, until)
    rows, count = operations.list_entries(session, viewer, filters, page)
    return AuditEntriesPublic(
        data=[AuditEntryPublic.model_validate(row) for row in rows], count=count
    )
