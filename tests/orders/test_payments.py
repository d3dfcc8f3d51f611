"""Payment by invoice: only a store admin marks an order paid; seats are handed out only once it
is paid; a paid retail order enrolls its buyer."""

import re

import pytest

from core.errors import SeatActionError
from notifications.models import OutboundEmail
from orders.models import Order
from seats import services as seat_services
from seats.emails import SeatEmail
from seats.models import Enrollment, Seat, SeatEvent, SupplementalAnswer
from shop import payments
from shop.checkout import place_order
from shop.services import enroll_buyer, mark_order_paid, record_payment
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
            to_email=customer.email, kind=SeatEmail.ASSIGNMENT_NOTICE
        ).exists()

    def test_unpaid_retail_order_enrolls_nobody(self, retail_order):
        assert retail_order.seats.get().status == Seat.Status.AVAILABLE
        assert not Enrollment.objects.exists()

    def test_paid_bulk_order_leaves_its_seats_for_the_agent(self, bulk_order):
        pay(bulk_order)

        assert set(bulk_order.seats.values_list("status", flat=True)) == {Seat.Status.AVAILABLE}
        assert not Enrollment.objects.exists()

    def test_payment_stands_and_the_order_says_why_when_a_seat_rule_refuses(
        self, retail_order, store, product
    ):
        factories.QuestionFactory(store=store, product=product, prompt="Employee number?")

        paid = pay(retail_order)

        retail_order.refresh_from_db()
        assert retail_order.is_paid
        assert retail_order.seats.get().status == Seat.Status.AVAILABLE
        assert not Enrollment.objects.exists()
        reason = "Answer the required question “Employee number?”."
        assert paid.fulfilment_problem == retail_order.fulfilment_problem == reason

    def test_the_seat_is_assigned_with_the_answers_given_at_checkout(
        self, customer, store, product
    ):
        question = factories.QuestionFactory(store=store, product=product, prompt="Badge?")
        order = place_order(
            buyer=customer, product=product, quantity=1, answers={str(question.pk): "B-7"}
        )

        pay(order)

        seat = order.seats.get()
        assert (seat.status, seat.learner) == (Seat.Status.ASSIGNED, customer)
        answer = SupplementalAnswer.objects.get(seat=seat)
        assert (answer.question, answer.learner, answer.value) == (question, customer, "B-7")
        order.refresh_from_db()
        assert order.fulfilment_problem == ""


@pytest.fixture
def enrolled_meanwhile(agent, group, product, customer, retail_order):
    """Between checkout and payment, an agent assigned the retail buyer a seat of their own."""
    seat = factories.make_order(seats=1, buyer=agent, group=group, product=product).seats.get()
    return seat_services.assign_seat(seat=seat, actor=agent, email=customer.email)


ENROLLED = (
    "customer@example.com already has an active enrollment in Fire Safety 101; ask a store "
    "admin to resolve it before assigning this seat."
)


class TestEnrollingTheBuyerAgain:
    def test_a_buyer_enrolled_meanwhile_is_the_recorded_reason(
        self, retail_order, enrolled_meanwhile
    ):
        pay(retail_order)

        retail_order.refresh_from_db()
        assert retail_order.is_paid
        assert retail_order.fulfilment_problem == ENROLLED
        assert retail_order.seats.get().status == Seat.Status.AVAILABLE

    def test_once_the_cause_is_resolved_the_buyer_is_enrolled_and_the_reason_cleared(
        self, retail_order, enrolled_meanwhile, agent, customer, store_admin
    ):
        pay(retail_order)
        seat_services.unassign_seat(seat=enrolled_meanwhile, actor=agent)

        enroll_buyer(order=retail_order, actor=store_admin)

        retail_order.refresh_from_db()
        assert retail_order.fulfilment_problem == ""
        seat = retail_order.seats.get()
        assert (seat.status, seat.learner) == (Seat.Status.ASSIGNED, customer)
        assert seat.events.get().actor == store_admin

    def test_still_refused_it_says_why_and_keeps_the_reason(
        self, retail_order, enrolled_meanwhile, store_admin
    ):
        pay(retail_order)

        with pytest.raises(
            SeatActionError,
            match=re.escape(f"The buyer is still not enrolled: {ENROLLED}"),
        ):
            enroll_buyer(order=retail_order, actor=store_admin)

        retail_order.refresh_from_db()
        assert retail_order.fulfilment_problem == ENROLLED
        assert retail_order.seats.get().status == Seat.Status.AVAILABLE

    def test_an_answer_to_a_question_added_since_enrolls_the_buyer(
        self, retail_order, store, product, store_admin
    ):
        question = factories.QuestionFactory(store=store, product=product, prompt="Badge?")
        pay(retail_order)

        enroll_buyer(order=retail_order, actor=store_admin, answers={str(question.pk): "B-7"})

        retail_order.refresh_from_db()
        assert retail_order.fulfilment_problem == ""
        assert retail_order.buyer_answers == {str(question.pk): "B-7"}
        assert SupplementalAnswer.objects.get().value == "B-7"

    def test_only_a_store_admin_may_enroll_the_buyer(self, retail_order, store, product, customer):
        factories.QuestionFactory(store=store, product=product)
        pay(retail_order)

        with pytest.raises(SeatActionError, match="Only a store admin"):
            enroll_buyer(order=retail_order, actor=customer)

    @pytest.mark.parametrize(
        ("which", "message"),
        [
            ("bulk", "is a bulk order: its agents hand out its seats"),
            ("unpaid", "is awaiting payment; its buyer is enrolled once it is paid"),
            ("enrolled", "has no enrollment waiting"),
        ],
    )
    def test_nothing_to_enroll_is_refused(
        self, which, message, bulk_order, retail_order, store_admin
    ):
        order = {"bulk": bulk_order, "unpaid": retail_order, "enrolled": retail_order}[which]
        if which != "unpaid":
            pay(order)
        before = list(Seat.objects.values_list("pk", "status", "version"))

        with pytest.raises(SeatActionError, match=message):
            enroll_buyer(order=order, actor=store_admin)
        assert list(Seat.objects.values_list("pk", "status", "version")) == before


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
