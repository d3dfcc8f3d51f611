"""One view for every seat action an agent takes: GET shows the action's form (or, for a
destructive action, its confirmation), POST takes the action and goes back to the order page with
the outcome as a message. A refusal shows the form again, with what was typed and the reason
beside it. The view decides nothing: the catalog (``seats.actions``) says what is offered, and
the action's service checks it again under the seat's lock."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core.errors import SeatActionError
from core.navigation import safe_next
from seats.access import access_seat, request_authority
from seats.actions import AGENT_ACTIONS, SeatAction


def _back_url(request, seat) -> str:
    """The order page the agent came from (its filters and page kept), if it is ours."""
    return safe_next(request, default=reverse("portal:order", args=[seat.order_id]))


@login_required
def seat_action(request, seat_id: int, action: str):
    action = AGENT_ACTIONS.get(action)
    if action is None:
        raise Http404("No such seat action.")
    seat = access_seat(request.user, seat_id)
    back = _back_url(request, seat)
    form = action.form(request.POST or None, seat=seat, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            done = action.take(form)
        except SeatActionError as refusal:
            seat, form = _after_refusal(request, action, refusal)
        else:
            messages.success(request, done)
            return redirect(back)
    context = {
        "action": action,
        "seat": seat,
        "form": form,
        "problem": action.problem(seat, request_authority(request)),
        "back": back,
        "store": seat.order.store,
        "nav": "orders",
    }
    return render(request, "portal/seat_action.html", context)


def _after_refusal(request, action: SeatAction, refusal: SeatActionError):
    """The seat as it is now, and the form as it was typed with the refusal beside it. The form
    carries the seat's current version: the page now shows that seat, so a second try is made
    with eyes open rather than refused as stale again."""
    seat = access_seat(request.user, request.resolver_match.kwargs["seat_id"])
    data = request.POST.copy()
    data["version"] = seat.version
    form = action.form(data, seat=seat, user=request.user)
    form.is_valid()
    form.add_error(None, refusal.message)
    return seat, form
