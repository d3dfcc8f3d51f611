"""Every seat action from every state: allowed where the graph says, refused (and
nothing changed) everywhere else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from core.errors import SeatActionError
from seats import services
from seats.models import Enrollment, Redemption, Seat, SeatEvent
from seats.tokens import token_for
from tests import factories

pytestmark = pytest.mark.django_db

S = Seat.Status


def _redeem(seat, agent, admin):
    """The recipient redeems the seat's live link; a seat without one has no token to use."""
    link = Redemption.objects.filter(seat=seat, state=Redemption.State.PENDING).first()
    token = token_for(link.token_nonce) if link else "no-live-link"
    recipient, _ = User.objects.get_or_create(email="learner@example.com")
    return services.redeem_link(token=token, user=recipient)


def _expire(seat, agent, admin):
    if services.expire_redemptions(now=timezone.now() + timedelta(days=365)) == 0:
        raise SeatActionError("nothing expired")


ACTIONS = {
    "assign": (
        S.AVAILABLE,
        S.ASSIGNED,
        lambda seat, agent, admin: services.assign_seat(
            seat=seat, actor=agent, email="new-learner@example.com"
        ),
    ),
    "email_redemption": (
        S.AVAILABLE,
        S.AWAITING,
        lambda seat, agent, admin: services.email_redemption(
            seat=seat, actor=agent, email="recipient@example.com"
        ),
    ),
    "resend": (
        S.AWAITING,
        S.AWAITING,
        lambda seat, agent, admin: services.resend_redemption(seat=seat, actor=agent),
    ),
    "cancel": (
        S.AWAITING,
        S.AVAILABLE,
        lambda seat, agent, admin: services.cancel_redemption(seat=seat, actor=agent),
    ),
    "redeem": (S.AWAITING, S.ASSIGNED, _redeem),
    "expire": (S.AWAITING, S.AVAILABLE, _expire),
    "unassign": (
        S.ASSIGNED,
        S.AVAILABLE,
        lambda seat, agent, admin: services.unassign_seat(seat=seat, actor=agent),
    ),
    "transfer": (
        S.ASSIGNED,
        S.ASSIGNED,
        lambda seat, agent, admin: services.transfer_seat(
            seat=seat, actor=agent, email="next-learner@example.com"
        ),
    ),
    "request_return": (
        S.ASSIGNED,
        S.RETURN_PENDING,
        lambda seat, agent, admin: services.request_return(seat=seat, actor=agent, reason="Left"),
    ),
    "approve_return": (
        S.RETURN_PENDING,
        S.AVAILABLE,
        lambda seat, agent, admin: services.approve_return(seat=seat, actor=admin),
    ),
    "deny_return": (
        S.RETURN_PENDING,
        S.ASSIGNED,
        lambda seat, agent, admin: services.deny_return(
            seat=seat, actor=admin, note="Course started"
        ),
    ),
    "refund": (
        S.AVAILABLE,
        S.RETURNED,
        lambda seat, agent, admin: services.refund_seat(seat=seat, actor=admin),
    ),
}

ALLOWED = [(name, source, target) for name, (source, target, _) in ACTIONS.items()]
REFUSED = [
    (name, state) for name, (source, _, _) in ACTIONS.items() for state in S if state != source
]


@pytest.mark.parametrize(("name", "source", "target"), ALLOWED)
def test_action_moves_seat_from_its_source_state(name, source, target, store_admin):
    seat = factories.make_seat(source)
    events_before = seat.events.count()

    ACTIONS[name][2](seat, seat.order.buyer, store_admin)

    seat = Seat.objects.get(pk=seat.pk)
    assert seat.status == target
    assert seat.events.count() == events_before + 1
    assert seat.events.last().to_status == target
    holds = seat.status in Seat.HELD
    assert (seat.learner is not None) == holds
    assert (seat.enrollment is not None) == holds
    if holds:
        assert seat.enrollment.status == Enrollment.Status.NOT_STARTED


@pytest.mark.parametrize(("name", "state"), REFUSED)
def test_action_refused_from_other_states_changes_nothing(name, state, store_admin, snapshot):
    seat = factories.make_seat(state)
    before = snapshot(seat)

    with pytest.raises(SeatActionError):
        ACTIONS[name][2](seat, seat.order.buyer, store_admin)

    assert snapshot(seat) == before


def test_refusal_message_names_the_state(order, agent):
    seat = factories.make_seat(S.ASSIGNED, order=order)
    with pytest.raises(SeatActionError, match="This seat is Assigned, so it cannot be emailed"):
        services.email_redemption(seat=seat, actor=agent, email="x@example.com")


def test_status_field_is_protected():
    seat = factories.make_seat(S.AVAILABLE)
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        seat.status = S.ASSIGNED
    assert Seat.objects.get(pk=seat.pk).status == S.AVAILABLE


def test_every_transition_writes_exactly_its_events(order, agent, store_admin):
    seat = order.seats.first()
    services.email_redemption(seat=seat, actor=agent, email="a@example.com")
    services.resend_redemption(seat=seat, actor=agent)
    services.cancel_redemption(seat=seat, actor=agent)
    services.assign_seat(seat=seat, actor=agent, email="b@example.com")
    services.transfer_seat(seat=seat, actor=agent, email="c@example.com")
    services.request_return(seat=seat, actor=agent, reason="Wrong course")
    services.deny_return(seat=seat, actor=store_admin, note="Too late")
    services.request_return(seat=seat, actor=agent, reason="Really wrong course")
    services.approve_return(seat=seat, actor=store_admin, refund_amount="0")
    services.refund_seat(seat=seat, actor=store_admin)

    events = list(seat.events.values_list("action", "from_status", "to_status", "actor"))
    a = SeatEvent.Action
    assert events == [
        (a.EMAIL_REDEMPTION, S.AVAILABLE, S.AWAITING, agent.pk),
        (a.RESEND, S.AWAITING, S.AWAITING, agent.pk),
        (a.CANCEL_REDEMPTION, S.AWAITING, S.AVAILABLE, agent.pk),
        (a.ASSIGN, S.AVAILABLE, S.ASSIGNED, agent.pk),
        (a.TRANSFER, S.ASSIGNED, S.ASSIGNED, agent.pk),
        (a.REQUEST_RETURN, S.ASSIGNED, S.RETURN_PENDING, agent.pk),
        (a.DENY_RETURN, S.RETURN_PENDING, S.ASSIGNED, store_admin.pk),
        (a.REQUEST_RETURN, S.ASSIGNED, S.RETURN_PENDING, agent.pk),
        (a.APPROVE_RETURN, S.RETURN_PENDING, S.AVAILABLE, store_admin.pk),
        (a.REFUND, S.AVAILABLE, S.RETURNED, store_admin.pk),
    ]
    # Seats are never created or deleted by actions.
    assert order.seats.count() == 5
