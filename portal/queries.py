"""Read queries of the portal pages. Each page runs a fixed number of queries whatever the size of
the order: counts come from one aggregate, and a page of seats brings its live links and its
last events with one query each."""

from collections import defaultdict
from collections.abc import Sequence

from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from groups.models import PurchasingGroup
from imports.jobs import progress_of
from orders.models import Order, OrderLine
from seats.access import managed_group_ids, order_seats_visible_to, orders_visible_to
from seats.capacity import capacity
from seats.models import ImportJob, Seat, SeatEvent
from seats.selectors import annotate_status_counts, live_links, pending_links, search_seats


def order_list(user) -> QuerySet[Order]:
    """The user's orders, newest first, with their lines and a count per seat status. The
    counts cover every seat of the order, as the invoice does."""
    return annotate_status_counts(
        orders_visible_to(user)
        .select_related("store", "owner_group")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("product")))
    ).order_by("-placed_at", "-id")


def order_seats(user, order: Order) -> QuerySet[Seat]:
    """The seats of an order that the user sees."""
    return order_seats_visible_to(user, order)


def seat_page(seats: QuerySet[Seat], *, status: str = "", search: str = "") -> QuerySet[Seat]:
    """Seats filtered for the order page's table, with what each row shows."""
    return with_details(filter_seats(seats, status=status, search=search).order_by("pk"))


def filter_seats(seats: QuerySet[Seat], *, status: str = "", search: str = "") -> QuerySet[Seat]:
    """The order page's filter: every word of the search must match the learner's name or
    email, or the recipient of the seat's live link."""
    if status:
        seats = seats.filter(status=status)
    return search_seats(seats, search)


# What a seat's row shows; joined, or prefetched in one query for the whole page. The course
# comes from the order's lines (``attach_order``), or is joined where the lines are not at hand;
# the owner group's name is an annotation (``owner_group_name``), not a group object per row.
ROW_RELATIONS = ("learner", "enrollment")
# Only the columns the rows show: loading whole users and enrollments cost more than the query.
ROW_FIELDS = (
    "status",
    "version",
    "order_line",
    "owner_group",
    "learner__first_name",
    "learner__last_name",
    "learner__email",
    "enrollment__status",
    "enrollment__result",
    "enrollment__training_url",
)


def _latest_events(seat_ids: list[int]) -> QuerySet[SeatEvent]:
    """The latest event of each of the seats, counting the seat's events in ``history_length``.
    PostgreSQL keeps each seat's first row with DISTINCT ON; elsewhere the rows are numbered per
    seat, newest first, and the first kept."""
    events = SeatEvent.objects.filter(seat_id__in=seat_ids).annotate(
        history_length=Window(Count("pk"), partition_by=F("seat_id"))
    )
    newest_first = (F("created_at").desc(), F("id").desc())
    if connection.features.can_distinct_on_fields:
        events = events.order_by("seat_id", *newest_first).distinct("seat_id")
    else:
        number = Window(RowNumber(), partition_by=F("seat_id"), order_by=newest_first)
        events = events.annotate(number=number).filter(number=1)
    return events.only("seat", "action", "created_at", "details")


def with_details(seats: QuerySet[Seat]) -> QuerySet[Seat]:
    """Seats with their rows' relations joined; ``attach_details`` adds the rest."""
    return (
        seats.select_related(*ROW_RELATIONS)
        .only(*ROW_FIELDS)
        .annotate(owner_group_name=F("owner_group__name"))
    )


def attach_details(seats: Sequence[Seat]) -> None:
    """Give a page of seats their ``live_links`` and their ``last_events`` (the latest one or
    none, with ``history_length``): a row shows a return's news and how long the history is, and
    the history itself loads when it is opened (``seat_history``). One query each for the page,
    over its seat ids: Django's prefetching of a slice cost the page more than the queries."""
    links, events = defaultdict(list), defaultdict(list)
    seat_ids = [seat.pk for seat in seats]
    for link in pending_links().filter(seat_id__in=seat_ids):
        links[link.seat_id].append(link)
    for event in _latest_events(seat_ids):
        events[event.seat_id].append(event)
    for seat in seats:
        seat.live_links, seat.last_events = links[seat.pk], events[seat.pk]


def seat_history(seat: Seat) -> list[SeatEvent]:
    """Every event of a seat, newest first, with who acted."""
    return list(
        seat.events.select_related("actor")
        .only("seat", "action", "created_at", "details", "actor__email")
        .order_by("-created_at", "-id")
    )


def attach_order(seats, order: Order, lines: list[OrderLine]) -> None:
    """Give each seat its order, and its line (so its course) from the order's lines: the seat
    rules read both, and joining the line and the product to the seats as well took PostgreSQL
    longer to plan than to run."""
    by_pk = {line.pk: line for line in lines}
    for seat in seats:
        seat.order = order
        seat.order_line = by_pk[seat.order_line_id]


def export_seats(user, order: Order) -> QuerySet[Seat]:
    """Every seat of the order the user manages, for the CSV export (no history)."""
    return (
        order_seats(user, order)
        .select_related("order_line__product", "owner_group", *ROW_RELATIONS)
        .prefetch_related(live_links())
        .order_by("pk")
    )


def group_capacity(user) -> list[tuple[PurchasingGroup, list[dict]]]:
    """Each group the user manages with its seat figures per product: two queries."""
    groups = list(
        PurchasingGroup.objects.filter(pk__in=managed_group_ids(user))
        .select_related("store")
        .order_by("store__name", "name")
    )
    rows_by_group = defaultdict(list)
    for row in capacity(managed_group_ids(user)):
        rows_by_group[row["owner_group_id"]].append(row)
    return [(group, rows_by_group[group.pk]) for group in groups]


# What the order page says of an import.
IMPORT_FIELDS = ("kind", "status", "total_rows", "result", "created_at", "finished_at")


def order_imports(order: Order) -> dict:
    """The order's background imports for its page: the queued and running ones, each with the
    rows it has written so far (``done``, None before it starts), and the last one to finish.
    Most orders never had one, and a plain EXISTS answers them for a third of what the query
    that finds the jobs costs; that query is without the jobs' rows and seat ids."""
    jobs_of_order = ImportJob.objects.filter(order=order)
    if not jobs_of_order.exists():
        return {"active": [], "last": None}
    last_finished = (
        jobs_of_order.exclude(status__in=ImportJob.ACTIVE)
        .order_by(F("finished_at").desc(nulls_last=True), "-id")
        .values("pk")[:1]
    )
    jobs = list(
        jobs_of_order.filter(Q(status__in=ImportJob.ACTIVE) | Q(pk=Subquery(last_finished)))
        .only(*IMPORT_FIELDS)
        .order_by("created_at", "id")
    )
    active = [job for job in jobs if job.is_active]
    progress = progress_of(active)
    for job in active:
        job.done = progress.get(job.pk)
    return {"active": active, "last": next((job for job in jobs if not job.is_active), None)}
