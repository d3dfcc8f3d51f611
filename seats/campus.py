"""The boundary to Campus, the learning system. Seat logic talks only to ``campus()``; a real LMS
client implements the same three methods and is named in the CAMPUS_BACKEND setting."""

from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Enrollment


class LocalCampus:
    """Keeps enrollments in this database and builds training links from CAMPUS_BASE_URL."""

    def enroll(self, *, learner, product, seat) -> Enrollment:
        enrollment = Enrollment.objects.create(learner=learner, product=product, seat=seat)
        enrollment.training_url = self.training_url(enrollment)
        enrollment.save(update_fields=["training_url"])
        return enrollment

    def withdraw(self, enrollment: Enrollment) -> None:
        enrollment.status = Enrollment.Status.WITHDRAWN
        enrollment.withdrawn_at = timezone.now()
        enrollment.save(update_fields=["status", "withdrawn_at"])

    def training_url(self, enrollment: Enrollment) -> str:
        course = enrollment.product.campus_course_ref
        return f"{settings.CAMPUS_BASE_URL}/courses/{course}/enrollments/{enrollment.pk}/"


@cache
def campus() -> LocalCampus:
    return import_string(settings.CAMPUS_BACKEND)()
