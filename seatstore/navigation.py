"""Where people go: after a form, a ``next`` the client supplied, only if it is a path on this
site; and which sections of the portal the navigation offers them."""

from django.contrib.auth import get_user_model
from django.db.models import Exists
from django.utils.http import url_has_allowed_host_and_scheme

from orders.models import Order
from seats.access import managed_group_ids


def safe_next(request, default: str = "") -> str:
    """The request's ``next`` when it is a local path ("/…", not "//host"); else ``default``.
    A bare word ("welcome") is refused too: redirect() would try it as a URL name."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    local = url.startswith("/") and not url.startswith("//")
    if local and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def portal_sections(user) -> dict[str, bool]:
    """The sections of the portal the user has something in, for the navigation: Orders for
    buyers and agents, Groups for agents. One query; nothing for a visitor."""
    if not user.is_authenticated:
        return {"orders": False, "groups": False}
    found = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            placed=Exists(Order.objects.filter(buyer_id=user.pk)),
            agent=Exists(managed_group_ids(user)),
        )
        .get()
    )
    return {"orders": found["placed"] or found["agent"], "groups": found["agent"]}
