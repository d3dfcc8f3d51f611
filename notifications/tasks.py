"""Sending. Tasks take ids, lock each row and skip it once sent, so a task that runs twice (a
retry, a redelivery after a worker died) sends each email once; that makes ``acks_late`` safe."""

import logging
import smtplib
from datetime import timedelta

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from celery import shared_task
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from . import emails
from .models import OutboundEmail

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    AnymailAPIError,
)
PERMANENT_ERRORS = (AnymailRecipientsRefused, smtplib.SMTPRecipientsRefused)
REQUEUE_AFTER = timedelta(minutes=10)


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    dont_autoretry_for=PERMANENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_emails(email_ids: list[int]) -> int:
    """Send a batch over one connection; returns how many were sent by this run."""
    sent = 0
    with get_connection() as connection:
        for email_id in email_ids:
            try:
                sent += _send_one(email_id, connection)
            except TRANSIENT_ERRORS as error:
                OutboundEmail.objects.filter(pk=email_id).update(last_error=str(error)[:2000])
                raise
    return sent


def _send_one(email_id: int, connection) -> int:
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:  # sent already, failed for good, or another worker has it
            return 0
        email.attempts += 1
        message = emails.build_message(email, connection=connection)
        try:
            message.send()
        except PERMANENT_ERRORS as error:
            _finish(email, OutboundEmail.Status.FAILED, error=str(error))
            return 0
        status = getattr(message, "anymail_status", None)
        email.provider_message_id = (getattr(status, "message_id", None) or "")[:255]
        _finish(email, OutboundEmail.Status.SENT)
        return 1


def _finish(email: OutboundEmail, status: str, *, error: str = "") -> None:
    from seats.models import Redemption

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
    """Queue what the broker never got (it was down) or lost; returns how many were queued."""
    from .services import enqueue

    stale = timezone.now() - REQUEUE_AFTER
    ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .filter(queued_at__isnull=True)
        .values_list("pk", flat=True)[:5000]
    ) + list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING, queued_at__lt=stale
        ).values_list("pk", flat=True)[:5000]
    )
    enqueue(ids)
    return len(ids)
