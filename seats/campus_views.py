"""A stand-in for the Campus course player, so training links lead somewhere in development."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Enrollment


@login_required
def course(request, course: str, enrollment_id):
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("product"),
        pk=enrollment_id,
        learner=request.user,
        product__campus_course_ref=course,
    )
    return render(request, "seats/campus_course.html", {"enrollment": enrollment})
