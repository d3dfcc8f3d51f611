"""Read queries the pages share. Capacity is always counted from seat rows at read time, never
kept in a counter that could drift (IOMAD's 'used' counts did)."""

from django.db.models import Count, Q, QuerySet

from .models import Seat

STATUS_COUNT_FIELDS = {status.value: Count("pk", filter=Q(status=status)) for status in Seat.Status}


def status_counts(seats: QuerySet[Seat]) -> dict[str, int]:
    """{status: count} for every status, in one aggregate query."""
    return seats.aggregate(**STATUS_COUNT_FIELDS)


def annotate_status_counts(queryset: QuerySet, seats_path: str = "seats") -> QuerySet:
    """Add a ``<status>_count`` column per status to rows that have seats (orders, lines, groups),
    plus ``seat_count``; one query for the whole list."""
    return queryset.annotate(
        seat_count=Count(seats_path, distinct=False),
        **{
            f"{status.value}_count": Count(
                seats_path, filter=Q(**{f"{seats_path}__status": status})
            )
            for status in Seat.Status
        },
    )


def capacity_by_product(seats: QuerySet[Seat]) -> list[dict]:
    """Rows of (group, product) with the seat count per status, for the groups pages: one query,
    one row per group and product."""
    return list(
        seats.values(
            "owner_group_id",
            "owner_group__name",
            "order_line__product_id",
            "order_line__product__name",
        )
        .annotate(total=Count("pk"), **STATUS_COUNT_FIELDS)
        .order_by("owner_group__name", "order_line__product__name")
    )
