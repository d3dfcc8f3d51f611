"""Placing and paying orders. An order line creates exactly ``quantity`` seats, once.

Checkout rules live in ``shop.checkout``; how money arrives lives in ``shop.payments``.
"""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import SeatActionError
from groups.models import PurchasingGroup
from orders.models import Order, OrderLine, Product, Store
from seats.access import is_store_admin
from seats.models import Seat
from seats.services import enroll_retail_buyer

from .payments import INVOICE

logger = logging.getLogger(__name__)


@transaction.atomic
def create_order(
    *,
    store: Store,
    buyer: User,
    items: list[tuple[Product, int]],
    owner_group: PurchasingGroup | None = None,
    payment_method: str = INVOICE.code,
    kind: Order.Kind = Order.Kind.BULK,
    buyer_answers: dict[str, str] | None = None,
) -> Order:
    """Write an order awaiting payment with its lines and one seat per unit, and a retail buyer's
    answers for when their seat is assigned. Callers check the store's purchasing rules and the
    answers first (``shop.checkout``)."""
    if not items or any(quantity < 1 for _, quantity in items):
        raise SeatActionError("Choose at least one seat.")
    order = Order.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        store=store,
        buyer=buyer,
        owner_group=owner_group,
        payment_method=payment_method,
        kind=kind,
        buyer_answers=buyer_answers or {},
    )
    order.number = Order.format_number(order.pk)
    order.save(update_fields=["number"])
    for product, quantity in items:
        line = OrderLine.objects.create(
            order=order, product=product, quantity=quantity, unit_price=product.unit_price
        )
        Seat.objects.bulk_create(
            [Seat(order=order, order_line=line, owner_group=owner_group) for _ in range(quantity)],
            batch_size=2000,
        )
    return order


def mark_order_paid(*, order: Order, actor: User) -> Order:
    """A store admin confirms that an invoice was settled. A retail order comes back with
    ``fulfilment_problem`` set when its buyer could not be enrolled."""
    if not is_store_admin(actor):
        raise SeatActionError("Only a store admin can mark an order paid.")
    return record_payment(order=order)


@transaction.atomic
def record_payment(*, order: Order) -> Order:
    """The money arrived, whichever way it was paid: from now on the order's seats can be assigned
    and emailed, and a retail order's seat goes to its buyer. Paying twice changes nothing.
    Callers check who may say so (``mark_order_paid`` for invoices; a gateway verifies its
    confirmation)."""
    order = _locked(order)
    if order.status == Order.Status.PAID:
        return order
    if order.status != Order.Status.AWAITING_PAYMENT:
        raise SeatActionError(f"Order {order.number} is {order.get_status_display().lower()}.")
    order.status = Order.Status.PAID
    order.paid_at = timezone.now()
    order.seats_valid_until = order.store.seats_valid_until(order.paid_at)
    order.save(update_fields=["status", "paid_at", "seats_valid_until"])
    if order.is_retail:
        _enroll(order, actor=None, answers=order.buyer_answers)
    return order


def enroll_buyer(*, order: Order, actor: User, answers: dict | None = None) -> Order:
    """A store admin enrolls the buyer of a paid retail order once the cause of the refusal on
    payment is fixed, with the answers given at checkout unless ``answers`` corrects them. Still
    refused, it raises the reason, which the order keeps for its buyer to read."""
    if not is_store_admin(actor):
        raise SeatActionError("Only a store admin can enroll the buyer of an order.")
    with transaction.atomic():
        order = _locked(order)
        if not order.is_retail:
            raise SeatActionError(
                f"Order {order.number} is a bulk order: its agents hand out its seats."
            )
        if not order.is_paid:
            raise SeatActionError(
                f"Order {order.number} is {order.get_status_display().lower()}; its buyer is "
                "enrolled once it is paid."
            )
        if not order.fulfilment_problem:
            raise SeatActionError(
                f"Order {order.number} has no enrollment waiting: its buyer was enrolled when it "
                "was paid."
            )
        _enroll(order, actor=actor, answers=order.buyer_answers if answers is None else answers)
    if order.fulfilment_problem:
        raise SeatActionError(f"The buyer is still not enrolled: {order.fulfilment_problem}")
    return order


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("store", "buyer").get(pk=order.pk)


def _enroll(order: Order, *, actor: User | None, answers: dict) -> None:
    """Assign a paid retail order's seat to its buyer through the seat service, or record on the
    order why a seat rule refused (the buyer enrolled meanwhile, a question added since); the
    payment stands either way."""
    seat = order.seats.get()
    order.fulfilment_problem = ""
    try:
        enroll_retail_buyer(seat=seat, actor=actor, answers=answers)
    except SeatActionError as refusal:
        logger.warning("Order %s: its buyer is not enrolled: %s", order.number, refusal)
        order.fulfilment_problem = refusal.message
    else:
        order.buyer_answers = answers
    order.save(update_fields=["fulfilment_problem", "buyer_answers"])
