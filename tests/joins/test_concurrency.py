"""Real threads against PostgreSQL: a burst of claims never takes more than a join link's cap,
and one request approved twice at once assigns one seat."""

from functools import partial

import pytest

from joins import services
from joins.models import JoinClaim, SeatRequest
from seats.models import Enrollment, Seat, SeatEvent
from tests import factories
from tests.support.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLAIMS = 200
CAP = 50


def test_200_people_claiming_a_cap_50_link_at_once_take_exactly_50_seats():
    order = factories.make_order(seats=80)
    link, token = factories.make_join_link(order, cap=CAP)
    users = factories.UserFactory.create_batch(CLAIMS)

    results, refusals = race(
        [partial(services.join_through_link, token=token, user=user) for user in users]
    ).settled()

    assert len(results) == CAP
    assert len(refusals) == CLAIMS - CAP
    assert set(refusals) == {"This join link is full: every place it offered has been taken."}
    assert JoinClaim.objects.filter(link=link).count() == CAP
    assert order.seats.filter(status=Seat.Status.ASSIGNED).count() == CAP
    assert SeatEvent.objects.filter(action=SeatEvent.Action.ASSIGN).count() == CAP
    assert Enrollment.objects.count() == CAP
    assert len({claim.learner_id for claim in results}) == CAP


def test_a_burst_past_the_seats_left_takes_only_those_seats():
    order = factories.make_order(seats=5)
    _link, token = factories.make_join_link(order, cap=CAP)
    users = factories.UserFactory.create_batch(20)

    results, refusals = race(
        [partial(services.join_through_link, token=token, user=user) for user in users]
    ).settled()

    assert len(results) == 5
    assert len(refusals) == 15
    assert all(refusal.startswith("Every seat of") for refusal in refusals)
    assert not order.seats.filter(status=Seat.Status.AVAILABLE).exists()


def test_one_request_approved_twice_at_once_assigns_one_seat():
    order = factories.make_order(seats=3)
    learner = factories.UserFactory()
    request = services.request_seat(
        learner=learner, group=order.owner_group, product=order.lines.get().product, via_link=True
    )
    second_agent = factories.make_agent(order.owner_group)

    results, refusals = race(
        [
            partial(services.approve_seat_request, request=request, actor=agent)
            for agent in (order.buyer, second_agent)
        ]
    ).settled()

    assert len(results) == 1
    assert refusals == ["This request was already approved; refresh the page."]
    assert SeatRequest.objects.get(pk=request.pk).state == SeatRequest.State.APPROVED
    assert order.seats.filter(status=Seat.Status.ASSIGNED, learner=learner).count() == 1
    assert SeatEvent.objects.filter(action=SeatEvent.Action.ASSIGN).count() == 1


def test_two_links_to_one_pool_claimed_at_once_skip_each_others_seats_only():
    """A seat another claim holds is skipped, never its whole order: both links fill up."""
    order = factories.make_order(seats=20)
    tokens = [factories.make_join_link(order, cap=10)[1] for _ in range(2)]
    users = factories.UserFactory.create_batch(20)

    results, refusals = race(
        [
            partial(services.join_through_link, token=tokens[n % 2], user=user)
            for n, user in enumerate(users)
        ]
    ).settled()

    assert refusals == []
    assert len(results) == 20
    assert not order.seats.filter(status=Seat.Status.AVAILABLE).exists()
