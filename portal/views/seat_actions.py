"""One view for every seat action: GET shows the action's form (or, for a destructive action,
its confirmation), POST calls the action's service and redirects back to the order page with
the outcome as a message. The view never changes a seat itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from seats.access import access_seat
from seats.errors import SeatActionError
from seatstore.navigation import safe_next

from ..actions import ACTIONS


def _back_url(request, seat) -> str:
    """The order page the agent came from (its filters and page kept), if it is ours."""
    return safe_next(request, default=reverse("portal:order", args=[seat.order_id]))


@login_required
def seat_action(request, seat_id: int, action: str):
    action = ACTIONS.get(action)
    if action is None:
        raise Http404("No such seat action.")
    seat = access_seat(request.user, seat_id)
    form = action.form_class(request.POST or None, seat=seat, user=request.user)
    back = _back_url(request, seat)
    if request.method == "POST" and form.is_valid():
        try:
            action.service(seat=seat, actor=request.user, **form.service_kwargs())
        except SeatActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, action.success_message(form))
        return redirect(back)
    context = {"action": action, "seat": seat, "form": form, "back": back, "nav": "orders"}
    return render(request, "portal/seat_action.html", context)
