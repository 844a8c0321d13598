"""Queries of the 专业动态调整 cycle: windows, proposals, the school plans they change."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, func, select

from models import (
    AdjustmentWindow,
    AuditLog,
    Cohort,
    Major,
    MajorProposal,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Programme,
    Region,
)

NOTICE_ENTITY = "school_notice"


# ---------------------------------------------------------------- windows


def window_of(session: Session, region_code: str, year: int) -> AdjustmentWindow | None:
    return session.exec(
        select(AdjustmentWindow).where(
            AdjustmentWindow.region_code == region_code, AdjustmentWindow.year == year
        )
    ).first()


def windows_for(session: Session, region_codes: Sequence[str], year: int) -> list[AdjustmentWindow]:
    """The windows of ``year`` for any of ``region_codes`` (a school's region and its parents)."""
    return list(
        session.exec(
            select(AdjustmentWindow).where(
                col(AdjustmentWindow.region_code).in_(list(region_codes)),
                AdjustmentWindow.year == year,
            )
        ).all()
    )


def windows(
    session: Session, conditions: list[ColumnElement[bool]], offset: int, limit: int
) -> tuple[list[AdjustmentWindow], int]:
    count = session.exec(
        select(func.count()).select_from(AdjustmentWindow).where(*conditions)
    ).one()
    rows = session.exec(
        select(AdjustmentWindow)
        .where(*conditions)
        .order_by(col(AdjustmentWindow.year).desc(), col(AdjustmentWindow.region_code))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(count)


def windows_by_id(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, AdjustmentWindow]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(AdjustmentWindow).where(col(AdjustmentWindow.id).in_(wanted))).all()
    return {row.id: row for row in rows}


def region_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    wanted = list(set(codes))
    if not wanted:
        return {}
    rows = session.exec(select(Region.code, Region.name).where(col(Region.code).in_(wanted))).all()
    return {str(code): str(name) for code, name in rows}


# ---------------------------------------------------------------- proposals


def proposals(
    session: Session, conditions: list[Any], offset: int, limit: int
) -> tuple[list[MajorProposal], int]:
    """One page of proposals, newest first (id as tie-break), and the total."""
    base = select(MajorProposal).join(
        AdjustmentWindow, col(AdjustmentWindow.id) == col(MajorProposal.window_id)
    )
    count = session.exec(
        select(func.count())
        .select_from(MajorProposal)
        .join(AdjustmentWindow, col(AdjustmentWindow.id) == col(MajorProposal.window_id))
        .where(*conditions)
    ).one()
    rows = session.exec(
        base.where(*conditions)
        .order_by(col(MajorProposal.created_at).desc(), col(MajorProposal.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(count)


def proposals_in(
    session: Session, region_low: str, region_high: str, year: int
) -> list[MajorProposal]:
    """Every proposal of the windows of ``year`` inside a region range (a region's roll-up)."""
    return list(
        session.exec(
            select(MajorProposal)
            .join(AdjustmentWindow, col(AdjustmentWindow.id) == col(MajorProposal.window_id))
            .where(
                AdjustmentWindow.year == year,
                col(AdjustmentWindow.region_code) >= region_low,
                col(AdjustmentWindow.region_code) <= region_high,
            )
            .order_by(col(MajorProposal.created_at), col(MajorProposal.id))
        ).all()
    )


def proposals_of_window(session: Session, window_id: uuid.UUID) -> list[MajorProposal]:
    return list(
        session.exec(select(MajorProposal).where(MajorProposal.window_id == window_id)).all()
    )


def open_proposal(
    session: Session, window_id: uuid.UUID, school_id: uuid.UUID, major_code: str
) -> uuid.UUID | None:
    """A proposal of the school about the major in the window that is not decided yet."""
    return session.exec(
        select(MajorProposal.id).where(
            MajorProposal.window_id == window_id,
            MajorProposal.school_id == school_id,
            MajorProposal.major_code == major_code,
            col(MajorProposal.status).in_(["draft", "submitted", "returned"]),
        )
    ).first()


def notices_of(session: Session, school_id: uuid.UUID, limit: int = 20) -> list[AuditLog]:
    """What the school was told about its proposals (kept in the audit log), newest first."""
    return list(
        session.exec(
            select(AuditLog)
            .where(AuditLog.entity == NOTICE_ENTITY, AuditLog.entity_id == str(school_id))
            .order_by(col(AuditLog.at).desc())
            .limit(limit)
        ).all()
    )


# ---------------------------------------------------------------- schools and majors


def organizations_by_id(
    session: Session, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Organization]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(Organization).where(col(Organization.id).in_(wanted))).all()
    return {row.id: row for row in rows}


def majors_by_code(session: Session, codes: Iterable[str]) -> dict[str, Major]:
    wanted = list({code for code in codes if code})
    if not wanted:
        return {}
    rows = session.exec(select(Major).where(col(Major.code).in_(wanted))).all()
    return {row.code: row for row in rows}


def school_by_code(session: Session, code: str) -> Organization | None:
    return session.exec(
        select(Organization).where(
            Organization.code == code, Organization.kind == OrganizationKind.school
        )
    ).first()


def programmes_of(
    session: Session, school_id: uuid.UUID, major_code: str, up_to_year: int | None = None
) -> list[Programme]:
    """The school's programmes of the major by year (up to ``up_to_year`` when given)."""
    statement = select(Programme).where(
        Programme.school_id == school_id, Programme.major_code == major_code
    )
    if up_to_year is not None:
        statement = statement.where(col(Programme.year) <= up_to_year)
    return list(session.exec(statement.order_by(col(Programme.year))).all())


def programme_at(
    session: Session, school_id: uuid.UUID, major_code: str, year: int
) -> Programme | None:
    return session.exec(
        select(Programme).where(
            Programme.school_id == school_id,
            Programme.major_code == major_code,
            Programme.year == year,
        )
    ).first()


def programmes_after(
    session: Session, school_id: uuid.UUID, major_code: str, year: int
) -> list[Programme]:
    return list(
        session.exec(
            select(Programme)
            .where(
                Programme.school_id == school_id,
                Programme.major_code == major_code,
                col(Programme.year) > year,
            )
            .order_by(col(Programme.year))
        ).all()
    )


def schools_offering(
    session: Session, region_low: str, region_high: str, major_codes: Sequence[str], year: int
) -> list[tuple[uuid.UUID, str]]:
    """(school, major) pairs of verified schools in a region range that ran one of the majors in
    ``year``: a plan above zero or graduates (a major opened later is no answer to a warning)."""
    if not major_codes:
        return []
    in_region = (
        col(Organization.region_code) >= region_low,
        col(Organization.region_code) <= region_high,
        Organization.kind == OrganizationKind.school,
        Organization.status == OrganizationStatus.verified,
    )
    planned = session.exec(
        select(Programme.school_id, Programme.major_code)
        .join(Organization, col(Organization.id) == col(Programme.school_id))
        .where(
            *in_region,
            col(Programme.major_code).in_(list(major_codes)),
            Programme.year == year,
            col(Programme.enrolment_plan) > 0,
        )
    ).all()
    graduating = session.exec(
        select(Cohort.school_id, Cohort.major_code)
        .join(Organization, col(Organization.id) == col(Cohort.school_id))
        .where(
            *in_region,
            col(Cohort.major_code).in_(list(major_codes)),
            Cohort.graduation_year == year,
            or_(col(Cohort.graduates) > 0, col(Cohort.placed) > 0),
        )
    ).all()
    return sorted({(school, major) for school, major in [*planned, *graduating]}, key=str)
