"""Sending. Tasks take ids, claim them (``claims.claimed``) and skip what was sent, so a task that
runs twice (a retry, a redelivery after a worker died) sends each email once; that makes
``acks_late`` safe."""

import logging
import smtplib
from datetime import timedelta

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from celery import shared_task
from django.core.mail import get_connection
from django.db.models import Q
from django.utils import timezone

from . import emails
from .claims import claimed, unclaimed
from .models import OutboundEmail
from .outcomes import Outcomes, announce_outcomes
from .sending import Sender
from .services import publish, requeue

logger = logging.getLogger(__name__)
_PENDING = OutboundEmail.Status.PENDING


class TemporarySMTPError(Exception):
    """The mail server answered 4xx ("try again later": greylisting, a full mailbox queue)."""


TRANSIENT_ERRORS = (
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    AnymailAPIError,
    TemporarySMTPError,
)
PERMANENT_ERRORS = (
    AnymailRecipientsRefused,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPResponseException,
)
# Past this many attempts an email is failed for good (and announced so under its topic).
MAX_ATTEMPTS = 10
REQUEUE_AFTER = timedelta(minutes=10)
SWEEP_LIMIT = 5000


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    dont_autoretry_for=PERMANENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_emails(email_ids: list[int]) -> int:
    """Send a batch over one connection; returns how many this run sent. A transient error stops
    the batch and Celery retries all of it with backoff; what was sent already is skipped."""
    with claimed(email_ids) as taken:
        # By their ids, then which are still pending: asked of the database, "pending" could
        # send it scanning every pending email (``claims._CLAIM``).
        found = OutboundEmail.objects.in_bulk(list(taken))
        batch = {pk: email for pk, email in found.items() if email.status == _PENDING}
        for email in batch.values():
            email.queued_at = taken[email.pk]  # written back with the outcome
        order = [email_id for email_id in email_ids if email_id in batch]
        sent = 0
        renderer = emails.Renderer(batch.values())
        with (
            get_connection() as connection,
            Outcomes(last_id=order[-1] if order else None) as outcomes,
        ):
            sender = Sender(connection, renderer)
            for email_id in order:
                sent += _send_one(batch[email_id], sender, outcomes)
    return sent


def _send_one(email: OutboundEmail, sender: Sender, outcomes: Outcomes) -> int:
    """Send one claimed pending email; 1 if this call sent it. The outcome is committed as soon
    as it is known, the attempt and its error even when the error is re-raised for a retry."""
    email.attempts += 1
    try:
        reason = sender.renderer.obsolete_reason(email)
        if not reason:
            message_id = _deliver(sender, email)
    except PERMANENT_ERRORS as error:
        _finish(email, OutboundEmail.Status.FAILED, outcomes, error=str(error))
        return 0
    except TRANSIENT_ERRORS as error:
        if not _record_failure(email, error, outcomes):
            raise
        return 0
    except Exception as error:  # a bug or bad data: keep the batch going, the sweep retries
        logger.exception("Email %s could not be sent", email.pk)
        _record_failure(email, error, outcomes)
        return 0
    if reason:
        _finish(email, OutboundEmail.Status.FAILED, outcomes, error=reason)
        return 0
    email.provider_message_id = message_id[:255]
    _finish(email, OutboundEmail.Status.SENT, outcomes)
    return 1


def _deliver(sender: Sender, email: OutboundEmail) -> str:
    """Send, telling a server's temporary refusal (4xx) from a permanent one (5xx); returns the
    provider's message id."""
    try:
        return sender.send(email)
    except smtplib.SMTPRecipientsRefused as error:
        if all(400 <= code < 500 for code, _ in error.recipients.values()):
            raise TemporarySMTPError(str(error)) from error
        raise
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise TemporarySMTPError(str(error)) from error
        raise


def _record_failure(email: OutboundEmail, error: Exception, outcomes: Outcomes) -> bool:
    """Keep the error for the next attempt; True if that was the last attempt."""
    if email.attempts >= MAX_ATTEMPTS:
        _finish(email, OutboundEmail.Status.FAILED, outcomes, error=str(error))
        return True
    email.last_error = str(error)[:2000]
    email.save(update_fields=["attempts", "last_error"])
    return False


def _finish(email: OutboundEmail, status: str, outcomes: Outcomes, *, error: str = "") -> None:
    email.status = status
    email.last_error = error[:2000]
    email.sent_at = timezone.now() if status == OutboundEmail.Status.SENT else None
    outcomes.record(email)


@shared_task
def publish_batches(email_ids: list[int]) -> int:
    """Hand a bulk action's emails to ``send_emails`` in batches (``services.enqueue``). Should
    this run twice, or die half-way, the emails it published twice are sent once, and those it
    never published are still queued: the sweep hands them over when they are overdue."""
    return publish(email_ids)


@shared_task
def sweep_outbox() -> int:
    """Queue, oldest first, what is neither in the broker nor in a worker's hands: what the
    broker never got (it was down), what a worker had taken when it died (its claims went with
    it), and what was queued long ago and seems lost. Returns how many were handed over. Also
    announces the outcomes a worker recorded but died before announcing."""
    ended = OutboundEmail.objects.filter(unannounced=True).values_list("pk", flat=True)
    announce_outcomes(unclaimed(ended[:SWEEP_LIMIT]))
    stale = timezone.now() - REQUEUE_AFTER
    ids = (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    return requeue(unclaimed(ids))
