"""Payment by invoice: only a store admin marks an order paid; seats are handed out only once it
is paid; a paid retail order enrolls its buyer."""

import pytest

from notifications.models import OutboundEmail
from orders import payments
from orders.checkout import place_order
from orders.models import Order
from orders.services import mark_order_paid, record_payment
from seats import services as seat_services
from seats.errors import SeatActionError
from seats.models import Enrollment, Seat, SeatEvent
from tests import factories

from .helpers import pay

AWAITING_PAYMENT = "awaiting payment; its seats can be assigned or emailed once it is paid"


@pytest.fixture
def bulk_order(agent, group, product):
    return place_order(buyer=agent, product=product, quantity=3, owner_group=group)


@pytest.fixture
def retail_order(customer, product):
    return place_order(buyer=customer, product=product, quantity=1)


def test_store_admin_marks_an_invoice_paid(bulk_order, store_admin):
    order = mark_order_paid(order=bulk_order, actor=store_admin)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.paid_at is not None


def test_marking_paid_twice_changes_nothing(bulk_order, store_admin):
    first = mark_order_paid(order=bulk_order, actor=store_admin)
    second = mark_order_paid(order=bulk_order, actor=store_admin)

    assert second.paid_at == first.paid_at


@pytest.mark.parametrize("who", ["buyer", "staff_without_permission", "anonymous"])
def test_only_a_store_admin_may_mark_an_order_paid(bulk_order, who):
    actor = {
        "buyer": bulk_order.buyer,
        "staff_without_permission": factories.UserFactory(is_staff=True),
        "anonymous": None,
    }[who]

    with pytest.raises(SeatActionError, match="Only a store admin can mark an order paid"):
        mark_order_paid(order=bulk_order, actor=actor)
    bulk_order.refresh_from_db()
    assert bulk_order.status == Order.Status.AWAITING_PAYMENT


def test_cancelled_order_cannot_be_paid(bulk_order, store_admin):
    Order.objects.filter(pk=bulk_order.pk).update(status=Order.Status.CANCELLED)

    with pytest.raises(SeatActionError, match="is cancelled"):
        mark_order_paid(order=bulk_order, actor=store_admin)


class TestUnpaidSeats:
    def test_assigning_a_seat_of_an_unpaid_order_is_refused(self, bulk_order, agent):
        seat = bulk_order.seats.first()

        with pytest.raises(SeatActionError, match=f"{bulk_order.number} is {AWAITING_PAYMENT}"):
            seat_services.assign_seat(seat=seat, actor=agent, email="learner@example.com")
        self.assert_untouched(seat)

    def test_emailing_a_seat_of_an_unpaid_order_is_refused(self, bulk_order, agent):
        seat = bulk_order.seats.first()

        with pytest.raises(SeatActionError, match=AWAITING_PAYMENT):
            seat_services.email_redemption(seat=seat, actor=agent, email="learner@example.com")
        self.assert_untouched(seat)

    def test_once_paid_seats_can_be_assigned_and_emailed(self, bulk_order, agent):
        pay(bulk_order)
        first, second, _ = bulk_order.seats.all()

        seat_services.assign_seat(seat=first, actor=agent, email="learner@example.com")
        seat_services.email_redemption(seat=second, actor=agent, email="other@example.com")

        statuses = dict(bulk_order.seats.values_list("pk", "status"))
        assert statuses[first.pk] == Seat.Status.ASSIGNED
        assert statuses[second.pk] == Seat.Status.AWAITING

    @staticmethod
    def assert_untouched(seat):
        seat.refresh_from_db()
        assert seat.status == Seat.Status.AVAILABLE
        assert seat.version == 0
        assert not SeatEvent.objects.filter(seat=seat).exists()
        assert not Enrollment.objects.exists()


class TestRetailFulfilment:
    def test_paid_retail_order_enrolls_its_buyer(self, retail_order, customer, product):
        pay(retail_order)

        seat = retail_order.seats.get()
        assert (seat.status, seat.learner) == (Seat.Status.ASSIGNED, customer)
        enrollment = Enrollment.objects.get(learner=customer, product=product)
        assert enrollment.is_active and seat.enrollment == enrollment
        event = seat.events.get()
        assert (event.action, event.actor) == (SeatEvent.Action.ASSIGN, None)
        assert OutboundEmail.objects.filter(
            to_email=customer.email, kind=OutboundEmail.Kind.ASSIGNMENT_NOTICE
        ).exists()

    def test_unpaid_retail_order_enrolls_nobody(self, retail_order):
        assert retail_order.seats.get().status == Seat.Status.AVAILABLE
        assert not Enrollment.objects.exists()

    def test_paid_bulk_order_leaves_its_seats_for_the_agent(self, bulk_order):
        pay(bulk_order)

        assert set(bulk_order.seats.values_list("status", flat=True)) == {Seat.Status.AVAILABLE}
        assert not Enrollment.objects.exists()

    def test_payment_stands_when_the_seat_rules_refuse_the_enrollment(
        self, retail_order, store, product
    ):
        factories.QuestionFactory(store=store, product=product, prompt="Employee number?")

        pay(retail_order)

        retail_order.refresh_from_db()
        assert retail_order.is_paid
        assert retail_order.seats.get().status == Seat.Status.AVAILABLE
        assert not Enrollment.objects.exists()


class FakeCard:
    """A card gateway as the payment interface expects one."""

    code = "card"
    label = "Card"

    def start(self, order):
        return f"https://pay.example.com/{order.number}"


def test_another_payment_method_needs_no_change_to_orders_or_seats(
    monkeypatch, agent, group, product
):
    card = FakeCard()
    monkeypatch.setitem(payments.METHODS, card.code, card)

    order = place_order(buyer=agent, product=product, quantity=2, owner_group=group, payment=card)
    assert payments.method_of(order).start(order) == f"https://pay.example.com/{order.number}"

    record_payment(order=order)  # the gateway confirmed the charge
    order.refresh_from_db()
    assert (order.payment_method, order.status) == ("card", Order.Status.PAID)


def test_invoice_has_no_payment_step_in_the_shop(bulk_order):
    method = payments.method_of(bulk_order)

    assert method is payments.INVOICE
    assert method.start(bulk_order) is None
