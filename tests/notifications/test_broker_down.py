"""With the broker down, actions still succeed at once; the outbox sweep sends the emails later."""

import time
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboundEmail
from notifications.services import BATCH_SIZE, enqueue
from notifications.tasks import publish_batches, send_emails, sweep_outbox
from seats import services
from seats.emails import SeatEmail, topic_for
from seats.models import Redemption, Seat
from seats.tokens import token_for
from tests.factories import UserFactory
from tests.notifications.conftest import celery_broker
from tests.redemption.helpers import open_link

UNREACHABLE = "redis://127.0.0.1:1/0"
FAST = 1.5  # seconds; kombu's default publish retries would take 2 s per attempt, or forever


def test_email_redemption_succeeds_fast_and_the_sweep_sends_it_later(
    order, agent, mailoutbox, django_capture_on_commit_callbacks
):
    seat = order.seats.first()
    with celery_broker(UNREACHABLE):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            redemption = services.email_redemption(
                seat=seat, actor=agent, email="recipient@example.com"
            )
        elapsed = time.monotonic() - started

    assert elapsed < FAST
    assert Seat.objects.get(pk=seat.pk).status == Seat.Status.AWAITING
    email = OutboundEmail.objects.get(topic=topic_for(redemption))
    assert (email.status, email.queued_at) == (OutboundEmail.Status.PENDING, None)
    redemption.refresh_from_db()
    assert redemption.delivery_status == Redemption.Delivery.NOT_QUEUED
    assert mailoutbox == []

    assert sweep_outbox.apply().get() == 1  # the broker is back (tasks run eagerly again)

    assert len(mailoutbox) == 1
    assert token_for(redemption.token_nonce) in mailoutbox[0].body
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.queued_at is not None
    redemption.refresh_from_db()
    assert redemption.delivery_status == Redemption.Delivery.SENT


def test_redeeming_through_the_page_does_not_wait_for_the_broker(
    client, order, agent, django_capture_on_commit_callbacks
):
    redemption = services.email_redemption(
        seat=order.seats.first(), actor=agent, email="recipient@example.com"
    )
    client.force_login(UserFactory(email="recipient@example.com"))
    claim = open_link(client, reverse("redeem", args=[token_for(redemption.token_nonce)]))
    with celery_broker(UNREACHABLE):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(claim)
        elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < FAST
    notice = OutboundEmail.objects.get(kind=SeatEmail.ASSIGNMENT_NOTICE)
    assert notice.queued_at is None


def test_a_bulk_enqueue_gives_up_on_a_dead_broker_once_not_per_batch(db):
    emails = OutboundEmail.objects.bulk_create(
        OutboundEmail(kind=SeatEmail.ASSIGNMENT_NOTICE, to_email=f"p{n}@example.com")
        for n in range(BATCH_SIZE * 3)
    )
    with celery_broker(UNREACHABLE):
        started = time.monotonic()
        assert enqueue([email.pk for email in emails]) == 0
        assert time.monotonic() - started < FAST
    assert not OutboundEmail.objects.filter(queued_at__isnull=False).exists()


def test_a_worker_splitting_a_bulk_enqueue_leaves_what_the_broker_refused_to_the_sweep(db):
    emails = OutboundEmail.objects.bulk_create(
        OutboundEmail(
            kind=SeatEmail.ASSIGNMENT_NOTICE, to_email=f"p{n}@example.com", queued_at=timezone.now()
        )
        for n in range(BATCH_SIZE * 3)
    )
    ids = [email.pk for email in emails]
    with mock.patch.object(send_emails, "delay", side_effect=[None, ConnectionError("gone")]):
        assert publish_batches.apply(args=[ids]).get() == BATCH_SIZE
    unqueued = OutboundEmail.objects.filter(queued_at__isnull=True).values_list("pk", flat=True)
    assert sorted(unqueued) == ids[BATCH_SIZE:]
