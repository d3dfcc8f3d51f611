"""The learner's side: open a join link and take a seat; ask a group for a seat.

A link's token is taken once and kept in the session, and the visitor continues on a page whose
URL does not carry it (as ``seats.views.redeem`` does), so it never lands in an access log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from accounts.forms import SignupForm
from core.errors import SeatActionError
from orders.models import Product
from seats.forms import SupplementalAnswersForm
from seats.services._base import questions_for
from seats.views import limited

from .. import rules, selectors
from ..forms import SeatRequestForm
from ..models import JoinLink
from ..services import check_join_token, check_request_token, join_through_link, request_seat

JOIN_TOKENS = "joins.join_tokens"
REQUEST_GROUPS = "joins.request_groups"
REMEMBERED = 10


def _remember(request: HttpRequest, key: str, item: str, value) -> None:
    kept = request.session.get(key, {})
    kept.pop(item, None)
    kept[item] = value
    request.session[key] = dict(list(kept.items())[-REMEMBERED:])


def _no_referrer(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
@limited
def join(request: HttpRequest, token: str) -> HttpResponse:
    link = check_join_token(token)
    if link is None:
        return _dead(request, None, "This join link is not valid.")
    _remember(request, JOIN_TOKENS, str(link.pk), token)
    return _no_referrer(redirect("join_claim", link_id=link.pk))


@limited
def join_claim(request: HttpRequest, link_id: int) -> HttpResponse:
    """Who shares which course, then register or sign in, then the questions and "Join"."""
    token = request.session.get(JOIN_TOKENS, {}).get(str(link_id))
    link = check_join_token(token) if token else None
    if link is None:
        return _dead(request, None, "Open the join link you were given again to continue.")
    claims = link.claims.count()
    questions = questions_for(link.product)
    context = {
        "link": link,
        "store": link.group.store,
        "places_left": link.cap - claims,
        "has_questions": bool(questions),
    }
    signed_in = request.user.is_authenticated
    if signed_in and (problem := rules.already_joined(link, request.user)):
        return _page(request, context, step="joined", refusal=problem)
    if problem := next(iter(rules.link_problems(link, claims=claims)), None):
        return _dead(request, link, problem)
    if not signed_in:
        return _page(request, context, step="account", registration_form=SignupForm())
    if problem := next(iter(rules.joiner_problems(link, request.user)), None):
        return _page(request, context, step="refused", refusal=problem)
    form = SupplementalAnswersForm(
        request.POST if request.method == "POST" else None, questions=questions
    )
    if form.is_valid():
        try:
            claim = join_through_link(token=token, user=request.user, answers=form.answers())
        except SeatActionError as error:
            form.add_error(None, error.message)
        else:
            return redirect("redeem_done", seat_id=claim.seat_id)
    return _page(request, context, step="join", form=form)


def _page(request: HttpRequest, context: dict, **more) -> HttpResponse:
    return render(request, "joins/join.html", context | more)


def _dead(request: HttpRequest, link: JoinLink | None, message: str) -> HttpResponse:
    context = {
        "message": message,
        "link": link,
        "store": link.group.store if link else None,  # the footer's support address
    }
    return render(request, "joins/join_problem.html", context, status=404 if link is None else 410)


@require_safe
@limited
def request_link(request: HttpRequest, token: str) -> HttpResponse:
    """The group's shared request link: it lets the holder ask that group for seats."""
    link = check_request_token(token)
    if link is None:
        return _dead(request, None, "This request link is not valid; ask for a new one.")
    _remember(request, REQUEST_GROUPS, str(link.group_id), token)
    return _no_referrer(redirect("request_seat"))


def _linked_group_ids(request: HttpRequest) -> set[int]:
    """The groups whose request link this browser opened and which still work."""
    tokens = request.session.get(REQUEST_GROUPS, {})
    return selectors.groups_with_live_request_tokens(tokens)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """The courses the learner may ask for a seat in, and their requests so far."""
    offers = selectors.request_offers(request.user, linked=_linked_group_ids(request))
    page = Paginator(selectors.requests_of(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request, "joins/request_list.html", {"offers": offers, "page": page, "nav": "training"}
    )


@login_required
def request_new(request: HttpRequest, group_id: int, product_id: int) -> HttpResponse:
    linked = _linked_group_ids(request)
    group = selectors.requestable_group(request.user, group_id, linked=linked)
    if group is None:
        raise Http404
    product = get_object_or_404(Product, pk=product_id, store_id=group.store_id)
    context = {"group": group, "store": group.store, "product": product, "nav": "training"}
    via_link = group.pk in linked
    if problem := next(
        iter(rules.request_problems(group, product, request.user, via_link=via_link)), None
    ):
        return render(request, "joins/request_form.html", context | {"refusal": problem})
    questions = questions_for(product)
    form = SeatRequestForm(request.POST if request.method == "POST" else None, questions=questions)
    if form.is_valid():
        try:
            request_seat(
                learner=request.user,
                group=group,
                product=product,
                note=form.cleaned_data["note"],
                answers=form.answers(),
                via_link=via_link,
            )
        except SeatActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"Your request for {product} went to {group}'s purchasing agents."
            )
            return redirect("request_seat")
    return render(request, "joins/request_form.html", context | {"form": form})
