"""The store side: stores and their policies, products, agreements, orders, refunds."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Store(models.Model):
    class SaleModel(models.TextChoices):
        RETAIL = "retail", "Retail"
        WHOLESALE = "wholesale", "Wholesale"

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    sale_model = models.CharField(
        max_length=20,
        choices=SaleModel.choices,
        default=SaleModel.RETAIL,
        help_text="Only wholesale stores offer bulk purchasing to agents with an agreement.",
    )
    support_email = models.EmailField()
    currency = models.CharField(max_length=3, default="USD")

    returns_allowed = models.BooleanField(
        default=True, help_text="Agents may request the return of an assigned seat."
    )
    purchase_without_group_allowed = models.BooleanField(
        default=False,
        help_text="Agents may buy seats without choosing a purchasing group at checkout; "
        "an admin sets the owner group later.",
    )
    block_purchase_when_enrolled = models.BooleanField(
        default=True,
        help_text="A buyer with an active enrollment or a completion in a product cannot buy "
        "more seats of it (unless a re-purchase option below applies).",
    )
    allow_repurchase_after_failed = models.BooleanField(default=False)
    allow_repurchase_after_passed = models.BooleanField(default=False)
    require_matching_redeemer_email = models.BooleanField(
        default=True,
        help_text="A redemption link can only be redeemed by an account with the recipient's "
        "email address.",
    )
    redemption_link_lifetime_days = models.PositiveSmallIntegerField(default=30)
    reminder_interval_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days between reminders for an unredeemed link; 0 sends none."
    )
    max_reminders = models.PositiveSmallIntegerField(default=3)
    seat_validity_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days from payment during which an order's unused seats can be handed out; "
        "blank means for ever. Seats already assigned stay with their learners.",
    )
    require_agent_two_factor = models.BooleanField(
        "agents must use two-factor sign-in",
        default=False,
        help_text="The store's purchasing agents set up two-factor sign-in (an authenticator "
        "app) before they can use their pages; it applies from their next sign-in.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(redemption_link_lifetime_days__gte=1),
                name="store_link_lifetime_positive",
            ),
            models.CheckConstraint(
                condition=Q(seat_validity_days__isnull=True) | Q(seat_validity_days__gte=1),
                name="store_seat_validity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def seats_valid_until(self, paid_at: datetime) -> datetime | None:
        """When the unused seats of an order paid at ``paid_at`` stop being usable (None: never)."""
        if self.seat_validity_days is None:
            return None
        return paid_at + timedelta(days=self.seat_validity_days)

    @property
    def is_wholesale(self) -> bool:
        return self.sale_model == self.SaleModel.WHOLESALE


class Product(models.Model):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    sku = models.CharField("SKU", max_length=64)
    description = models.TextField(blank=True)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    is_active = models.BooleanField(default=True)
    campus_course_ref = models.CharField(
        "Campus course reference",
        max_length=100,
        help_text="The course's identifier in Campus; the training link is built from it.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "sku"], name="product_sku_unique_per_store"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="product_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class PurchasingAgentAgreement(models.Model):
    class Kind(models.TextChoices):
        WHOLESALE = "wholesale", "Wholesale"
        PURCHASING_AGENT = "purchasing_agent", "Purchasing agent"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Revoked"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreements"
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PURCHASING_AGENT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "store"],
                condition=Q(status="active"),
                name="one_active_agreement_per_user_and_store",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} agreement: {self.user} at {self.store}"


class Order(models.Model):
    class Kind(models.TextChoices):
        BULK = "bulk", "Bulk (seats for others)"
        RETAIL = "retail", "Retail (one seat for the buyer)"

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    number = models.CharField(max_length=20, unique=True, editable=False)
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    owner_group = models.ForeignKey(
        "groups.PurchasingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        help_text="The purchasing group chosen at checkout; each seat records its own.",
    )
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.BULK,
        help_text="Decided at checkout: a retail order's seat goes to its buyer once paid.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.AWAITING_PAYMENT
    )
    payment_method = models.CharField(max_length=20, default="invoice")
    buyer_answers = models.JSONField(
        default=dict,
        blank=True,
        help_text="A retail buyer's answers to the course's supplemental questions, given at "
        "checkout ({question id: answer}); their seat is assigned with them once paid.",
    )
    fulfilment_problem = models.TextField(
        blank=True,
        help_text="Why the paid retail order has not enrolled its buyer; empty once it has.",
    )
    placed_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    seats_valid_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set on payment from the store's seat validity; after it, unused seats can no "
        "longer be handed out or redeemed. Empty: for ever. An admin extends it.",
    )

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(
                fields=["seats_valid_until"],
                condition=Q(seats_valid_until__isnull=False),
                name="order_seats_valid_until_idx",
            ),
            models.Index(fields=["buyer", "-placed_at"], name="order_buyer_placed_idx"),
            models.Index(fields=["store", "status", "-placed_at"], name="order_store_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_retail(self) -> bool:
        return self.kind == self.Kind.RETAIL

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.PAID

    @staticmethod
    def format_number(pk: int) -> str:
        return f"SO-{pk:06d}"


class OrderLine(models.Model):
    """An invoice item: N seats of one product."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="orderline_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product}"

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


class Refund(models.Model):
    """Money given back for one seat: an approved return or an unused seat refunded."""

    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="refunds")
    seat = models.ForeignKey("seats.Seat", on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="refund_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Refund {self.amount} for seat {self.seat_id}"
