"""Join links and seat requests for store admins: listed, and changed only through the joins
services (pause, resume, revoke; approve, decline), as the agents' pages change them."""

from django.contrib import admin
from django.db.models import Count

from core.admin import (
    ActionForm,
    ObjectAction,
    ReadOnlyInline,
    ServiceAdmin,
    service_action,
    status_badge,
)
from joins import rules, services
from joins.forms import NoteField
from joins.models import JoinClaim, JoinLink, SeatRequest

LINK_CHANGES = (
    ("pause", services.pause_join_link, "paused"),
    ("resume", services.resume_join_link, "resumed"),
    ("revoke", services.revoke_join_link, "revoked"),
)


def _link_change(name, perform, done) -> ObjectAction:
    def take(link, actor, data) -> str:
        perform(link=link, actor=actor)
        return f"The join link is {done}."

    return ObjectAction(
        name,
        name.capitalize(),
        take,
        applies=lambda link: name in rules.offered_changes(link, claims=link.joined_count),
    )


class DecisionForm(ActionForm):
    note = NoteField(label="Note to the learner")


def _decision(name, perform, done) -> ObjectAction:
    def take(request, actor, data) -> str:
        perform(request=request, actor=actor, note=data["note"])
        return f"The request is {done}; the learner is told by email."

    return ObjectAction(
        name,
        name.capitalize(),
        take,
        DecisionForm,
        applies=lambda request: rules.pending(request) is None,
    )


DECISIONS = (
    ("approve", services.approve_seat_request, "approved"),
    ("decline", services.decline_seat_request, "declined"),
)


class JoinClaimInline(ReadOnlyInline):
    model = JoinClaim
    fields = ("learner", "seat", "created_at")
    ordering = ("-created_at",)


@admin.register(JoinLink)
class JoinLinkAdmin(ServiceAdmin):
    service_only = True
    history_by_services = True
    list_display = ("id", "product", "group", "joined", "cap", "expires_at", "state_badge")
    list_select_related = ("product", "group")
    list_filter = ("state", "group__store")
    search_fields = ("group__name", "product__name", "created_by__email")
    ordering = ("-id",)
    fieldsets = (
        (None, {"fields": ("group", "product", "cap", "expires_at", "allowed_domains")}),
        ("State", {"fields": ("state", "created_by", "created_at")}),
    )
    inlines = (JoinClaimInline,)
    object_actions = tuple(_link_change(*change) for change in LINK_CHANGES)
    actions = tuple(
        service_action(
            name,
            lambda link, actor, perform=perform: perform(link=link, actor=actor),
            description=f"{name.capitalize()} the selected join links",
            done=done,
        )
        for name, perform, done in LINK_CHANGES
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(joined_count=Count("claims"))

    @admin.display(description="Joined", ordering="joined_count")
    def joined(self, link):
        return link.joined_count

    @admin.display(description="State", ordering="state")
    def state_badge(self, link):
        status = rules.link_status(link, claims=link.joined_count)
        return status_badge(status.value, status.label)


@admin.register(SeatRequest)
class SeatRequestAdmin(ServiceAdmin):
    service_only = True
    list_display = ("id", "learner", "product", "group", "created_at", "state_badge")
    list_select_related = ("learner", "product", "group")
    list_filter = ("state", "group__store")
    search_fields = ("learner__email", "group__name", "product__name")
    ordering = ("created_at", "id")
    fieldsets = (
        (None, {"fields": ("group", "product", "learner", "note", "created_at")}),
        ("Decision", {"fields": ("state", "decided_by", "decided_at", "decision_note", "seat")}),
    )
    object_actions = tuple(_decision(*decision) for decision in DECISIONS)
    actions = tuple(
        service_action(
            name,
            lambda item, actor, perform=perform: perform(request=item, actor=actor),
            description=f"{name.capitalize()} the selected seat requests",
            done=done,
        )
        for name, perform, done in DECISIONS
    )

    @admin.display(description="State", ordering="state")
    def state_badge(self, item):
        return status_badge(item.state, item.get_state_display())
