"""Request and response bodies of the placement-round endpoints."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from models.base import MAX_COUNT
from service.fields import InputModel, UtcDatetime

MAX_ROUND_POSITIONS = 2000
MAX_ROUND_STUDENTS = 50_000
MAX_CHOICES = 50
SEED_MAX = 2**31 - 1


class RoundPositionIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    position_id: uuid.UUID = Field(description="岗位编号（已发布的学徒或实习岗位）")
    capacity: int | None = Field(
        default=None, ge=0, le=MAX_COUNT, description="本轮名额（默认并且不超过岗位招聘人数）"
    )


class EnterpriseCapacityIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_id: uuid.UUID = Field(description="企业编号")
    capacity: int = Field(ge=0, le=MAX_COUNT, description="该企业本轮各岗位合计最多接收人数")


class SchoolQuotaIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    school_id: uuid.UUID = Field(description="学校编号")
    enterprise_id: uuid.UUID = Field(description="企业编号")
    limit: int = Field(ge=0, le=MAX_COUNT, description="该校学生在该企业最多人数")


class RoundCreate(InputModel):
    """A new round: the invited positions and students, the deadline for students' choices."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=128, description="名称，如“2026年岗位实习双选”")
    deadline_at: AwareDatetime = Field(description="学生提交志愿的截止时间（含时区）")
    positions: list[RoundPositionIn] = Field(
        min_length=1, max_length=MAX_ROUND_POSITIONS, description="参加本轮的岗位"
    )
    student_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=MAX_ROUND_STUDENTS, description="参加本轮的学生"
    )
    seed: int | None = Field(
        default=None, ge=0, le=SEED_MAX, description="同序抽签的随机种子（默认随机生成并记录）"
    )
    enterprise_capacities: list[EnterpriseCapacityIn] = Field(
        default_factory=list, max_length=MAX_ROUND_POSITIONS, description="企业合计名额"
    )
    school_quotas: list[SchoolQuotaIn] = Field(
        default_factory=list, max_length=MAX_ROUND_POSITIONS, description="学校在企业的人数上限"
    )


class ChoicesIn(InputModel):
    """A student's ranked list: the first position is the most wanted."""

    model_config = ConfigDict(extra="forbid")

    position_ids: list[uuid.UUID] = Field(max_length=MAX_CHOICES, description="志愿顺序")


class RankingIn(InputModel):
    """An enterprise's ranking of one position's applicants, or a request for the recommender's."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["explicit", "recommender"] = Field(
        default="explicit",
        description="explicit 按给出的顺序；recommender 按推荐评分排序（评分与理由随本轮保存）",
    )
    student_ids: list[uuid.UUID | list[uuid.UUID]] = Field(
        default_factory=list,
        max_length=MAX_ROUND_STUDENTS,
        description="学生顺序，最优在前；一个列表表示并列（由本轮的种子抽签决定先后）",
    )


class RoundPositionPublic(BaseModel):
    position_id: uuid.UUID = Field(description="岗位编号")
    title: str = Field(description="岗位名称")
    kind: str = Field(description="岗位类型")
    enterprise_id: uuid.UUID = Field(description="企业编号")
    capacity: int = Field(description="本轮名额")


class RoundPublic(BaseModel):
    id: uuid.UUID = Field(description="轮次编号")
    owner_id: uuid.UUID = Field(description="组织方（学校、园区或政府部门）")
    title: str = Field(description="名称")
    deadline_at: UtcDatetime = Field(description="志愿截止时间")
    seed: int = Field(description="抽签种子")
    status: str = Field(description="状态：open 进行中 / run 已运行，待公布 / completed 已公布")
    positions: list[RoundPositionPublic] = Field(description="参加本轮的岗位")
    student_count: int = Field(description="参加本轮的学生数")
    enterprise_capacities: list[EnterpriseCapacityIn] = Field(description="企业合计名额")
    school_quotas: list[SchoolQuotaIn] = Field(description="学校在企业的人数上限")
    created_at: UtcDatetime = Field(description="创建时间")
    run_at: UtcDatetime | None = Field(description="分配运行时间")


class ChoicesPublic(BaseModel):
    round_id: uuid.UUID = Field(description="轮次编号")
    student_id: uuid.UUID = Field(description="学生编号")
    position_ids: list[uuid.UUID] = Field(description="志愿顺序")


class RankingEntry(BaseModel):
    student_id: uuid.UUID = Field(description="学生编号")
    rank: int = Field(description="名次（并列者名次相同）")
    source: str = Field(description="enterprise 企业排序 / recommender 推荐评分")
    score: float | None = Field(description="推荐评分（0–100）")
    reasons: list[str] = Field(description="评分理由")


class RankingPublic(BaseModel):
    round_id: uuid.UUID = Field(description="轮次编号")
    position_id: uuid.UUID = Field(description="岗位编号")
    entries: list[RankingEntry] = Field(description="排序")


class AssignmentPublic(BaseModel):
    student_id: uuid.UUID = Field(description="学生编号")
    position_id: uuid.UUID = Field(description="岗位编号")


class PairPublic(BaseModel):
    student_id: uuid.UUID = Field(description="学生编号")
    position_id: uuid.UUID = Field(description="岗位编号")


class SkippedPublic(BaseModel):
    """A student whose choices of one kind were left out of the run: it already holds an
    accepted place of that kind (one place per kind at a time)."""

    student_id: uuid.UUID = Field(description="学生编号")
    kind: str = Field(description="岗位类型：apprenticeship / internship / job")
    kind_label: str = Field(description="岗位类型：学徒 / 实习 / 就业")
    held_application_id: uuid.UUID = Field(description="已接受的申请编号")
    reason: str = Field(description="跳过原因（中文）")


class AgeSkipPublic(BaseModel):
    """A choice the run passed over: the student is under 16 and the position an internship or an
    apprenticeship."""

    student_id: uuid.UUID = Field(description="学生编号")
    position_id: uuid.UUID = Field(description="岗位编号")
    reason: str = Field(description="未安排的原因")
    source: str = Field(description="依据")


Side = Literal["organiser", "school", "enterprise", "student"]


class ResultsPublic(BaseModel):
    """A round's result as one party sees it: the organiser all of it, others their own side."""

    round_id: uuid.UUID = Field(description="轮次编号")
    side: Side = Field(
        description="查看方：organiser 组织方 / school 学校 / enterprise 企业 / student 学生"
    )
    seed: int = Field(description="抽签种子")
    run_at: UtcDatetime = Field(description="运行时间")
    assignments: list[AssignmentPublic] = Field(description="分配结果（本方可见部分）")
    unassigned: list[uuid.UUID] = Field(description="未分配的学生（本方可见部分）")
    unfilled: dict[str, int] = Field(description="岗位空余名额（本方可见部分）")
    blocking_pairs: list[PairPublic] = Field(description="阻塞对（稳定时为空；仅组织方可见）")
    lottery: dict[str, int] = Field(description="并列学生的抽签号（小者优先；仅组织方可见）")
    skipped: list[SkippedPublic] = Field(
        default_factory=list,
        description="已持有同类已接受岗位、该类志愿未参加分配的学生（本方可见部分）",
    )
    age_skipped: list[AgeSkipPublic] = Field(
        default_factory=list,
        description="因学生未满16周岁而未按其志愿安排的实习、学徒岗位（组织方、学校和学生本人可见）",
    )
