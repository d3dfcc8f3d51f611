"""The agent's webhooks: their endpoints, a new one's secret shown once, each one's delivery
log, pause, delete and a test event."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from webhooks import services
from webhooks.addresses import AddressRefused
from webhooks.forms import EndpointForm
from webhooks.models import Delivery
from webhooks.selectors import access_endpoint, delivery_log, endpoints_of

from ..sections import portal_sections

DELIVERIES_PER_PAGE = 25
NEW_SECRET = "webhooks.new_secret"
"""Where the session keeps a new endpoint's secret until the page has shown it once."""


@login_required
def webhook_list(request):
    may_register = portal_sections(request)["orders"]
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and may_register and form.is_valid():
        try:
            endpoint = services.register_endpoint(actor=request.user, **form.cleaned_data)
        except AddressRefused as error:
            form.add_error("url", str(error))
        else:
            request.session[NEW_SECRET] = {"id": endpoint.pk, "secret": endpoint.secret}
            messages.success(request, f"The endpoint {endpoint.url} was added.")
            return redirect("portal:webhook", endpoint.pk)
    endpoints = endpoints_of(request.user).annotate(
        failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        pending=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING)),
    )
    context = {"endpoints": endpoints, "form": form, "may_register": may_register}
    return render(request, "portal/webhooks.html", {**context, "nav": "webhooks"})


@login_required
def webhook_detail(request, endpoint_id: int):
    endpoint = access_endpoint(request.user, endpoint_id)
    shown = request.session.pop(NEW_SECRET, None)
    secret = shown["secret"] if shown and shown["id"] == endpoint.pk else None
    page = Paginator(delivery_log(endpoint), DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"endpoint": endpoint, "page": page, "secret": secret, "nav": "webhooks"}
    return render(request, "portal/webhook_detail.html", context)


@login_required
@require_POST
def webhook_test(request, endpoint_id: int):
    endpoint = access_endpoint(request.user, endpoint_id)
    try:
        services.send_test_event(endpoint)
    except AddressRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "A test event is on its way; its outcome shows in the log.")
    return redirect("portal:webhook", endpoint.pk)


@login_required
@require_POST
def webhook_pause(request, endpoint_id: int):
    endpoint = access_endpoint(request.user, endpoint_id)
    active = not endpoint.is_active
    services.set_endpoint_active(endpoint, active=active)
    if active:
        messages.success(request, "The endpoint receives events again.")
    else:
        messages.success(request, "The endpoint is paused: it receives no events until resumed.")
    return redirect("portal:webhook", endpoint.pk)


@login_required
@require_POST
def webhook_delete(request, endpoint_id: int):
    endpoint = access_endpoint(request.user, endpoint_id)
    services.delete_endpoint(endpoint)
    messages.success(request, f"The endpoint {endpoint.url} and its delivery log were deleted.")
    return redirect("portal:webhooks")
