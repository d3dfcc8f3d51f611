"""Faults on the way to the inbox, with a real Celery worker on Redis sending over SMTP to a local
sink: the broker stopped while agents act, a worker killed in the middle of a batch, the provider
dropping connections or refusing recipients. Nothing is lost, nothing is sent twice, and the
agent sees each email's state on the order page."""

import re
from collections import Counter

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from imports.bulk import RecipientRow, bulk_email_redemptions
from notifications.claims import unclaimed
from notifications.models import OutboundEmail
from notifications.services import BATCH_SIZE
from notifications.tasks import sweep_outbox
from seats.emails import link_ids
from seats.models import Redemption, Seat
from tests import factories
from tests.notifications.conftest import celery_broker
from tests.portal.helpers import csv_upload
from tests.support.redis_server import REDIS_URL
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Delivery = Redemption.Delivery
DELIVERY_BADGE = re.compile(
    r'class="badge badge--(?:{})">([^<]+)<'.format("|".join(Delivery.values))
)


def email_link(client, seat: Seat, email: str) -> None:
    """The agent emails a redemption link from the seat's page, and is told it was sent."""
    seat.refresh_from_db()
    url = reverse("portal:seat_action", args=[seat.pk, "email"])
    response = client.post(url, {"version": seat.version, "email": email, "message": "Welcome!"})
    assert response.status_code == 302
    message = list(get_messages(response.wsgi_request))[-1]
    assert (message.level_tag, message.message) == (
        "success",
        f"A redemption link for seat {seat.pk} was emailed to {email}.",
    )


def email_links_from_csv(client, order, emails: list[str]) -> None:
    """The agent uploads a list of recipients, previews it and applies it."""
    upload = csv_upload("email\n" + "".join(f"{email}\n" for email in emails))
    preview = client.post(reverse("portal:bulk", args=[order.pk, "email"]), {"file": upload})
    assert preview.context["errors"] == []
    applied = client.post(
        reverse("portal:bulk_apply", args=[order.pk, "email"]), {"token": preview.context["token"]}
    )
    assert applied.status_code == 302
    message = list(get_messages(applied.wsgi_request))[-1]
    assert (message.level_tag, message.message) == (
        "success",
        f"Redemption links for {len(emails)} seats are on their way; each seat awaits its "
        "recipient.",
    )


def delivery_on_order_page(client, order) -> dict[str, str]:
    """{recipient: the delivery state shown beside the seat's live link} on the order page."""
    page = client.get(reverse("portal:order", args=[order.pk]))
    assert page.status_code == 200
    shown = {}
    for row in re.findall(r'<tr id="seat-\d+">(.*?)</tr>', page.text, re.S):
        badge = DELIVERY_BADGE.search(row)
        if badge:
            recipient = re.search(r'<div class="small">([^<]+@[^<]+)</div>', row).group(1)
            shown[recipient] = badge.group(1)
    return shown


def all_sent() -> bool:
    return not OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exists()


def once_each() -> Counter:
    """What the sink must have received: every outbox row's message, exactly once."""
    return Counter({str(pk): 1 for pk in OutboundEmail.objects.values_list("pk", flat=True)})


def test_broker_stopped_while_agents_act_loses_no_email_and_sends_none_twice(
    client, private_redis, smtp_sink, start_worker
):
    order = factories.make_order(seats=10)
    client.force_login(order.buyer)
    seats = list(order.seats.order_by("pk"))
    worker = start_worker(sink=smtp_sink, broker=private_redis.url)
    with celery_broker(private_redis.url):
        email_link(client, seats[0], "early0@example.com")
        email_link(client, seats[1], "early1@example.com")
    wait_for(lambda: smtp_sink.total == 2, what="the first two emails", explain=worker.log)

    private_redis.stop()
    with celery_broker(private_redis.url):
        for n, seat in enumerate(seats[2:7]):
            email_link(client, seat, f"during{n}@example.com")
        email_links_from_csv(client, order, [f"listed{n}@example.com" for n in range(3)])

    waiting = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
    assert waiting.count() == 8
    assert not waiting.filter(queued_at__isnull=False).exists()
    assert set(
        Redemption.objects.filter(
            pk__in=link_ids(waiting.values_list("topic", flat=True))
        ).values_list("delivery_status", flat=True)
    ) == {Delivery.NOT_QUEUED}
    shown = delivery_on_order_page(client, order)
    assert Counter(shown.values()) == Counter({"Not yet queued": 8, "Sent": 2})
    assert smtp_sink.total == 2

    private_redis.start()
    with celery_broker(private_redis.url):
        assert sweep_outbox.apply().get() == 8
        wait_for(all_sent, what="every email sent after the broker came back", explain=worker.log)
        assert sweep_outbox.apply().get() == 0

    assert smtp_sink.accepted == once_each()
    assert len(smtp_sink.accepted) == 10
    assert set(delivery_on_order_page(client, order).values()) == {"Sent"}


EMAILS = 200
HELD = 37  # the worker is killed while the sink holds this message unanswered


def test_worker_killed_in_the_middle_of_a_batch_every_email_arrives_once_and_soon(
    smtp_sink, start_worker, settings
):
    order = factories.make_order(seats=EMAILS)
    smtp_sink.hold_at = HELD
    with celery_broker(REDIS_URL):
        bulk_email_redemptions(
            order=order,
            actor=order.buyer,
            rows=[RecipientRow(row=n + 2, email=f"r{n}@example.com") for n in range(EMAILS)],
        )
    assert not OutboundEmail.objects.filter(queued_at__isnull=True).exists()

    first = start_worker(sink=smtp_sink)
    wait_for(smtp_sink.held.is_set, what=f"message {HELD} to reach the sink", explain=first.log)
    assert smtp_sink.total == HELD - 1
    held = int(smtp_sink.held_email)
    assert unclaimed([held]) == []
    first.kill()
    smtp_sink.release.set()  # the sink hangs up: message HELD was never accepted
    wait_for(lambda: unclaimed([held]), what="PostgreSQL to drop the dead worker's claims")

    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == HELD - 1
    assert OutboundEmail.objects.get(pk=held).status == OutboundEmail.Status.PENDING
    # The first sweep after the death hands over the rest of the dead worker's batch at once;
    # the bulk action's other batch still waits in the broker for the next worker. Sweeps run
    # every half minute, so nothing the dead worker had taken waits a minute for a worker.
    assert settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]["schedule"] <= 30
    with celery_broker(REDIS_URL):
        assert sweep_outbox.apply().get() == BATCH_SIZE - (HELD - 1)

    second = start_worker(sink=smtp_sink)
    wait_for(all_sent, what="every email sent by the new worker", explain=second.log)

    assert smtp_sink.accepted == once_each()
    assert smtp_sink.total == EMAILS
    assert set(Redemption.objects.values_list("delivery_status", flat=True)) == {Delivery.SENT}
    sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT)
    assert not sent.filter(queued_at__isnull=True).exists()


def _email_links(order, emails: list[str]) -> list[OutboundEmail]:
    with celery_broker(REDIS_URL):
        bulk_email_redemptions(
            order=order,
            actor=order.buyer,
            rows=[RecipientRow(row=n + 2, email=email) for n, email in enumerate(emails)],
        )
    return list(OutboundEmail.objects.order_by("pk"))


def test_provider_dropping_the_connection_mid_batch_is_retried_and_sends_each_once(
    smtp_sink, start_worker
):
    order = factories.make_order(seats=5)
    smtp_sink.drop = {2}  # hangs up on the second message of the batch, unanswered
    worker = start_worker(sink=smtp_sink)

    emails = _email_links(order, [f"r{n}@example.com" for n in range(5)])
    wait_for(all_sent, what="the batch sent after a retry", explain=worker.log)

    assert smtp_sink.accepted == once_each()
    attempts = dict(OutboundEmail.objects.values_list("pk", "attempts"))
    assert attempts == {email.pk: 2 if email == emails[1] else 1 for email in emails}
    assert set(OutboundEmail.objects.values_list("status", "last_error")) == {
        (OutboundEmail.Status.SENT, "")
    }
    assert set(Redemption.objects.values_list("delivery_status", flat=True)) == {Delivery.SENT}


def test_refused_recipient_is_failed_at_once_not_retried_and_shown_to_the_agent(
    client, smtp_sink, start_worker
):
    order = factories.make_order(seats=3)
    smtp_sink.refuse = {"nobody@example.com": ["550 5.1.1 No such user here"] * 10}
    worker = start_worker(sink=smtp_sink)

    _email_links(order, ["ann@example.com", "nobody@example.com", "cy@example.com"])
    wait_for(all_sent, what="the batch to be done", explain=worker.log)

    refused = OutboundEmail.objects.get(to_email="nobody@example.com")
    assert (refused.status, refused.attempts) == (OutboundEmail.Status.FAILED, 1)
    assert "No such user here" in refused.last_error
    assert smtp_sink.rcpt_attempts["nobody@example.com"] == 1
    assert smtp_sink.accepted == Counter(
        {str(email.pk): 1 for email in OutboundEmail.objects.exclude(pk=refused.pk)}
    )
    with celery_broker(REDIS_URL):
        assert sweep_outbox.apply().get() == 0  # a refusal is final: nothing to retry

    client.force_login(order.buyer)
    assert delivery_on_order_page(client, order) == {
        "ann@example.com": "Sent",
        "nobody@example.com": "Failed",
        "cy@example.com": "Sent",
    }
    page = client.get(reverse("portal:order", args=[order.pk])).text
    assert "The email failed: correct the address to send the link again." in page


def test_temporarily_refused_recipient_is_retried_and_sent_once(smtp_sink, start_worker):
    order = factories.make_order(seats=1)
    smtp_sink.refuse = {"grey@example.com": ["450 4.2.0 Greylisted, please try again later"]}
    worker = start_worker(sink=smtp_sink)

    (email,) = _email_links(order, ["grey@example.com"])
    wait_for(
        lambda: OutboundEmail.objects.get(pk=email.pk).status != OutboundEmail.Status.PENDING,
        what="the email to be sent or failed",
        explain=worker.log,
    )

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert smtp_sink.accepted == once_each()
    assert Redemption.objects.get().delivery_status == Delivery.SENT
