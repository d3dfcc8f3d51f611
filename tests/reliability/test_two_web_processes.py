"""Two gunicorn processes on different ports against the same PostgreSQL and Redis, as behind a
load balancer: a sign-in and a seat action made on one are seen on the other, because nothing
lives in a process's memory."""

import re

import pytest
from django.conf import global_settings

from seats.models import Seat, SeatEvent
from tests import factories
from tests.support.web_client import Browser

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_sign_in_and_seat_action_on_one_process_are_seen_on_the_other(start_web, settings):
    order = factories.make_order(seats=2)
    agent = order.buyer
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # what the web processes use
    agent.set_password(factories.PASSWORD)
    agent.save(update_fields=["password"])
    seat = order.seats.order_by("pk").first()
    a, b = start_web("web-a").url, start_web("web-b").url
    assert a != b
    browser = Browser()

    # Sign in on A.
    status, location, _ = browser.request(
        f"{a}/account/login/",
        {
            "csrfmiddlewaretoken": browser.form_token(f"{a}/account/login/"),
            "login": agent.email,
            "password": factories.PASSWORD,
        },
    )
    assert (status, location) == (302, "/account/")

    # B knows the session: the orders page is served, not the sign-in page.
    status, _, page = browser.request(f"{b}/account/orders/")
    assert status == 200
    assert order.number in page and agent.email in page

    # Assign a seat on B.
    action = f"{b}/account/seats/{seat.pk}/assign/"
    status, location, _ = browser.request(
        action,
        {
            "csrfmiddlewaretoken": browser.form_token(action),
            "version": seat.version,
            "email": "new.learner@example.com",
            "first_name": "Nora",
            "last_name": "Learner",
        },
    )
    assert (status, location) == (302, f"/account/orders/{order.pk}/")
    seat.refresh_from_db()
    assert (seat.status, seat.learner.email) == (Seat.Status.ASSIGNED, "new.learner@example.com")
    assert seat.events.filter(action=SeatEvent.Action.ASSIGN, actor=agent).count() == 1

    # A's order page shows the outcome and the message B left for the agent.
    status, _, page = browser.request(f"{a}/account/orders/{order.pk}/")
    assert status == 200
    row = re.search(rf'<tr id="seat-{seat.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "Nora Learner" in row and "new.learner@example.com" in row
    assert f"Training link for seat {seat.pk}" in row
    assert (
        f"Seat {seat.pk} is assigned to new.learner@example.com; they were emailed their "
        "training link." in page
    )

    # Signing out on B signs out everywhere.
    status, _, _ = browser.request(
        f"{b}/account/logout/",
        {"csrfmiddlewaretoken": browser.form_token(f"{b}/account/orders/")},
    )
    assert status == 302
    status, location, _ = browser.request(f"{a}/account/orders/")
    assert (status, location) == (302, "/account/login/?next=/account/orders/")
