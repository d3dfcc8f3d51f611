"""Purchasing groups in the admin: their agents, and the seats (invoice items) they own with the
capacity left per product, for admins who audit it. Figures are counted
from the seat rows when the page is shown."""

from django.contrib import admin
from django.template.loader import render_to_string

from core.admin import ChecksEveryUniqueValue, ShowsTakenUniqueValues
from groups.models import GroupMembership, PurchasingGroup
from seats.capacity import COLUMNS, capacity, seat_figures
from seats.models import Seat

from .counts import SEAT_COUNT_COLUMNS, SeatCountsMixin

INVOICE_ITEMS_SHOWN = 100


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    form = ChecksEveryUniqueValue
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    extra = 0
    verbose_name = "agent"
    verbose_name_plural = "Agents"


def invoice_items(group: PurchasingGroup) -> list[dict]:
    """The order lines with seats owned by the group, newest first, with the group's seats in
    the columns of the capacity: one query."""
    return seat_figures(
        Seat.objects.filter(owner_group=group),
        "order_line_id",
        "order_id",
        "order__number",
        "order__placed_at",
        "order_line__product__name",
        "order_line__quantity",
        order_by=("-order__placed_at", "-order_line_id"),
        limit=INVOICE_ITEMS_SHOWN,
    )


@admin.register(PurchasingGroup)
class PurchasingGroupAdmin(ShowsTakenUniqueValues, SeatCountsMixin, admin.ModelAdmin):
    list_display = ("name", "store", "seat_count", *SEAT_COUNT_COLUMNS)
    list_select_related = ("store",)
    list_filter = ("store",)
    search_fields = ("name", "members__email")
    seat_fk = "owner_group"
    show_full_result_count = False
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("store", "name")}),
        ("Seats owned by the group", {"fields": ("capacity", "invoice_items")}),
    )
    readonly_fields = ("capacity", "invoice_items")

    def get_fieldsets(self, request, obj=None):
        """A group being added owns no seats yet."""
        return self.fieldsets if obj else self.fieldsets[:1]

    def get_readonly_fields(self, request, obj=None):
        """A group's store is fixed once it owns seats."""
        fixed = ("store",) if obj else ()
        return (*fixed, *self.readonly_fields)

    @admin.display(description="Seats", ordering="seat_count")
    def seat_count(self, group):
        return group.seat_count

    @admin.display(description="Capacity per product")
    def capacity(self, group):
        return render_to_string(
            "admin/groups/purchasinggroup/capacity.html",
            {"rows": capacity([group.pk]), "columns": COLUMNS},
        )

    @admin.display(description="Invoice items")
    def invoice_items(self, group):
        return render_to_string(
            "admin/groups/purchasinggroup/invoice_items.html",
            {
                "rows": invoice_items(group),
                "columns": COLUMNS,
                "shown": INVOICE_ITEMS_SHOWN,
                "group_id": group.pk,
            },
        )


@admin.register(GroupMembership)
class GroupMembershipAdmin(ShowsTakenUniqueValues, admin.ModelAdmin):
    list_display = ("user", "group", "store", "role")
    list_select_related = ("user", "group__store")
    list_filter = ("role", "group__store")
    search_fields = ("user__email", "group__name")
    autocomplete_fields = ("user", "group")

    @admin.display(description="Store", ordering="group__store")
    def store(self, membership):
        return membership.group.store
