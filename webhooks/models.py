"""Outbound webhooks: the endpoints agents and store admins register, and a delivery row per
event and endpoint, written in the action's transaction and sent by the worker
(docs/webhooks.md)."""

import secrets
import uuid
from base64 import b64encode

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EventType(models.TextChoices):
    """What an endpoint may subscribe to; the ``type`` of a payload."""

    SEAT_ASSIGNED = "seat.assigned", "Seat assigned"
    LINK_EMAILED = "link.emailed", "Redemption link emailed"
    LINK_REDEEMED = "link.redeemed", "Redemption link redeemed"
    LINK_BOUNCED = "link.bounced", "Redemption link bounced"
    LINK_EXPIRED = "link.expired", "Redemption link expired"
    SEAT_UNASSIGNED = "seat.unassigned", "Seat unassigned"
    RETURN_REQUESTED = "return.requested", "Return requested"
    RETURN_APPROVED = "return.approved", "Return approved"
    RETURN_DENIED = "return.denied", "Return denied"
    COURSE_COMPLETED = "course.completed", "Course completed"


TEST_EVENT = "webhook.test"
"""The type of the event the "Send test event" button sends, whatever the endpoint subscribes to."""


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class Endpoint(models.Model):
    """A URL that receives the events it subscribes to: an agent's (``owner``: the seats they
    manage) or a store's (``store``: every seat of the store, registered by a store admin)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
    )
    store = models.ForeignKey(
        "orders.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
    )
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="The event types it receives.")
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    is_active = models.BooleanField("active", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False, store__isnull=True)
                | Q(owner__isnull=True, store__isnull=False),
                name="webhook_endpoint_of_an_agent_or_a_store",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "is_active"], name="webhook_endpoint_owner_idx"),
            models.Index(fields=["store", "is_active"], name="webhook_endpoint_store_idx"),
        ]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [labels.get(event, event) for event in self.events]


class Delivery(models.Model):
    """One event for one endpoint: pending until the endpoint answers 2xx (delivered) or the
    attempts run out (failed). ``message_id`` is the ``webhook-id`` header, the same on every
    attempt, by which a receiver recognizes a retry."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True, default=new_message_id)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was handed to the broker; empty: the sweep's."
    )
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_log_idx"
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} ({self.get_status_display()})"
