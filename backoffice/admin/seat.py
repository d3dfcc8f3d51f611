"""The seat admin: a fast list over every seat and, on a seat's page, its history and the
transitions an admin may take. Seats are never added, deleted or edited by form."""

import re

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.text import Truncator

from accounts.models import normalize_email
from core.admin import ReadOnlyInline, ServiceAdmin, admin_link, service_action, status_badge
from seats import services
from seats.models import Redemption, ReturnRequest, Seat, SeatEvent

from .records import EventDetailsColumn
from .transitions import SEAT_ACTIONS


class SeatEventInline(EventDetailsColumn, ReadOnlyInline):
    model = SeatEvent
    fields = ("created_at", "action", "from_status", "to_status", "actor", "event_details")
    ordering = ("created_at", "id")
    verbose_name_plural = "History"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


ORDER_NUMBER = re.compile(r"^SO-\d+$", re.IGNORECASE)


def seat_search(term: str) -> Q:
    """A seat id, an order number, or a learner's or recipient's email: a whole address matches
    exactly (the learner's through the email index), anything else as a part of one."""
    if term.isdigit():
        return Q(pk=int(term))
    if ORDER_NUMBER.match(term):
        return Q(order__number=term.upper())
    email = normalize_email(term)
    lookup = "" if "@" in email else "__icontains"
    sent_to = Redemption.objects.filter(seat=OuterRef("pk"), **{f"recipient_email{lookup}": email})
    return Q(**{f"learner__email{lookup}": email}) | Exists(sent_to)


@admin.register(Seat)
class SeatAdmin(ServiceAdmin):
    service_only = True
    object_actions = SEAT_ACTIONS
    list_display = (
        "id",
        "order_number",
        "product",
        "owner_group",
        "status_badge",
        "learner",
        "updated_at",
    )
    list_select_related = ("order", "order_line__product", "owner_group", "learner")
    list_filter = ("status", "order_line__product", "owner_group", "order__store")
    sortable_by = ("id", "status_badge", "updated_at")
    ordering = ("-id",)
    # The search is ``seat_search``; these fields only switch the admin's search box on.
    search_fields = ("learner__email", "redemptions__recipient_email")
    search_help_text = (
        "A seat id, an order number, or a learner's or recipient's email (whole or in part)."
    )
    show_full_result_count = False
    list_per_page = 50
    actions = (
        service_action(
            "cancel_links",
            lambda seat, actor: services.cancel_redemption(seat=seat, actor=actor),
            description="Cancel the emailed links of the selected seats",
            done="had their link cancelled and are available",
        ),
        service_action(
            "refund_at_full_price",
            lambda seat, actor: services.refund_seat(seat=seat, actor=actor),
            description="Refund the selected unused seats at full price",
            done="refunded and returned",
        ),
    )
    inlines = (SeatEventInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "status_badge",
                    "order",
                    "order_line",
                    "owner_group",
                    "learner",
                    "enrollment",
                    "version",
                    "updated_at",
                )
            },
        ),
        ("Links, returns and refunds", {"fields": ("live_link", "pending_return", "refundable")}),
    )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(seat_search(term)), False

    @admin.display(description="Order")
    def order_number(self, seat):
        return admin_link(seat.order, seat.order.number)

    @admin.display(description="Product")
    def product(self, seat):
        return seat.order_line.product

    @admin.display(description="Status", ordering="status")
    def status_badge(self, seat):
        return status_badge(seat.status, seat.get_status_display())

    @admin.display(description="Live redemption link")
    def live_link(self, seat):
        link = seat.redemptions.filter(state=Redemption.State.PENDING).first()
        if link is None:
            return "—"
        return (
            f"To {link.recipient_email}, sent {link.send_count}×, expires "
            f"{link.expires_at:%Y-%m-%d %H:%M}, delivery: {link.get_delivery_status_display()}"
        )

    @admin.display(description="Pending return request")
    def pending_return(self, seat):
        pending = seat.return_requests.filter(state=ReturnRequest.State.PENDING).first()
        if pending is None:
            return "—"
        reason = Truncator(pending.reason).chars(80)
        return admin_link(pending, f"Requested by {pending.requested_by}: {reason}")

    @admin.display(description="Left to refund")
    def refundable(self, seat):
        return f"{services.refundable_amount(seat)} {seat.order.store.currency}"
