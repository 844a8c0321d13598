"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from models.adjustment import AdjustmentWindow, MajorProposal
from models.application import Application
from models.audit import AuditLog, SchedulerLease
from models.base import (
    ApplicationStatus,
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
from models.education import Cohort, PartnerKind, Programme, ProgrammePartner, Student
from models.integration import (
    Alliance,
    EnterpriseTaxYear,
    IntegrationApplication,
    IntegrationApplicationEvent,
)
from models.lists import ListVersion, PolicyMeasure
from models.organization import IdentityChangeRequest, Organization, User
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
from models.position import (
    DemandForecast,
    Position,
    PositionMajor,
    PositionMajorClass,
    SearchGeneration,
    SearchRegionGeneration,
)
from models.report import ReportAggregateState, ReportChange, ReportDemand, ReportFigure
from models.security import RefreshToken, ThrottleCounter

__all__ = [
    "AdjustmentWindow",
    "MajorProposal",
    "Alliance",
    "EnterpriseTaxYear",
    "IntegrationApplication",
    "IntegrationApplicationEvent",
    "ListVersion",
    "PolicyMeasure",
    "Application",
    "ApplicationStatus",
    "Assignment",
    "AuditLog",
    "Cohort",
    "DemandForecast",
    "IdentityChangeRequest",
    "Industry",
    "Major",
    "MajorAlias",
    "MajorLevel",
    "MajorTerm",
    "Occupation",
    "Organization",
    "OrganizationKind",
    "OrganizationStatus",
    "PartnerKind",
    "PlacementRound",
    "PolicyProfile",
    "Position",
    "PositionKind",
    "PositionMajor",
    "PositionMajorClass",
    "PositionRanking",
    "PositionStatus",
    "Preference",
    "PriorityIndustry",
    "Programme",
    "ProgrammePartner",
    "RankingSource",
    "RefreshToken",
    "Region",
    "RegionPolicy",
    "ReportAggregateState",
    "ReportChange",
    "ReportDemand",
    "ReportFigure",
    "Role",
    "RoundPosition",
    "SearchGeneration",
    "SearchRegionGeneration",
    "RoundStatus",
    "RoundStudent",
    "SchedulerLease",
    "StrategicEmergingIndustry",
    "Student",
    "ThrottleCounter",
    "User",
    "WarningSnapshot",
    "natural_id",
]
