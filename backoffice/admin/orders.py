"""The store side of the admin: stores and their policies, products and their questions,
agreements, orders with their seats, refunds. Orders are placed in the shop (which creates their
seats); here they are paid, given an owner group, and read."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join

from core.admin import (
    ActionForm,
    ObjectAction,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceAdmin,
    ShowsTakenUniqueValues,
    admin_link,
    service_action,
    status_badge,
    submitted,
)
from orders import agreements
from orders.models import Order, OrderLine, Product, PurchasingAgentAgreement, Refund, Store
from seats import rules
from seats.forms import SupplementalAnswersForm
from seats.models import Seat, SupplementalQuestion
from seats.selectors import annotate_status_counts
from seats.services import extend_order_validity, set_order_owner_group
from seats.services._base import questions_for
from shop.services import enroll_buyer, mark_order_paid

from .counts import SEAT_COUNT_COLUMNS, SeatCountsMixin
from .forms import OwnerGroupForm, ValidityForm

Status = Seat.Status
BUYER_ENROLLMENT = "Buyer's enrollment"

# --- stores and products -----------------------------------------------------------------------


class QuestionInline(admin.TabularInline):
    model = SupplementalQuestion
    fields = ("prompt", "help_text", "choices", "required", "position", "is_active")
    extra = 0


class StoreQuestionInline(QuestionInline):
    """Questions asked for every product of the store."""

    verbose_name = "store-wide supplemental question"
    verbose_name_plural = "Store-wide supplemental questions"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(product__isnull=True)


class ProductQuestionFormSet(BaseInlineFormSet):
    """A product's question also belongs to the product's store."""

    def save_new(self, form, commit=True):
        form.instance.store_id = self.instance.store_id
        return super().save_new(form, commit)


class ProductQuestionInline(QuestionInline):
    """Questions asked only for this product, on top of the store-wide ones."""

    fk_name = "product"
    formset = ProductQuestionFormSet
    verbose_name = "product-specific supplemental question"
    verbose_name_plural = "Product-specific supplemental questions"


@admin.register(Store)
class StoreAdmin(ShowsTakenUniqueValues, admin.ModelAdmin):
    list_display = (
        "name",
        "sale_model",
        "support_email",
        "returns_allowed",
        "purchase_without_group_allowed",
        "block_purchase_when_enrolled",
    )
    list_filter = ("sale_model",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (StoreQuestionInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "sale_model", "support_email", "currency")}),
        ("Returns", {"fields": ("returns_allowed",)}),
        (
            "Purchasing",
            {
                "fields": (
                    "purchase_without_group_allowed",
                    "block_purchase_when_enrolled",
                    "allow_repurchase_after_failed",
                    "allow_repurchase_after_passed",
                ),
                "description": "Bulk purchasing also needs an active agreement on file.",
            },
        ),
        (
            "Redemption links",
            {
                "fields": (
                    "redemption_link_lifetime_days",
                    "reminder_interval_days",
                    "max_reminders",
                    "require_matching_redeemer_email",
                ),
                "description": "A reminder sends the same link again; it does not extend it.",
            },
        ),
        (
            "Seat validity",
            {
                "fields": ("seat_validity_days",),
                "description": "An order's unused seats can be handed out for this many days "
                "after it is paid; an admin can extend an order's end date from its page.",
            },
        ),
    )


@admin.register(Product)
class ProductAdmin(ShowsTakenUniqueValues, admin.ModelAdmin):
    list_display = ("name", "store", "sku", "unit_price", "is_active")
    list_select_related = ("store",)
    list_filter = ("store", "is_active")
    search_fields = ("name", "sku")
    inlines = (ProductQuestionInline,)


# --- agreements --------------------------------------------------------------------------------


def _activate(agreement, actor, data) -> str:
    agreements.activate_agreement(agreement=agreement, actor=actor)
    return f"The agreement of {agreement.user} at {agreement.store} is active."


def _revoke(agreement, actor, data) -> str:
    agreements.revoke_agreement(agreement=agreement, actor=actor)
    return (
        f"The agreement of {agreement.user} at {agreement.store} is revoked: no new bulk "
        "purchases; seats already bought are unchanged."
    )


def _agreement_is(*statuses):
    return lambda agreement: agreement.status in statuses


Agreement = PurchasingAgentAgreement


@admin.register(PurchasingAgentAgreement)
class AgreementAdmin(ShowsTakenUniqueValues, ServiceAdmin):
    list_display = ("user", "store", "kind", "status", "created_at", "activated_at", "revoked_at")
    list_select_related = ("user", "store")
    list_filter = ("status", "kind", "store")
    search_fields = ("user__email",)
    autocomplete_fields = ("user",)
    readonly_fields = ("status", "created_at", "activated_at", "revoked_at")
    actions = (
        service_action(
            "activate",
            lambda a, actor: agreements.activate_agreement(agreement=a, actor=actor),
            description="Activate the selected agreements",
            done="active",
        ),
        service_action(
            "revoke",
            lambda a, actor: agreements.revoke_agreement(agreement=a, actor=actor),
            description="Revoke the selected agreements",
            done="revoked (seats already bought are unchanged)",
        ),
    )
    object_actions = (
        ObjectAction(
            "activate", "Activate", _activate, applies=_agreement_is(Agreement.Status.PENDING)
        ),
        ObjectAction(
            "revoke",
            "Revoke",
            _revoke,
            applies=_agreement_is(Agreement.Status.PENDING, Agreement.Status.ACTIVE),
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        """The agreement's holder and store are fixed once it exists."""
        fixed = ("user", "store") if obj else ()
        return (*fixed, *super().get_readonly_fields(request, obj))


# --- orders ------------------------------------------------------------------------------------


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("product", "quantity", "unit_price", "total", "available_count", "held_count")

    def get_queryset(self, request):
        return annotate_status_counts(super().get_queryset(request), "order_line").select_related(
            "product"
        )

    @admin.display(description="Available")
    def available_count(self, line):
        return line.available_count

    @admin.display(description="Assigned or return pending")
    def held_count(self, line):
        return line.assigned_count + line.return_pending_count


def _mark_paid(order, actor, data) -> str:
    order = mark_order_paid(order=order, actor=actor)
    if not order.is_retail:
        return f"Order {order.number} is paid; its seats can be assigned and emailed."
    if order.fulfilment_problem:
        return f"Order {order.number} is paid."  # the reason follows as a warning
    return f"Order {order.number} is paid and {order.buyer.email} is enrolled."


def _retail_product(order: Order) -> Product:
    return order.lines.select_related("product").get().product


class BuyerAnswersForm(ActionForm, SupplementalAnswersForm):
    """The course's questions, filled in with the buyer's answers from checkout, for the admin to
    complete (a question added since) or correct before enrolling the buyer again."""

    def __init__(self, *args, obj: Order, **kwargs):
        questions = questions_for(_retail_product(obj)) if obj.is_retail else []
        initial = {
            self.field_name(question): obj.buyer_answers.get(str(question.pk), "")
            for question in questions
        }
        super().__init__(*args, obj=obj, questions=questions, initial=initial, **kwargs)

    def clean(self):
        return {**super().clean(), "answers": self.answers()}


def _enroll_buyer(order, actor, data) -> str:
    order = enroll_buyer(order=order, actor=actor, answers=data.get("answers"))
    return f"Order {order.number} enrolled its buyer, {order.buyer.email}."


def _set_group(order, actor, data) -> str:
    moved, kept = set_order_owner_group(order=order, actor=actor, group=data["group"])
    return moved_message(data["group"], moved, kept)


def _extend_validity(order, actor, data) -> str:
    order = extend_order_validity(order=order, actor=actor, valid_until=data["ends_at"])
    return (
        f"The unused seats of order {order.number} can be handed out until the end of "
        f"{format_date(data['valid_until'], 'j F Y')}."
    )


def moved_message(group, moved: int, kept: int) -> str:
    return (
        f"{moved} seat{'s' if moved != 1 else ''} moved to {group}, {kept} assigned "
        f"seat{'s' if kept != 1 else ''} kept their group."
    )


@admin.register(Order)
class OrderAdmin(SeatCountsMixin, ServiceAdmin):
    service_only = True
    list_display = (
        "number",
        "store",
        "buyer",
        "owner_group",
        "status_badge",
        "placed_at",
        *SEAT_COUNT_COLUMNS,
    )
    list_select_related = ("store", "buyer", "owner_group")
    list_filter = ("store", "status", "kind", "owner_group", "placed_at")
    search_fields = ("number", "buyer__email")
    search_help_text = "An order number or the buyer's email (whole or in part)."
    show_full_result_count = False
    list_per_page = 50
    actions = (
        "mark_paid",
        service_action(
            "enroll_buyers",
            lambda order, actor: enroll_buyer(order=order, actor=actor),
            description="Enroll the buyers of the selected retail orders",
            done="enrolled their buyer",
        ),
        "set_owner_group",
    )
    inlines = (OrderLineInline,)
    object_actions = (
        ObjectAction(
            "mark-paid",
            "Mark paid",
            _mark_paid,
            applies=lambda order: order.status == Order.Status.AWAITING_PAYMENT,
        ),
        ObjectAction(
            "enroll-buyer",
            "Enroll the buyer",
            _enroll_buyer,
            BuyerAnswersForm,
            applies=lambda order: bool(order.fulfilment_problem),
        ),
        ObjectAction(
            "owner-group",
            "Set the owner group of its seats",
            _set_group,
            OwnerGroupForm,
            applies=lambda order: not rules.order_hands_out(order),
        ),
        ObjectAction(
            "extend-validity",
            "Extend the seats' validity",
            _extend_validity,
            ValidityForm,
            applies=lambda order: order.seats_valid_until is not None,
        ),
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "store",
                    "buyer",
                    "owner_group",
                    "kind",
                    "status_badge",
                    "payment_method",
                    "placed_at",
                    "paid_at",
                    "seats_valid_until",
                )
            },
        ),
        ("Seats", {"fields": ("seat_summary",)}),
        (BUYER_ENROLLMENT, {"fields": ("fulfilment_problem", "checkout_answers")}),
    )

    def get_fieldsets(self, request, obj=None):
        """Only a retail order enrolls its buyer."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_retail:
            return fieldsets
        return [(name, options) for name, options in fieldsets if name != BUYER_ENROLLMENT]

    @admin.display(description="Answers at checkout")
    def checkout_answers(self, order):
        questions = {str(q.pk): q.prompt for q in questions_for(_retail_product(order))}
        answered = [
            (questions.get(question_id, f"Question {question_id} (no longer asked)"), answer)
            for question_id, answer in order.buyer_answers.items()
        ]
        return format_html_join("", "<div><strong>{}</strong> {}</div>", answered) or "None"

    def object_action_view(self, request, object_id, action_name):
        response = super().object_action_view(request, object_id, action_name)
        if request.method == "POST" and action_name == "mark-paid":
            paid = Order.objects.select_related("buyer").filter(pk=unquote(object_id))
            self.warn_unenrolled(request, paid)
        return response

    @admin.action(description="Mark the selected orders paid", permissions=["change"])
    def mark_paid(self, request, queryset):
        paid = self.run_each(
            request,
            queryset,
            lambda order: mark_order_paid(order=order, actor=request.user),
            done="marked paid",
        )
        self.warn_unenrolled(request, paid)

    def warn_unenrolled(self, request, orders) -> None:
        """Paying a retail order enrolls its buyer unless a seat rule refuses: the admin who
        marked it paid reads why, and what to do next."""
        for order in orders:
            if order.fulfilment_problem:
                messages.warning(
                    request,
                    f"Order {order.number} is paid, but {order.buyer.email} is not enrolled: "
                    f"{order.fulfilment_problem} Resolve it, then use “Enroll the buyer” on the "
                    "order's page.",
                )

    @admin.display(description="Status", ordering="status")
    def status_badge(self, order):
        return status_badge(order.status, order.get_status_display())

    @admin.display(description="Seats by status")
    def seat_summary(self, order):
        url = reverse("admin:seats_seat_changelist") + f"?order__id__exact={order.pk}"
        summary = ", ".join(
            f"{getattr(order, f'{status.value}_count')} {status.label.lower()}" for status in Status
        )
        return format_html('{} — <a href="{}">open the seats</a>', summary, url)

    @admin.action(
        description="Set the owner group of the selected orders' seats…", permissions=["change"]
    )
    def set_owner_group(self, request, queryset):
        stores = set(queryset.values_list("store_id", flat=True))
        if len(stores) != 1:
            self.message_user(
                request, "Choose orders of one store: groups belong to a store.", level="error"
            )
            return None
        order = queryset.first()
        form = OwnerGroupForm(submitted(request), obj=order)
        if not form.is_valid():
            return self.ask(
                request,
                queryset,
                form,
                title="Set the owner group of the selected orders' seats",
                apply_label="Set the owner group",
            )
        group = form.cleaned_data["group"]
        results = self.run_each(
            request,
            queryset,
            lambda o: set_order_owner_group(order=o, actor=request.user, group=group),
        )
        if results:
            moved = sum(m for m, _ in results)
            kept = sum(k for _, k in results)
            self.message_user(request, moved_message(group, moved, kept))
        return None


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    """Refunds are created only by the services (approved returns, refunded unused seats)."""

    list_display = ("created_at", "amount", "seat", "order", "reason", "created_by")
    list_select_related = ("seat", "order_line__order", "created_by")
    list_filter = ("order_line__order__store", "created_at")
    search_fields = ("order_line__order__number", "created_by__email")
    ordering = ("-id",)

    @admin.display(description="Order")
    def order(self, refund):
        order = refund.order_line.order
        return admin_link(order, order.number)


@admin.register(OrderLine)
class OrderLineAdmin(ReadOnlyAdmin):
    """Invoice items, also shown inline on their order."""

    list_display = ("order", "product", "quantity", "unit_price", "total")
    list_select_related = ("order", "product")
    list_filter = ("product__store", "product")
    search_fields = ("order__number",)
    ordering = ("-id",)
