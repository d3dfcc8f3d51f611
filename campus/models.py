"""What the store keeps of Campus's own reports."""

from django.db import models
from django.utils import timezone

from seats.models import Enrollment


class CampusEvent(models.Model):
    """A progress event Campus sent to the callback, kept by its id: the same event delivered
    again (a retry, a replay) is recognised and changes nothing."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Applied"
        UNCHANGED = "unchanged", "Already recorded"
        STALE = "stale", "Older than the progress recorded"

    event_id = models.CharField(max_length=100, unique=True)
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="campus_events"
    )
    status = models.CharField(max_length=20, choices=Enrollment.Status.choices)
    result = models.CharField(max_length=10, choices=Enrollment.Result.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"Campus event {self.event_id}"
