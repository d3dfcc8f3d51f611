"""Many seats at once from the order page: the agent ticks seats (or takes every seat matching
the filter) and chooses an action; a confirmation page says how many seats it will touch and
which it will skip and why; confirmed, it is applied (``imports.selection``), in the background
for a big selection.

The selection waits in the agent's session under a random token, like a CSV preview. The
confirmation page records the version of each seat it said it would touch, and the apply acts
on those seats at those versions only: a seat that changed after the agent read the page is
skipped with its reason, never acted on twice."""

import re
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_POST

from core.errors import SeatActionError
from imports import bulk, jobs
from imports.selection import (
    ACTIONS,
    BACKGROUND_AFTER_SEATS,
    MAX_SELECTED,
    Plan,
    SelectedSeat,
    SelectionAction,
    apply_to_seats,
    done_message,
    email_line,
    plan,
    seats_phrase,
    selected_seats,
)
from seats.access import access_order, request_authority

from .. import queries
from ..forms import RecipientsForm, SeatFilterForm

SHOWN_SEATS = 30  # seat numbers listed per reason before "and N more"


def _action(slug: str | None) -> SelectionAction:
    if slug not in ACTIONS:
        raise Http404("No such action on selected seats.")
    return ACTIONS[slug]


def _session_key(order) -> str:
    return f"portal.selection.{order.pk}"


@login_required
@require_POST
def select(request, order_id: int):
    """The order page's selection, remembered, then its confirmation page."""
    order = access_order(request_authority(request), order_id)
    action = _action(request.POST.get("action"))
    seats = queries.order_seats(request.user, order)
    if request.POST.get("every"):
        seats = queries.filter_seats(seats, **SeatFilterForm(request.POST).filters())
    else:
        seats = seats.filter(pk__in=_seat_ids(request.POST.getlist("seat")))
    seat_ids = list(seats.order_by("pk").values_list("pk", flat=True)[: MAX_SELECTED + 1])
    back = _back(request, order)
    if not seat_ids:
        messages.error(request, "Select at least one seat, or every seat matching the filter.")
        return redirect(back)
    if len(seat_ids) > MAX_SELECTED:
        messages.error(
            request,
            f"More than {MAX_SELECTED:,} seats match the filter; narrow it (by status or a "
            "search) and act on them in parts.",
        )
        return redirect(back)
    token = secrets.token_urlsafe(16)
    request.session[_session_key(order)] = {
        "token": token,
        "action": action.slug,
        "seats": seat_ids,
        "back": back,
    }
    return redirect("portal:selection", order.pk, token)


def _seat_ids(values: list[str]) -> list[int]:
    """The ticked seat numbers; anything else a client sends (a word, ``²``, a number beyond
    any id) is no seat."""
    return [int(value) for value in values if re.fullmatch(r"[0-9]{1,18}", value)]


def _back(request, order) -> str:
    """The order page the selection was made on, with its filter and page, to return to."""
    base = reverse("portal:order", args=[order.pk])
    back = request.POST.get("back", "")
    return back if back.startswith(base) else base


def _stored(request, order, token: str) -> dict | None:
    stored = request.session.get(_session_key(order))
    if not stored or not constant_time_compare(stored["token"], token or ""):
        return None
    return stored


@login_required
def confirm(request, order_id: int, token: str):
    """GET: what the action will touch and skip; POST: do it."""
    order = access_order(request_authority(request), order_id)
    stored = _stored(request, order, token)
    if stored is None:
        messages.error(request, "That selection is no longer available; select the seats again.")
        return redirect("portal:order", order.pk)
    action = _action(stored["action"])
    form = RecipientsForm(request.POST or None) if action.emails_a_list else None
    if request.method == "POST":
        touched = {int(seat): version for seat, version in stored.get("touched", {}).items()}
        try:
            done = _apply(request, order, action, touched, form)
        except bulk.BulkRefused as refused:
            return _page(request, order, action, stored, form, errors=refused.errors)
        except SeatActionError as error:
            messages.error(request, error.message)
            return redirect("portal:selection", order.pk, token)
        if done is None:
            return _page(request, order, action, stored, form)
        del request.session[_session_key(order)]
        messages.add_message(request, *done)
        return redirect(stored["back"])
    return _page(request, order, action, stored, form)


def _page(request, order, action: SelectionAction, stored: dict, form, **extra):
    """The confirmation page, from the seats as they are now; it remembers the versions of the
    seats it says the action will touch, which are the ones the apply acts on."""
    found = plan(
        action,
        selected_seats(order, stored["seats"]),
        order=order,
        authority=request_authority(request),
    )
    stored["touched"] = {str(seat): version for seat, version in found.touched.items()}
    request.session.modified = True
    context = {
        "order": order,
        "store": order.store,
        "action": action,
        "plan": found,
        "selected": len(stored["seats"]),
        "touched": seats_phrase(len(found.touched)),
        "touched_ids": list(found.touched)[:SHOWN_SEATS],
        "skipped": _reasons(found),
        "in_background": len(found.touched) > BACKGROUND_AFTER_SEATS,
        "background_after": BACKGROUND_AFTER_SEATS,
        "form": form,
        "back": stored["back"],
        "nav": "orders",
    } | extra
    return render(request, "portal/selection.html", context)


def _reasons(found: Plan) -> list[tuple[str, int, list[int], int]]:
    """(reason, how many seats, the first seat numbers, how many more) per reason."""
    return [
        (reason, len(ids), ids[:SHOWN_SEATS], max(0, len(ids) - SHOWN_SEATS))
        for reason, ids in found.skipped.items()
    ]


Said = tuple[int, str]  # a message's level and text


def _said(action: SelectionAction, result: bulk.BulkResult) -> Said:
    """What was done; a warning when some seats were skipped."""
    level = messages.WARNING if result.skipped else messages.SUCCESS
    return level, done_message(action, result)


def _apply(request, order, action: SelectionAction, touched: dict[int, int], form) -> Said | None:
    """Apply the action to the seats the confirmation page showed, now or in the background;
    returns what to tell the agent, or None when the addresses need correcting."""
    if not touched:
        raise SeatActionError("None of the selected seats can be changed by this action.")
    if action.emails_a_list:
        return _email_list(request, order, action, touched, form)
    rows = [SelectedSeat(seat=seat, version=version) for seat, version in touched.items()]
    if len(rows) > BACKGROUND_AFTER_SEATS:
        jobs.start_import(order=order, actor=request.user, kind=action.slug, rows=rows)
        return _in_background(action, len(rows))
    return _said(action, apply_to_seats(actor=request.user, rows=rows, action=action))


def _email_list(
    request, order, action: SelectionAction, touched: dict[int, int], form
) -> Said | None:
    """The pasted addresses take the selection's available seats in order: the CSV email
    import, limited to those seats."""
    if not form.is_valid():
        return None
    rows, seat_ids = form.rows, list(touched)
    line = email_line(order, seat_ids)
    if len(rows) > BACKGROUND_AFTER_SEATS:
        jobs.start_import(
            order=order,
            actor=request.user,
            kind=action.slug,
            rows=rows,
            line=line,
            seat_ids=seat_ids,
        )
        return _in_background(action, len(rows))
    result = bulk.bulk_email_redemptions(
        order=order, actor=request.user, rows=rows, line=line, seat_ids=seat_ids
    )
    return _said(action, result)


def _in_background(action: SelectionAction, count: int) -> Said:
    return messages.SUCCESS, (
        f"{action.label} for {seats_phrase(count)}: this runs in the background and the order "
        "page shows its progress. Nothing changes until every seat is done."
    )
