"""Placement rounds: invited positions and students, ranked lists from both sides, the assignment.

A round is owned by a school, a park or a government body. Students rank the invited positions
before the deadline; enterprises rank the students (explicitly, or by the recommender's score with
its reasons kept here); the run stores the assignment with its seed and lottery, so that it can be
checked and re-run.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.base import JSONType, utcnow


class RoundStatus(StrEnum):
    open = "open"  # accepting choices until the deadline, rankings until the run
    run = "run"  # run; results stored, seen by the organiser only until published
    # Published: the parties see their results, offers made, notifications sent. (The value
    # stays "completed", which rounds run before the publish step existed already hold.)
    completed = "completed"


class RankingSource(StrEnum):
    enterprise = "enterprise"  # ranked by the enterprise
    recommender = "recommender"  # ordered by the recommender's score


ROUND_STATUS_LABELS = {
    RoundStatus.open: "进行中",
    RoundStatus.run: "已运行，待公布",
    RoundStatus.completed: "已公布",
}


class PlacementRound(SQLModel, table=True):
    """One round of 学徒 / 岗位实习 placement."""

    __tablename__ = "placement_round"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = Field(foreign_key="organization.id", index=True)
    title: str = Field(max_length=128)
    deadline_at: datetime = Field(sa_type=DateTime(timezone=True))
    seed: int
    status: RoundStatus = Field(default=RoundStatus.open, sa_type=String(16))
    # As stated: [{"enterprise_id", "capacity"}] and [{"school_id", "enterprise_id", "limit"}]
    enterprise_capacities: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    school_quotas: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    # Kept with the result: the lottery numbers of tied students, the blocking pairs (none when
    # stable) and the places left empty, by position.
    lottery: dict[str, int] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    blocking_pairs: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    unfilled: dict[str, int] = Field(
        default_factory=dict, sa_column=Column(JSONType, nullable=False)
    )
    # Students whose choices of a kind were left out because they already hold an accepted place
    # of that kind: {student_id, kind, held_application_id, reason}.
    skipped: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSONType, nullable=False)
    )
    # Choices the run passed over because the student is under 16 and the position an internship
    # or apprenticeship: [{"student_id", "position_id", "reason", "source"}] (issue 28).
    age_skipped: list[dict[str, str]] = Field(
        default_factory=list,
        sa_column=Column(JSONType, nullable=False, server_default=text("'[]'")),
    )
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    run_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class RoundPosition(SQLModel, table=True):
    """A position invited to a round, with the places it offers there."""

    __tablename__ = "placement_round_position"

    round_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("placement_round.id", ondelete="CASCADE")], primary_key=True
    )
    position_id: uuid.UUID = Field(foreign_key="position.id", primary_key=True, index=True)
    capacity: int


class RoundStudent(SQLModel, table=True):
    """A student invited to a round."""

    __tablename__ = "placement_round_student"

    round_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("placement_round.id", ondelete="CASCADE")], primary_key=True
    )
    student_id: uuid.UUID = Field(foreign_key="student.id", primary_key=True, index=True)


class Preference(SQLModel, table=True):
    """A student's ranked choice in a round (rank 1 is most wanted)."""

    __table_args__ = (UniqueConstraint("round_id", "student_id", "rank"),)

    round_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("placement_round.id", ondelete="CASCADE")], primary_key=True
    )
    student_id: uuid.UUID = Field(foreign_key="student.id", primary_key=True)
    position_id: uuid.UUID = Field(foreign_key="position.id", primary_key=True)
    rank: int


class PositionRanking(SQLModel, table=True):
    """An enterprise's rank of a student for one position (equal ranks are a tie)."""

    __tablename__ = "placement_ranking"

    round_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("placement_round.id", ondelete="CASCADE")], primary_key=True
    )
    position_id: uuid.UUID = Field(foreign_key="position.id", primary_key=True)
    student_id: uuid.UUID = Field(foreign_key="student.id", primary_key=True)
    rank: int
    source: RankingSource = Field(sa_type=String(16))
    score: float | None = None
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))


class Assignment(SQLModel, table=True):
    """A student's place as the run of a round decided it."""

    __table_args__ = (UniqueConstraint("round_id", "student_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = Field(
        sa_column_args=[ForeignKey("placement_round.id", ondelete="CASCADE")], index=True
    )
    student_id: uuid.UUID = Field(foreign_key="student.id", index=True)
    position_id: uuid.UUID = Field(foreign_key="position.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
