"""Queue emails: write outbox rows now, hand them to Celery once the transaction commits; and
record what the provider later reports about their delivery."""

import logging
from collections.abc import Iterable

from anymail.signals import EventType
from django.db import transaction
from django.utils import timezone

from core.bulk_sql import insert_objects
from seats.models import Redemption

from .models import OutboundEmail

logger = logging.getLogger(__name__)

BATCH_SIZE = 100


def queue_email(
    *, kind: OutboundEmail.Kind, to: str, context: dict | None = None, redemption=None
) -> OutboundEmail:
    return queue_emails(
        [OutboundEmail(kind=kind, to_email=to, context=context or {}, redemption=redemption)]
    )[0]


def queue_emails(emails: list[OutboundEmail]) -> list[OutboundEmail]:
    """Write outbox rows, already marked queued, and hand them to Celery once the transaction
    commits: one INSERT, one task per batch, and no further write unless the broker fails.
    Emails about a link carry the link itself; one made with its email is queued already
    (``build_link``), one whose earlier email never reached the broker is marked queued now."""
    now = timezone.now()
    for email in emails:
        email.queued_at = now
    created = insert_objects(emails)
    unqueued = [
        email.redemption.pk
        for email in created
        if email.redemption_id
        and email.redemption.delivery_status == Redemption.Delivery.NOT_QUEUED
    ]
    if unqueued:
        Redemption.objects.filter(
            pk__in=unqueued, delivery_status=Redemption.Delivery.NOT_QUEUED
        ).update(delivery_status=Redemption.Delivery.QUEUED)
    ids = [email.pk for email in created]
    transaction.on_commit(lambda: enqueue(ids))
    return created


def enqueue(email_ids: Iterable[int]) -> int:
    """Publish the emails to the broker in batches; returns how many were handed over. If the
    broker is down, the rest are marked unqueued (their redemptions "not yet queued") for the
    periodic sweep, and the action that wrote them has already succeeded. The first failure stops
    the loop, so a bulk action does not wait on a dead broker once per batch."""
    from .tasks import send_emails

    ids = list(email_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        try:
            send_emails.delay(ids[start : start + BATCH_SIZE])
        except Exception:  # the broker's errors vary by transport; all mean "not queued"
            logger.warning(
                "Broker unavailable; %d emails left for the sweep", len(ids) - start, exc_info=True
            )
            _mark_unqueued(ids[start:])
            return start
    return len(ids)


def requeue(email_ids: list[int]) -> int:
    """The sweep's hand-over: mark the emails queued again, then publish them."""
    OutboundEmail.objects.filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING).update(
        queued_at=timezone.now()
    )
    Redemption.objects.filter(
        emails__pk__in=email_ids, delivery_status=Redemption.Delivery.NOT_QUEUED
    ).update(delivery_status=Redemption.Delivery.QUEUED)
    return enqueue(email_ids)


def _mark_unqueued(email_ids: list[int]) -> None:
    """Only what is still pending moves back: a fast worker may have sent some already."""
    OutboundEmail.objects.filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING).update(
        queued_at=None
    )
    Redemption.objects.filter(
        emails__pk__in=email_ids, delivery_status=Redemption.Delivery.QUEUED
    ).update(delivery_status=Redemption.Delivery.NOT_QUEUED)


# What a provider's tracking event means for the redemption whose email it is about, and which
# delivery states it may overwrite: events arrive late and out of order, and a bounce is what
# the agent most needs to see, so nothing but another failure replaces it.
_D = Redemption.Delivery
_EARLY = (_D.NOT_QUEUED, _D.QUEUED)
_DELIVERY_EVENTS = {
    EventType.SENT: (_D.SENT, _EARLY),
    EventType.DELIVERED: (_D.DELIVERED, (*_EARLY, _D.SENT)),
    EventType.BOUNCED: (_D.BOUNCED, (*_EARLY, _D.SENT, _D.DELIVERED, _D.FAILED)),
    EventType.REJECTED: (_D.FAILED, (*_EARLY, _D.SENT, _D.DELIVERED)),
    EventType.FAILED: (_D.FAILED, (*_EARLY, _D.SENT, _D.DELIVERED)),
}
_FAILURES = (EventType.BOUNCED, EventType.REJECTED, EventType.FAILED)


def record_delivery(
    *, event_type: str, message_id: str | None, email_id: str | None = None, detail: str = ""
) -> OutboundEmail | None:
    """Apply a provider's tracking event to the outbox row it is about (found by the id we sent
    in the message's metadata, else by the provider's message id) and to its redemption.
    Returns the row, or None when the event is not about one of our emails or does not matter
    (opens, clicks, deferrals)."""
    if event_type not in _DELIVERY_EVENTS:
        return None
    email = _find_email(message_id=message_id, email_id=email_id)
    if email is None:
        logger.info("Tracking event %s for unknown message %s", event_type, message_id)
        return None
    if event_type in _FAILURES:
        email.status = OutboundEmail.Status.FAILED
        email.last_error = (detail or event_type)[:2000]
        email.save(update_fields=["status", "last_error"])
    if email.redemption_id:
        delivery, replaces = _DELIVERY_EVENTS[event_type]
        Redemption.objects.filter(pk=email.redemption_id, delivery_status__in=replaces).update(
            delivery_status=delivery
        )
    return email


def _find_email(*, message_id: str | None, email_id: str | None) -> OutboundEmail | None:
    emails = OutboundEmail.objects.all()
    if email_id and str(email_id).isdigit():
        return emails.filter(pk=int(email_id)).first()
    if message_id:
        return emails.filter(provider_message_id=message_id).first()
    return None
