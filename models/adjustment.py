"""The yearly 专业动态调整 cycle: a region's window, schools' proposals, the regulator's decision.

A regulator opens one window per region and year (the dates proposals may be submitted in and the
kinds it takes); a school drafts proposals to open, stop, close, resize or upgrade a major, the
platform attaches the evidence of the region's mismatch report (frozen when submitted), and the
region's regulator approves, returns or refuses. An approval changes the school's programmes.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Date, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import JSONType, utcnow


class ProposalKind(StrEnum):
    """What a school proposes to do with a major."""

    open = "open"  # 新增
    stop = "stop"  # 停招
    close = "close"  # 撤销
    plan = "plan"  # 调整计划
    upgrade = "upgrade"  # 改造升级


PROPOSAL_KIND_LABELS: dict[str, str] = {
    ProposalKind.open: "新增",
    ProposalKind.stop: "停招",
    ProposalKind.close: "撤销",
    ProposalKind.plan: "调整计划",
    ProposalKind.upgrade: "改造升级",
}


class ProposalStatus(StrEnum):
    draft = "draft"  # 草稿
    submitted = "submitted"  # 已提交（待审核）
    returned = "returned"  # 退回修改
    approved = "approved"  # 已批准
    refused = "refused"  # 不予批准


PROPOSAL_STATUS_LABELS: dict[str, str] = {
    ProposalStatus.draft: "草稿",
    ProposalStatus.submitted: "待审核",
    ProposalStatus.returned: "退回修改",
    ProposalStatus.approved: "已批准",
    ProposalStatus.refused: "不予批准",
}


class AdjustmentWindow(SQLModel, table=True):
    """A region's adjustment window of one year: when proposals may be submitted, of which kinds.

    ``year`` is the year of the cycle: the evidence is that year's mismatch report (graduation
    year) and an approved proposal changes the plan of the following enrolment year.
    """

    __tablename__ = "adjustment_window"
    __table_args__ = (UniqueConstraint("region_code", "year"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    year: int
    opens_on: date = Field(sa_column=Column(Date, nullable=False))
    closes_on: date = Field(sa_column=Column(Date, nullable=False))
    kinds: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    note: str = Field(default="", max_length=500)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class MajorProposal(SQLModel, table=True):
    """A school's proposal about one major in a window, with its case, evidence and decision."""

    __tablename__ = "major_proposal"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    window_id: uuid.UUID = Field(foreign_key="adjustment_window.id", index=True)
    school_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    kind: str = Field(max_length=16)
    major_code: str = Field(foreign_key="major.code", max_length=8, index=True)
    # 改造升级: the catalogue major the programme becomes.
    target_major_code: str | None = Field(default=None, foreign_key="major.code", max_length=8)
    # 新增 / 调整计划 / 改造升级: next year's enrolment plan asked for.
    planned_enrolment: int | None = None
    # The school's own case, in fields.
    teachers: int | None = None  # 专任教师数
    dual_qualified_teachers: int | None = None  # 双师型教师数
    facilities: str = Field(default="", max_length=1000)  # 实训条件
    partners: list[str] = Field(  # 合作企业
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    reason: str = Field(default="", max_length=2000)  # 申请理由
    justification: str = Field(default="", max_length=2000)  # 与预警相反时的书面说明
    # Platform-attached: evidence, and the checks against the region's warnings.
    evidence: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    warnings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    against_warning: bool = False
    status: str = Field(default=ProposalStatus.draft, max_length=16, index=True)
    evidence_frozen_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    submitted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    decision_comment: str = Field(default="", max_length=1000)
    decided_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # What an approval changed: the programmes before and after.
    applied: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
