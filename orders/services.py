"""Placing and paying orders. An order line creates exactly ``quantity`` seats, once.

Checkout rules live in ``orders.checkout``; how money arrives lives in ``orders.payments``.
"""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.models import PurchasingGroup
from seats.access import is_store_admin
from seats.errors import SeatActionError
from seats.models import Seat
from seats.services import enroll_retail_buyer

from .models import Order, OrderLine, Product, Store
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
) -> Order:
    """Write an order awaiting payment with its lines and one seat per unit. Callers check the
    store's purchasing rules first (``orders.checkout``)."""
    if not items or any(quantity < 1 for _, quantity in items):
        raise SeatActionError("Choose at least one seat.")
    order = Order.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        store=store,
        buyer=buyer,
        owner_group=owner_group,
        payment_method=payment_method,
        kind=kind,
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
    """A store admin confirms that an invoice was settled."""
    if not is_store_admin(actor):
        raise SeatActionError("Only a store admin can mark an order paid.")
    return record_payment(order=order)


@transaction.atomic
def record_payment(*, order: Order) -> Order:
    """The money arrived, whichever way it was paid: from now on the order's seats can be assigned
    and emailed, and a retail order's seat goes to its buyer. Paying twice changes nothing.
    Callers check who may say so (``mark_order_paid`` for invoices; a gateway verifies its
    confirmation)."""
    order = Order.objects.select_for_update().select_related("store", "buyer").get(pk=order.pk)
    if order.status == Order.Status.PAID:
        return order
    if order.status != Order.Status.AWAITING_PAYMENT:
        raise SeatActionError(f"Order {order.number} is {order.get_status_display().lower()}.")
    order.status = Order.Status.PAID
    order.paid_at = timezone.now()
    order.save(update_fields=["status", "paid_at"])
    if order.is_retail:
        enroll_buyer(order)
    return order


def enroll_buyer(order: Order) -> None:
    """Assign a paid retail order's seat to its buyer, as the system. If a seat rule refuses (the
    buyer is enrolled already, or the product asks questions only the learner can answer), the
    payment still stands and the buyer assigns the seat to themselves from the order's page."""
    seat = order.seats.get()
    try:
        enroll_retail_buyer(seat=seat)
    except SeatActionError as refusal:
        logger.info("Order %s paid; its buyer was not enrolled: %s", order.number, refusal)
