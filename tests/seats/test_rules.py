"""The seat rules beyond the state graph (docs/seat-states.md). Every refusal leaves the seat as
it was."""

from decimal import Decimal

import pytest

from core.errors import SeatActionError
from orders.models import Refund
from seats import services
from seats.lms import campus
from seats.models import Enrollment, Seat, SupplementalAnswer
from tests import factories

pytestmark = pytest.mark.django_db

S = Seat.Status


def refused(snapshot, seat, action, match):
    before = snapshot(seat)
    with pytest.raises(SeatActionError, match=match):
        action()
    assert snapshot(seat) == before


def test_agent_of_another_group_may_not_act(order, other_agent, snapshot):
    seat = order.seats.first()
    refused(
        snapshot,
        seat,
        lambda: services.assign_seat(seat=seat, actor=other_agent, email="x@example.com"),
        "You don't manage this seat",
    )


def test_learner_may_not_act_on_their_own_seat(order, agent, snapshot):
    seat = factories.make_seat(S.ASSIGNED, order=order)
    refused(
        snapshot,
        seat,
        lambda: services.unassign_seat(seat=seat, actor=seat.learner),
        "You don't manage this seat",
    )


def test_agent_of_the_owner_group_who_is_not_the_buyer_may_act(order, group):
    colleague = factories.make_agent(group)
    seat = services.assign_seat(seat=order.seats.first(), actor=colleague, email="l@example.com")
    assert seat.status == S.ASSIGNED


def test_only_store_admins_decide_returns_and_refunds(order, agent, snapshot):
    seat = factories.make_seat(S.RETURN_PENDING, order=order)
    refused(
        snapshot,
        seat,
        lambda: services.approve_return(seat=seat, actor=agent),
        "Only a store admin",
    )
    refused(
        snapshot, seat, lambda: services.deny_return(seat=seat, actor=agent), "Only a store admin"
    )
    available = order.seats.filter(status=S.AVAILABLE).first()
    refused(
        snapshot,
        available,
        lambda: services.refund_seat(seat=available, actor=agent),
        "Only a store admin",
    )


def test_assign_refused_when_learner_already_has_an_active_enrollment(order, agent, snapshot):
    first, second = order.seats.all()[:2]
    services.assign_seat(seat=first, actor=agent, email="busy@example.com")
    refused(
        snapshot,
        second,
        lambda: services.assign_seat(seat=second, actor=agent, email="busy@example.com"),
        "busy@example.com already has an active enrollment in",
    )


def test_completed_enrollment_does_not_block_a_new_assignment(order, agent):
    first, second = order.seats.all()[:2]
    services.assign_seat(seat=first, actor=agent, email="alumna@example.com")
    Enrollment.objects.filter(seat=first).update(
        status=Enrollment.Status.COMPLETED, result=Enrollment.Result.PASSED
    )
    seat = services.assign_seat(seat=second, actor=agent, email="alumna@example.com")
    assert seat.status == S.ASSIGNED


def test_emailing_a_learner_who_is_already_enrolled_is_refused(order, agent, snapshot):
    first, second = order.seats.all()[:2]
    services.assign_seat(seat=first, actor=agent, email="busy@example.com")
    refused(
        snapshot,
        second,
        lambda: services.email_redemption(seat=second, actor=agent, email="Busy@Example.com"),
        "already has an active enrollment",
    )


def test_unassign_refused_once_the_learner_started(order, agent, snapshot):
    seat = factories.make_seat(S.ASSIGNED, order=order)
    campus().start(seat.enrollment)
    refused(
        snapshot,
        seat,
        lambda: services.unassign_seat(seat=seat, actor=agent),
        "has already started",
    )
    refused(
        snapshot,
        seat,
        lambda: services.transfer_seat(seat=seat, actor=agent, email="next@example.com"),
        "has already started",
    )


def test_unassign_refused_while_return_pending(order, agent, snapshot):
    seat = factories.make_seat(S.RETURN_PENDING, order=order)
    refused(
        snapshot,
        seat,
        lambda: services.unassign_seat(seat=seat, actor=agent),
        "A return request for this seat is pending",
    )


def test_return_refused_where_the_store_does_not_accept_returns(order, agent, snapshot):
    order.store.returns_allowed = False
    order.store.save()
    seat = factories.make_seat(S.ASSIGNED, order=order)
    refused(
        snapshot,
        seat,
        lambda: services.request_return(seat=seat, actor=agent, reason="x"),
        "does not accept returns",
    )


def test_return_needs_a_reason(order, agent, snapshot):
    seat = factories.make_seat(S.ASSIGNED, order=order)
    refused(
        snapshot,
        seat,
        lambda: services.request_return(seat=seat, actor=agent, reason=" "),
        "Say why",
    )


def test_unpaid_order_seats_cannot_be_handed_out(agent, group, snapshot):
    order = factories.make_order(seats=1, buyer=agent, group=group, paid=False)
    seat = order.seats.get()
    refused(
        snapshot,
        seat,
        lambda: services.assign_seat(seat=seat, actor=agent, email="x@example.com"),
        "awaiting payment",
    )
    refused(
        snapshot,
        seat,
        lambda: services.email_redemption(seat=seat, actor=agent, email="x@example.com"),
        "awaiting payment",
    )


def test_invalid_email_is_refused(order, agent, snapshot):
    seat = order.seats.first()
    refused(
        snapshot,
        seat,
        lambda: services.assign_seat(seat=seat, actor=agent, email="not-an-email"),
        "is not a valid email address",
    )


def test_stale_version_is_refused(order, agent, snapshot):
    seat = order.seats.first()
    refused(
        snapshot,
        seat,
        lambda: services.assign_seat(
            seat=seat, actor=agent, email="x@example.com", expected_version=seat.version + 1
        ),
        "changed since you opened the page",
    )


def test_required_supplemental_answers_before_assignment(order, agent, snapshot):
    product = order.lines.get().product
    question = factories.QuestionFactory(
        store=order.store, product=product, prompt="Employee number?"
    )
    factories.QuestionFactory(store=order.store, prompt="Site?", choices="North\nSouth")
    seat = order.seats.first()
    refused(
        snapshot,
        seat,
        lambda: services.assign_seat(seat=seat, actor=agent, email="x@example.com"),
        "Answer the required question",
    )

    other_question = factories.QuestionFactory(store=order.store, prompt="Department?")
    services.assign_seat(
        seat=seat,
        actor=agent,
        email="x@example.com",
        answers={
            question.pk: "E-42",
            other_question.pk: "Safety",
            question.store.supplemental_questions.get(prompt="Site?").pk: "North",
        },
    )
    assert SupplementalAnswer.objects.filter(seat=seat).count() == 3


def test_answer_outside_the_choices_is_refused(order, agent, snapshot):
    question = factories.QuestionFactory(store=order.store, prompt="Site?", choices="North")
    seat = order.seats.first()
    refused(
        snapshot,
        seat,
        lambda: services.assign_seat(
            seat=seat, actor=agent, email="x@example.com", answers={question.pk: "West"}
        ),
        "is not one of the choices",
    )


def test_new_learner_gets_an_unusable_password_and_an_invitation(
    order, agent, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        seat = services.assign_seat(
            seat=order.seats.first(), actor=agent, email="New.Person@Example.com", first_name="New"
        )
    assert seat.learner.email == "new.person@example.com"
    assert not seat.learner.has_usable_password()
    assert [m.to for m in mailoutbox] == [["new.person@example.com"]]
    assert "set up your account" in mailoutbox[0].subject
    assert "/account/password/reset/" in mailoutbox[0].body


def test_existing_learner_gets_the_assignment_notice_with_training_link(
    order, agent, learner, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        seat = services.assign_seat(seat=order.seats.first(), actor=agent, email=learner.email)
    assert mailoutbox[0].subject.startswith("You are enrolled in")
    assert seat.enrollment.training_url in mailoutbox[0].body


def test_transfer_withdraws_the_previous_enrollment(order, agent):
    seat = factories.make_seat(S.ASSIGNED, order=order)
    previous = seat.enrollment
    seat = services.transfer_seat(seat=seat, actor=agent, email="next@example.com")
    previous.refresh_from_db()
    assert previous.status == Enrollment.Status.WITHDRAWN
    assert seat.learner.email == "next@example.com"
    assert seat.enrollment.status == Enrollment.Status.NOT_STARTED


def test_transfer_to_the_same_learner_is_refused(order, agent, snapshot):
    seat = factories.make_seat(S.ASSIGNED, order=order)
    refused(
        snapshot,
        seat,
        lambda: services.transfer_seat(seat=seat, actor=agent, email=seat.learner.email),
        "already assigned to",
    )


def test_approved_return_refunds_the_unit_price_and_frees_the_seat(order, store_admin):
    seat = factories.make_seat(S.RETURN_PENDING, order=order)
    enrollment = seat.enrollment
    request = services.approve_return(seat=seat, actor=store_admin, note="OK")
    enrollment.refresh_from_db()
    seat.refresh_from_db()
    assert seat.status == S.AVAILABLE
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert request.refund.amount == order.lines.get().unit_price


def test_zero_refund_is_a_seat_credit(order, store_admin):
    seat = factories.make_seat(S.RETURN_PENDING, order=order)
    request = services.approve_return(seat=seat, actor=store_admin, refund_amount=0)
    assert request.refund is None
    assert not Refund.objects.exists()


def test_denied_return_leaves_seat_and_enrollment_as_they_were(order, store_admin):
    seat = factories.make_seat(S.RETURN_PENDING, order=order)
    enrollment_id, learner_id = seat.enrollment_id, seat.learner_id
    services.deny_return(seat=seat, actor=store_admin, note="The course has started")
    seat.refresh_from_db()
    assert (seat.status, seat.enrollment_id, seat.learner_id) == (
        S.ASSIGNED,
        enrollment_id,
        learner_id,
    )
    assert seat.enrollment.status == Enrollment.Status.NOT_STARTED


def test_refunds_never_exceed_what_the_seat_cost(order, store_admin, snapshot):
    seat = factories.make_seat(S.RETURN_PENDING, order=order)
    services.approve_return(seat=seat, actor=store_admin, refund_amount="100.00")
    assert services.refundable_amount(seat) == Decimal("20.00")
    refused(
        snapshot,
        seat,
        lambda: services.refund_seat(seat=seat, actor=store_admin, amount="25"),
        "between 0 and 20.00",
    )
    services.refund_seat(seat=seat, actor=store_admin)
    assert sum(r.amount for r in Refund.objects.filter(seat=seat)) == Decimal("120.00")


def test_owner_group_changes_only_to_the_agents_own_groups(order, agent, store, snapshot):
    seat = order.seats.first()
    foreign = factories.PurchasingGroupFactory(store=store)
    refused(
        snapshot,
        seat,
        lambda: services.change_seat_owner_group(seat=seat, actor=agent, group=foreign),
        "You are not a purchasing agent of",
    )
    mine = factories.PurchasingGroupFactory(store=store)
    factories.GroupMembershipFactory(group=mine, user=agent)
    services.change_seat_owner_group(seat=seat, actor=agent, group=mine)
    seat.refresh_from_db()
    assert seat.owner_group == mine
    assert seat.events.get().details == {
        "from_group": order.owner_group.name,
        "to_group": mine.name,
    }


def test_owner_group_of_an_assigned_seat_cannot_change(order, agent, store, snapshot):
    seat = factories.make_seat(S.ASSIGNED, order=order)
    mine = factories.PurchasingGroupFactory(store=store)
    factories.GroupMembershipFactory(group=mine, user=agent)
    refused(
        snapshot,
        seat,
        lambda: services.change_seat_owner_group(seat=seat, actor=agent, group=mine),
        "cannot be changed",
    )


def test_admin_sets_the_owner_group_of_an_order_but_not_of_assigned_seats(
    order, store_admin, store
):
    factories.make_seat(S.ASSIGNED, order=order)
    target = factories.PurchasingGroupFactory(store=store)
    moved, kept = services.set_order_owner_group(order=order, actor=store_admin, group=target)
    assert (moved, kept) == (4, 1)
    assert order.seats.filter(owner_group=target).count() == 4
    assert order.seats.filter(owner_group=target, status=S.ASSIGNED).count() == 0


def test_group_of_another_store_is_refused(order, store_admin):
    foreign = factories.PurchasingGroupFactory()
    with pytest.raises(SeatActionError, match="is not a purchasing group of"):
        services.set_order_owner_group(order=order, actor=store_admin, group=foreign)
