"""Join links and seat requests for store admins: listed, and changed only through the joins
services (pause, resume, revoke; approve, decline), as the agents' pages change them."""

from django.contrib import admin
from django.db.models import Count

from core.admin import ReadOnlyInline, ServiceAdmin, service_action, status_badge
from joins import services
from joins.models import JoinClaim, JoinLink, SeatRequest


class JoinClaimInline(ReadOnlyInline):
    model = JoinClaim
    fields = ("learner", "seat", "created_at")
    ordering = ("-created_at",)


@admin.register(JoinLink)
class JoinLinkAdmin(ServiceAdmin):
    service_only = True
    list_display = ("id", "product", "group", "joined", "cap", "expires_at", "state_badge")
    list_select_related = ("product", "group")
    list_filter = ("state", "group__store")
    search_fields = ("group__name", "product__name", "created_by__email")
    ordering = ("-id",)
    fields = (
        "group",
        "product",
        "cap",
        "expires_at",
        "allowed_domains",
        "state",
        "created_by",
        "created_at",
    )
    inlines = (JoinClaimInline,)
    actions = tuple(
        service_action(
            name,
            lambda link, actor, perform=perform: perform(link=link, actor=actor),
            description=f"{name.capitalize()} the selected join links",
            done=done,
        )
        for name, perform, done in (
            ("pause", services.pause_join_link, "paused"),
            ("resume", services.resume_join_link, "resumed"),
            ("revoke", services.revoke_join_link, "revoked"),
        )
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(joined_count=Count("claims"))

    @admin.display(description="Joined", ordering="joined_count")
    def joined(self, link):
        return link.joined_count

    @admin.display(description="State", ordering="state")
    def state_badge(self, link):
        return status_badge(link.state, link.get_state_display())


@admin.register(SeatRequest)
class SeatRequestAdmin(ServiceAdmin):
    service_only = True
    list_display = ("id", "learner", "product", "group", "created_at", "state_badge")
    list_select_related = ("learner", "product", "group")
    list_filter = ("state", "group__store")
    search_fields = ("learner__email", "group__name", "product__name")
    ordering = ("created_at", "id")
    fields = (
        "group",
        "product",
        "learner",
        "note",
        "created_at",
        "state",
        "decided_by",
        "decided_at",
        "decision_note",
        "seat",
    )
    actions = (
        service_action(
            "approve",
            lambda item, actor: services.approve_seat_request(request=item, actor=actor),
            description="Approve the selected seat requests",
            done="approved",
        ),
        service_action(
            "decline",
            lambda item, actor: services.decline_seat_request(request=item, actor=actor),
            description="Decline the selected seat requests",
            done="declined",
        ),
    )

    @admin.display(description="State", ordering="state")
    def state_badge(self, item):
        return status_badge(item.state, item.get_state_display())
