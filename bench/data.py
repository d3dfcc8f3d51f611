"""Benchmark data, created fast with set-based SQL where volume matters."""

from decimal import Decimal

from django.db import connection

from groups.models import GroupMembership, PurchasingGroup
from orders.models import Order, OrderLine, Product, Store
from seats.models import Seat
from shop.services import create_order, record_payment

from .common import sql


def store_with_agent():
    """A wholesale store, a group, its agent with an agreement, a product: what an import needs."""
    from accounts.models import User
    from orders.models import PurchasingAgentAgreement

    store = Store.objects.create(
        name="Bench Store",
        slug=f"bench-{Store.objects.count()}",
        sale_model=Store.SaleModel.WHOLESALE,
        support_email="support@bench.example",
    )
    group = PurchasingGroup.objects.create(store=store, name="Bench Group")
    agent = User.objects.create_user(email=f"agent-{store.slug}@bench.example", password="x")
    GroupMembership.objects.create(group=group, user=agent)
    PurchasingAgentAgreement.objects.create(user=agent, store=store, status="active")
    product = Product.objects.create(
        store=store,
        name="Bench Course",
        sku="B-1",
        unit_price=Decimal("10.00"),
        campus_course_ref="bench-1",
    )
    return store, group, agent, product


def paid_order(store, group, agent, product, seats: int) -> Order:
    """An order through the real service (seats via bulk_create), then paid."""
    order = create_order(store=store, buyer=agent, items=[(product, seats)], owner_group=group)
    return record_payment(order=order)


def bulk_seats(order: Order, line: OrderLine, count: int, group_id: int | None) -> None:
    """Add ``count`` available seats to a line with one INSERT … SELECT generate_series, keeping
    the line's quantity equal to its seats."""
    table = connection.ops.quote_name(Seat._meta.db_table)
    sql(
        f"INSERT INTO {table} (order_id, order_line_id, owner_group_id, status, version, "
        "updated_at) SELECT %s, %s, %s, 'available', 0, now() FROM generate_series(1, %s)",
        [order.pk, line.pk, group_id, count],
    )
    OrderLine.objects.filter(pk=line.pk).update(quantity=line.quantity + count)


def filler_seats(total: int, store, group, agent, product, per_order: int = 10_000) -> None:
    """Grow the database to about ``total`` seats in orders of ``per_order``: other customers'
    data that pages must not slow down for."""
    while Seat.objects.count() + per_order <= total:
        order = paid_order(store, group, agent, product, 1)
        bulk_seats(order, order.lines.get(), per_order - 1, group.pk)


def assign_some(order, agent, count: int, tag: str) -> None:
    """Give ``count`` seats of the order to learners and email two links, as an agent's day
    leaves an order: badges, learners, links and history on the page."""
    from imports.bulk import AssignRow, bulk_assign
    from seats import services

    rows = [AssignRow(row=n + 2, email=f"{tag}-{n}@bench.example") for n in range(count)]
    bulk_assign(order=order, actor=agent, rows=rows)
    for n, seat in enumerate(order.seats.filter(status="available")[:2]):
        services.email_redemption(seat=seat, actor=agent, email=f"{tag}-link{n}@bench.example")
