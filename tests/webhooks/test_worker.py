"""Webhooks through Redis and a real Celery worker to a receiver on loopback that checks every
signature: a worker killed in the middle of a delivery costs no event and sends none twice, and
an endpoint answering 500 gets the event again. The broker is a redis-server of the test's own."""

import pytest
from django.db import transaction

from imports.bulk import RecipientRow, bulk_email_redemptions
from tests import factories
from tests.notifications.conftest import celery_broker
from tests.support.waiting import wait_for
from webhooks import services
from webhooks.models import Delivery
from webhooks.services import BATCH_SIZE
from webhooks.tasks import sweep_webhooks

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LINKS = 60
HELD = 17  # the worker is killed while the receiver holds this request unanswered


def email_links(agent, group, broker: str, count: int) -> None:
    order = factories.make_order(seats=count, buyer=agent, group=group)
    with celery_broker(broker):
        bulk_email_redemptions(
            order=order,
            actor=agent,
            rows=[RecipientRow(row=n + 2, email=f"r{n}@example.com") for n in range(count)],
        )


def all_delivered() -> bool:
    return not Delivery.objects.exclude(status=Delivery.Status.DELIVERED).exists()


def once_each() -> dict[str, int]:
    return {message_id: 1 for message_id in Delivery.objects.values_list("message_id", flat=True)}


def locked(delivery_id: int) -> bool:
    with transaction.atomic():
        free = Delivery.objects.select_for_update(skip_locked=True).filter(pk=delivery_id)
        return not free.exists()


def test_worker_killed_mid_delivery_every_event_arrives_once(
    agent, group, receiver, private_redis, start_worker
):
    endpoint = services.register_endpoint(actor=agent, url=receiver.url, events=["link.emailed"])
    receiver.secret = endpoint.secret
    receiver.hold_at = HELD
    email_links(agent, group, private_redis.url, LINKS)
    assert Delivery.objects.filter(queued_at__isnull=False).count() == LINKS

    first = start_worker()
    wait_for(receiver.held.is_set, what=f"request {HELD} to reach the receiver", explain=first.log)
    assert receiver.total == HELD - 1
    held = Delivery.objects.get(message_id=receiver.held_id)
    assert locked(held.pk)
    first.kill()
    receiver.release.set()  # the receiver hangs up: request HELD was never answered
    wait_for(lambda: not locked(held.pk), what="PostgreSQL to drop the dead worker's lock")

    held.refresh_from_db()
    assert (held.status, held.attempts) == (Delivery.Status.PENDING, 0)
    assert Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() == HELD - 1
    # The sweep hands over what the dead worker had taken; the second batch still waits in the
    # broker for the next worker.
    with celery_broker(private_redis.url):
        assert sweep_webhooks.apply().get() == BATCH_SIZE - (HELD - 1)

    second = start_worker()
    wait_for(all_delivered, what="every event delivered by the new worker", explain=second.log)

    assert receiver.accepted == once_each()
    assert receiver.total == LINKS
    assert receiver.unverified == 0
    assert receiver.accepted[held.message_id] == 1


def test_an_endpoint_answering_500_gets_the_event_again(
    agent, group, receiver, private_redis, start_worker
):
    endpoint = services.register_endpoint(actor=agent, url=receiver.url, events=["link.emailed"])
    receiver.secret = endpoint.secret
    receiver.answers = [204, 500, 204]
    worker = start_worker(WEBHOOK_RETRY_BASE_SECONDS="0")
    email_links(agent, group, private_redis.url, 3)
    wait_for(lambda: receiver.arrivals == 3, what="three first attempts", explain=worker.log)
    failed = wait_for(
        lambda: Delivery.objects.filter(last_status_code=500, attempts=1).first(),
        what="the 500 recorded",
    )

    with celery_broker(private_redis.url):
        assert sweep_webhooks.apply().get() == 1  # due again at once with a zero backoff base
    wait_for(all_delivered, what="the retry delivered", explain=worker.log)

    failed.refresh_from_db()
    assert (failed.attempts, failed.last_status_code) == (2, 204)
    assert receiver.accepted == once_each()
    assert receiver.arrivals == 4
