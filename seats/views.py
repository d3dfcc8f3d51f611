"""The recipient's side of a redemption link: open it, sign in or register, answer the store's
questions, redeem, start training.

Anyone holding a link can open it, so every page here is rate limited per client and never
cached, and a live link answers with ``Referrer-Policy: no-referrer``. A dead link gets a page
saying why and whom to ask; a used link and an unknown one get the same page.
"""

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.forms import SignupForm
from accounts.models import User
from accounts.verification import remember_proven
from core.errors import SeatActionError
from core.ratelimit import rate_limit

from . import rules
from .forms import SupplementalAnswersForm
from .models import Redemption, Seat, SeatEvent
from .services._base import questions_for
from .services.redemption import (
    LinkError,
    LinkProblem,
    WrongAccount,
    check_link,
    check_redeemer,
    redeem_link,
)


def limited(view: Callable) -> Callable:
    """Rate limit per client and never cache: a page under /redeem/."""
    return rate_limit(
        "redeem",
        limit=lambda: settings.REDEEM_RATE_LIMIT,
        template="429.html",
    )(never_cache(view))


SESSION_TOKENS = "seats.redemption_tokens"
REMEMBERED_TOKENS = 10


@require_safe
@limited
def redeem(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. A live one is remembered in the session and the visitor continues on
    a page without the token in its URL (as Django's password reset does), sending no Referer on
    the way; a dead one gets a page saying why. That page may send one (its token opens
    nothing), which keeps its forms working: browsers send ``Origin: null`` from a no-referrer
    page, and Django's CSRF check refuses such a POST."""
    try:
        redemption = check_link(token)
    except LinkError as error:
        return link_problem(request, error)
    tokens = request.session.get(SESSION_TOKENS, {})
    tokens.pop(str(redemption.pk), None)
    tokens[str(redemption.pk)] = token
    request.session[SESSION_TOKENS] = dict(list(tokens.items())[-REMEMBERED_TOKENS:])
    response = redirect("redeem_claim", redemption_id=redemption.pk)
    response["Referrer-Policy"] = "no-referrer"
    return response


@limited
def claim(request: HttpRequest, redemption_id: int) -> HttpResponse:
    """One page for every step after the link: who sent what, then register or sign in, then
    the questions and the redeem button. Signing in keeps the session, and with it the link."""
    token = request.session.get(SESSION_TOKENS, {}).get(str(redemption_id))
    if token is None:
        context = {"problem": "reopen"}
        return render(request, "seats/link_problem.html", context, status=404)
    try:
        redemption = check_link(token)
    except LinkError as error:
        return link_problem(request, error)
    questions = questions_for(redemption.seat.order_line.product)
    offer = partial(_offer, request, redemption, token=token, has_questions=bool(questions))
    if problems := rules.problems(redemption.seat, SeatEvent.Action.REDEEM):
        return offer(step="unavailable", refusal=problems[0])
    if not request.user.is_authenticated:
        remember_proven(request, redemption.recipient_email)
        return offer(step="account", **_account_choices(redemption))
    try:
        check_redeemer(redemption, request.user)
    except WrongAccount as error:
        return offer(step="account", wrong_account=error.message)
    except SeatActionError as error:
        return offer(step="refused", refusal=error.message)

    data = request.POST if request.method == "POST" else None
    form = SupplementalAnswersForm(data, questions=questions)
    if form.is_valid():
        try:
            seat = redeem_link(token=token, user=request.user, answers=form.answers())
        except LinkError as error:
            return link_problem(request, error)
        except SeatActionError as error:
            form.add_error(None, error.message)
        else:
            return redirect("redeem_done", seat_id=seat.pk)
    return offer(step="redeem", form=form)


def _account_choices(redemption: Redemption) -> dict:
    """A recipient with an account signs in; anyone else registers, the email filled in. The
    link proves the recipient's address (``remember_proven``): registering with it needs no
    confirmation email."""
    if User.objects.filter(email=redemption.recipient_email).exists():
        return {"has_account": True}
    return {"registration_form": SignupForm(initial={"email": redemption.recipient_email})}


def _offer(request: HttpRequest, redemption: Redemption, *, step: str, **context) -> HttpResponse:
    seat = redemption.seat
    return render(
        request,
        "seats/redeem.html",
        {
            "redemption": redemption,
            "product": seat.order_line.product,
            "store": seat.order.store,
            "sender": redemption.created_by,
            "step": step,
            **context,
        },
    )


PROBLEM_STATUS = {LinkProblem.INVALID: 404}


def link_problem(request: HttpRequest, error: LinkError) -> HttpResponse:
    """Why the link is dead and whom to ask. An unknown or used link says nothing about the
    link: it was never found, or it must not tell a guesser that it once existed."""
    redemption = error.redemption
    context = {
        "problem": error.problem.value,
        "message": error.message,
        "sender": redemption.created_by if redemption else None,
        "store": redemption.seat.order.store if redemption else None,  # the footer's address
    }
    status = PROBLEM_STATUS.get(error.problem, 410)
    return render(request, "seats/link_problem.html", context, status=status)


@limited
@login_required
def redeemed(request: HttpRequest, seat_id: int) -> HttpResponse:
    """After redeeming: the seat is the learner's; here is the way into the course."""
    seat = get_object_or_404(
        Seat.objects.select_related("order_line__product", "order__store", "enrollment"),
        pk=seat_id,
        learner=request.user,
        status__in=Seat.HELD,
    )
    return render(request, "seats/redeemed.html", {"seat": seat, "store": seat.order.store})
