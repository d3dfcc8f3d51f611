"""Read queries the pages share. Capacity is always counted from seat rows at read time, never
kept in a counter that could drift (IOMAD's 'used' counts did)."""

from datetime import timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from orders.models import Order

from .models import Redemption, Seat

# The seats an order's validity governs: the ones nobody holds yet.
UNUSED = (Seat.Status.AVAILABLE, Seat.Status.AWAITING)
# How long before its seats expire an order warns its agents.
EXPIRY_WARNING_DAYS = 14


def status_counts(seats: QuerySet[Seat]) -> dict[str, int]:
    """{status: count} for every status, in one query grouping the seats by status. Counting the
    status column itself, which the (order, status) index holds, lets PostgreSQL answer from the
    index alone; counting ids reads every seat row. One COUNT grouped by status costs Django less
    to build than a filtered COUNT per status."""
    counts = dict.fromkeys(Seat.Status.values, 0)
    counts.update(seats.order_by().values_list("status").annotate(Count("status")))
    return counts


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


def orders_expiring_within(days: int) -> QuerySet[Order]:
    """Paid orders whose unused seats stop being usable within ``days`` from now, and that still
    have some: what to warn their agents about. Served by the validity index."""
    now = timezone.now()
    unused = Seat.objects.filter(order_id=OuterRef("pk"), status__in=UNUSED)
    return Order.objects.filter(
        status=Order.Status.PAID,
        seats_valid_until__gt=now,
        seats_valid_until__lte=now + timedelta(days=days),
    ).filter(Exists(unused))


def validity_warning(order: Order, unused: int) -> dict | None:
    """What the order's pages say about its seat validity: ``expired`` or soon to be, with the
    date, when ``unused`` seats are concerned; None otherwise. No query."""
    until = order.seats_valid_until
    if until is None or not unused or not order.is_paid:
        return None
    now = timezone.now()
    if until <= now:
        return {"expired": True, "until": until, "unused": unused}
    if until <= now + timedelta(days=EXPIRY_WARNING_DAYS):
        return {"expired": False, "until": until, "unused": unused, "days": (until - now).days}
    return None


def hand_out_pool(seats: QuerySet[Seat]) -> QuerySet[Seat]:
    """Those of ``seats`` a group hands out through join links and seat requests, whatever
    their status: the seats of its paid bulk orders that have not expired. A group offers a
    course while it has some (the join-link form, the learner's request list and both services
    ask this), though all may be taken for now."""
    return seats.filter(order__status=Order.Status.PAID, order__kind=Order.Kind.BULK).filter(
        Q(order__seats_valid_until__isnull=True) | Q(order__seats_valid_until__gt=timezone.now())
    )


def seats_to_hand_out(*, group_id: int, product_id: int) -> QuerySet[Seat]:
    """The available seats of a group's pool for a product, oldest first: what a join link or an
    approved seat request takes (the assignment's rules check each again; an expired order's
    seats are left out of the pool so that a claim takes a seat that can be handed out)."""
    seats = Seat.objects.filter(
        owner_group_id=group_id, order_line__product_id=product_id, status=Seat.Status.AVAILABLE
    )
    return hand_out_pool(seats).order_by("pk")


def pending_links() -> QuerySet[Redemption]:
    """Seats' live redemption links (a seat has one at most), with what a seat's row or answer
    shows of them."""
    return Redemption.objects.filter(state=Redemption.State.PENDING).only(
        "seat", "recipient_email", "delivery_status", "expires_at"
    )


def live_links() -> Prefetch:
    """``live_links`` on each seat: its pending link or none, one query for a page of seats."""
    return Prefetch("redemptions", queryset=pending_links(), to_attr="live_links")


def search_seats(seats: QuerySet[Seat], search: str) -> QuerySet[Seat]:
    """Seats where every word of the search matches the learner's name or email, or the
    recipient of the seat's live link."""
    for word in search.split():
        live_link_to = Redemption.objects.filter(
            seat=OuterRef("pk"),
            state=Redemption.State.PENDING,
            recipient_email__icontains=word,
        )
        seats = seats.filter(
            Q(learner__email__icontains=word)
            | Q(learner__first_name__icontains=word)
            | Q(learner__last_name__icontains=word)
            | Exists(live_link_to)
        )
    return seats
