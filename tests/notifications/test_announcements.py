"""The outbox knows nothing of links: it announces what happens to an email under the email's
topic, and the seats side keeps the delivery state the agent sees beside each link from it. A
worker's batch is one announcement, a dead worker's outcomes are announced by the next sweep,
and each outcome is announced once."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imports.bulk import RecipientRow, bulk_email_redemptions
from notifications import registry
from notifications.models import OutboundEmail
from notifications.outcomes import announce_outcomes
from notifications.services import queue_email
from notifications.signals import DeliveryEvent, delivery_changed
from notifications.tasks import send_emails, sweep_outbox
from seats.emails import SeatEmail, redemption_link, topic_for
from seats.models import Redemption

Delivery = Redemption.Delivery


@pytest.fixture
def heard():
    """Every announcement made during the test: (event, topics)."""
    announcements = []

    def listen(sender, *, event, topics, **kwargs):
        announcements.append((event, sorted(topics)))

    delivery_changed.connect(listen, dispatch_uid="tests.heard")
    yield announcements
    delivery_changed.disconnect(dispatch_uid="tests.heard")


def _delivery(redemption: Redemption) -> str:
    redemption.refresh_from_db()
    return redemption.delivery_status


def test_a_batch_is_announced_once_and_its_links_shown_sent_in_one_statement(order, agent, heard):
    rows = [RecipientRow(row=n + 2, email=f"r{n}@example.com") for n in range(3)]
    bulk_email_redemptions(order=order, actor=agent, rows=rows)
    links = list(Redemption.objects.all())
    topics = sorted(topic_for(link) for link in links)
    assert heard == [(DeliveryEvent.QUEUED, topics)]
    assert {_delivery(link) for link in links} == {Delivery.QUEUED}

    with CaptureQueriesContext(connection) as queries:
        send_emails.apply(args=[list(OutboundEmail.objects.values_list("pk", flat=True))])

    assert heard[1:] == [(DeliveryEvent.SENT, topics)]
    link_writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "seats_redemption"')]
    assert len(link_writes) == 1
    assert {_delivery(link) for link in links} == {Delivery.SENT}


def test_what_a_dead_worker_sent_is_shown_sent_after_the_next_sweep(redemption, email):
    # The worker recorded the outcome and died before its batch ended and announced it.
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), attempts=1, unannounced=True
    )
    assert _delivery(redemption) == Delivery.QUEUED

    assert sweep_outbox.apply().get() == 0  # nothing to send again

    assert _delivery(redemption) == Delivery.SENT
    assert not OutboundEmail.objects.filter(unannounced=True).exists()


def test_an_outcome_is_announced_once_however_many_try(email, heard):
    send_emails.apply(args=[[email.pk]])
    announce_outcomes([email.pk])
    sweep_outbox.apply()
    assert heard == [(DeliveryEvent.SENT, [email.topic])]


def test_an_email_of_a_kind_no_app_registers_is_refused_and_nothing_is_written(db):
    with pytest.raises(registry.UnknownKind, match="no_such_kind"):
        queue_email(kind="no_such_kind", to="someone@example.com")
    assert not OutboundEmail.objects.exists()


def test_two_apps_cannot_register_one_kind():
    def other(email, about):
        return redemption_link(email, about)

    link = registry.kind(SeatEmail.REDEMPTION_LINK)
    with pytest.raises(ImproperlyConfigured, match="redemption_link"):
        registry.register(link.name, label=link.label, load=link.load, render=other)
    assert registry.kind(SeatEmail.REDEMPTION_LINK) == link
