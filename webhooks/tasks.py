"""Sending (docs/decisions/0009). A worker takes each delivery of its batch under a row lock
(``select_for_update(skip_locked=True)``) held while it posts, and commits the outcome with it;
a delivery another worker holds is skipped, a delivered one is never sent again. Should the
worker die, PostgreSQL rolls its transaction back and drops the lock with its connection, and
the sweep hands the delivery to another worker."""

import logging
import random
from contextlib import contextmanager
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.sessions import end_with_its_process

from .models import Delivery
from .sending import Answer, Sender
from .services import requeue

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
REQUEUE_AFTER = timedelta(minutes=10)
SWEEP_LIMIT = 5000


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter, capped: 1, 4, 16, 64 minutes, 4 h 16, then 8 h (with the
    default base of a minute), so the eighth and last attempt comes about a day after the first.
    """
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    seconds = min(base * 4 ** (attempts - 1), settings.WEBHOOK_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


@shared_task
def deliver_webhooks(delivery_ids: list[int]) -> int:
    """Send a batch; returns how many were delivered by this run. The batch is first taken off
    the broker's books (``queued_at`` empty): from now on a delivery of it that is due, pending
    and unlocked is the sweep's, should this worker die."""
    pending = Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.PENDING)
    pending.update(queued_at=None)
    batch = pending.select_related("endpoint").in_bulk()
    sender = Sender()
    try:
        with quick_commits():
            return sum(
                _deliver_one(batch[delivery_id], sender)
                for delivery_id in delivery_ids
                if delivery_id in batch
            )
    finally:
        sender.close()


@contextmanager
def quick_commits():
    """For the length of a batch, commits on PostgreSQL do not wait for the disk: an outcome is
    visible at once and on disk within a fraction of a second; a crash of the database server in
    that fraction would send a delivery again (same ``webhook-id``), never lose it. The wait was
    a sixth of the time per delivery. The session also ends soon after this worker's machine
    vanishes, so the row it was posting is free for the sweep within half a minute."""
    if connection.vendor != "postgresql":
        yield
        return
    end_with_its_process()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('synchronous_commit', 'off', false)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _deliver_one(delivery: Delivery, sender: Sender) -> int:
    """Post one delivery of the batch (read before, without a lock) if it is still pending and
    due and no other worker holds it; its attempts are read again under the lock."""
    with transaction.atomic():
        attempts = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                pk=delivery.pk,
                status=Delivery.Status.PENDING,
                next_attempt_at__lte=timezone.now(),
            )
            .values_list("attempts", flat=True)
            .first()
        )
        if attempts is None:
            return 0
        delivery.attempts = attempts
        if delivery.endpoint.is_active:
            answer = sender.send(delivery)
        else:
            answer = Answer(None, "The endpoint is paused.")
        _record(delivery, answer, final=not delivery.endpoint.is_active)
    return int(answer.delivered)


def _record(delivery: Delivery, answer: Answer, *, final: bool) -> None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error[:500]
    if answer.delivered:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = now
    elif final or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
        logger.warning("Webhook %s failed for good: %s", delivery.message_id, answer.error)
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )


@shared_task
def sweep_webhooks() -> int:
    """Publish what is due and in no one's hands: retries whose time has come, what the broker
    never got, what a dead worker had taken, what was queued long ago and seems lost. A delivery
    a live worker is posting is locked, and skipped. Returns how many were handed over."""
    now = timezone.now()
    due = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
        .order_by("next_attempt_at", "pk")
    )
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:SWEEP_LIMIT]
        )
    return requeue(ids)
