"""What the services leave behind, listed for store admins and never edited: the audit trail,
redemption links, Campus's progress events, answers and background imports. Supplemental
questions are configuration and stay editable. Lists order by id (newest first): it follows time
and is served by the primary key."""

from django.contrib import admin
from django.utils.html import format_html_join

from core.admin import ReadOnlyAdmin
from seats.models import (
    ImportJob,
    Redemption,
    SeatEvent,
    SupplementalAnswer,
    SupplementalQuestion,
)


def _readable(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class EventDetailsColumn:
    """An event's details as text ("learner: ann@example.com · note: …") rather than JSON, in
    the order of their names (PostgreSQL keeps no other). A note or a reason is typed by a
    person: every name and value is escaped."""

    @admin.display(description="Details")
    def event_details(self, event: SeatEvent) -> str:
        return format_html_join(
            " · ",
            "{}: {}",
            (
                (key.replace("_", " "), _readable(event.details[key]))
                for key in sorted(event.details)
            ),
        )


@admin.register(SeatEvent)
class SeatEventAdmin(EventDetailsColumn, ReadOnlyAdmin):
    fields = (
        "seat",
        "action",
        "from_status",
        "to_status",
        "actor",
        "created_at",
        "event_details",
    )
    list_display = (
        "created_at",
        "seat",
        "action",
        "from_status",
        "to_status",
        "actor",
        "event_details",
    )
    list_select_related = ("seat", "actor")
    list_filter = ("action", "created_at")
    search_fields = ("actor__email",)
    search_help_text = "A seat id, or the acting person's email (whole or in part)."
    ordering = ("-id",)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term.isdigit():
            return queryset.filter(seat_id=int(term)), False
        return super().get_search_results(request, queryset, term)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Background CSV imports; the rows themselves stay out of the page (up to 50,000)."""

    fields = (
        "order",
        "line",
        "actor",
        "kind",
        "status",
        "total_rows",
        "result",
        "errors",
        "created_at",
        "started_at",
        "finished_at",
    )
    list_display = ("created_at", "order", "kind", "status", "total_rows", "actor")
    list_select_related = ("order", "actor")
    list_filter = ("status", "kind")
    ordering = ("-id",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("rows")


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    """Never shows the token's hash or nonce: with the secret key the nonce rebuilds the link."""

    fields = (
        "seat",
        "recipient_email",
        "message",
        "state",
        "delivery_status",
        "created_by",
        "created_at",
        "expires_at",
        "send_count",
        "reminders_sent",
        "last_sent_at",
        "ended_at",
        "replaces",
        "redeemed_by",
        "redeemed_at",
    )
    list_display = (
        "seat",
        "recipient_email",
        "state",
        "delivery_status",
        "send_count",
        "created_at",
        "expires_at",
        "created_by",
    )
    list_select_related = ("seat", "created_by")
    list_filter = ("state", "delivery_status")
    search_fields = ("=recipient_email",)
    ordering = ("-id",)


@admin.register(SupplementalAnswer)
class SupplementalAnswerAdmin(ReadOnlyAdmin):
    list_display = ("seat", "question", "learner", "value", "answered_at")
    list_select_related = ("seat", "question", "learner")
    list_filter = ("question__store",)
    search_fields = ("learner__email", "question__prompt")
    ordering = ("-id",)


@admin.register(SupplementalQuestion)
class SupplementalQuestionAdmin(admin.ModelAdmin):
    """Also edited inline on stores (store-wide) and products (product-specific)."""

    list_display = ("prompt", "store", "product", "required", "is_active", "position")
    list_select_related = ("store", "product")
    list_filter = ("store", "required", "is_active")
    search_fields = ("prompt",)
    autocomplete_fields = ("product",)
