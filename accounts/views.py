"""The learner's own pages: registration, the landing page after sign-in, My training."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from core.navigation import safe_next
from core.ratelimit import rate_limit

from .forms import RegistrationForm, save_unless_taken


@sensitive_post_parameters("password1", "password2")
@rate_limit(
    "register",
    limit=lambda: settings.REGISTER_RATE_LIMIT,
    methods=("POST",),
    template="registration/rate_limited.html",
)
def register(request):
    """Create an account and sign in, then go back where the visitor came from (a redemption
    link, usually) if that is a page of this site."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "portal:home")
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        initial={"email": request.GET.get("email", "")},
    )
    if form.is_valid() and (user := save_unless_taken(form)):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account is ready; you are signed in.")
        return redirect(next_url or "portal:home")
    return render(request, "accounts/register.html", {"form": form, "next": next_url})
