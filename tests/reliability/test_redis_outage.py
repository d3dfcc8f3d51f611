"""Redis stopped under a running site. One Redis is the broker and the cache by default; its outage
must cost nothing but the emails' timing: people stay signed in and can sign in, links open, an
agent's action succeeds and its email leaves once Redis is back, and the rate limits let everyone
through and say so in the log. The web process and the worker use a redis-server of their own."""

import json

import pytest
from django.conf import global_settings
from django.urls import reverse

from notifications.models import OutboundEmail
from notifications.tasks import sweep_outbox
from seats import services
from seats.emails import SeatEmail
from seats.models import Redemption, Seat
from seats.tokens import token_for
from tests import factories
from tests.notifications.conftest import celery_broker
from tests.support.waiting import wait_for
from tests.support.web_client import Browser

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LOGIN_LIMIT = 2


def with_password(user):
    """The user, signing in with the hasher the web process uses."""
    user.set_password(factories.PASSWORD)
    user.save(update_fields=["password"])
    return user


def test_site_serves_everyone_while_redis_is_down_and_the_emails_leave_once_it_is_back(
    settings, private_redis, start_web, start_private_worker, smtp_sink
):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    order = factories.make_order(seats=2)
    agent = with_password(order.buyer)
    recipient = with_password(factories.UserFactory(email="recipient@example.com"))
    emailed, free = order.seats.order_by("pk")
    link = reverse(
        "redeem",
        args=[
            token_for(
                services.email_redemption(
                    seat=emailed, actor=agent, email=recipient.email
                ).token_nonce
            )
        ],
    )
    web = start_web("web", redis_url=private_redis.url, LOGIN_RATE_LIMIT=str(LOGIN_LIMIT))
    agent_browser = Browser()
    assert agent_browser.sign_in(web.url, agent.email, factories.PASSWORD)[:2] == (
        302,
        "/account/",
    )

    private_redis.stop()

    # A load balancer keeps the process in service.
    health = json.loads(agent_browser.request(f"{web.url}/health/")[2])
    assert (health["status"], health["database"]) == ("degraded", "ok")

    # Whoever was signed in still is.
    status, _, page = agent_browser.request(f"{web.url}/account/orders/{order.pk}/")
    assert status == 200 and order.number in page

    # Signing in works, and the limits on attempts (per client and per account, in the cache)
    # let everyone through (and say so).
    recipient_browser = Browser()
    for _ in range(LOGIN_LIMIT):
        status, _, page = recipient_browser.sign_in(web.url, recipient.email, "wrong")
        assert status == 200 and "password you specified are not correct" in page
    assert recipient_browser.sign_in(web.url, recipient.email, factories.PASSWORD)[:2] == (
        302,
        "/account/",
    )
    assert "Rate limit cache unavailable; add answered as a miss" in web.process.log()

    # The emailed link opens, and the recipient redeems the seat.
    status, claim, _ = recipient_browser.request(web.url + link)
    assert status == 302 and claim.startswith("/redeem/claim/")
    status, _, page = recipient_browser.request(web.url + claim)
    assert status == 200 and "Redeem your seat" in page
    status, done, _ = recipient_browser.post_form(web.url + claim, {})
    assert (status, done) == (302, f"/redeem/done/{emailed.pk}/")

    # The agent emails a link: the action succeeds at once, its email waits for the sweep.
    action = f"{web.url}/account/seats/{free.pk}/email/"
    status, back, _ = agent_browser.post_form(
        action, {"version": free.version, "email": "new@example.com", "message": "Welcome!"}
    )
    assert (status, back) == (302, f"/account/orders/{order.pk}/")
    status, _, page = agent_browser.request(web.url + back)
    assert status == 200
    assert f"A redemption link for seat {free.pk} was emailed to new@example.com." in page
    assert set(Seat.objects.values_list("status", flat=True)) == {
        Seat.Status.ASSIGNED,
        Seat.Status.AWAITING,
    }
    waiting = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
    assert sorted(waiting.values_list("kind", "to_email", "queued_at")) == [
        (SeatEmail.ASSIGNMENT_NOTICE, recipient.email, None),
        (SeatEmail.REDEMPTION_LINK, "new@example.com", None),
    ]
    assert smtp_sink.total == 0

    # Redis is back: the next sweep hands both emails to a worker, which sends each once.
    private_redis.start()
    worker = start_private_worker(sink=smtp_sink)
    with celery_broker(private_redis.url):
        assert sweep_outbox.apply().get() == 2
    wait_for(lambda: not waiting.exists(), what="the emails sent", explain=worker.log)
    assert sorted(smtp_sink.accepted.values()) == [1, 1]
    assert Redemption.objects.get(seat=free).delivery_status == Redemption.Delivery.SENT
