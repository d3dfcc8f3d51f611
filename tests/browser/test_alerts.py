"""The agent's dashboards and email alerts in a real browser: the charts of a group and an
order, the preferences page, and the unsubscribe link of an alert followed without signing in."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.db.models.functions import Mod
from django.utils import timezone
from playwright.sync_api import expect

from alerts.models import AlertEmail, AlertPreference
from notifications.emails import render
from notifications.models import OutboundEmail
from orders.models import Order
from seats import services
from seats.models import Redemption, SeatEvent
from seats.tokens import token_for
from tests import factories
from tests.alerts.helpers import bounce


def _spread_over_weeks(order) -> None:
    """Move the order and its history back in time, each seat's by a few weeks, so the charts
    have weeks to show: the order nine weeks ago, its seats' changes in the weeks since."""
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(placed_at=now - timedelta(weeks=9))
    for weeks in range(8):
        shift = timedelta(weeks=weeks)
        seats = order.seats.annotate(bucket=Mod("pk", 8)).filter(bucket=weeks).values("pk")
        SeatEvent.objects.filter(seat__in=seats).update(created_at=F("created_at") - shift)
        Redemption.objects.filter(seat__in=seats).update(
            created_at=F("created_at") - shift - timedelta(days=2),
            redeemed_at=F("redeemed_at") - shift,
        )


@pytest.fixture
def busy_order(agent, group):
    order = factories.make_order(seats=40, buyer=agent, group=group)
    seats = list(order.seats.order_by("pk"))
    for n, seat in enumerate(seats[:24]):
        link = services.email_redemption(seat=seat, actor=agent, email=f"r{n}@example.com")
        if n < 14:
            learner = factories.UserFactory(email=f"r{n}@example.com")
            services.redeem_link(token=token_for(link.token_nonce), user=learner)
    for n, seat in enumerate(seats[24:30]):
        services.assign_seat(seat=seat, actor=agent, email=f"direct{n}@example.com")
    _spread_over_weeks(order)
    return order


@pytest.mark.django_db(transaction=True)
def test_agent_opens_the_group_and_order_dashboards(
    page, sign_in, screenshot, agent, group, busy_order
):
    sign_in(agent)
    page.goto("/account/groups/")
    page.get_by_role("link", name=f"Dashboard of {group.name}").click()
    expect(page.get_by_role("heading", name=f"{group.name}: where seats stand")).to_be_visible()
    expect(page.get_by_role("img", name="Seats from purchase to a passed course")).to_be_visible()
    expect(page.get_by_role("img", name="Seats by status at the end of each week")).to_be_visible()
    expect(page.get_by_role("img", name="Links redeemed per week")).to_be_visible()
    funnel = page.get_by_role("table").first
    expect(funnel.get_by_role("row", name="Purchased 40")).to_be_visible()
    expect(funnel.get_by_role("row", name="Redeemed a link 14")).to_be_visible()
    screenshot("alerts-group-dashboard")

    page.goto(f"/account/orders/{busy_order.pk}/")
    page.get_by_role("link", name="Dashboard").click()
    expect(
        page.get_by_role("heading", name=f"Order {busy_order.number}: where seats stand")
    ).to_be_visible()
    expect(page.get_by_text("Average days from email to redemption")).to_be_visible()
    screenshot("alerts-order-dashboard")


@pytest.mark.django_db(transaction=True)
def test_agent_switches_the_weekly_digest_off(page, sign_in, screenshot, agent, order):
    sign_in(agent)
    page.get_by_role("link", name="Account", exact=True).click()
    settings = page.get_by_role("navigation", name="Account settings")
    settings.get_by_role("link", name="Email alerts").click()
    digest = page.get_by_label("Weekly digest")
    expect(digest).to_be_checked()
    digest.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your email alerts are saved.")).to_be_visible()
    expect(page.get_by_label("Weekly digest")).not_to_be_checked()
    expect(page.get_by_label("Bounced link alerts")).to_be_checked()
    screenshot("alerts-preferences")
    assert AlertPreference.objects.get(user=agent).weekly_digest is False


@pytest.mark.django_db(transaction=True)
def test_agent_follows_the_unsubscribe_link_of_a_bounce_alert(page, screenshot, agent, order):
    link = services.email_redemption(seat=order.seats.first(), actor=agent, email="bad@x.test")
    bounce(link)
    alert = OutboundEmail.objects.get(kind=AlertEmail.BOUNCE_ALERT, to_email=agent.email)
    text = render(alert)[1]
    url = next(word for word in text.split() if "/alerts/unsubscribe/" in word)
    page.goto(url.removeprefix("http://testserver"))
    expect(page.get_by_role("heading", name="Stop the bounced link alerts?")).to_be_visible()
    page.get_by_role("button", name="Stop the bounced link alerts").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    screenshot("alerts-unsubscribed")
    assert AlertPreference.objects.get(user=agent).bounce_alerts is False
