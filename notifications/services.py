"""Queue emails: write outbox rows now, hand them to Celery once the transaction commits."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)

BATCH_SIZE = 100


def queue_email(
    *, kind: OutboundEmail.Kind, to: str, context: dict | None = None, redemption=None
) -> OutboundEmail:
    email = OutboundEmail.objects.create(
        kind=kind, to_email=to, context=context or {}, redemption=redemption
    )
    transaction.on_commit(lambda: enqueue([email.pk]))
    return email


def queue_emails(emails: list[OutboundEmail]) -> list[OutboundEmail]:
    """Bulk form of ``queue_email`` for bulk actions: one INSERT, one task per batch."""
    created = OutboundEmail.objects.bulk_create(emails, batch_size=1000)
    ids = [email.pk for email in created]
    transaction.on_commit(lambda: enqueue(ids))
    return created


def enqueue(email_ids: Iterable[int]) -> None:
    """Hand emails to the broker in batches. If the broker is down, the rows stay unqueued and the
    periodic sweep retries; the action that wrote them has already succeeded."""
    from .tasks import send_emails

    ids = list(email_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        OutboundEmail.objects.filter(pk__in=batch, status=OutboundEmail.Status.PENDING).update(
            queued_at=timezone.now()
        )
        _mark_redemptions_queued(batch)
        try:
            send_emails.delay(batch)
        except Exception:  # the broker's errors vary by transport; all mean "not queued"
            logger.warning(
                "Broker unavailable; %d emails left for the sweep", len(batch), exc_info=True
            )
            OutboundEmail.objects.filter(pk__in=batch, status=OutboundEmail.Status.PENDING).update(
                queued_at=None
            )


def _mark_redemptions_queued(email_ids: list[int]) -> None:
    from seats.models import Redemption

    Redemption.objects.filter(
        emails__pk__in=email_ids, delivery_status=Redemption.Delivery.NOT_QUEUED
    ).update(delivery_status=Redemption.Delivery.QUEUED)
