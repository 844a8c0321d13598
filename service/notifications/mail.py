"""The mail outbox's sender: a scheduled job that delivers the queued mail over SMTP.

Two phases, like every job that waits on something slow (service/scheduler.py): the due mails are
read and sent in a read-only session — no write lock is held while a mail server answers — then
the outcomes are written in one short transaction. A failed attempt is retried after 1, 2, 4, 8 …
minutes (:func:`operations.retry_delay`); after :data:`operations.MAX_ATTEMPTS` the mail is
``failed`` and stays so (operations.md tells what to look at). Delivery is at least once: a mail
sent whose outcome could not be written is sent again on the next run.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlmodel import Session

from models.base import utcnow
from service.notifications import operations, repository
from service.settings import settings

logger = logging.getLogger(__name__)

BATCH = 50
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Outcome:
    mail_id: uuid.UUID
    error: str | None  # None: sent


def _message(to_address: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to_address
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.smtp_sender.rpartition("@")[2] or None)
    message.set_content(body, charset="utf-8")
    return message


def _connect() -> smtplib.SMTP:
    assert settings.smtp_host is not None
    client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_S)
    if settings.smtp_tls:
        client.starttls()
    if settings.smtp_username and settings.smtp_password is not None:
        client.login(settings.smtp_username, settings.smtp_password.get_secret_value())
    return client


def send_due(session: Session) -> list[Outcome]:
    """Send the mails due now (read-only ``session``); the outcomes, for :func:`record`."""
    if not settings.mail_enabled:
        return []
    due = repository.due_mails(session, utcnow(), BATCH)
    if not due:
        return []
    outcomes: list[Outcome] = []
    try:
        client = _connect()
    except (OSError, smtplib.SMTPException) as error:
        # The server is unreachable: every due mail has failed this attempt.
        return [Outcome(mail.id, _reason(error)) for mail in due]
    try:
        for mail in due:
            try:
                client.send_message(_message(mail.to_address, mail.subject, mail.body))
            except (OSError, smtplib.SMTPException) as error:
                outcomes.append(Outcome(mail.id, _reason(error)))
            else:
                outcomes.append(Outcome(mail.id, None))
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return outcomes


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def record(session: Session, outcomes: list[Outcome]) -> int:
    """Write the outcomes: ``sent``, or one more attempt (retried later, or ``failed`` after the
    last). Returns how many were sent."""
    now = utcnow()
    sent = 0
    for outcome in outcomes:
        mail = repository.mail(session, outcome.mail_id)
        if mail is None or mail.status != "pending":
            continue
        mail.attempts += 1
        if outcome.error is None:
            mail.status, mail.sent_at, mail.last_error = "sent", now, None
            sent += 1
        else:
            mail.last_error = outcome.error
            if mail.attempts >= operations.MAX_ATTEMPTS:
                mail.status = "failed"
                logger.warning("mail %s failed after %d attempts", mail.id, mail.attempts)
            else:
                mail.next_attempt_at = now + operations.retry_delay(mail.attempts)
        session.add(mail)
    session.flush()
    return sent
