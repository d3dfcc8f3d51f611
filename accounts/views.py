"""Addresses that emails already sent point to, from before the accounts moved to allauth: each
sends the visitor to the page that does the job now."""

from urllib.parse import urlencode

from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache

from .emails import password_link_context
from .models import User


def register(request: HttpRequest) -> HttpResponse:
    """The old registration page: same query (email, next) on allauth's sign-up page."""
    url = reverse_with_query("account_signup", request.GET)
    return redirect(url, permanent=True)


@never_cache
def old_password_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A password link (reset or invitation) emailed before: still good while Django's token
    for it is, exchanged for an allauth link made now; a dead one gets allauth's "invalid link"
    page, which offers a new one."""
    user = _user_from(uidb64)
    if user is not None and default_token_generator.check_token(user, token):
        return redirect(password_link_context(user)["set_password_url"])
    return redirect("account_reset_password_from_key", uidb36="0", key="invalid")


def _user_from(uidb64: str) -> User | None:
    try:
        return User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None


def reverse_with_query(name: str, query) -> str:
    wanted = {key: query[key] for key in ("email", "next") if query.get(key)}
    return reverse(name) + (f"?{urlencode(wanted)}" if wanted else "")
