"""Seat validity (docs/decisions/0011): an order's unused seats stop being usable when its
validity ends, by one rule the services, the pages, the imports and redemption all consult;
held seats stay with their learners; a store admin extends it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import SeatActionError
from imports.bulk import AssignRow, RecipientRow, validate_bulk_assign, validate_bulk_email
from orders.models import Order
from seats import rules, services
from seats.models import Seat, SeatEvent
from seats.selectors import orders_expiring_within
from seats.tokens import token_for
from tests import factories
from tests.support.admin import action_url
from tests.support.links import RECIPIENT, link_path, open_link

pytestmark = pytest.mark.django_db

S = Seat.Status
HANDING_OUT = {
    "assign",
    "email_redemption",
    "resend",
    "correct_recipient",
    "redeem",
    "enroll_buyer",
}
STATES = ["available", "awaiting", "assigned", "return_pending", "returned"]


def _expired_words(order: Order) -> str:
    day = timezone.localtime(order.seats_valid_until)
    return (
        f"Seats of order {order.number} expired on {day.day} {day:%B %Y}; ask the store to "
        "extend them."
    )


@pytest.fixture
def seat_in(order, seats):
    def make(state: str) -> Seat:
        if state == "returned":
            services.refund_seat(seat=seats["spare"], actor=factories.make_store_admin())
            return Seat.objects.get(pk=seats["spare"].pk)
        return seats[state]

    return make


@pytest.mark.parametrize("state", STATES)
def test_expiry_takes_away_exactly_the_actions_that_hand_a_seat_out(order, seat_in, state):
    seat = seat_in(state)
    allowed_while_valid = {action for action in rules.CHECKS if rules.allows(seat, action)}

    factories.set_validity(order, days=-1)
    seat = Seat.objects.select_related("order").get(pk=seat.pk)
    allowed_when_expired = {action for action in rules.CHECKS if rules.allows(seat, action)}

    assert allowed_when_expired == allowed_while_valid - HANDING_OUT
    for action in HANDING_OUT & allowed_while_valid:
        assert rules.problems(seat, action) == [_expired_words(order)]


@pytest.mark.parametrize("state", STATES)
def test_a_validity_still_running_changes_nothing(order, seat_in, state):
    seat = seat_in(state)
    before = {action for action in rules.CHECKS if rules.allows(seat, action)}
    factories.set_validity(order, days=1)
    seat = Seat.objects.select_related("order").get(pk=seat.pk)
    assert {action for action in rules.CHECKS if rules.allows(seat, action)} == before


def test_payment_starts_the_stores_validity(group, agent):
    group.store.seat_validity_days = 365
    group.store.save()
    order = Order.objects.get(pk=factories.make_order(seats=1, buyer=agent, group=group).pk)
    assert order.seats_valid_until == order.paid_at + timedelta(days=365)


def test_a_store_without_a_validity_gives_seats_for_ever(order):
    assert order.seats_valid_until is None
    assert rules.order_valid(order) is None


@pytest.mark.parametrize(
    "act",
    [
        lambda seats, agent: services.assign_seat(
            seat=seats["available"], actor=agent, email="new@example.com"
        ),
        lambda seats, agent: services.email_redemption(
            seat=seats["available"], actor=agent, email="new@example.com"
        ),
        lambda seats, agent: services.resend_redemption(seat=seats["awaiting"], actor=agent),
        lambda seats, agent: services.correct_recipient(
            seat=seats["awaiting"], actor=agent, email="new@example.com"
        ),
    ],
    ids=["assign", "email", "resend", "correct"],
)
def test_services_refuse_an_expired_orders_seats_and_change_nothing(
    order, seats, agent, snapshot, act
):
    factories.set_validity(order, days=-2)
    before = {name: snapshot(seat) for name, seat in seats.items()}
    with pytest.raises(SeatActionError) as refused:
        act(seats, agent)
    assert refused.value.message == _expired_words(order)
    assert {name: snapshot(seat) for name, seat in seats.items()} == before


def test_held_seats_stay_with_their_learners(order, seats, agent):
    factories.set_validity(order, days=-1)
    seat = services.unassign_seat(seat=seats["assigned"], actor=agent)
    assert seat.status == S.AVAILABLE
    cancelled = services.cancel_redemption(seat=seats["awaiting"], actor=agent)
    assert cancelled.status == S.AVAILABLE


def test_a_recipient_cannot_redeem_once_the_order_expired(order, redemption, client):
    factories.set_validity(order, days=-1)
    recipient = factories.UserFactory(email=RECIPIENT)
    with pytest.raises(SeatActionError, match="expired on"):
        services.redeem_link(token=token_for(redemption.token_nonce), user=recipient)
    assert Seat.objects.get(pk=redemption.seat_id).status == S.AWAITING

    page = client.get(open_link(client, link_path(redemption)))
    assert page.context["step"] == "unavailable"
    assert page.context["refusal"] == _expired_words(order)


def test_the_bulk_imports_report_the_same_words(order, agent):
    factories.set_validity(order, days=-1)
    words = _expired_words(order)
    assign = validate_bulk_assign(order=order, actor=agent, rows=[AssignRow(2, "a@example.com")])
    email = validate_bulk_email(order=order, actor=agent, rows=[RecipientRow(2, "a@example.com")])
    assert words in [error.message for error in assign]
    assert words in [error.message for error in email]


# --- extending -----------------------------------------------------------------------------------


def test_an_admin_extends_the_validity_and_the_actions_return(order, seats, agent, store_admin):
    factories.set_validity(order, days=-1)
    previous = order.seats_valid_until
    until = timezone.now() + timedelta(days=30)
    services.extend_order_validity(order=order, actor=store_admin, valid_until=until)

    assert Order.objects.get(pk=order.pk).seats_valid_until == until
    seat = services.assign_seat(seat=seats["available"], actor=agent, email="n@example.com")
    assert seat.status == S.ASSIGNED
    extended = SeatEvent.objects.filter(action=SeatEvent.Action.EXTEND_VALIDITY)
    assert sorted(extended.values_list("seat_id", flat=True)) == sorted(
        [seats["available"].pk, seats["awaiting"].pk, seats["spare"].pk]
    )
    event = extended.get(seat=seats["awaiting"])
    assert (event.from_status, event.to_status, event.actor) == (
        S.AWAITING,
        S.AWAITING,
        store_admin,
    )
    assert event.details == {"valid_until": until.isoformat(), "previous": previous.isoformat()}


@pytest.mark.parametrize(
    ("days", "words"),
    [(-5, "Choose a date after"), (10, "Choose a date after")],
    ids=["in the past", "earlier than now"],
)
def test_an_extension_moves_the_end_later(order, store_admin, days, words):
    factories.set_validity(order, days=20)
    before = order.seats_valid_until
    with pytest.raises(SeatActionError, match=words):
        services.extend_order_validity(
            order=order, actor=store_admin, valid_until=timezone.now() + timedelta(days=days)
        )
    assert Order.objects.get(pk=order.pk).seats_valid_until == before
    assert not SeatEvent.objects.filter(action=SeatEvent.Action.EXTEND_VALIDITY).exists()


def test_only_a_store_admin_extends(order, agent):
    factories.set_validity(order, days=-1)
    with pytest.raises(SeatActionError, match="Only a store admin"):
        services.extend_order_validity(
            order=order, actor=agent, valid_until=timezone.now() + timedelta(days=9)
        )


def test_seats_without_an_end_cannot_be_extended(order, store_admin):
    with pytest.raises(SeatActionError, match="have no end date"):
        services.extend_order_validity(
            order=order, actor=store_admin, valid_until=timezone.now() + timedelta(days=9)
        )


def test_the_admin_extends_from_the_orders_page(order, seats, staff_client):
    factories.set_validity(order, days=-1)
    url = action_url(order, "extend-validity")
    day = timezone.localdate() + timedelta(days=40)
    response = staff_client.post(url, {"extend-validity-valid_until": day.isoformat()}, follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("can be handed out until the end of" in message for message in messages), messages
    until = timezone.localtime(Order.objects.get(pk=order.pk).seats_valid_until)
    assert until.date() == day + timedelta(days=1)
    assert (until.hour, until.minute) == (0, 0)


# --- warnings ------------------------------------------------------------------------------------


def test_orders_expiring_within_lists_those_with_unused_seats(agent, group, order):
    soon = factories.set_validity(order, days=5)
    later = factories.set_validity(factories.make_order(seats=1, group=group), days=30)
    gone = factories.set_validity(factories.make_order(seats=1, group=group), days=-1)
    used = factories.make_order(seats=1, group=group)
    services.assign_seat(seat=used.seats.get(), actor=used.buyer, email="u@example.com")
    factories.set_validity(used, days=3)
    factories.make_order(seats=1, group=group)  # for ever

    assert list(orders_expiring_within(14)) == [soon]
    assert {o.pk for o in orders_expiring_within(60)} == {soon.pk, later.pk}
    assert gone not in orders_expiring_within(60)


def test_the_order_page_warns_before_and_after_expiry(agent_client, order, seats):
    url = reverse("portal:order", args=[order.pk])
    assert "validity" not in agent_client.get(url).content.decode()

    factories.set_validity(order, days=5)
    page = agent_client.get(url)
    assert page.context["validity"]["expired"] is False
    assert "3 unused seats of order" in page.content.decode()
    assert page.context["hands_out"]

    factories.set_validity(order, days=-1)
    page = agent_client.get(url)
    assert page.context["validity"]["expired"] is True
    assert "can no longer be assigned, emailed or redeemed" in page.content.decode()
    assert not page.context["hands_out"]
    offered = {action.slug for _, actions in page.context["rows"] for action, _ in actions}
    assert not offered & {"assign", "email", "resend", "correct"}
    assert "cancel-link" in offered


def test_the_orders_list_marks_orders_expiring_soon(agent_client, order):
    factories.set_validity(order, days=3)
    page = agent_client.get(reverse("portal:orders"))
    assert "Unused seats expire" in page.content.decode()
    factories.set_validity(order, days=-3)
    assert "Unused seats expired" in agent_client.get(reverse("portal:orders")).content.decode()
