"""Support measures of 政策支持清单: regulators add their region's own, edit and withdraw them.

National measures (no region) are edited only by national regulators and admins; a regional
regulator adds and edits those of the regions it supervises. Withdrawn measures are kept (with
the time) and drop out of the list.
"""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import PolicyMeasure, Region, User
from models.base import utcnow
from service import audit
from service.catalog import operations as catalog
from service.errors import Conflict, Forbidden, Invalid, NotFound, field_detail
from service.lists import repository
from service.lists.schemas import MeasureIn, MeasurePublic, MeasureUpdate
from service.organizations import operations as organizations

# Fields a measure must keep: sent as null in an update they are refused.
REQUIRED = ("title", "issuer", "document_no", "kind", "eligible")


def _public(row: PolicyMeasure) -> MeasurePublic:
    return MeasurePublic.model_validate(row, from_attributes=True)


def _national(session: Session, actor: User) -> bool:
    return (
        actor.role in organizations.SUPERVISORS
        and organizations.supervision_scope(session, actor) is None
    )


def _check_editor(session: Session, actor: User, region_code: str | None) -> None:
    # Only supervisors reach here (the routes' role check).
    if region_code is None:
        if not _national(session, actor):
            raise Forbidden(
                "全国性措施只能由国家监管部门或管理员维护",
                details=[field_detail("region_code", "地方监管部门须填写本地区代码")],
            )
    elif not organizations.supervises(session, actor, region_code):
        raise Forbidden(
            "只能维护本部门管辖地区的措施",
            details=[field_detail("region_code", "不在本部门管辖地区内")],
        )


def list_measures(
    session: Session, region: str | None, include_withdrawn: bool
) -> list[MeasurePublic]:
    """Every measure, or those that apply to ``region`` (national ones and its regions' own)."""
    own = catalog.region_ancestors(session, region) if region else None
    return [_public(row) for row in repository.measures(session, own, include_withdrawn)]


def _get(session: Session, key: str) -> PolicyMeasure:
    row = session.get(PolicyMeasure, key)
    if row is None:
        raise NotFound(f"支持措施 {key} 不存在", details=[field_detail("key", "没有这项措施")])
    return row


def _visible_for_edit(session: Session, actor: User, key: str) -> PolicyMeasure:
    """The measure to edit; a region's measure outside the actor's region is "not found"."""
    row = _get(session, key)
    if row.region_code is not None and not organizations.supervises(
        session, actor, row.region_code
    ):
        raise NotFound(f"支持措施 {key} 不存在", details=[field_detail("key", "没有这项措施")])
    _check_editor(session, actor, row.region_code)
    return row


def create(session: Session, data: MeasureIn, actor: User) -> MeasurePublic:
    if actor.role in organizations.SUPERVISORS and data.region_code is not None:
        if session.get(Region, data.region_code) is None:
            raise Invalid(
                f"地区代码 {data.region_code} 不存在",
                details=[field_detail("region_code", "行政区划代码不在目录中")],
            )
    _check_editor(session, actor, data.region_code)
    key = data.key or f"{data.region_code or 'national'}-{uuid.uuid4().hex[:8]}"
    if session.get(PolicyMeasure, key) is not None:
        raise Conflict(f"措施编号 {key} 已被使用", details=[field_detail("key", "编号已存在")])
    last = repository.last_measure_order(session)
    row = PolicyMeasure(
        **data.model_dump(exclude={"key"}),
        key=key,
        sort_order=last + 1,
        updated_by=actor.id,
        updated_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(
            f"措施编号 {key} 已被使用", details=[field_detail("key", "编号已存在")]
        ) from None
    audit.record(session, actor, "create", "policy_measure", key, after=row)
    return _public(row)


def update(session: Session, key: str, changes: MeasureUpdate, actor: User) -> MeasurePublic:
    row = _visible_for_edit(session, actor, key)
    if row.withdrawn_at is not None:
        raise Conflict("措施已撤回，不能再修改", details=[field_detail("key", "已撤回")])
    given = changes.model_dump(exclude_unset=True)
    nulls = [name for name in REQUIRED if name in given and given[name] is None]
    if nulls:
        raise Invalid(
            "以下字段不能为空：" + "、".join(nulls),
            details=[field_detail(name, "不能为空") for name in nulls],
        )
    before = audit.snapshot(row)
    for name, value in given.items():
        setattr(row, name, value)
    row.updated_by = actor.id
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(session, actor, "update", "policy_measure", key, before, row)
    return _public(row)


def withdraw(session: Session, key: str, actor: User) -> MeasurePublic:
    row = _visible_for_edit(session, actor, key)
    if row.withdrawn_at is not None:
        raise Conflict("措施已撤回", details=[field_detail("key", "已撤回")])
    before = audit.snapshot(row)
    row.withdrawn_at = utcnow()
    row.updated_by = actor.id
    row.updated_at = row.withdrawn_at
    session.add(row)
    session.flush()
    audit.record(session, actor, "withdraw", "policy_measure", key, before, row)
    return _public(row)
