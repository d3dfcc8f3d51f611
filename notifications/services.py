"""Queue emails: write outbox rows now, hand them to Celery once the transaction commits; and
record what the provider later reports about their delivery. Each step is announced under the
emails' topics (``signals``)."""

import logging
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from anymail.signals import EventType
from django.db import transaction
from django.utils import timezone

from core.bulk_sql import insert_rows

from . import registry
from .models import OutboundEmail
from .signals import DeliveryEvent, announce

logger = logging.getLogger(__name__)

BATCH_SIZE = 100


class NewEmail(NamedTuple):
    """An email to queue, by the outbox columns an action fills in; the model's defaults fill the
    rest. A tuple, not an ``OutboundEmail``: a bulk action queues thousands, and building as many
    model instances took longer than writing them."""

    kind: str
    to_email: str
    context: dict
    topic: str = ""


def queue_email(*, kind: str, to: str, context: dict | None = None, topic: str = "") -> int:
    """Queue one email (``queue_emails``); returns its id."""
    return queue_emails([NewEmail(kind, to, context or {}, topic)])[0]


def queue_emails(emails: Sequence[NewEmail]) -> list[int]:
    """Write outbox rows, already marked queued, and hand them to Celery once the transaction
    commits: one INSERT, one task per batch, and no further write unless the broker fails (or a
    subscriber to their topics keeps a state of its own). A kind no app registered is refused
    before anything is written. Returns the rows' ids, in order."""
    now = timezone.now()
    for kind in {email.kind for email in emails}:
        registry.kind(kind)
    ids = insert_rows(
        OutboundEmail,
        NewEmail._fields,
        emails,
        constants={"created_at": now, "queued_at": now},
        returning="id",
    )
    announce(DeliveryEvent.QUEUED, [email.topic for email in emails])
    transaction.on_commit(lambda: enqueue(ids))
    return ids


def enqueue(email_ids: Iterable[int]) -> int:
    """Publish the emails to the broker; returns how many were handed over. A batch's worth is
    one ``send_emails`` message; more (a bulk action's thousands) are one ``publish_batches``
    message that a worker splits, so the action waits for one publish, not one per batch (50
    for 5,000 emails took 25 ms). If the broker is down they are marked unqueued (and announced
    so) for the periodic sweep, and the action that wrote them has already succeeded."""
    from .tasks import publish_batches, send_emails

    ids = list(email_ids)
    task = send_emails if len(ids) <= BATCH_SIZE else publish_batches
    return len(ids) if _published(task, ids, ids) else 0


def publish(email_ids: list[int]) -> int:
    """Publish the emails in batches of ``BATCH_SIZE``, as ``enqueue`` does, from a worker; the
    first failure stops the loop, so a dead broker is not waited on once per batch."""
    from .tasks import send_emails

    for start in range(0, len(email_ids), BATCH_SIZE):
        if not _published(send_emails, email_ids[start : start + BATCH_SIZE], email_ids[start:]):
            return start
    return len(email_ids)


def _published(task, args: list[int], at_stake: list[int]) -> bool:
    """Publish ``task(args)``; if the broker refuses it, mark ``at_stake`` unqueued."""
    try:
        task.delay(args)
    except Exception:  # the broker's errors vary by transport; all mean "not queued"
        logger.warning(
            "Broker unavailable; %d emails left for the sweep", len(at_stake), exc_info=True
        )
        _mark_unqueued(at_stake)
        return False
    return True


def requeue(email_ids: list[int]) -> int:
    """The sweep's hand-over, in a worker already: mark the emails queued again, then publish
    them in batches."""
    _set_queued_at(email_ids, timezone.now(), DeliveryEvent.QUEUED)
    return publish(email_ids)


def _mark_unqueued(email_ids: list[int]) -> None:
    """Only what is still pending moves back: a fast worker may have sent some already."""
    _set_queued_at(email_ids, None, DeliveryEvent.UNQUEUED)


def _set_queued_at(email_ids: list[int], queued_at, event: DeliveryEvent) -> None:
    pending = OutboundEmail.objects.filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING)
    with transaction.atomic():
        topics = list(pending.exclude(topic="").values_list("topic", flat=True))
        pending.update(queued_at=queued_at)
        announce(event, topics)


_PROVIDER_EVENTS = {
    EventType.SENT: DeliveryEvent.PROVIDER_SENT,
    EventType.DELIVERED: DeliveryEvent.DELIVERED,
    EventType.BOUNCED: DeliveryEvent.BOUNCED,
    EventType.REJECTED: DeliveryEvent.REJECTED,
    EventType.FAILED: DeliveryEvent.PROVIDER_FAILED,
}
"""The tracking events that matter; opens, clicks and deferrals do not."""
_FAILURES = (EventType.BOUNCED, EventType.REJECTED, EventType.FAILED)


def record_delivery(
    *, event_type: str, message_id: str | None, email_id: str | None = None, detail: str = ""
) -> OutboundEmail | None:
    """Apply a provider's tracking event to the outbox row it is about (found by the id we sent
    in the message's metadata, else by the provider's message id) and announce it under the
    row's topic. Returns the row, or None when the event is not about one of our emails or does
    not matter (opens, clicks, deferrals)."""
    if event_type not in _PROVIDER_EVENTS:
        return None
    email = _find_email(message_id=message_id, email_id=email_id)
    if email is None:
        logger.info("Tracking event %s for unknown message %s", event_type, message_id)
        return None
    with transaction.atomic():
        if event_type in _FAILURES:
            email.status = OutboundEmail.Status.FAILED
            email.last_error = (detail or event_type)[:2000]
            email.save(update_fields=["status", "last_error"])
        announce(_PROVIDER_EVENTS[event_type], [email.topic])
    return email


def _find_email(*, message_id: str | None, email_id: str | None) -> OutboundEmail | None:
    emails = OutboundEmail.objects.all()
    if email_id and str(email_id).isdigit():
        return emails.filter(pk=int(email_id)).first()
    if message_id:
        return emails.filter(provider_message_id=message_id).first()
    return None
