"""The store's purchasing rules, checked before an order is written.

``check_purchase`` answers "may this buyer buy this?" and raises ``CheckoutError`` with the
message to show; ``place_order`` checks and places in one transaction. Forms, views, imports and
tests all go through these two.
"""

from django.db import transaction
from django.db.models import F

from accounts.models import User
from core.errors import SeatActionError
from groups.models import PurchasingGroup
from orders.models import Order, Product, Store
from orders.selectors import can_buy_in_bulk, purchasing_groups
from seats.models import Enrollment
from seats.services._base import clean_answers

from .payments import INVOICE, PaymentMethod
from .services import create_order

MAX_QUANTITY = 10_000
SEPARATE_IDENTITIES = (
    "Keep purchasing-agent and learner identities separate where you can: buy seats for others "
    "from an account that does not take the course."
)


class CheckoutError(SeatActionError):
    """A purchasing rule refused the purchase; nothing was created."""


def check_purchase(
    *,
    buyer: User,
    product: Product,
    quantity: int,
    owner_group: PurchasingGroup | None = None,
) -> None:
    """Refuse, with the first rule that fails, a purchase the store does not allow."""
    store = product.store
    if not product.is_active:
        raise CheckoutError(f"{product} is no longer sold.")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise CheckoutError(f"Choose between 1 and {MAX_QUANTITY:,} seats.")
    if can_buy_in_bulk(buyer, store):
        _check_owner_group(buyer, store, owner_group)
    elif quantity > 1 or owner_group is not None:
        raise CheckoutError(_no_bulk_reason(store))
    _check_not_enrolled(buyer, product)


def _no_bulk_reason(store: Store) -> str:
    if not store.is_wholesale:
        return (
            f"{store} sells one seat at a time, for the buyer: buy a single seat for yourself, "
            "without a purchasing group."
        )
    return (
        f"Buying more than one seat, or seats for a purchasing group, needs an active purchasing "
        f"agent or wholesale agreement with {store}. Buy a single seat for yourself, or ask "
        f"{store.support_email} about an agreement."
    )


def _check_owner_group(buyer: User, store: Store, group: PurchasingGroup | None) -> None:
    if group is None:
        if not store.purchase_without_group_allowed:
            raise CheckoutError("Choose the purchasing group that will own these seats.")
        return
    if group.store_id != store.pk:
        raise CheckoutError(
            f"{group} is a purchasing group of another store; choose one of {store}."
        )
    if not purchasing_groups(buyer, store).filter(pk=group.pk).exists():
        raise CheckoutError(f"You are not a purchasing agent of {group}.")


def _check_not_enrolled(buyer: User, product: Product) -> None:
    """The known restriction: where the store blocks it, a buyer who is enrolled in the course, or
    has completed it, buys no more seats of it unless a re-purchase option covers the result."""
    store = product.store
    if not store.block_purchase_when_enrolled:
        return
    enrollments = Enrollment.objects.filter(learner=buyer, product=product)
    if enrollments.filter(status__in=Enrollment.ACTIVE).exists():
        raise CheckoutError(
            f"You are enrolled in {product}; {store} does not sell more seats of a course to "
            f"someone enrolled in it. {SEPARATE_IDENTITIES}"
        )
    latest = (
        enrollments.filter(status=Enrollment.Status.COMPLETED)
        .order_by(F("completed_at").desc(nulls_last=True), "-created_at")
        .first()
    )
    if latest is None:
        return
    allowed = {
        Enrollment.Result.FAILED: store.allow_repurchase_after_failed,
        Enrollment.Result.PASSED: store.allow_repurchase_after_passed,
    }
    if not allowed.get(latest.result, False):
        outcome = {
            Enrollment.Result.FAILED: " and did not pass",
            Enrollment.Result.PASSED: " and passed",
        }
        raise CheckoutError(
            f"You completed {product}{outcome.get(latest.result, '')}; {store} does not sell "
            f"more seats of it to you. {SEPARATE_IDENTITIES}"
        )


@transaction.atomic
def place_order(
    *,
    buyer: User,
    product: Product,
    quantity: int,
    owner_group: PurchasingGroup | None = None,
    answers: dict | None = None,
    payment: PaymentMethod = INVOICE,
) -> Order:
    """Check the purchase and write the order, awaiting payment, with one seat per unit owned by
    the chosen group. A retail order's seat goes to its buyer once paid, with the ``answers``
    ({question id: answer}) they gave here; bulk buyers answer nothing, their learners do."""
    check_purchase(buyer=buyer, product=product, quantity=quantity, owner_group=owner_group)
    bulk = can_buy_in_bulk(buyer, product.store)
    return create_order(
        store=product.store,
        buyer=buyer,
        items=[(product, quantity)],
        owner_group=owner_group,
        payment_method=payment.code,
        kind=Order.Kind.BULK if bulk else Order.Kind.RETAIL,
        buyer_answers=None if bulk else checked_answers(product, answers),
    )


def checked_answers(product: Product, answers: dict | None) -> dict[str, str]:
    """A retail buyer's answers, checked now by the rule their seat's assignment applies later,
    so that paying enrolls them."""
    try:
        cleaned = clean_answers(product, answers)
    except SeatActionError as problem:
        raise CheckoutError(problem.message) from problem
    return {str(question.pk): value for question, value in cleaned.items()}
