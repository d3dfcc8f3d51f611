"""The boundary to Campus, the learning system. Seat logic talks only to ``campus()``; a real LMS
client implements the same three methods and is named in the CAMPUS_BACKEND setting."""

from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from seatstore.bulk_sql import insert_objects

from .models import Enrollment


class LocalCampus:
    """Keeps enrollments in this database and builds training links from CAMPUS_BASE_URL."""

    def enroll(self, *, learner, product, seat) -> Enrollment:
        return self.enroll_many([Enrollment(learner=learner, product=product, seat=seat)])[0]

    def enroll_many(self, enrollments: list[Enrollment]) -> list[Enrollment]:
        """Save unsaved Enrollment rows (product set) with their training links: one INSERT per
        thousand, for one assignment or a 5,000-row import alike."""
        for enrollment in enrollments:
            enrollment.training_url = self.training_url(enrollment)
        return insert_objects(enrollments)

    def start(self, enrollment: Enrollment) -> None:
        """The learner opened the course: from now on the seat cannot be unassigned. Only a
        not-started enrollment starts, decided in the UPDATE itself, so a start racing an
        unassign (which withdraws it under a lock) cannot revive a withdrawn enrollment."""
        started = Enrollment.objects.filter(
            pk=enrollment.pk, status=Enrollment.Status.NOT_STARTED
        ).update(status=Enrollment.Status.IN_PROGRESS)
        if started:
            enrollment.status = Enrollment.Status.IN_PROGRESS

    def withdraw(self, enrollment: Enrollment) -> None:
        enrollment.status = Enrollment.Status.WITHDRAWN
        enrollment.withdrawn_at = timezone.now()
        enrollment.save(update_fields=["status", "withdrawn_at"])

    def training_url(self, enrollment: Enrollment) -> str:
        course = enrollment.product.campus_course_ref
        return f"{settings.CAMPUS_BASE_URL}/courses/{course}/enrollments/{enrollment.public_id}/"


@cache
def campus() -> LocalCampus:
    return import_string(settings.CAMPUS_BACKEND)()
