"""The weekly digest: each agent hears about the seats they manage (links waiting too long or
about to expire, groups running out of seats, returns decided this week), nothing about another
organization's, nothing when there is nothing to say, and once a week however often it runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.digest import send_weekly_digests
from alerts.models import AlertEmail, WeeklyDigest
from alerts.preferences import set_preferences
from notifications.emails import render
from seats import services
from seats.models import Seat
from tests import factories

from .helpers import alerts_to, message

DIGEST = AlertEmail.WEEKLY_DIGEST
LATER = timedelta(days=8)  # the links emailed today are unredeemed for more than 7 days then


def digest_of(user) -> dict:
    return WeeklyDigest.objects.get(user=user).figures


def test_stale_link_is_reported_to_every_agent_of_its_group(redemption, agent, order, group):
    co_agent = factories.make_agent(group, email="co@example.com")
    assert send_weekly_digests(now=timezone.now() + LATER) == 2
    for person in (agent, co_agent):
        assert digest_of(person)["links"] == [
            {
                "group": group.name,
                "order_id": order.pk,
                "order": order.number,
                "stale": 1,
                "expiring": 0,
            }
        ]
    (email,) = alerts_to(agent.email, DIGEST)
    text = render(email)[1]
    assert f"Order {order.number} ({group.name}): 1 unredeemed for more than 7 days" in text
    assert f"http://testserver/account/orders/{order.pk}/?status=awaiting" in text


def test_fresh_link_is_not_reported_and_nothing_to_say_sends_nothing(redemption, agent):
    assert send_weekly_digests() == 0
    assert alerts_to(agent.email, DIGEST) == []


def test_days_before_a_link_counts_as_stale_is_a_setting(settings, redemption, agent):
    settings.ALERTS_STALE_LINK_DAYS = 2
    send_weekly_digests(now=timezone.now() + timedelta(days=3))
    assert digest_of(agent)["links"][0]["stale"] == 1


def test_link_expiring_within_three_days_is_reported(redemption, agent):
    almost_expired = redemption.expires_at - timedelta(days=2)
    send_weekly_digests(now=almost_expired)
    assert digest_of(agent)["links"][0]["expiring"] == 1
    assert "1 expiring within 3 days" in render(alerts_to(agent.email, DIGEST)[0])[1]


def test_expired_link_is_not_reported(redemption, agent):
    send_weekly_digests(now=redemption.expires_at + timedelta(hours=1))
    assert alerts_to(agent.email, DIGEST) == []


def test_group_below_ten_per_cent_available_is_reported(agent, group):
    order = factories.make_order(seats=1, buyer=agent, group=group)
    services.assign_seat(seat=order.seats.get(), actor=agent, email="ada@example.com")
    send_weekly_digests()
    assert digest_of(agent)["low_groups"] == [{"group": group.name, "total": 1, "available": 0}]
    assert f"{group.name}: 0 of 1 seats available" in render(alerts_to(agent.email, DIGEST)[0])[1]


def test_group_with_enough_available_seats_is_not_reported(order, agent):
    services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    assert send_weekly_digests() == 0


def test_returns_decided_this_week_are_reported(agent, order, store_admin):
    seats = list(order.seats.all()[:2])
    for n, seat in enumerate(seats):
        services.assign_seat(seat=seat, actor=agent, email=f"learner{n}@example.com")
        services.request_return(seat=seat, actor=agent, reason="Left")
    services.approve_return(seat=seats[0], actor=store_admin)
    services.deny_return(seat=seats[1], actor=store_admin, note="Started already")
    send_weekly_digests()
    (row,) = digest_of(agent)["returns"]
    assert (row["order"], row["approved"], row["denied"]) == (order.number, 1, 1)
    assert "1 approved, 1 denied" in render(alerts_to(agent.email, DIGEST)[0])[1]


def test_returns_decided_before_this_week_are_not(agent, order, store_admin):
    seat = order.seats.first()
    services.assign_seat(seat=seat, actor=agent, email="ada@example.com")
    services.request_return(seat=seat, actor=agent, reason="Left")
    services.approve_return(seat=seat, actor=store_admin)
    assert send_weekly_digests(now=timezone.now() + LATER) == 0


def test_another_organizations_seats_stay_out_of_the_digest(redemption, agent, other_agent):
    theirs = factories.make_order(
        seats=2, buyer=other_agent, group=other_agent.purchasing_groups.get()
    )
    services.email_redemption(seat=theirs.seats.first(), actor=other_agent, email="z@example.org")
    send_weekly_digests(now=timezone.now() + LATER)
    assert [row["order"] for row in digest_of(agent)["links"]] == [redemption.seat.order.number]
    assert [row["order"] for row in digest_of(other_agent)["links"]] == [theirs.number]


def test_running_twice_in_a_week_sends_once(redemption, agent):
    now = timezone.now() + LATER
    assert send_weekly_digests(now=now) == 1
    assert send_weekly_digests(now=now + timedelta(hours=1)) == 0
    assert len(alerts_to(agent.email, DIGEST)) == 1


def test_next_week_sends_again(redemption, agent):
    now = timezone.now() + LATER
    send_weekly_digests(now=now)
    send_weekly_digests(now=now + timedelta(days=7))
    assert len(alerts_to(agent.email, DIGEST)) == 2


def test_agent_who_switched_the_digest_off_gets_none(redemption, agent, group):
    co_agent = factories.make_agent(group, email="co@example.com")
    set_preferences(user=agent, bounce_alerts=True, weekly_digest=False)
    assert send_weekly_digests(now=timezone.now() + LATER) == 1
    assert alerts_to(agent.email, DIGEST) == []
    assert len(alerts_to(co_agent.email, DIGEST)) == 1


def test_digest_carries_one_click_unsubscribe_headers(redemption, agent):
    send_weekly_digests(now=timezone.now() + LATER)
    (email,) = alerts_to(agent.email, DIGEST)
    headers = message(email).extra_headers
    assert headers["List-Unsubscribe"].startswith("<http://testserver/alerts/unsubscribe/")
    assert "Stop the weekly digest" in render(email)[2]


@pytest.mark.parametrize("agents", [1, 6])
def test_the_run_costs_the_same_queries_however_many_agents_and_seats(
    db, agents, django_assert_num_queries
):
    for n in range(agents):
        agent = factories.make_agent(email=f"agent{n}@example.com")
        group = agent.purchasing_groups.get()
        order = factories.make_order(seats=2 + n, buyer=agent, group=group)
        for seat in order.seats.all():
            services.email_redemption(seat=seat, actor=agent, email=f"r{seat.pk}@example.com")
    with django_assert_num_queries(9):
        assert send_weekly_digests(now=timezone.now() + LATER) == agents


def test_links_of_seats_without_a_group_are_reported_to_the_buyer(agent, order):
    seat = order.seats.first()
    services.email_redemption(seat=seat, actor=agent, email="r@example.com")
    Seat.objects.filter(pk=seat.pk).update(owner_group=None)  # as an order placed without one
    send_weekly_digests(now=timezone.now() + LATER)
    assert digest_of(order.buyer)["links"] == [
        {"group": None, "order_id": order.pk, "order": order.number, "stale": 1, "expiring": 0}
    ]
