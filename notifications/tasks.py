"""Sending. Tasks take ids, claim them (``claims.claimed``) and skip what was sent, so a task that
runs twice (a retry, a redelivery after a worker died) sends each email once; that makes
``acks_late`` safe."""

import logging
import smtplib
from contextlib import nullcontext
from datetime import timedelta

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from celery import shared_task
from django.core.mail import get_connection
from django.db import connection as db
from django.db.models import Q
from django.utils import timezone

from seats.models import Redemption

from . import emails
from .claims import claimed, unclaimed
from .models import OutboundEmail
from .outcomes import OutcomeWriter
from .services import requeue

logger = logging.getLogger(__name__)


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
# Past this many attempts an email is failed for good, and its redemption shows it to the agent.
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
        batch = (
            OutboundEmail.objects.select_related(*emails.RENDERING)
            .filter(status=OutboundEmail.Status.PENDING)
            .in_bulk(list(taken))
        )
        for email in batch.values():
            email.queued_at = taken[email.pk]  # written back with the outcome
        sent = 0
        renderer = emails.Renderer()
        writer = OutcomeWriter() if db.vendor == "postgresql" else None
        with get_connection() as connection, writer or nullcontext():
            for email_id in email_ids:
                if email_id in batch:
                    sent += _send_one(batch[email_id], connection, renderer, writer)
    return sent


def _send_one(
    email: OutboundEmail,
    connection,
    renderer: emails.Renderer | None = None,
    writer: OutcomeWriter | None = None,
) -> int:
    """Send one claimed pending email; 1 if this call sent it. The outcome is committed as soon
    as it is known, the attempt and its error even when the error is re-raised for a retry."""
    email.attempts += 1
    if reason := emails.obsolete_reason(email):
        _finish(email, OutboundEmail.Status.FAILED, error=reason, writer=writer)
        return 0
    try:
        message = emails.build_message(email, connection=connection, renderer=renderer)
        _deliver(message)
    except PERMANENT_ERRORS as error:
        _finish(email, OutboundEmail.Status.FAILED, error=str(error), writer=writer)
        return 0
    except TRANSIENT_ERRORS as error:
        if not _record_failure(email, error):
            raise
        return 0
    except Exception as error:  # a bug or bad data: keep the batch going, the sweep retries
        logger.exception("Email %s could not be sent", email.pk)
        _record_failure(email, error)
        return 0
    message_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
    email.provider_message_id = "" if message_id is None else str(message_id)[:255]
    _finish(email, OutboundEmail.Status.SENT, writer=writer)
    return 1


def _deliver(message) -> None:
    """Send, telling a server's temporary refusal (4xx) from a permanent one (5xx)."""
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        if all(400 <= code < 500 for code, _ in error.recipients.values()):
            raise TemporarySMTPError(str(error)) from error
        raise
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise TemporarySMTPError(str(error)) from error
        raise


def _record_failure(email: OutboundEmail, error: Exception) -> bool:
    """Keep the error for the next attempt; True if that was the last attempt."""
    if email.attempts >= MAX_ATTEMPTS:
        _finish(email, OutboundEmail.Status.FAILED, error=str(error))
        return True
    email.last_error = str(error)[:2000]
    email.save(update_fields=["attempts", "last_error"])
    return False


def _finish(
    email: OutboundEmail, status: str, *, error: str = "", writer: OutcomeWriter | None = None
) -> None:
    """Record the outcome on the row and on its redemption, committed at once: in one statement
    whose answer the batch need not wait for where the database allows (``outcomes``)."""
    email.status = status
    email.last_error = error[:2000]
    email.sent_at = timezone.now() if status == OutboundEmail.Status.SENT else None
    delivery = (
        Redemption.Delivery.SENT
        if status == OutboundEmail.Status.SENT
        else Redemption.Delivery.FAILED
    )
    if writer is not None:
        values = [getattr(email, field) for field in _OUTCOME_FIELDS]
        writer.run(_FINISH_SQL, [*values, email.pk, delivery, *_REPORTED])
        return
    email.save(update_fields=[*_OUTCOME_FIELDS])
    if email.redemption_id:
        Redemption.objects.filter(pk=email.redemption_id).exclude(
            delivery_status__in=_REPORTED
        ).update(delivery_status=delivery)


_OUTCOME_FIELDS = (
    "status",
    "attempts",
    "last_error",
    "sent_at",
    "provider_message_id",
    "queued_at",
)
_REPORTED = (Redemption.Delivery.DELIVERED, Redemption.Delivery.BOUNCED)
"""What the provider reported already outranks "sent" or "failed" from the worker."""
_ASSIGNMENTS = ", ".join(f"{field} = ${n}" for n, field in enumerate(_OUTCOME_FIELDS, 1))
_LAST_FIELD = len(_OUTCOME_FIELDS)
_FINISH_SQL = (
    f"WITH finished AS (UPDATE {OutboundEmail._meta.db_table} SET {_ASSIGNMENTS} "  # noqa: S608
    f"WHERE id = ${_LAST_FIELD + 1} RETURNING redemption_id) UPDATE {Redemption._meta.db_table} "
    f"SET delivery_status = ${_LAST_FIELD + 2} WHERE id = (SELECT redemption_id FROM finished) "
    f"AND delivery_status NOT IN (${_LAST_FIELD + 3}, ${_LAST_FIELD + 4})"
)
"""Names from the models, values as parameters: the outcome of one email, and its link's."""


@shared_task
def sweep_outbox() -> int:
    """Queue, oldest first, what is neither in the broker nor in a worker's hands: what the
    broker never got (it was down), what a worker had taken when it died (its claims went with
    it), and what was queued long ago and seems lost. Returns how many were handed over."""
    stale = timezone.now() - REQUEUE_AFTER
    ids = (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    return requeue(unclaimed(ids))
