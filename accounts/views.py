from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from seats.models import Enrollment


@login_required
def home(request):
    """Agents land on their orders; everyone else on their training."""
    if request.user.group_memberships.exists() or request.user.orders.exists():
        return redirect("portal:orders")
    return redirect("accounts:training")


@login_required
def training(request):
    enrollments = (
        Enrollment.objects.filter(learner=request.user)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("product", "current_seat")
        .order_by("-created_at")
    )
    return render(request, "accounts/training.html", {"enrollments": enrollments})
