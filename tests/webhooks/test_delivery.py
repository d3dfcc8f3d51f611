"""Sending, in this process, to a receiver on loopback that checks every signature with the
Standard Webhooks reference code: delivered on 2xx, retried with backoff otherwise, failed for
good after the last attempt, redirects never followed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from seats import services as seat_services
from webhooks import services
from webhooks.models import Delivery
from webhooks.tasks import MAX_ATTEMPTS, deliver_webhooks, retry_delay, sweep_webhooks

pytestmark = pytest.mark.django_db


def deliver_all() -> int:
    return deliver_webhooks.apply(args=[list(Delivery.objects.values_list("pk", flat=True))]).get()


def make_due() -> None:
    Delivery.objects.filter(status=Delivery.Status.PENDING).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_seat_action_reaches_the_receiver_signed_once(
    order, agent, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")

    delivery = Delivery.objects.get()
    assert receiver.accepted == {delivery.message_id: 1}
    assert receiver.unverified == 0
    assert receiver.payloads == [delivery.payload]
    assert receiver.payloads[0]["type"] == "seat.assigned"
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)


def test_a_500_is_retried_with_the_same_webhook_id_until_accepted(
    order, agent, endpoint, receiver, settings
):
    receiver.answers = [500, 503]
    seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    delivery = Delivery.objects.get()

    assert deliver_all() == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.last_error == "The endpoint answered 500."
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=40)
    assert sweep_webhooks.apply().get() == 0  # not due yet

    for expected in (503, 204):
        make_due()
        assert sweep_webhooks.apply().get() == 1  # eager: the sweep's task sends it at once
        delivery.refresh_from_db()
        assert delivery.last_status_code == expected

    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert receiver.arrivals == 3
    assert receiver.accepted == {delivery.message_id: 1}


def test_the_backoff_grows_with_jitter_up_to_a_cap_of_about_a_day_in_all():
    delays = [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS)]
    assert delays[0] < delays[1] < delays[2] < delays[3] < delays[4]
    assert timedelta(hours=14) < sum(delays, timedelta()) < timedelta(hours=30)
    assert max(delays) <= timedelta(hours=8 * 1.2)


def test_after_the_last_attempt_the_delivery_fails_for_good(order, agent, endpoint, receiver):
    receiver.answers = [500] * MAX_ATTEMPTS
    seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    deliver_all()
    for _ in range(MAX_ATTEMPTS - 1):
        make_due()
        sweep_webhooks.apply()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    make_due()
    assert sweep_webhooks.apply().get() == 0
    assert receiver.arrivals == MAX_ATTEMPTS
    assert receiver.total == 0


def test_a_redirect_is_not_followed(order, agent, endpoint, receiver):
    receiver.answers = [302]
    seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    deliver_all()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)
    assert receiver.paths == ["/hooks"]


def test_a_delivered_event_is_never_sent_again(order, agent, endpoint, receiver):
    seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    deliver_all()
    deliver_all()  # a duplicate task, say a redelivered message
    assert receiver.arrivals == 1


def test_what_waits_for_a_paused_endpoint_fails_without_being_sent(
    order, agent, endpoint, receiver
):
    seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    services.set_endpoint_active(endpoint, active=False)
    deliver_all()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_error) == ("failed", "The endpoint is paused.")
    assert receiver.arrivals == 0


def test_an_unreachable_endpoint_is_retried(order, agent, receiver):
    endpoint = services.register_endpoint(
        actor=agent, url="http://127.0.0.1:9/closed", events=["seat.assigned"]
    )
    seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    deliver_all()

    delivery = endpoint.deliveries.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "Connection refused" in delivery.last_error or "Errno" in delivery.last_error


def test_the_test_event_is_signed_like_the_others(endpoint, receiver):
    delivery = services.send_test_event(endpoint)
    deliver_all()

    assert receiver.accepted == {delivery.message_id: 1}
    assert receiver.payloads[0]["type"] == "webhook.test"
    assert receiver.payloads[0]["data"] == {"endpoint_id": endpoint.pk}


def test_a_broker_outage_leaves_the_deliveries_to_the_sweep(
    order, agent, endpoint, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(deliver_webhooks, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        seat = seat_services.assign_seat(
            seat=order.seats.first(), actor=agent, email="ada@example.com"
        )
    assert seat.status == "assigned"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.queued_at) == ("pending", None)

    monkeypatch.undo()
    assert sweep_webhooks.apply().get() == 1
    assert receiver.accepted == {delivery.message_id: 1}
