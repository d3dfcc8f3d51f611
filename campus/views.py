"""A stand-in for the Campus course player, so training links lead somewhere in development and
a demo can take a course: start it (after which its seat can no longer be unassigned), then
finish it with a pass or a fail, which the store's re-purchase rules read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from core.errors import SeatActionError
from seats.lms import campus
from seats.models import Enrollment

STEPS = {
    "start": (lambda enrollment: campus().start(enrollment), "You started {course}."),
    "pass": (
        lambda enrollment: campus().finish(enrollment, passed=True),
        "You completed {course} and passed.",
    ),
    "fail": (
        lambda enrollment: campus().finish(enrollment, passed=False),
        "You completed {course} without passing.",
    ),
}


@login_required
def course(request, course: str, enrollment_id):
    """Only the enrollment's learner opens it; anyone else gets a 404."""
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("product__store"),
        public_id=enrollment_id,
        learner=request.user,
        product__campus_course_ref=course,
    )
    if request.method == "POST":
        _take_step(request, enrollment, request.POST.get("step", ""))
        return redirect(request.path)
    return render(request, "campus/course.html", {"enrollment": enrollment})


def _take_step(request, enrollment: Enrollment, step: str) -> None:
    if step not in STEPS:
        messages.error(request, "Choose Start course, Pass or Fail.")
        return
    report, done = STEPS[step]
    try:
        report(enrollment)
    except SeatActionError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done.format(course=enrollment.product.name))
