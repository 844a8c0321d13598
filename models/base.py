"""Shared bases of the tables: the constraint naming convention, enums and column helpers.

The naming convention must be installed on ``SQLModel.metadata`` before any table is declared, so
that every constraint gets a stable name that migrations (and their downgrades) can refer to.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import JSON, MetaData
from sqlmodel import SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)

# The largest count of people (staff, headcount, graduates …) any field accepts: far above any real
# organisation, and inside the 32-bit INTEGER columns of both databases.
MAX_COUNT = 10_000_000

# Deterministic ids (uuid5 of a natural key) make seeds and imports idempotent.
ID_NAMESPACE = uuid.UUID("6f1c5a52-8d0e-4f59-9a51-0c2b7f5d9e11")


def natural_id(*parts: object) -> uuid.UUID:
    """The deterministic id of an entity identified by its natural key."""
    return uuid.uuid5(ID_NAMESPACE, "|".join(str(p) for p in parts))


def utcnow() -> datetime:
    return datetime.now(UTC)


JSONType = JSON


class MajorLevel(StrEnum):
    """Levels of the 职业教育专业目录."""

    secondary = "中职"
    higher = "高职专科"
    bachelor = "职教本科"


class OrganizationKind(StrEnum):
    enterprise = "enterprise"
    school = "school"
    park = "park"
    government = "government"


class OrganizationStatus(StrEnum):
    pending = "pending"
    verified = "verified"
    suspended = "suspended"


class Role(StrEnum):
    enterprise = "enterprise"
    school = "school"
    student = "student"
    regulator = "regulator"
    admin = "admin"


class PositionKind(StrEnum):
    apprenticeship = "apprenticeship"
    internship = "internship"
    job = "job"


class PositionStatus(StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"
    filled = "filled"


class ApplicationStatus(StrEnum):
    submitted = "submitted"
    reviewing = "reviewing"
    interview = "interview"  # an interview was proposed (issue 26); then offered or rejected
    offered = "offered"
    accepted = "accepted"
    rejected = "rejected"
    declined = "declined"
    withdrawn = "withdrawn"
    closed = "closed"  # the position was filled or closed while this application was pending


# A published position is public and counts as demand: open, or closed/filled after being open.
PUBLISHED_STATUSES = (PositionStatus.open, PositionStatus.closed, PositionStatus.filled)

# Roles that oversee every organisation: they verify, and may act for anyone.
SUPERVISOR_ROLES = frozenset({Role.admin, Role.regulator})

ORGANIZATION_KIND_LABELS = {
    OrganizationKind.enterprise: "企业",
    OrganizationKind.school: "学校",
    OrganizationKind.park: "园区",
    OrganizationKind.government: "政府",
}
POSITION_KIND_LABELS = {
    PositionKind.apprenticeship: "学徒",
    PositionKind.internship: "实习",
    PositionKind.job: "就业",
}
POSITION_STATUS_LABELS = {
    PositionStatus.draft: "草稿",
    PositionStatus.open: "招聘中",
    PositionStatus.closed: "已关闭",
    PositionStatus.filled: "已招满",
}
APPLICATION_STATUS_LABELS = {
    ApplicationStatus.submitted: "已投递",
    ApplicationStatus.reviewing: "审核中",
    ApplicationStatus.interview: "面试",
    ApplicationStatus.offered: "已发录用通知",
    ApplicationStatus.accepted: "已接受录用",
    ApplicationStatus.rejected: "未通过",
    ApplicationStatus.declined: "已婉拒录用",
    ApplicationStatus.withdrawn: "已撤回",
    ApplicationStatus.closed: "岗位已招满或关闭",
}
