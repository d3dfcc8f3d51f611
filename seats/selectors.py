"""Read queries the pages share. Capacity is always counted from seat rows at read time, never
kept in a counter that could drift (IOMAD's 'used' counts did)."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery

from orders.models import Order

from .models import Seat

# Counting the status column itself, which the (order, status) index holds, lets PostgreSQL
# answer from the index alone; counting ids reads every seat row.
STATUS_COUNT_FIELDS = {
    status.value: Count("status", filter=Q(status=status)) for status in Seat.Status
}


def status_counts(seats: QuerySet[Seat]) -> dict[str, int]:
    """{status: count} for every status, in one aggregate query."""
    return seats.aggregate(**STATUS_COUNT_FIELDS)


class SeatCount(Subquery):
    """COUNT(*) of a correlated seat subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _seats)"
    output_field = IntegerField()


def annotate_status_counts(queryset: QuerySet, seat_fk: str = "order") -> QuerySet:
    """Add ``seat_count`` and a ``<status>_count`` per status to rows that own seats (orders,
    lines, groups; ``seat_fk`` is the seat's field pointing at the row). Each is a correlated
    count served by the seat indexes, computed only for the rows fetched and left out of a
    paginator's COUNT: a page costs the same with 1,000 or 100,000 seats, where a JOIN with GROUP
    BY would aggregate every seat before paginating (``make bench`` figure 5 measures it)."""
    seats = Seat.objects.filter(**{seat_fk: OuterRef("pk")}).order_by().values("pk")
    return queryset.annotate(
        seat_count=SeatCount(seats),
        **{
            f"{status.value}_count": SeatCount(seats.filter(status=status))
            for status in Seat.Status
        },
    )


def seats_to_hand_out(*, group_id: int, product_id: int) -> QuerySet[Seat]:
    """The available seats of a group's paid bulk orders for a product, oldest first: the pool a
    join link or an approved seat request takes from (the assignment's rules check each again)."""
    return Seat.objects.filter(
        owner_group_id=group_id,
        order_line__product_id=product_id,
        status=Seat.Status.AVAILABLE,
        order__status=Order.Status.PAID,
        order__kind=Order.Kind.BULK,
    ).order_by("pk")
