"""Real threads against PostgreSQL: row locks and constraints keep one winner, and actions that
name the same new learner at once share one account."""

from functools import partial

import pytest

from accounts.models import User
from imports.bulk import AssignRow, bulk_assign
from notifications.models import OutboundEmail
from seats import services
from seats.emails import SeatEmail
from seats.models import Enrollment, Redemption, Seat, SeatEvent
from seats.tokens import token_for
from tests import factories
from tests.support.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_agents_assigning_one_seat_give_one_assignment_and_one_refusal():
    order = factories.make_order(seats=1)
    seat = order.seats.get()
    results, refusals = race(
        [
            lambda email=email: services.assign_seat(seat=seat.pk, actor=order.buyer, email=email)
            for email in ("first@example.com", "second@example.com")
        ]
    ).settled()
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
    ).settled()
    assert len(results) == 1
    assert refusals == ["This link is not valid. It may have been used already."]
    assert Redemption.objects.get(pk=link.pk).state == Redemption.State.REDEEMED
    assert Enrollment.objects.count() == 1


THREADS = 20


def test_one_link_redeemed_by_many_at_once_gives_one_seat(order, agent):
    store = order.store
    store.require_matching_redeemer_email = False
    store.save()
    redemption = services.email_redemption(
        seat=order.seats.first(), actor=agent, email="shared@example.com"
    )
    token = token_for(redemption.token_nonce)
    users = [factories.UserFactory(email=f"racer{n}@example.com") for n in range(THREADS)]

    def redeem(user):
        services.redeem_link(token=token, user=user)
        return user

    outcome = race([partial(redeem, user) for user in users])
    won, refused, crashed = outcome.results, outcome.messages, outcome.crashes

    assert crashed == []
    assert len(won) == 1
    assert len(refused) == THREADS - 1
    assert set(refused) == {"This link is not valid. It may have been used already."}
    seat = Seat.objects.get(pk=redemption.seat_id)
    assert seat.status == Seat.Status.ASSIGNED and seat.learner == won[0]
    assert Enrollment.objects.filter(seat=seat).count() == 1
    assert Redemption.objects.get(pk=redemption.pk).redeemed_by == won[0]
    assert seat.events.filter(action=SeatEvent.Action.REDEEM).count() == 1


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
    ).settled()
    assert len(results) == 1
    assert len(refusals) == 1
    assert "already has an active enrollment" in refusals[0]
    assert Seat.objects.filter(status=Seat.Status.ASSIGNED).count() == 1


NEWCOMER = "newcomer@example.com"
AT_ONCE = 6


def _emails_to(address):
    return sorted(OutboundEmail.objects.filter(to_email=address).values_list("kind", flat=True))


def test_seats_of_different_courses_assigned_to_one_new_email_at_once_share_one_account():
    orders = [factories.make_order(seats=1) for _ in range(AT_ONCE)]
    results, refusals = race(
        [
            lambda order=order: services.assign_seat(
                seat=order.seats.get().pk, actor=order.buyer, email=NEWCOMER
            )
            for order in orders
        ]
    ).settled()
    assert (len(results), refusals) == (AT_ONCE, [])
    learner = User.objects.get(email=NEWCOMER)
    assert {seat.learner_id for seat in results} == {learner.pk}
    assert Enrollment.objects.filter(learner=learner).count() == AT_ONCE
    # One invitation (from the action that created the account), notices for the others.
    assert _emails_to(NEWCOMER) == sorted(
        [SeatEmail.INVITATION] + [SeatEmail.ASSIGNMENT_NOTICE] * (AT_ONCE - 1)
    )


def test_seats_of_one_course_assigned_to_one_new_email_at_once_give_one_seat_and_refusals():
    order = factories.make_order(seats=AT_ONCE)
    results, refusals = race(
        [
            lambda seat=seat: services.assign_seat(seat=seat, actor=order.buyer, email=NEWCOMER)
            for seat in order.seats.values_list("pk", flat=True)
        ]
    ).settled()
    assert len(results) == 1
    assert len(refusals) == AT_ONCE - 1
    assert all("already has an active enrollment" in refusal for refusal in refusals)
    assert User.objects.filter(email=NEWCOMER).count() == 1
    assert Seat.objects.filter(status=Seat.Status.ASSIGNED).count() == 1


def test_transfers_and_assignments_to_one_new_email_at_once_share_one_account():
    orders = [factories.make_order(seats=1) for _ in range(AT_ONCE)]
    held = [
        factories.make_seat(Seat.Status.ASSIGNED, order=order, learner_email=f"old{n}@example.com")
        for n, order in enumerate(orders[: AT_ONCE // 2])
    ]
    transfers = [
        lambda seat=seat: services.transfer_seat(
            seat=seat.pk, actor=seat.order.buyer, email=NEWCOMER
        )
        for seat in held
    ]
    assigns = [
        lambda order=order: services.assign_seat(
            seat=order.seats.get().pk, actor=order.buyer, email=NEWCOMER
        )
        for order in orders[AT_ONCE // 2 :]
    ]
    results, refusals = race(transfers + assigns).settled()
    assert (len(results), refusals) == (AT_ONCE, [])
    learner = User.objects.get(email=NEWCOMER)
    assert Seat.objects.filter(learner=learner, status=Seat.Status.ASSIGNED).count() == AT_ONCE


def test_imports_naming_the_same_new_learners_at_once_all_apply():
    newcomers = [f"new{n}@example.com" for n in range(20)]
    orders = [factories.make_order(seats=len(newcomers)) for _ in range(4)]
    rows = [AssignRow(row=n, email=email) for n, email in enumerate(newcomers, start=2)]
    results, refusals = race(
        [
            lambda order=order: bulk_assign(order=order, actor=order.buyer, rows=rows)
            for order in orders
        ]
    ).settled()
    assert refusals == []
    assert [result.seats for result in results] == [len(newcomers)] * len(orders)
    assert sum(result.invited for result in results) == len(newcomers)
    assert User.objects.filter(email__in=newcomers).count() == len(newcomers)
    for email in newcomers:
        assert _emails_to(email) == sorted(
            [SeatEmail.INVITATION] + [SeatEmail.ASSIGNMENT_NOTICE] * 3
        )
