"""The stand-in Campus: the default CAMPUS_BACKEND (``seats.lms``), keeping enrollments in this
database. A real LMS client implements the same methods."""

import uuid

from django.conf import settings
from django.utils import timezone

from core.bulk_sql import insert_rows
from seats.models import Enrollment


class LocalCampus:
    """Keeps enrollments in this database and builds training links from CAMPUS_BASE_URL."""

    def enroll(self, *, learner, product, seat) -> Enrollment:
        enrollment = Enrollment(learner=learner, product=product, seat=seat)
        enrollment.training_url = self.training_url(product, enrollment.public_id)
        enrollment.save(force_insert=True)
        return enrollment

    def enroll_many(self, product, holders: list[tuple[int, int]]) -> list[int]:
        """Enroll each (learner id, seat id) in the product with a training link; returns the
        enrollment ids in order. One INSERT per batch, with no model instance per row: a
        5,000-row import would spend more time building them than the database spends
        writing."""
        public_ids = [uuid.uuid4() for _ in holders]
        return insert_rows(
            Enrollment,
            ["learner_id", "seat_id", "public_id", "training_url"],
            [
                (learner_id, seat_id, public_id, self.training_url(product, public_id))
                for (learner_id, seat_id), public_id in zip(holders, public_ids, strict=True)
            ],
            constants={"product_id": product.pk, "created_at": timezone.now()},
            returning="id",
        )

    def start(self, enrollment: Enrollment) -> None:
        """The learner opened the course: from now on the seat cannot be unassigned. Opening a
        course already under way or finished is no progress."""
        if enrollment.status == Enrollment.Status.NOT_STARTED:
            self._report(enrollment, status=Enrollment.Status.IN_PROGRESS)

    def finish(self, enrollment: Enrollment, *, passed: bool) -> None:
        """The learner finished the course, with a pass or a fail."""
        result = Enrollment.Result.PASSED if passed else Enrollment.Result.FAILED
        self._report(enrollment, status=Enrollment.Status.COMPLETED, result=result)

    def _report(self, enrollment: Enrollment, **progress) -> None:
        """Progress reaches the store as a real Campus's callback does, through the same service,
        only in-process. Imported here: the services import this module."""
        from .progress import record_progress

        recorded = record_progress(enrollment=enrollment, **progress).enrollment
        enrollment.status, enrollment.result = recorded.status, recorded.result

    def withdraw(self, enrollment: Enrollment) -> None:
        enrollment.status = Enrollment.Status.WITHDRAWN
        enrollment.withdrawn_at = timezone.now()
        enrollment.save(update_fields=["status", "withdrawn_at"])

    def training_url(self, product, public_id: uuid.UUID) -> str:
        course = product.campus_course_ref
        return f"{settings.CAMPUS_BASE_URL}/courses/{course}/enrollments/{public_id}/"
