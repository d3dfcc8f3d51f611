"""The purchasing rules of ``shop.checkout``: agreements, sale model, groups, the enrolled
buyer's restriction and its re-purchase options."""

import re
from datetime import timedelta

import pytest

from orders.models import Order, PurchasingAgentAgreement, Store
from seats.models import Enrollment, Seat
from shop.checkout import MAX_QUANTITY, place_order
from tests import factories

from .helpers import buyer_in, enroll, refused

Agreement = PurchasingAgentAgreement.Status
NO_BULK = "agreement|one seat at a time"
SEPARATE = "Keep purchasing-agent and learner identities separate"


@pytest.fixture
def bulk_agent(agent):
    """The shared ``agent`` fixture: active agreement, wholesale store, agent of ``group``."""
    return agent


def combinations():
    for agreement in (Agreement.ACTIVE, Agreement.PENDING, Agreement.REVOKED, None):
        for sale_model in Store.SaleModel.values:
            yield agreement, sale_model


@pytest.mark.parametrize(("agreement", "sale_model"), list(combinations()))
@pytest.mark.parametrize("quantity", [1, 25])
def test_seats_for_a_group_need_an_active_agreement_and_a_wholesale_store(
    db, agreement, sale_model, quantity
):
    store = factories.StoreFactory(sale_model=sale_model)
    group = factories.PurchasingGroupFactory(store=store)
    product = factories.ProductFactory(store=store)
    buyer = buyer_in(store, agreement=agreement, group=group)

    if agreement == Agreement.ACTIVE and sale_model == Store.SaleModel.WHOLESALE:
        order = place_order(buyer=buyer, product=product, quantity=quantity, owner_group=group)
        assert order.seats.filter(owner_group=group).count() == quantity
        assert not order.is_retail
    else:
        with refused(NO_BULK):
            place_order(buyer=buyer, product=product, quantity=quantity, owner_group=group)


@pytest.mark.parametrize("kind", PurchasingAgentAgreement.Kind.values)
def test_either_kind_of_agreement_allows_bulk_purchase(db, kind):
    group = factories.PurchasingGroupFactory()
    buyer = buyer_in(group.store, agreement=None, group=group)
    factories.AgreementFactory(user=buyer, store=group.store, kind=kind)
    product = factories.ProductFactory(store=group.store)

    order = place_order(buyer=buyer, product=product, quantity=10, owner_group=group)
    assert order.seats.count() == 10


def test_an_agreement_with_another_store_does_not_count(db):
    group = factories.PurchasingGroupFactory()
    buyer = buyer_in(group.store, agreement=None, group=group)
    factories.AgreementFactory(user=buyer)  # with a store of its own
    product = factories.ProductFactory(store=group.store)

    with refused("needs an active purchasing agent or wholesale agreement"):
        place_order(buyer=buyer, product=product, quantity=10, owner_group=group)


@pytest.mark.parametrize(("agreement", "sale_model"), list(combinations()))
def test_several_seats_without_a_group_need_an_agreement_too(db, agreement, sale_model):
    store = factories.StoreFactory(sale_model=sale_model, purchase_without_group_allowed=True)
    product = factories.ProductFactory(store=store)
    buyer = buyer_in(store, agreement=agreement)

    if agreement == Agreement.ACTIVE and sale_model == Store.SaleModel.WHOLESALE:
        order = place_order(buyer=buyer, product=product, quantity=4)
        assert order.seats.filter(owner_group=None).count() == 4
    else:
        with refused(NO_BULK):
            place_order(buyer=buyer, product=product, quantity=4)


@pytest.mark.parametrize(
    ("agreement", "sale_model"),
    [c for c in combinations() if c != (Agreement.ACTIVE, Store.SaleModel.WHOLESALE)],
)
def test_without_an_agreement_the_retail_flow_sells_one_seat_for_the_buyer(
    db, agreement, sale_model
):
    store = factories.StoreFactory(sale_model=sale_model)
    product = factories.ProductFactory(store=store)
    buyer = buyer_in(store, agreement=agreement)

    order = place_order(buyer=buyer, product=product, quantity=1)

    assert order.owner_group is None
    assert list(order.seats.values_list("owner_group", "status")) == [(None, Seat.Status.AVAILABLE)]
    assert order.is_retail


def test_revoking_an_agreement_stops_new_bulk_purchases_not_existing_seats(
    bulk_agent, group, product
):
    order = place_order(buyer=bulk_agent, product=product, quantity=3, owner_group=group)
    PurchasingAgentAgreement.objects.filter(user=bulk_agent).update(status=Agreement.REVOKED)

    with refused("needs an active purchasing agent or wholesale agreement"):
        place_order(buyer=bulk_agent, product=product, quantity=3, owner_group=group)
    assert order.seats.count() == 3


def test_bulk_order_is_placed_awaiting_invoice_payment_with_one_seat_per_unit(
    bulk_agent, group, product
):
    order = place_order(buyer=bulk_agent, product=product, quantity=12, owner_group=group)

    order.refresh_from_db()
    assert re.fullmatch(r"SO-\d{6}", order.number)
    assert order.number == Order.format_number(order.pk)
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert order.payment_method == "invoice"
    assert (order.buyer, order.store, order.owner_group) == (bulk_agent, group.store, group)
    [line] = order.lines.all()
    assert (line.product, line.quantity, line.unit_price) == (product, 12, product.unit_price)
    assert line.seats.count() == 12
    assert set(line.seats.values_list("status", "owner_group")) == {
        (Seat.Status.AVAILABLE, group.pk)
    }


def test_owner_group_is_required_unless_the_store_allows_purchasing_without_one(
    bulk_agent, store, product
):
    with refused("Choose the purchasing group"):
        place_order(buyer=bulk_agent, product=product, quantity=5)

    store.purchase_without_group_allowed = True
    store.save()
    order = place_order(buyer=bulk_agent, product=product, quantity=5)

    assert order.owner_group is None
    assert order.seats.filter(owner_group=None).count() == 5
    assert not order.is_retail


def test_group_of_another_store_is_refused(bulk_agent, product):
    elsewhere = factories.PurchasingGroupFactory()
    factories.GroupMembershipFactory(group=elsewhere, user=bulk_agent)

    with refused("purchasing group of another store"):
        place_order(buyer=bulk_agent, product=product, quantity=2, owner_group=elsewhere)


def test_group_the_buyer_is_not_an_agent_of_is_refused(bulk_agent, store, product):
    someone_elses = factories.PurchasingGroupFactory(store=store)

    with refused(f"You are not a purchasing agent of {someone_elses}"):
        place_order(buyer=bulk_agent, product=product, quantity=2, owner_group=someone_elses)


def test_inactive_product_is_refused(bulk_agent, group, product):
    product.is_active = False
    product.save()

    with refused("no longer sold"):
        place_order(buyer=bulk_agent, product=product, quantity=2, owner_group=group)


@pytest.mark.parametrize("quantity", [0, -3, MAX_QUANTITY + 1])
def test_quantity_outside_the_sane_range_is_refused(bulk_agent, group, product, quantity):
    with refused("Choose between 1 and 10,000 seats"):
        place_order(buyer=bulk_agent, product=product, quantity=quantity, owner_group=group)


def test_the_largest_allowed_order_creates_every_seat(bulk_agent, group, product):
    order = place_order(buyer=bulk_agent, product=product, quantity=MAX_QUANTITY, owner_group=group)

    assert order.lines.get().seats.count() == MAX_QUANTITY


class TestEnrolledBuyer:
    """Seed 003's known restriction and its re-purchase options."""

    @pytest.mark.parametrize(
        "status", [Enrollment.Status.NOT_STARTED, Enrollment.Status.IN_PROGRESS]
    )
    def test_active_enrollment_blocks_buying_more_seats(self, bulk_agent, group, product, status):
        enroll(bulk_agent, product, status)

        with refused(f"You are enrolled in {product}.*{SEPARATE}"):
            place_order(buyer=bulk_agent, product=product, quantity=5, owner_group=group)

    def test_active_enrollment_blocks_a_retail_purchase_too(self, customer, product):
        enroll(customer, product, Enrollment.Status.IN_PROGRESS)

        with refused("You are enrolled in"):
            place_order(buyer=customer, product=product, quantity=1)

    def test_active_enrollment_in_another_product_does_not_block(self, bulk_agent, group, product):
        enroll(bulk_agent, factories.ProductFactory(store=product.store))

        assert place_order(buyer=bulk_agent, product=product, quantity=2, owner_group=group)

    def test_store_that_does_not_block_sells_to_an_enrolled_buyer(
        self, bulk_agent, group, store, product
    ):
        store.block_purchase_when_enrolled = False
        store.save()
        enroll(bulk_agent, product)

        order = place_order(buyer=bulk_agent, product=product, quantity=5, owner_group=group)
        assert order.seats.count() == 5

    def test_withdrawn_enrollment_does_not_block(self, bulk_agent, group, product):
        enroll(bulk_agent, product, Enrollment.Status.WITHDRAWN)

        assert place_order(buyer=bulk_agent, product=product, quantity=2, owner_group=group)

    @pytest.mark.parametrize(
        ("result", "after_failed", "after_passed", "allowed"),
        [
            (Enrollment.Result.FAILED, False, False, False),
            (Enrollment.Result.FAILED, False, True, False),
            (Enrollment.Result.FAILED, True, False, True),
            (Enrollment.Result.PASSED, False, False, False),
            (Enrollment.Result.PASSED, True, False, False),
            (Enrollment.Result.PASSED, False, True, True),
            (Enrollment.Result.NONE, True, True, False),
        ],
    )
    def test_completion_blocks_unless_the_repurchase_option_covers_its_result(
        self, bulk_agent, group, store, product, result, after_failed, after_passed, allowed
    ):
        store.allow_repurchase_after_failed = after_failed
        store.allow_repurchase_after_passed = after_passed
        store.save()
        enroll(bulk_agent, product, Enrollment.Status.COMPLETED, result)

        if allowed:
            order = place_order(buyer=bulk_agent, product=product, quantity=3, owner_group=group)
            assert order.seats.count() == 3
        else:
            with refused(f"You completed {product}.*{SEPARATE}"):
                place_order(buyer=bulk_agent, product=product, quantity=3, owner_group=group)

    def test_retail_buyer_who_failed_may_buy_a_retake_where_allowed(self, customer, store, product):
        store.allow_repurchase_after_failed = True
        store.save()
        enroll(customer, product, Enrollment.Status.COMPLETED, Enrollment.Result.FAILED)

        assert place_order(buyer=customer, product=product, quantity=1).is_retail

    def test_latest_completion_decides(self, bulk_agent, group, store, product):
        store.allow_repurchase_after_failed = True
        store.save()
        failed = enroll(bulk_agent, product, Enrollment.Status.COMPLETED, Enrollment.Result.FAILED)
        passed = enroll(bulk_agent, product, Enrollment.Status.COMPLETED, Enrollment.Result.PASSED)
        Enrollment.objects.filter(pk=failed.pk).update(completed_at=passed.created_at)
        Enrollment.objects.filter(pk=passed.pk).update(
            completed_at=passed.created_at + timedelta(days=30)
        )

        with refused("You completed .* and passed"):
            place_order(buyer=bulk_agent, product=product, quantity=3, owner_group=group)


class TestRetailAnswers:
    """A retail buyer answers the course's questions at checkout, by the rule a seat's assignment
    applies, so that paying can enroll them."""

    @pytest.fixture
    def employee_number(self, store, product):
        return factories.QuestionFactory(store=store, product=product, prompt="Employee number?")

    def test_a_missing_required_answer_refuses_the_purchase(
        self, customer, product, employee_number
    ):
        with refused(re.escape("Answer the required question “Employee number?”.")):
            place_order(buyer=customer, product=product, quantity=1, answers={})

    def test_an_answer_outside_the_choices_refuses_the_purchase(self, customer, store, product):
        department = factories.QuestionFactory(store=store, choices="Operations\nSales")

        with refused("“Marketing” is not one of the choices"):
            place_order(
                buyer=customer, product=product, quantity=1, answers={department.pk: "Marketing"}
            )

    def test_the_order_keeps_the_answers_for_the_enrollment(
        self, customer, store, product, employee_number
    ):
        factories.QuestionFactory(store=store, prompt="Dietary needs?", required=False)
        factories.QuestionFactory(store=factories.StoreFactory(), prompt="Another store's?")

        order = place_order(
            buyer=customer,
            product=product,
            quantity=1,
            answers={str(employee_number.pk): "  E-1042 "},
        )

        assert order.is_retail
        assert order.buyer_answers == {str(employee_number.pk): "E-1042"}

    def test_a_bulk_buyer_answers_nothing(self, bulk_agent, group, product, employee_number):
        order = place_order(buyer=bulk_agent, product=product, quantity=3, owner_group=group)

        assert order.buyer_answers == {}
