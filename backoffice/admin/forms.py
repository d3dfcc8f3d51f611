"""The forms of the admin's own actions on many rows or on an order; a seat's actions use the
seat catalog's forms (``seats.action_forms``)."""

from django import forms

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
