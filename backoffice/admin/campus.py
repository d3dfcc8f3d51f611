"""Enrollments in Campus: listed with their progress, and changed only by recording a course's
result (completed, passed or failed) when Campus cannot report it, through ``record_progress``,
from an enrollment's page or for several selected at once."""

from django import forms
from django.contrib import admin

from campus.models import CampusEvent
from campus.progress import record_progress
from core.admin import (
    ActionForm,
    ObjectAction,
    ReadOnlyAdmin,
    ServiceAdmin,
    admin_link,
    status_badge,
    submitted,
)
from seats.models import Enrollment

Result = Enrollment.Result


class ResultForm(ActionForm):
    result = forms.ChoiceField(
        choices=[(Result.PASSED, "Passed"), (Result.FAILED, "Failed")],
        widget=forms.RadioSelect,
        help_text="Completes the course with this result, which is final; the store's "
        "re-purchase rules read it.",
    )


def record_result(enrollment: Enrollment, actor, data: dict) -> str:
    recorded = record_progress(
        enrollment=enrollment,
        status=Enrollment.Status.COMPLETED,
        result=data["result"],
        actor=actor,
    )
    if recorded.outcome != CampusEvent.Outcome.APPLIED:
        return f"{enrollment} was already {recorded.enrollment.progress_label}."
    return f"{enrollment} is {recorded.enrollment.progress_label}."


RECORD_RESULT = ObjectAction(
    "result",
    "Record the course result",
    record_result,
    ResultForm,
    lambda enrollment: enrollment.is_active,
)


@admin.register(Enrollment)
class EnrollmentAdmin(ServiceAdmin):
    service_only = True
    object_actions = (RECORD_RESULT,)
    show_full_result_count = False
    list_display = (
        "learner",
        "product",
        "seat",
        "status_badge",
        "result",
        "created_at",
        "completed_at",
    )
    list_select_related = ("learner", "product", "seat")
    list_filter = ("status", "result", "product")
    search_fields = ("learner__email",)
    ordering = ("-id",)
    actions = ("record_results",)
    fieldsets = (
        (None, {"fields": ("learner", "product", "seat_link", "status_badge", "result")}),
        (
            "Campus",
            {
                "fields": (
                    "public_id",
                    "training_url",
                    "created_at",
                    "progress_at",
                    "completed_at",
                    "withdrawn_at",
                )
            },
        ),
    )

    @admin.display(description="Seat")
    def seat_link(self, enrollment):
        return admin_link(enrollment.seat)

    @admin.display(description="Status", ordering="status")
    def status_badge(self, enrollment):
        return status_badge(enrollment.status, enrollment.get_status_display())

    @admin.action(description="Record the course result of the selected enrollments…")
    def record_results(self, request, queryset):
        form = ResultForm(submitted(request), obj=None)
        if not form.is_valid():
            return self.ask(
                request,
                queryset,
                form,
                title="Record the course result",
                apply_label="Record the result",
            )
        self.run_each(
            request,
            queryset,
            lambda enrollment: record_result(enrollment, request.user, form.cleaned_data),
            done="completed with this result",
        )
        return None


@admin.register(CampusEvent)
class CampusEventAdmin(ReadOnlyAdmin):
    """Progress events Campus sent to the callback, by their id; a redelivery finds its own."""

    list_display = ("received_at", "event_id", "enrollment", "status", "result", "outcome")
    list_select_related = ("enrollment__learner", "enrollment__product")
    list_filter = ("outcome", "status", "result")
    search_fields = ("=event_id", "enrollment__learner__email")
    ordering = ("-id",)
