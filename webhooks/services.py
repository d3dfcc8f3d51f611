"""Endpoints (register, pause, delete, test) and the hand-over of deliveries to the worker:
rows written in the caller's transaction, published once it commits, left to the sweep when the
broker is down."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.bulk_sql import insert_objects
from orders.models import Store

from .addresses import AddressRefused, resolve
from .models import TEST_EVENT, Delivery, Endpoint

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
"""Deliveries per task: a worker sends them one after the other, so a batch stays short."""


def check_url(url: str) -> None:
    """Refuse (``AddressRefused``) a URL that may not receive webhooks."""
    resolve(url)


def register_endpoint(
    *,
    actor: User,
    url: str,
    events: list[str],
    description: str = "",
    store: Store | None = None,
) -> Endpoint:
    """An agent's endpoint, or with ``store`` a store's (the caller checked that the actor is a
    store admin). Its secret is shown once, by the page that registered it."""
    check_url(url)
    return Endpoint.objects.create(
        owner=None if store else actor,
        store=store,
        url=url,
        events=list(events),
        description=description,
        created_by=actor,
    )


def set_endpoint_active(endpoint: Endpoint, *, active: bool) -> None:
    """A paused endpoint hears of nothing new, and what waits for it fails at its next attempt."""
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active"])


def delete_endpoint(endpoint: Endpoint) -> None:
    endpoint.delete()


def send_test_event(endpoint: Endpoint) -> Delivery:
    """A ``webhook.test`` delivery, sent like any other: it shows in the log with its outcome."""
    if not endpoint.is_active:
        raise AddressRefused("Resume the endpoint to send it a test event.")
    now = timezone.now()
    delivery = Delivery(
        endpoint=endpoint,
        event_type=TEST_EVENT,
        payload={
            "type": TEST_EVENT,
            "timestamp": now.isoformat(),
            "data": {"endpoint_id": endpoint.pk},
        },
    )
    with transaction.atomic():
        return queue_deliveries([delivery])[0]


def queue_deliveries(deliveries: list[Delivery]) -> list[Delivery]:
    """Write the rows, already marked queued, in one statement, and publish them once the
    transaction commits."""
    if not deliveries:
        return deliveries
    now = timezone.now()
    for delivery in deliveries:
        delivery.queued_at = delivery.created_at = delivery.next_attempt_at = now
    if len(deliveries) == 1:
        deliveries[0].save(force_insert=True)
    else:
        deliveries = insert_objects(deliveries)
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: enqueue(ids))
    return deliveries


def enqueue(delivery_ids: Iterable[int]) -> int:
    """Publish in batches; returns how many were handed over. The first broker failure leaves
    the rest unqueued for the sweep: the action that wrote them has succeeded already."""
    from .tasks import deliver_webhooks

    ids = list(delivery_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        try:
            deliver_webhooks.delay(ids[start : start + BATCH_SIZE])
        except Exception:  # the broker's errors vary by transport; all mean "not queued"
            left = len(ids) - start
            logger.warning("Broker down; %d webhooks left for the sweep", left, exc_info=True)
            pending = Delivery.objects.filter(pk__in=ids[start:], status=Delivery.Status.PENDING)
            pending.update(queued_at=None)
            return start
    return len(ids)


def requeue(delivery_ids: list[int]) -> int:
    """The sweep's hand-over: mark the deliveries queued again, then publish them."""
    Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.PENDING).update(
        queued_at=timezone.now()
    )
    return enqueue(delivery_ids)
