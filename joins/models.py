"""Ways a learner comes to a seat without an agent naming them: a join link (first come, first
served, up to a cap) and a seat request (the learner asks, an agent decides). Seats themselves
still change only through the seat services; these rows record the door and who came through."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .domains import listed_domains


class JoinLink(models.Model):
    """A shareable link to take one seat of a group's paid orders for a product. Only a hash of
    its token finds it; the nonce re-derives the link for the agent who shares it
    (docs/decisions/0007)."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        REVOKED = "revoked", "Revoked"

    group = models.ForeignKey(
        "groups.PurchasingGroup", on_delete=models.PROTECT, related_name="join_links"
    )
    product = models.ForeignKey("orders.Product", on_delete=models.PROTECT, related_name="+")
    cap = models.PositiveIntegerField(help_text="At most this many people join through it.")
    expires_at = models.DateTimeField()
    allowed_domains = models.CharField(
        max_length=500,
        blank=True,
        help_text="Email domains that may join, separated by spaces; empty lets any address.",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.ACTIVE)
    token_nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(cap__gt=0), name="join_link_cap_positive"),
        ]
        indexes = [models.Index(fields=["group", "-created_at"], name="joinlink_group_idx")]

    def __str__(self) -> str:
        return f"Join link {self.pk}"

    @property
    def domains(self) -> list[str]:
        return self.allowed_domains.split()

    @property
    def audience(self) -> str:
        """Who may join, in words."""
        if not self.domains:
            return "Anyone with the link"
        return f"Addresses at {listed_domains(self.domains)}"

    @property
    def has_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class JoinClaim(models.Model):
    """One person who took a seat through a join link. Counting these rows is the cap."""

    link = models.ForeignKey(JoinLink, on_delete=models.PROTECT, related_name="claims")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="join_claims"
    )
    seat = models.ForeignKey("seats.Seat", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["link", "learner"], name="one_claim_per_link_learner"),
        ]
        indexes = [models.Index(fields=["link", "-created_at"], name="joinclaim_link_idx")]

    def __str__(self) -> str:
        return f"{self.learner_id} joined through link {self.link_id}"


class RequestDomain(models.Model):
    """An email domain whose people may ask the group for a seat."""

    group = models.ForeignKey(
        "groups.PurchasingGroup", on_delete=models.CASCADE, related_name="request_domains"
    )
    domain = models.CharField(max_length=253)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "domain"], name="one_request_domain_per_group"
            ),
        ]
        indexes = [models.Index(fields=["domain"], name="requestdomain_domain_idx")]

    def __str__(self) -> str:
        return self.domain


class RequestLink(models.Model):
    """The link an agent shares so that anyone holding it may ask the group for a seat; a new
    one replaces it (the old one stops working)."""

    group = models.OneToOneField(
        "groups.PurchasingGroup", on_delete=models.CASCADE, related_name="request_link"
    )
    token_nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Request link of group {self.group_id}"


class SeatRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    group = models.ForeignKey(
        "groups.PurchasingGroup", on_delete=models.PROTECT, related_name="seat_requests"
    )
    product = models.ForeignKey("orders.Product", on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seat_requests"
    )
    note = models.TextField(blank=True, max_length=500)
    answers = models.JSONField(
        default=dict, blank=True, help_text="The answers to the store's questions, by question."
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=500)
    seat = models.ForeignKey(
        "seats.Seat", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "product"],
                condition=Q(state="pending"),
                name="one_pending_seat_request_per_learner_product",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "state", "created_at"], name="seatrequest_queue_idx"),
            models.Index(fields=["learner", "-created_at"], name="seatrequest_learner_idx"),
        ]

    def __str__(self) -> str:
        return f"Seat request {self.pk} ({self.get_state_display()})"
