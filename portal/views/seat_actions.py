"""One view for every seat action: GET shows the action's form (or, for a destructive action,
its confirmation), POST calls the action's service and goes back to the order page with the
outcome as a message. A refusal shows the form again, with what was typed and the reason beside
it. The view never changes a seat itself, and decides nothing: what the page offers comes from
the action's rules, which its service checks again under the seat's lock."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core.errors import SeatActionError
from core.navigation import safe_next
from seats import rules
from seats.access import SeatAuthority, access_seat

from ..actions import ACTIONS, SeatAction

NOT_YOURS = (
    "This seat belongs to a purchasing group you are not an agent of, so you can see it but not "
    "change it. Ask an agent of its group."
)


def _back_url(request, seat) -> str:
    """The order page the agent came from (its filters and page kept), if it is ours."""
    return safe_next(request, default=reverse("portal:order", args=[seat.order_id]))


def _problem(user, seat, action: SeatAction) -> str | None:
    """Why this action cannot happen to this seat now, as its service would say; ``None``
    where the order page offers it."""
    if not SeatAuthority.of(user).manages(seat):
        return NOT_YOURS
    return next(iter(rules.problems(seat, action.rules)), None)


@login_required
def seat_action(request, seat_id: int, action: str):
    action = ACTIONS.get(action)
    if action is None:
        raise Http404("No such seat action.")
    seat = access_seat(request.user, seat_id)
    back = _back_url(request, seat)
    form = action.form_class(request.POST or None, seat=seat, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            action.service(seat=seat, actor=request.user, **form.service_kwargs())
        except SeatActionError as refusal:
            seat, form = _after_refusal(request, action, refusal)
        else:
            messages.success(request, action.success_message(form))
            return redirect(back)
    context = {
        "action": action,
        "seat": seat,
        "form": form,
        "problem": _problem(request.user, seat, action),
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
    form = action.form_class(data, seat=seat, user=request.user)
    form.is_valid()
    form.add_error(None, refusal.message)
    return seat, form
