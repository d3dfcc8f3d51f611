"""The dashboards' figures agree with what the services did to the seats: the funnel, the
seats by status rebuilt week by week, redemptions per week and the days a link waited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campus.progress import record_progress
from orders.models import Order
from seats import services
from seats.models import Enrollment, Redemption, Seat
from seats.selectors import status_counts
from seats.stats import WEEKS, seat_stats, week_start
from seats.tokens import token_for
from tests import factories

S, R = Enrollment.Status, Enrollment.Result


@pytest.fixture
def handed_out(agent, group, store_admin):
    """Eight seats: three emailed (one redeemed), two assigned (one started, one passed), one
    returned, one with a return pending, one left available."""
    order = factories.make_order(seats=8, buyer=agent, group=group)
    seats = list(order.seats.order_by("pk"))
    links = [
        services.email_redemption(seat=seat, actor=agent, email=f"r{n}@example.com")
        for n, seat in enumerate(seats[:3])
    ]
    redeemer = factories.UserFactory(email="r0@example.com")
    services.redeem_link(token=token_for(links[0].token_nonce), user=redeemer)
    started = services.assign_seat(seat=seats[3], actor=agent, email="ada@example.com")
    passed = services.assign_seat(seat=seats[4], actor=agent, email="alan@example.com")
    record_progress(enrollment=started.enrollment, status=S.IN_PROGRESS)
    record_progress(enrollment=passed.enrollment, status=S.COMPLETED, result=R.PASSED)
    services.refund_seat(seat=seats[5], actor=store_admin)
    services.assign_seat(seat=seats[6], actor=agent, email="linus@example.com")
    services.request_return(seat=seats[6], actor=agent, reason="Left")
    return order


def test_funnel_counts_each_step(handed_out):
    stats = seat_stats(handed_out.seats.all())
    assert dict(stats.funnel) == {
        "Purchased": 8,
        "Emailed a link": 3,
        "Redeemed a link": 1,
        "Started the course": 2,
        "Completed": 1,
        "Passed": 1,
    }


def test_last_week_agrees_with_the_seats_statuses_now(handed_out):
    seats = handed_out.seats.all()
    stats = seat_stats(seats)
    assert len(stats.weeks) == WEEKS
    assert stats.weeks[-1].counts == status_counts(seats)
    assert stats.weeks[-1].counts == {
        "available": 1,
        "awaiting": 2,
        "assigned": 3,
        "return_pending": 1,
        "returned": 1,
    }


def test_weeks_before_the_order_was_placed_are_empty_and_later_weeks_carry_on(handed_out):
    stats = seat_stats(handed_out.seats.all(), now=timezone.now() + timedelta(weeks=3))
    assert sum(stats.weeks[0].counts.values()) == 0
    assert stats.weeks[-4].start == week_start(timezone.now())
    assert stats.weeks[-1].counts == stats.weeks[-4].counts == status_counts(handed_out.seats.all())


def test_redemptions_per_week_and_days_from_email_to_redemption(handed_out):
    Redemption.objects.filter(seat__order=handed_out, state="redeemed").update(
        created_at=timezone.now() - timedelta(days=3)
    )
    stats = seat_stats(handed_out.seats.all())
    assert stats.redemptions[-1] == (week_start(timezone.now()), 1)
    assert sum(links for _, links in stats.redemptions) == 1
    assert stats.average_days_to_redeem == 3.0


def test_no_redemption_yet_has_no_average(order):
    assert seat_stats(order.seats.all()).average_days_to_redeem is None


def test_a_cancelled_orders_seats_are_not_counted(agent, group):
    order = factories.make_order(seats=2, buyer=agent, group=group, paid=False)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)  # no service yet
    stats = seat_stats(Seat.objects.filter(order=order))
    assert dict(stats.funnel)["Purchased"] == 0
