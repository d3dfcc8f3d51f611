"""The returns queue: pending requests, oldest first, decided from the list or a request's page.
The services withdraw or keep the enrollment, record the refund and email the agent."""

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.timesince import timesince

from core.admin import ServiceAdmin, admin_link, service_action, status_badge, submitted
from core.errors import SeatActionError
from seats import services
from seats.models import ReturnRequest

from .forms import NoteForm
from .transitions import APPROVE_RETURN, DENY_RETURN

State = ReturnRequest.State
ALL = "all"


class StateFilter(admin.SimpleListFilter):
    """The queue opens on pending requests; decided ones are a click away."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*State.choices, (ALL, "All")]

    def value(self):
        return super().value() or State.PENDING

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == ALL:
            return queryset
        return queryset.filter(state=self.value())


def still_pending(item: ReturnRequest) -> int:
    """The seat of a pending request; a decided one is refused (the seat may have a newer one)."""
    if item.state != State.PENDING:
        raise SeatActionError(f"{item} was already decided.")
    return item.seat_id


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ServiceAdmin):
    service_only = True
    object_actions = (APPROVE_RETURN, DENY_RETURN)
    list_display = (
        "id",
        "seat_link",
        "order",
        "product",
        "learner",
        "requested_by",
        "short_reason",
        "age",
        "state_badge",
    )
    list_display_links = ("id",)
    list_select_related = (
        "seat__order",
        "seat__order_line__product",
        "seat__learner",
        "requested_by",
    )
    list_filter = (StateFilter, "seat__order__store")
    search_fields = ("requested_by__email", "seat__learner__email")
    ordering = ("created_at", "id")
    actions = (
        service_action(
            "approve_at_full_refund",
            lambda item, actor: services.approve_return(seat=still_pending(item), actor=actor),
            description="Approve the selected returns at full refund",
            done="approved",
        ),
        "deny",
    )
    fieldsets = (
        (None, {"fields": ("seat", "product", "learner", "requested_by", "created_at", "reason")}),
        ("Decision", {"fields": ("state_badge", "decided_by", "decided_at", "note", "refund")}),
    )

    def action_target(self, obj):
        return obj.seat if obj.state == State.PENDING else None

    @admin.display(description="Seat", ordering="seat")
    def seat_link(self, item):
        return admin_link(item.seat)

    @admin.display(description="Order")
    def order(self, item):
        return admin_link(item.seat.order, item.seat.order.number)

    @admin.display(description="Product")
    def product(self, item):
        return item.seat.order_line.product

    @admin.display(description="Learner")
    def learner(self, item):
        return item.seat.learner or "—"

    @admin.display(description="Reason")
    def short_reason(self, item):
        return Truncator(item.reason).chars(60)

    @admin.display(description="Age", ordering="created_at")
    def age(self, item):
        return timesince(item.created_at)

    @admin.display(description="State", ordering="state")
    def state_badge(self, item):
        return status_badge(item.state, item.get_state_display())

    @admin.action(description="Deny the selected returns…", permissions=["change"])
    def deny(self, request, queryset):
        form = NoteForm(submitted(request), obj=None)
        if not form.is_valid():
            return self.ask(
                request, queryset, form, title="Deny the selected returns", apply_label="Deny"
            )
        note = form.cleaned_data["note"]
        self.run_each(
            request,
            queryset,
            lambda r: services.deny_return(seat=still_pending(r), actor=request.user, note=note),
            done="denied",
        )
        return None
