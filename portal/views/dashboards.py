"""Where seats stand, as pictures: the dashboard of a group and of an order. Both count the seats
the viewer sees on the page they come from (the Groups page, the order page), through the same
access doors, in a fixed number of queries (``seats.stats``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from seats.access import access_group, access_order, request_authority
from seats.models import Seat
from seats.stats import seat_stats

from .. import charts, queries

STATUS_SERIES = [(status.value, status.label) for status in Seat.Status]


def _week_label(day) -> str:
    return day.strftime("%-d %b")


def _dashboard(request, *, seats, title: str, subject: dict):
    stats = seat_stats(seats)
    weeks = [(_week_label(week.start), week.counts) for week in stats.weeks]
    redemptions = [(_week_label(day), {"redeemed": links}) for day, links in stats.redemptions]
    context = subject | {
        "title": title,
        "stats": stats,
        "statuses": STATUS_SERIES,
        "week_rows": [
            (label, [counts[key] for key, _ in STATUS_SERIES]) for label, counts in weeks
        ],
        "funnel_chart": charts.horizontal_bars(
            "funnel", "Seats from purchase to a passed course", stats.funnel, unit="seats"
        ),
        "status_chart": charts.stacked_columns(
            "statuses",
            "Seats by status at the end of each week",
            weeks,
            STATUS_SERIES,
            unit="seats",
        ),
        "redemption_chart": charts.stacked_columns(
            "redemptions",
            "Links redeemed per week",
            redemptions,
            [("redeemed", "Redeemed")],
            unit="redemptions",
        ),
        "redemption_rows": [(label, values["redeemed"]) for label, values in redemptions],
    }
    return render(request, "portal/dashboard.html", context)


@login_required
def group_dashboard(request, group_id: int):
    group = access_group(request.user, group_id)
    return _dashboard(
        request,
        seats=Seat.objects.filter(owner_group=group),
        title=f"{group.name}: where seats stand",
        subject={"group": group, "store": group.store, "nav": "groups"},
    )


@login_required
def order_dashboard(request, order_id: int):
    order = access_order(request_authority(request), order_id)
    return _dashboard(
        request,
        seats=queries.order_seats(request.user, order),
        title=f"Order {order.number}: where seats stand",
        subject={"order": order, "store": order.store, "nav": "orders"},
    )
