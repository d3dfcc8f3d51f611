"""The outbox: every email is a row first, written in the same transaction as the action that
causes it, so an email can be late (broker down, provider failing) but never lost."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboundEmail(models.Model):
    class Kind(models.TextChoices):
        REDEMPTION_LINK = "redemption_link", "Redemption link"
        REDEMPTION_RESEND = "redemption_resend", "Redemption link (resent)"
        REDEMPTION_REMINDER = "redemption_reminder", "Redemption reminder"
        ASSIGNMENT_NOTICE = "assignment_notice", "Assignment notice"
        INVITATION = "invitation", "Account invitation"
        RETURN_REQUESTED = "return_requested", "Return requested"
        RETURN_DECIDED = "return_decided", "Return decided"
        PASSWORD_RESET = "password_reset", "Password reset"
        ACCOUNT_SETUP = "account_setup", "Account set-up link"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    to_email = models.EmailField()
    context = models.JSONField(
        default=dict, help_text="Ids the email is rendered from when it is sent."
    )
    redemption = models.ForeignKey(
        "seats.Redemption",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
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
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email}"
