"""Placing and paying orders. An order line creates exactly ``quantity`` seats, once."""

import uuid

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.models import PurchasingGroup
from seats.errors import SeatActionError
from seats.models import Seat

from .models import Order, OrderLine, Product, Store


@transaction.atomic
def create_order(
    *,
    store: Store,
    buyer: User,
    items: list[tuple[Product, int]],
    owner_group: PurchasingGroup | None = None,
) -> Order:
    """Write an order awaiting payment with its lines and one seat per unit. Callers check the
    store's purchasing rules first (``orders.checkout``)."""
    if not items or any(quantity < 1 for _, quantity in items):
        raise SeatActionError("Choose at least one seat.")
    order = Order.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}", store=store, buyer=buyer, owner_group=owner_group
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


@transaction.atomic
def mark_order_paid(*, order: Order, actor: User) -> Order:
    """Record the invoice as paid; from now on its seats can be assigned and emailed."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status == Order.Status.PAID:
        return order
    if order.status != Order.Status.AWAITING_PAYMENT:
        raise SeatActionError(f"Order {order.number} is {order.get_status_display().lower()}.")
    order.status = Order.Status.PAID
    order.paid_at = timezone.now()
    order.save(update_fields=["status", "paid_at"])
    return order
