"""Real threads against PostgreSQL: row locks and constraints keep one winner."""

import threading

import pytest
from django.db import connection

from accounts.models import User
from seats import services
from seats.errors import SeatActionError
from seats.models import Enrollment, Redemption, Seat, SeatEvent
from seats.tokens import token_for
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(calls):
    """Run the calls at the same moment, one thread each; returns (results, refusals)."""
    barrier = threading.Barrier(len(calls))
    results, refusals = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except SeatActionError as error:
            refusals.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, refusals


def test_two_agents_assigning_one_seat_give_one_assignment_and_one_refusal():
    order = factories.make_order(seats=1)
    seat = order.seats.get()
    results, refusals = race(
        [
            lambda email=email: services.assign_seat(seat=seat.pk, actor=order.buyer, email=email)
            for email in ("first@example.com", "second@example.com")
        ]
    )
    assert len(results) == 1
    assert len(refusals) == 1
    assert "This seat is Assigned" in refusals[0]
    seat = Seat.objects.get(pk=seat.pk)
    assert seat.learner.email == results[0].learner.email
    assert Enrollment.objects.count() == 1
    assert SeatEvent.objects.filter(action=SeatEvent.Action.ASSIGN).count() == 1


def test_two_redemptions_of_one_link_give_one_seat():
    order = factories.make_order(seats=1)
    order.store.require_matching_redeemer_email = False
    order.store.save()
    link = services.email_redemption(
        seat=order.seats.get(), actor=order.buyer, email="team@example.com"
    )
    token = token_for(link.token_nonce)
    users = [factories.UserFactory() for _ in range(2)]
    results, refusals = race(
        [lambda user=user: services.redeem_link(token=token, user=user) for user in users]
    )
    assert len(results) == 1
    assert refusals == ["This link is not valid. It may have been used already."]
    assert Redemption.objects.get(pk=link.pk).state == Redemption.State.REDEEMED
    assert Enrollment.objects.count() == 1


def test_one_learner_assigned_two_seats_at_once_gets_one():
    order = factories.make_order(seats=2)
    first, second = order.seats.all()
    User.objects.create_user(email="twice@example.com")
    results, refusals = race(
        [
            lambda seat=seat: services.assign_seat(
                seat=seat.pk, actor=order.buyer, email="twice@example.com"
            )
            for seat in (first, second)
        ]
    )
    assert len(results) == 1
    assert len(refusals) == 1
    assert "already has an active enrollment" in refusals[0]
    assert Seat.objects.filter(status=Seat.Status.ASSIGNED).count() == 1
