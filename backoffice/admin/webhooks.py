"""Store webhooks in the admin: a store admin registers the endpoints that hear of every seat of
a store (the secret is shown once, in the message after adding), pauses them or sends a test
event; the delivery log is read-only. Agents' own endpoints are theirs, on the portal page."""

from django import forms
from django.contrib import admin, messages

from core.admin import ReadOnlyAdmin, admin_link
from orders.models import Store
from webhooks import services
from webhooks.addresses import AddressRefused
from webhooks.forms import EndpointForm
from webhooks.models import Delivery, Endpoint


class StoreEndpointForm(EndpointForm):
    store = forms.ModelChoiceField(queryset=Store.objects.all())

    class Meta(EndpointForm.Meta):
        fields = ["store", "url", "description", "events"]


@admin.register(Endpoint)
class StoreEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "store", "is_active", "created_at")
    list_filter = ("is_active", "store")
    list_select_related = ("store",)
    actions = ("send_test_event",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(store__isnull=False)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StoreEndpointForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("store", "url", "description", "events")
        return ("store", "url", "events", "description", "is_active", "created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        return ("store", "url", "events", "created_by", "created_at") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["description", "is_active"])
            return
        data = form.cleaned_data
        endpoint = services.register_endpoint(
            actor=request.user,
            url=data["url"],
            events=data["events"],
            description=data["description"],
            store=data["store"],
        )
        obj.pk = endpoint.pk
        messages.warning(
            request,
            f"The signing secret of {endpoint.url}, shown this once: {endpoint.secret}",
        )

    @admin.action(description="Send a test event")
    def send_test_event(self, request, queryset):
        sent = 0
        for endpoint in queryset:
            try:
                services.send_test_event(endpoint)
            except AddressRefused as error:
                messages.error(request, f"{endpoint.url}: {error}")
            else:
                sent += 1
        if sent:
            messages.success(request, f"{sent} test event(s) on their way; see the delivery log.")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "event_type",
        "endpoint_link",
        "status",
        "attempts",
        "last_status_code",
        "message_id",
    )
    list_filter = ("status", "event_type")
    list_select_related = ("endpoint",)
    search_fields = ("message_id", "endpoint__url")
    fields = (
        "endpoint",
        "message_id",
        "event_type",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "payload",
    )

    @admin.display(description="Endpoint")
    def endpoint_link(self, delivery: Delivery) -> str:
        return admin_link(delivery.endpoint)
