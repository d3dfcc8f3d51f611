"""A stand-in for the Campus course player, so training links lead somewhere in development and
a demo can start a course (after which its seat can no longer be unassigned)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from .campus import campus
from .models import Enrollment


@login_required
def course(request, course: str, enrollment_id):
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("product__store"),
        public_id=enrollment_id,
        learner=request.user,
        product__campus_course_ref=course,
    )
    if request.method == "POST" and enrollment.status == Enrollment.Status.NOT_STARTED:
        campus().start(enrollment)
        messages.success(request, f"You started {enrollment.product.name}.")
        return redirect(request.path)
    return render(request, "seats/campus_course.html", {"enrollment": enrollment})
