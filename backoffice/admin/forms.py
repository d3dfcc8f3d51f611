"""The forms of the admin's own actions on many rows or on an order; a seat's actions use the
seat catalog's forms (``seats.action_forms``)."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from core.admin import ActionForm
from groups.models import PurchasingGroup
from seats.action_forms import DecisionForm


class OwnerGroupForm(ActionForm):
    """Chooses a purchasing group of the order's store."""

    group = forms.ModelChoiceField(queryset=PurchasingGroup.objects.none(), label="Owner group")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = PurchasingGroup.objects.filter(store_id=self.obj.store_id)


class NoteForm(ActionForm):
    """The note of a decision on many returns at once, as on one (``DecisionForm``)."""

    note = DecisionForm.base_fields["note"]


class ValidityForm(ActionForm):
    """The new last day of an order's seat validity; the seats stop being usable at its end."""

    valid_until = forms.DateField(
        label="Unused seats valid until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Seats already assigned stay with their learners whatever this date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj.seats_valid_until:
            self.fields["valid_until"].initial = timezone.localdate(self.obj.seats_valid_until)

    def clean(self):
        """``ends_at``: the first moment after the chosen day, in the site's time zone."""
        cleaned = super().clean()
        if chosen := cleaned.get("valid_until"):
            cleaned["ends_at"] = timezone.make_aware(
                datetime.combine(chosen + timedelta(days=1), time.min)
            )
        return cleaned
