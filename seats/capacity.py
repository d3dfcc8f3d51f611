"""The seat figures of purchasing groups, for the agent's Groups page and the admin's group page:
one selector, so the two cannot disagree. Counted from the seat rows at read time.

The columns part the seats: every seat falls in exactly one, so they add up to the total. A seat
of an order not paid yet is awaiting payment whatever its status, since nobody can hand it out;
the seats of a paid order count by status. Seats of a cancelled order were never bought and are
left out."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from orders.models import Order
from seats.models import Seat

PAID = Q(order__status=Order.Status.PAID)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    seats: Q


COLUMNS = (
    *(Column(status.value, status.label, PAID & Q(status=status)) for status in Seat.Status),
    Column(
        "awaiting_payment",
        Order.Status.AWAITING_PAYMENT.label,
        Q(order__status=Order.Status.AWAITING_PAYMENT),
    ),
)


def seat_figures(
    seats: QuerySet[Seat], *fields: str, order_by: tuple[str, ...], limit: int | None = None
) -> list[dict]:
    """Rows of ``fields`` (the first ``limit`` of them) with the seats in each column (by key),
    their ``total``, and ``figures``: the counts in the order of ``COLUMNS``, for templates to
    lay out. One query."""
    rows = list(
        seats.exclude(order__status=Order.Status.CANCELLED)
        .values(*fields)
        .annotate(
            total=Count("pk"),
            **{column.key: Count("pk", filter=column.seats) for column in COLUMNS},
        )
        .order_by(*order_by)[:limit]
    )
    for row in rows:
        row["figures"] = [row[column.key] for column in COLUMNS]
    return rows


def capacity(group_ids) -> list[dict]:
    """Per group (``owner_group_id``) and course (``order_line__product__name``), the seats in
    each column, for the groups in ``group_ids`` (ids, or a subquery of them): one query."""
    return seat_figures(
        Seat.objects.filter(owner_group_id__in=group_ids),
        "owner_group_id",
        "order_line__product_id",
        "order_line__product__name",
        order_by=("order_line__product__name", "order_line__product_id"),
    )
