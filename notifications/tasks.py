"""Sending. Tasks take ids, lock each row and skip it once sent, so a task that runs twice (a
retry, a redelivery after a worker died) sends each email once; that makes ``acks_late`` safe."""

import logging
import smtplib
from datetime import timedelta

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from celery import shared_task
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from seats.models import Redemption

from . import emails
from .models import OutboundEmail
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
    batch = (
        OutboundEmail.objects.select_related(*emails.RENDERING)
        .filter(status=OutboundEmail.Status.PENDING)
        .in_bulk(email_ids)
    )
    sent = 0
    with get_connection() as connection:
        for email_id in email_ids:
            if email_id in batch:
                sent += _send_one(batch[email_id], connection)
    return sent


def _send_one(email: OutboundEmail, connection) -> int:
    """Send one pending email under its row lock; 1 if this call sent it. The batch was read
    with what it renders from; the lock re-reads only whether the row is still pending. The
    attempt and its error are committed even when the error is re-raised for Celery to retry."""
    with transaction.atomic():
        attempts = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email.pk, status=OutboundEmail.Status.PENDING)
            .values_list("attempts", flat=True)
            .first()
        )
        if attempts is None:  # sent already, failed for good, or another worker has it
            return 0
        email_id = email.pk
        email.attempts = attempts + 1
        if reason := emails.obsolete_reason(email):
            email.status = OutboundEmail.Status.FAILED
            email.last_error = reason
            email.save(update_fields=["status", "attempts", "last_error"])
            return 0
        try:
            with transaction.atomic():  # a savepoint: a failed query leaves the row writable
                message = emails.build_message(email, connection=connection)
            _deliver(message)
        except PERMANENT_ERRORS as error:
            _finish(email, OutboundEmail.Status.FAILED, error=str(error))
            return 0
        except TRANSIENT_ERRORS as error:
            if _record_failure(email, error):
                return 0
            retry = error
        except Exception as error:  # a bug or bad data: keep the batch going, the sweep retries
            logger.exception("Email %s could not be sent", email_id)
            _record_failure(email, error)
            return 0
        else:
            message_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
            email.provider_message_id = "" if message_id is None else str(message_id)[:255]
            _finish(email, OutboundEmail.Status.SENT)
            return 1
    raise retry


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


def _finish(email: OutboundEmail, status: str, *, error: str = "") -> None:
    email.status = status
    email.last_error = error[:2000]
    email.sent_at = timezone.now() if status == OutboundEmail.Status.SENT else None
    email.save(update_fields=["status", "attempts", "last_error", "sent_at", "provider_message_id"])
    if email.redemption_id:
        delivery = (
            Redemption.Delivery.SENT
            if status == OutboundEmail.Status.SENT
            else Redemption.Delivery.FAILED
        )
        Redemption.objects.filter(pk=email.redemption_id).exclude(
            delivery_status__in=[Redemption.Delivery.DELIVERED, Redemption.Delivery.BOUNCED]
        ).update(delivery_status=delivery)


@shared_task
def sweep_outbox() -> int:
    """Queue what the broker never got (it was down) or seems to have lost, oldest first;
    returns how many were handed over."""
    stale = timezone.now() - REQUEUE_AFTER
    ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    return requeue(ids)
