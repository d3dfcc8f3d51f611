"""The outbox: every email is a row first, written in the same transaction as the action that
causes it, so an email can be late (broker down, provider failing) but never lost."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import registry


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(
        max_length=30, choices=registry.choices, help_text="One of the kinds the apps register."
    )
    to_email = models.EmailField()
    context = models.JSONField(
        default=dict, help_text="Ids the email is rendered from when it is sent."
    )
    topic = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the email is about, for its sender (say redemption:12); the outbox "
        "announces its delivery under it (signals).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="Handed to the broker; empty means the sweep will."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    unannounced = models.BooleanField(
        default=False, help_text="Sent or failed, but not yet announced under its topic."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["queued_at", "created_at"],
                condition=Q(status="pending"),
                name="outbox_pending_idx",
            ),
            models.Index(
                fields=["provider_message_id"],
                condition=~Q(provider_message_id=""),
                name="outbox_provider_id_idx",
            ),
            models.Index(fields=["topic"], condition=~Q(topic=""), name="outbox_topic_idx"),
            models.Index(
                fields=["id"], condition=Q(unannounced=True), name="outbox_unannounced_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email}"
