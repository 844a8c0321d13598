"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from models.audit import AuditLog, SchedulerLease
from models.base import (
    MajorLevel,
    OrganizationKind,
    OrganizationStatus,
    PositionKind,
    PositionStatus,
    Role,
    natural_id,
)
from models.catalog import (
    Industry,
    Major,
    MajorAlias,
    MajorTerm,
    Occupation,
    PriorityIndustry,
    Region,
    StrategicEmergingIndustry,
)
from models.education import Cohort, Programme, Student
from models.organization import Organization, User
from models.placement import (
    Assignment,
    PlacementRound,
    PositionRanking,
    Preference,
    RankingSource,
    RoundPosition,
    RoundStatus,
    RoundStudent,
)
from models.policy import PolicyProfile, RegionPolicy, WarningSnapshot
from models.position import DemandForecast, Position, PositionMajor

__all__ = [
    "Assignment",
    "AuditLog",
    "Cohort",
    "DemandForecast",
    "Industry",
    "Major",
    "MajorAlias",
    "MajorLevel",
    "MajorTerm",
    "Occupation",
    "Organization",
    "OrganizationKind",
    "OrganizationStatus",
    "PlacementRound",
    "PolicyProfile",
    "Position",
    "PositionKind",
    "PositionMajor",
    "PositionRanking",
    "PositionStatus",
    "Preference",
    "PriorityIndustry",
    "Programme",
    "RankingSource",
    "Region",
    "RegionPolicy",
    "Role",
    "RoundPosition",
    "RoundStatus",
    "RoundStudent",
    "SchedulerLease",
    "StrategicEmergingIndustry",
    "Student",
    "User",
    "WarningSnapshot",
    "natural_id",
]
