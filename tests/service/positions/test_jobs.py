"""The scheduled job that closes positions past their closing date."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models import Application, ApplicationStatus, AuditLog, Position, PositionStatus
from models.base import utcnow
from service.jobs import JOBS
from service.positions.operations import close_expired_positions
from tests.factories import make_enterprise, make_position, make_school, make_student

TODAY = date(2026, 6, 1)


def test_job_is_registered_nightly() -> None:
    [job] = [job for job in JOBS if job.id == "close_expired_positions"]
    assert job.run is close_expired_positions
    assert (job.trigger, job.trigger_args) == ("cron", {"hour": 0, "minute": 5})


def test_closes_only_open_positions_past_their_closing_date(session: Session) -> None:
    company = make_enterprise(session)
    expired = make_position(session, company, closing_date=date(2026, 5, 31))
    due_today = make_position(session, company, closing_date=TODAY)
    no_date = make_position(session, company, closing_date=None)
    old_draft = make_position(
        session, company, status=PositionStatus.draft, closing_date=date(2026, 1, 1)
    )

    assert close_expired_positions(session, TODAY) == 1
    session.expire_all()
    statuses = {
        p.id: p.status
        for p in session.exec(select(Position).where(Position.enterprise_id == company.id))
    }
    assert statuses == {
        expired.id: PositionStatus.closed,
        due_today.id: PositionStatus.open,
        no_date.id: PositionStatus.open,
        old_draft.id: PositionStatus.draft,
    }
    [entry] = session.exec(select(AuditLog).where(AuditLog.entity_id == str(expired.id))).all()
    assert (entry.actor, entry.actor_id, entry.action) == ("scheduler", None, "close_expired")
    assert entry.before == {"status": "open"}
    assert entry.after == {"status": "closed", "closing_date": "2026-05-31"}

    # Idempotent: a second run (another worker after a lease takeover) finds nothing.
    assert close_expired_positions(session, TODAY) == 0
    assert len(session.exec(select(AuditLog)).all()) == 1


def test_pending_applications_close_with_the_expired_position(session: Session) -> None:
    company = make_enterprise(session)
    school = make_school(session)
    expired = make_position(session, company, closing_date=date(2026, 5, 31))
    statuses = ["submitted", "offered", "accepted", "withdrawn"]
    applications = []
    for status in statuses:
        student = make_student(session, school, "460104")
        application = Application(
            student_id=student.id,
            position_id=expired.id,
            status=ApplicationStatus(status),
            message="",
            consent_at=utcnow(),
        )
        session.add(application)
        applications.append(application)
    session.flush()

    assert close_expired_positions(session, TODAY) == 1
    session.expire_all()
    assert [session.get(Application, a.id).status for a in applications] == [  # type: ignore[union-attr]
        "closed",
        "closed",
        "accepted",
        "withdrawn",
    ]
    closed = session.exec(
        select(AuditLog).where(AuditLog.entity == "application", AuditLog.action == "close_expired")
    ).all()
    assert sorted(entry.entity_id for entry in closed) == sorted(
        str(a.id) for a in applications[:2]
    )
    assert {entry.actor for entry in closed} == {"scheduler"}
    assert [entry.after for entry in closed] == [
        {"status": "closed", "reason": "岗位报名已截止，岗位已关闭"}
    ] * 2
