"""Seats and their lifecycle. Models hold data, invariants and the state graph; the services in
``seats/services`` decide who may move a seat and what else happens when it moves."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class Seat(ConcurrentTransitionMixin, models.Model):
    """One purchased unit of a product. Rows are created with their order line, never deleted."""

    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        AWAITING = "awaiting", "Awaiting"
        ASSIGNED = "assigned", "Assigned"
        RETURN_PENDING = "return_pending", "Return pending"
        RETURNED = "returned", "Returned"

    HELD = (Status.ASSIGNED, Status.RETURN_PENDING)

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="seats")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="seats"
    )
    owner_group = models.ForeignKey(
        "groups.PurchasingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
    )
    status = FSMField(
        max_length=20, choices=Status.choices, default=Status.AVAILABLE, protected=True
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
    )
    enrollment = models.OneToOneField(
        "Enrollment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="current_seat",
        help_text="The learner's current (not withdrawn) enrollment while the seat is held.",
    )
    version = models.PositiveIntegerField(
        default=0, help_text="Bumped by every change; forms carry it to refuse stale actions."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["order", "status"], name="seat_order_status_idx"),
            # The order page's seats, first page first: an index range, not a sort of all seats.
            models.Index(fields=["order", "id"], name="seat_order_id_idx"),
            models.Index(fields=["owner_group", "status"], name="seat_group_status_idx"),
            models.Index(fields=["order_line", "status"], name="seat_line_status_idx"),
            models.Index(fields=["learner"], name="seat_learner_idx"),
            models.Index(fields=["status"], name="seat_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        status__in=["assigned", "return_pending"],
                        learner__isnull=False,
                        enrollment__isnull=False,
                    )
                    | Q(
                        status__in=["available", "awaiting", "returned"],
                        learner__isnull=True,
                        enrollment__isnull=True,
                    )
                ),
                name="seat_holder_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Seat {self.pk}"

    def get_status_display(self) -> str:
        """The status's label. Django's generated method rebuilds the field's choices on every
        call, and the seat rules word a refusal with it for every action an order page's row
        does not offer: a few hundred calls a page."""
        return self.Status(self.status).label

    @property
    def is_held(self) -> bool:
        return self.status in self.HELD

    def _touch(self) -> None:
        self.version += 1

    def _hold(self, learner, enrollment) -> None:
        self.learner = learner
        self.enrollment = enrollment
        self._touch()

    def _release(self) -> None:
        self.learner = None
        self.enrollment = None
        self._touch()

    @transition(field=status, source=Status.AVAILABLE, target=Status.ASSIGNED)
    def assign(self, *, learner, enrollment) -> None:
        self._hold(learner, enrollment)

    @transition(field=status, source=Status.AVAILABLE, target=Status.AWAITING)
    def email_redemption(self) -> None:
        self._touch()

    @transition(field=status, source=Status.AWAITING, target=Status.AWAITING)
    def resend_redemption(self) -> None:
        self._touch()

    @transition(field=status, source=Status.AWAITING, target=Status.AVAILABLE)
    def cancel_redemption(self) -> None:
        self._touch()

    @transition(field=status, source=Status.AWAITING, target=Status.ASSIGNED)
    def redeem(self, *, learner, enrollment) -> None:
        self._hold(learner, enrollment)

    @transition(field=status, source=Status.AWAITING, target=Status.AVAILABLE)
    def expire(self) -> None:
        self._touch()

    @transition(field=status, source=Status.ASSIGNED, target=Status.AVAILABLE)
    def unassign(self) -> None:
        self._release()

    @transition(field=status, source=Status.ASSIGNED, target=Status.ASSIGNED)
    def transfer(self, *, learner, enrollment) -> None:
        self._hold(learner, enrollment)

    @transition(field=status, source=Status.ASSIGNED, target=Status.RETURN_PENDING)
    def request_return(self) -> None:
        self._touch()

    @transition(field=status, source=Status.RETURN_PENDING, target=Status.AVAILABLE)
    def approve_return(self) -> None:
        self._release()

    @transition(field=status, source=Status.RETURN_PENDING, target=Status.ASSIGNED)
    def deny_return(self) -> None:
        self._touch()

    @transition(field=status, source=Status.AVAILABLE, target=Status.RETURNED)
    def refund(self) -> None:
        self._touch()


class Redemption(models.Model):
    """One emailed link for a seat. A resend replaces the row with a fresh one (new token), so a
    link that was replaced, cancelled, expired or used can be told apart and never works again."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        REDEEMED = "redeemed", "Redeemed"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"
        REPLACED = "replaced", "Replaced by a newer link"

    class Delivery(models.TextChoices):
        NOT_QUEUED = "not_queued", "Not yet queued"
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        BOUNCED = "bounced", "Bounced"
        FAILED = "failed", "Failed"

    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="redemptions")
    recipient_email = models.EmailField()
    message = models.TextField(blank=True, max_length=500)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_nonce = models.CharField(
        max_length=64,
        editable=False,
        help_text="With SECRET_KEY it re-derives the link for reminders; alone it is useless.",
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    ended_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveIntegerField(default=0)
    reminders_sent = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    delivery_status = models.CharField(
        max_length=20, choices=Delivery.choices, default=Delivery.NOT_QUEUED
    )
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redemptions_redeemed",
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(state="pending"),
                name="one_live_redemption_per_seat",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "expires_at"], name="redemption_state_expiry_idx"),
            models.Index(fields=["seat", "-created_at"], name="redemption_seat_idx"),
            models.Index(fields=["recipient_email"], name="redemption_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"Link for seat {self.seat_id} to {self.recipient_email}"

    @property
    def is_live(self) -> bool:
        return self.state == self.State.PENDING and self.expires_at > timezone.now()


class Enrollment(models.Model):
    """The Campus side of a held seat. Active means not started or in progress: a completed
    enrollment stays on its seat but does not stop a later re-enrollment (docs/decisions/0002)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Result(models.TextChoices):
        NONE = "none", "None"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.NOT_STARTED, Status.IN_PROGRESS)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    product = models.ForeignKey(
        "orders.Product", on_delete=models.PROTECT, related_name="enrollments"
    )
    seat = models.ForeignKey(
        Seat, on_delete=models.PROTECT, null=True, blank=True, related_name="enrollments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.NONE)
    training_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the latest progress recorded happened, as Campus tells it; a report of "
        "something earlier arrives late and changes nothing.",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "product"],
                condition=Q(status__in=["not_started", "in_progress"]),
                name="one_active_enrollment_per_learner_and_product",
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "product", "status"], name="enrollment_learner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} in {self.product}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def progress_label(self) -> str:
        """“In progress”, or “Completed — Failed” once a result is in."""
        if self.result == self.Result.NONE:
            return self.get_status_display()
        return f"{self.get_status_display()} — {self.get_result_display()}"


class SupplementalQuestion(models.Model):
    """A question the learner must answer before a seat is theirs; store-wide or per product."""

    store = models.ForeignKey(
        "orders.Store", on_delete=models.CASCADE, related_name="supplemental_questions"
    )
    product = models.ForeignKey(
        "orders.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="supplemental_questions",
        help_text="Leave empty to ask it for every product of the store.",
    )
    prompt = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    choices = models.TextField(
        blank=True, help_text="One choice per line; leave empty for a free-text answer."
    )
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.prompt

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SupplementalAnswer(models.Model):
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(
        SupplementalQuestion, on_delete=models.PROTECT, related_name="answers"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supplemental_answers"
    )
    value = models.TextField(max_length=1000)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seat", "question", "learner"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"


class ReturnRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"

    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="return_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(max_length=1000)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=1000)
    refund = models.OneToOneField(
        "orders.Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(state="pending"),
                name="one_pending_return_per_seat",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"], name="return_queue_idx"),
            # The weekly digest's returns decided in the past week.
            models.Index(fields=["decided_at"], name="return_decided_idx"),
        ]

    def __str__(self) -> str:
        return f"Return of seat {self.seat_id} ({self.get_state_display()})"


class SeatEvent(models.Model):
    """The audit trail: one row for every change to a seat, written by the service that made it."""

    class Action(models.TextChoices):
        ASSIGN = "assign", "Assigned"
        EMAIL_REDEMPTION = "email_redemption", "Redemption link emailed"
        RESEND = "resend", "Redemption link resent"
        CANCEL_REDEMPTION = "cancel_redemption", "Redemption link cancelled"
        REDEEM = "redeem", "Redeemed"
        EXPIRE = "expire", "Redemption link expired"
        REMIND = "remind", "Reminder sent"
        UNASSIGN = "unassign", "Unassigned"
        TRANSFER = "transfer", "Transferred"
        REQUEST_RETURN = "request_return", "Return requested"
        APPROVE_RETURN = "approve_return", "Return approved"
        DENY_RETURN = "deny_return", "Return denied"
        REFUND = "refund", "Refunded"
        CHANGE_OWNER_GROUP = "change_owner_group", "Owner group changed"
        PROGRESS = "progress", "Course progress"
        CORRECT_RECIPIENT = "correct_recipient", "Recipient's address corrected"
        BOUNCE = "bounce", "Redemption link bounced"
        EXTEND_VALIDITY = "extend_validity", "Validity extended"

    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Seat.Status.choices)
    to_status = models.CharField(max_length=20, choices=Seat.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system acted (expiry, reminders).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["seat", "created_at"], name="seatevent_seat_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.from_status} → {self.to_status})"


class ImportJob(models.Model):
    """A CSV import, or an action on seats selected on the order page, too big to apply within a
    request, applied by a background task. The rows
    wait here, already checked once; the task checks them again when it applies them, all or
    nothing. Progress while it runs lives in the cache (the row's own updates are invisible
    until the import commits)."""

    class Kind(models.TextChoices):
        ASSIGN = "assign", "Assign seats"
        EMAIL = "email", "Email redemption links"
        RESEND = "resend", "Resend links"
        CANCEL = "cancel", "Cancel links"
        UNASSIGN = "unassign", "Unassign seats"

    # Kinds that act on seats the agent selected on the order page, one at a time.
    SELECTION = (Kind.RESEND, Kind.CANCEL, Kind.UNASSIGN)

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="imports")
    line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField()
    rows = models.JSONField(default=list, help_text="The parsed rows, as the preview showed them.")
    seat_ids = models.JSONField(
        default=list,
        blank=True,
        help_text="The seats selected on the order page that emailed links may go to; empty for "
        "a CSV file, whose links go to any available seat of the course.",
    )
    result = models.TextField(blank=True, help_text="What was applied, or why nothing was.")
    errors = models.JSONField(default=list, blank=True, help_text="Row problems, when refused.")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["order", "status"], name="importjob_order_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(total_rows__gt=0), name="importjob_has_rows"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for order {self.order_id}: {self.total_rows} rows"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
