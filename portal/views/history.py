"""A seat's history on a page of its own: the order page's rows load it when the agent opens it
(or link to it without JavaScript) instead of drawing every seat's history on every view."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from seats.access import access_seat

from .. import queries


@login_required
def seat_history(request, seat_id: int):
    seat = access_seat(request.user, seat_id)
    context = {
        "seat": seat,
        "store": seat.order.store,
        "history": queries.seat_history(seat),
        "nav": "orders",
    }
    return render(request, "portal/seat_history.html", context)
