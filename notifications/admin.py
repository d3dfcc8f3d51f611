"""The outbox in the admin: what was sent, what is waiting and why. Rows are written by the
services and sent by Celery; an admin can only hand waiting ones to the broker again."""

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.utils.text import Truncator

from core.admin import ReadOnlyAdmin

from .models import OutboundEmail
from .services import requeue


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "kind",
        "to_email",
        "status",
        "attempts",
        "queued_at",
        "sent_at",
        "short_error",
    )
    list_filter = ("status", "kind")
    search_fields = ("=to_email",)
    ordering = ("-id",)
    actions = ("resend_now",)

    @admin.display(description="Last error")
    def short_error(self, email):
        return Truncator(email.last_error).chars(80)

    def has_resend_permission(self, request):
        """Resending changes no row by hand, but it is the outbox's one action: it needs the
        change permission that the read-only admin otherwise never uses."""
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    @admin.action(description="Send the selected waiting emails now", permissions=["resend"])
    def resend_now(self, request, queryset):
        waiting = list(
            queryset.filter(status=OutboundEmail.Status.PENDING).values_list("pk", flat=True)
        )
        handed = requeue(waiting)
        skipped = queryset.count() - len(waiting)
        message = f"{handed} of {len(waiting)} waiting emails handed to the sender."
        if handed < len(waiting):
            message += " The broker is unavailable; the sweep will retry the rest."
        if skipped:
            message += f" {skipped} already sent or failed for good were left alone."
        self.message_user(request, message, level="warning" if handed < len(waiting) else "info")
