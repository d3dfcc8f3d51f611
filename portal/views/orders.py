"""The orders list, the order page with its seats table, and the seats export."""

from itertools import chain
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from imports.csv_files import csv_lines
from imports.selection import ACTIONS as SELECTION_ACTIONS
from seats import rules
from seats.access import access_order, request_authority
from seats.actions import Offer, SeatAction, offered_actions
from seats.models import Seat
from seats.selectors import status_counts, validity_warning

from .. import queries
from ..forms import SeatFilterForm

ORDERS_PER_PAGE = 20
SEATS_PER_PAGE = 25

EXPORT_HEADER = [
    "seat",
    "course",
    "status",
    "owner_group",
    "learner_email",
    "learner_name",
    "enrollment",
    "training_link",
    "link_recipient",
    "link_delivery",
    "link_expires",
    "updated",
    "course_result",
    "course_completed",
]


@login_required
def order_list(request):
    page = Paginator(queries.order_list(request.user), ORDERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for order in page:
        order.validity = validity_warning(order, order.available_count + order.awaiting_count)
    return render(request, "portal/order_list.html", {"page": page, "nav": "orders"})


def _counts(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in the state machine's order."""
    return [(status.value, status.label, counts[status.value]) for status in Seat.Status]


def _paginator(seats, counts: dict[str, int], *, status: str, search: str) -> Paginator:
    """The page's seats, 25 at a time. Unless a search narrows them, the status counts already
    say how many there are, and the paginator is spared a second COUNT over the order."""
    paginator = Paginator(queries.seat_page(seats, status=status, search=search), SEATS_PER_PAGE)
    if not search:
        paginator.count = counts[status] if status else sum(counts.values())
    return paginator


def _rows(page, offer: Offer) -> list[tuple[Seat, list[tuple[SeatAction, str]]]]:
    """Each seat of the page with the actions offered on it and their URLs, and the URL of its
    history. The URLs differ only in the seat and the action: one reverse() gives their common
    start, where a ``{% url %}`` per row and action was a measurable share of the page."""
    prefix = reverse("portal:seat_action", args=[0, "-"]).removesuffix("0/-/")
    rows = []
    for seat in page:
        seat.manageable = offer.authority.manages(seat)
        seat.history_url = f"{prefix}{seat.pk}/history/"
        actions = [
            (action, f"{prefix}{seat.pk}/{action.slug}/") for action in offered_actions(seat, offer)
        ]
        rows.append((seat, actions))
    return rows


@login_required
def order_detail(request, order_id: int):
    authority = request_authority(request)
    order = access_order(authority, order_id)
    seats = queries.order_seats(request.user, order)
    filters = SeatFilterForm(request.GET)
    counts = status_counts(seats)
    page = _paginator(seats, counts, **filters.filters()).get_page(request.GET.get("page"))
    lines = list(order.lines.select_related("product"))
    queries.attach_order(page, order, lines)
    queries.attach_details(page)
    offer = Offer(authority=authority, group_ids=authority.groups_in(order.store_id))
    back = request.get_full_path()
    context = {
        "order": order,
        "store": order.store,
        "lines": lines,
        "several_courses": len(lines) > 1,
        "counts": _counts(counts),
        "filters": filters,
        "page": page,
        "rows": _rows(page, offer),
        "back": back,
        "back_query": quote(back, safe="/"),
        "imports": queries.order_imports(order),
        "selection_actions": SELECTION_ACTIONS.values(),
        "hands_out": not rules.order_problems(order),
        "validity": validity_warning(order, counts["available"] + counts["awaiting"]),
        "nav": "orders",
    }
    return render(request, "portal/order_detail.html", context)


def _progress(enrollment) -> tuple[str, str]:
    """The result and completion date of a held seat's course, blank until it is completed."""
    if enrollment is None or enrollment.result == enrollment.Result.NONE:
        return "", ""
    completed = enrollment.completed_at
    return enrollment.get_result_display(), completed.isoformat() if completed else ""


def _export_row(seat) -> list:
    link = seat.live_links[0] if seat.live_links else None
    learner = seat.learner
    return [
        seat.pk,
        seat.order_line.product.name,
        seat.get_status_display(),
        seat.owner_group.name if seat.owner_group else "",
        learner.email if learner else "",
        learner.get_full_name() if learner else "",
        seat.enrollment.get_status_display() if seat.enrollment else "",
        seat.enrollment.training_url if seat.status == seat.Status.ASSIGNED else "",
        link.recipient_email if link else "",
        link.get_delivery_status_display() if link else "",
        link.expires_at.isoformat() if link else "",
        seat.updated_at.isoformat(),
        *_progress(seat.enrollment),
    ]


@login_required
def order_export(request, order_id: int):
    """The seats the agent manages in the order as CSV, streamed; cells are neutralised so a
    learner's name cannot run as a formula in a spreadsheet. The BOM lets Excel read UTF-8."""
    order = access_order(request_authority(request), order_id)
    seats = queries.export_seats(request.user, order).iterator(chunk_size=1000)
    lines = chain(["\ufeff"], csv_lines(chain([EXPORT_HEADER], map(_export_row, seats))))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{order.number}-seats.csv"'
    return response
