"""Where to send someone after a form: a ``next`` the client supplied, only if it is a path on
this site."""

from django.utils.http import url_has_allowed_host_and_scheme


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
