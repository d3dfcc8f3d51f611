"""Where a signed-in person lands, and the learner's own page: My training."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from seats import access
from seats.models import Enrollment, Seat

from ..sections import portal_sections


@login_required
def home(request):
    """Agents and buyers land on their orders, store admins without orders in the admin,
    everyone else (learners) on their training."""
    user = request.user
    if portal_sections(request)["orders"]:
        return redirect("portal:orders")
    if access.is_store_admin(user):
        return redirect("admin:index")
    return redirect("portal:training")


@login_required
def training(request):
    """The learner's courses with their training links: only seats they hold right now, so an
    unassigned or returned seat's link disappears with it."""
    enrollments = (
        Enrollment.objects.filter(learner=request.user, current_seat__status__in=Seat.HELD)
        .select_related("product__store", "current_seat")
        .order_by("-created_at")
    )
    return render(request, "portal/training.html", {"enrollments": enrollments, "nav": "training"})
