"""The learner's own pages: registration, the landing page after sign-in, My training."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from seats import access
from seats.models import Enrollment, Seat
from seatstore.navigation import portal_sections, safe_next
from seatstore.ratelimit import rate_limit

from .forms import RegistrationForm, save_unless_taken


@login_required
def home(request):
    """Agents and buyers land on their orders, store admins without orders in the admin,
    everyone else (learners) on their training."""
    user = request.user
    if portal_sections(user)["orders"]:
        return redirect("portal:orders")
    if access.is_store_admin(user):
        return redirect("admin:index")
    return redirect("accounts:training")


@login_required
def training(request):
    """The learner's courses with their training links: only seats they hold right now, so an
    unassigned or returned seat's link disappears with it."""
    enrollments = (
        Enrollment.objects.filter(learner=request.user, current_seat__status__in=Seat.HELD)
        .select_related("product__store", "current_seat")
        .order_by("-created_at")
    )
    return render(
        request, "accounts/training.html", {"enrollments": enrollments, "nav": "training"}
    )


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
        return redirect(next_url or "accounts:home")
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        initial={"email": request.GET.get("email", "")},
    )
    if form.is_valid() and (user := save_unless_taken(form)):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account is ready; you are signed in.")
        return redirect(next_url or "accounts:home")
    return render(request, "accounts/register.html", {"form": form, "next": next_url})
