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
from models.policy import PolicyProfile, RegionPolicy, WarningSnapshot
from models.position import DemandForecast, Position, PositionMajor
from models.security import RefreshToken, ThrottleCounter

__all__ = [
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
    "PolicyProfile",
    "Position",
    "PositionKind",
    "PositionMajor",
    "PositionStatus",
    "PriorityIndustry",
    "Programme",
    "RefreshToken",
    "Region",
    "RegionPolicy",
    "Role",
    "SchedulerLease",
    "StrategicEmergingIndustry",
    "Student",
    "ThrottleCounter",
    "User",
    "WarningSnapshot",
    "natural_id",
]
