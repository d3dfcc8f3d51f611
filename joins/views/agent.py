"""The purchasing agent's pages: join links (create, pause, resume, revoke, who joined) and the
queue of seat requests (approve, decline, who may ask)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import SeatActionError

from .. import access, rules, selectors, services
from ..domains import listed_domains
from ..forms import DecisionForm, JoinLinkForm, RequestDomainsForm
from ..models import RequestDomain, RequestLink

PER_PAGE = 25


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


@login_required
def link_list(request: HttpRequest) -> HttpResponse:
    groups = access.groups_managed_by(request.user)
    form = JoinLinkForm(request.POST if request.method == "POST" else None, groups=groups)
    if form.is_valid():
        try:
            link = services.create_join_link(
                actor=request.user,
                group=form.cleaned_data["group"],
                product=form.cleaned_data["product"],
                cap=form.cleaned_data["cap"],
                expires_at=form.expires_at(),
                allowed_domains=form.cleaned_data["allowed_domains"],
            )
        except SeatActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The join link is ready: copy it and share it.")
            return redirect("joins:link", link_id=link.pk)
    page = _page(request, selectors.join_links(request.user))
    page.object_list = list(page.object_list)
    for link in page.object_list:
        link.status = rules.link_status(link, claims=link.joined)
    context = {"form": form, "page": page}
    return render(request, "joins/link_list.html", context | {"nav": "join_links"})


@login_required
def link_detail(request: HttpRequest, link_id: int) -> HttpResponse:
    link = access.access_join_link(request.user, link_id)
    claims = link.claims.select_related("learner").order_by("-created_at", "-id")
    page = _page(request, claims)
    context = {
        "link": link,
        "url": services.join_url(link),
        "page": page,
        "joined": page.paginator.count,
        "status": rules.link_status(link, claims=page.paginator.count),
        "changes": rules.offered_changes(link, claims=page.paginator.count),
        "nav": "join_links",
    }
    return render(request, "joins/link_detail.html", context)


LINK_ACTIONS = {
    "pause": (services.pause_join_link, "The link is paused: nobody can join until you resume it."),
    "resume": (services.resume_join_link, "The link works again."),
    "revoke": (services.revoke_join_link, "The link is revoked for good."),
}


@login_required
@require_POST
def link_action(request: HttpRequest, link_id: int, action: str) -> HttpResponse:
    link = access.access_join_link(request.user, link_id)
    if action not in LINK_ACTIONS:
        raise Http404
    service, done = LINK_ACTIONS[action]
    try:
        service(link=link, actor=request.user)
    except SeatActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("joins:link", link_id=link.pk)


@login_required
def request_queue(request: HttpRequest) -> HttpResponse:
    """Pending requests, oldest first, and per group who may ask."""
    groups = list(access.groups_managed_by(request.user).order_by("name"))
    domains, links = {}, {}
    for row in RequestDomain.objects.filter(group__in=groups):
        domains.setdefault(row.group_id, []).append(row.domain)
    for link in RequestLink.objects.filter(group__in=groups):
        links[link.group_id] = services.request_url(link)
    settings = [
        {
            "group": group,
            "url": links.get(group.pk),
            "form": RequestDomainsForm(
                initial={"domains": " ".join(domains.get(group.pk, []))}, prefix=f"g{group.pk}"
            ),
        }
        for group in groups
    ]
    context = {
        "page": _page(request, selectors.pending_requests(request.user)),
        "settings": settings,
        "decision_form": DecisionForm(),
        "nav": "seat_requests",
    }
    return render(request, "joins/request_queue.html", context)


DECISIONS = {
    "approve": (services.approve_seat_request, "Approved: {learner} has a seat in {product}."),
    "decline": (services.decline_seat_request, "Declined; {learner} is told by email."),
}


@login_required
@require_POST
def request_decide(request: HttpRequest, request_id: int, decision: str) -> HttpResponse:
    seat_request = access.access_seat_request(request.user, request_id)
    if decision not in DECISIONS:
        raise Http404
    service, done = DECISIONS[decision]
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return redirect("joins:requests")
    try:
        decided = service(request=seat_request, actor=request.user, note=form.cleaned_data["note"])
    except SeatActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, done.format(learner=decided.learner.email, product=decided.product)
        )
    return redirect("joins:requests")


@login_required
@require_POST
def request_domains(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access.access_group(request.user, group_id)
    form = RequestDomainsForm(request.POST, prefix=f"g{group.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["domains"]))
        return redirect("joins:requests")
    try:
        domains = services.set_request_domains(
            group=group, actor=request.user, domains=form.cleaned_data["domains"]
        )
    except SeatActionError as error:
        messages.error(request, error.message)
    else:
        listed = listed_domains(domains) or "no domain (the request link only)"
        messages.success(request, f"People at {listed} may ask {group} for a seat.")
    return redirect("joins:requests")


@login_required
@require_POST
def request_link(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access.access_group(request.user, group_id)
    services.replace_request_link(group=group, actor=request.user)
    messages.success(request, f"A new request link for {group} is ready; the old one stopped.")
    return redirect("joins:requests")
