"""The outbox's sender against a real SMTP server (aiosmtpd on a free local port): delivered,
retried with exponential back-off, failed after the last attempt — run as the scheduler runs it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from models import MailOutbox, Role
from models.base import utcnow
from service import notifications
from service.db import session_scope
from service.jobs import JOBS
from service.notifications.operations import MAX_ATTEMPTS, retry_delay
from service.scheduler import LeaseScheduler
from service.settings import settings
from tests.factories import make_school, make_user


class Inbox:
    """Collects what the server accepts; answers ``refusal`` instead while it is set."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refusal: str | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refusal is not None:
            return self.refusal
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", port)
    monkeypatch.setattr(settings, "smtp_sender", "noreply@chanjiao.example")
    try:
        yield inbox
    finally:
        controller.stop()


def run_sender(url: str) -> None:
    """One run of the scheduled job, as the lease holder runs it."""
    scheduler = LeaseScheduler(JOBS, url=url)
    scheduler.is_leader = True
    scheduler.run_job(next(job for job in JOBS if job.id == "send_mail"))


def queue(url: str) -> None:
    with session_scope(url) as session:
        user = make_user(session, Role.school, make_school(session), email="teacher@example.com")
        notifications.notify(
            session,
            user_ids=[user.id],
            kind=notifications.NotificationKind.placement_published,
            title="双选轮次“春季双选”结果已公布",
            link="/school",
        )


def outbox(url: str) -> list[MailOutbox]:
    with session_scope(url, write=False) as session:
        return list(session.exec(select(MailOutbox)).all())


def make_due(url: str) -> None:
    with session_scope(url) as session:
        for mail in session.exec(select(MailOutbox)).all():
            mail.next_attempt_at = utcnow() - timedelta(seconds=1)
            session.add(mail)


@pytest.mark.slow
def test_queued_mail_is_delivered_once_to_a_real_server(fresh_db_url: str, smtp: Inbox) -> None:
    queue(fresh_db_url)
    run_sender(fresh_db_url)
    assert len(smtp.messages) == 1
    sender, recipients, raw = smtp.messages[0]
    assert (sender, recipients) == ("noreply@chanjiao.example", ["teacher@example.com"])
    message = message_from_bytes(raw)
    assert str(make_header(decode_header(message["Subject"]))) == (
        "【产教通】双选结果已公布：双选轮次“春季双选”结果已公布"
    )
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert f"{settings.public_url}/school" in body.decode("utf-8")
    [mail] = outbox(fresh_db_url)
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 1, None)
    run_sender(fresh_db_url)  # nothing left to send
    assert len(smtp.messages) == 1


@pytest.mark.slow
def test_a_refusing_server_is_retried_with_back_off_then_failed(
    fresh_db_url: str, smtp: Inbox
) -> None:
    smtp.refusal = "451 Requested action aborted: try again later"
    queue(fresh_db_url)
    before = utcnow()
    run_sender(fresh_db_url)
    [mail] = outbox(fresh_db_url)
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert mail.last_error is not None
    assert "451" in mail.last_error
    waited = mail.next_attempt_at.replace(tzinfo=before.tzinfo) - before
    assert retry_delay(1) <= waited <= retry_delay(1) + timedelta(seconds=30)
    run_sender(fresh_db_url)  # not due yet: not attempted
    assert outbox(fresh_db_url)[0].attempts == 1
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
    ]
    for _ in range(MAX_ATTEMPTS - 1):
        make_due(fresh_db_url)
        run_sender(fresh_db_url)
    [mail] = outbox(fresh_db_url)
    assert (mail.status, mail.attempts) == ("failed", MAX_ATTEMPTS)
    make_due(fresh_db_url)
    smtp.refusal = None
    run_sender(fresh_db_url)  # failed is final
    assert smtp.messages == []


@pytest.mark.slow
def test_an_unreachable_server_counts_as_a_failed_attempt(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", free_port())  # nobody listens
    queue(fresh_db_url)
    run_sender(fresh_db_url)
    [mail] = outbox(fresh_db_url)
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert mail.last_error is not None
