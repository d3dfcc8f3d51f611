"""Send whoever must use two-factor sign-in and has not set it up (``orders.two_factor``) to set
it up before anything else. Only their requests ask the database whether they have by now."""

from django.contrib import messages
from django.shortcuts import redirect

from orders.two_factor import SESSION_KEY, must_set_up

EXEMPT_PREFIXES = (
    "/account/2fa/",
    "/account/logout/",
    "/account/reauthenticate/",
    "/static/",
    "/health/",
)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(SESSION_KEY) and not request.path.startswith(EXEMPT_PREFIXES):
            if not must_set_up(request.user):
                del request.session[SESSION_KEY]
                return self.get_response(request)
            messages.info(
                request,
                "Your account must use two-factor sign-in. Set up an authenticator app to "
                "continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
