"""Forms of join links and seat requests: they validate shape; the services decide."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from orders.models import Product
from seats import data_rules
from seats.forms import SupplementalAnswersForm
from seats.models import Seat
from seats.selectors import hand_out_pool

from .domains import parse_domains
from .services.links import MAX_CAP


class DomainsField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            max_length=500,
            help_text="Separated by spaces, like northwind.example contoso.example.",
            **kwargs,
        )

    def validate(self, value):
        super().validate(value)
        if problem := parse_domains(value)[1]:
            raise forms.ValidationError(problem)


class JoinLinkForm(forms.Form):
    group = forms.ModelChoiceField(queryset=None, label="Purchasing group")
    product = forms.ModelChoiceField(queryset=None, label="Course")
    cap = forms.IntegerField(
        min_value=1, max_value=MAX_CAP, label="Places", help_text="At most this many people join."
    )
    expires_on = forms.DateField(
        label="Expires after", widget=forms.DateInput(attrs={"type": "date"})
    )
    allowed_domains = DomainsField(label="Only addresses at")

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["product"].queryset = Product.objects.filter(
            pk__in=hand_out_pool(Seat.objects.filter(owner_group__in=groups)).values(
                "order_line__product_id"
            )
        ).order_by("name")
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=14)

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("Choose today or a later day.")
        return day

    def expires_at(self) -> datetime:
        """The end of the chosen day, in the store's time zone."""
        return timezone.make_aware(datetime.combine(self.cleaned_data["expires_on"], time.max))


class NoteField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            max_length=data_rules.MESSAGE_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
            **kwargs,
        )


class DecisionForm(forms.Form):
    note = NoteField(label="Note to the learner")


class RequestDomainsForm(forms.Form):
    domains = DomainsField(label="People at these email domains may ask for a seat")


class SeatRequestForm(SupplementalAnswersForm):
    """The store's questions, answered now for the seat an agent may assign later, and a note."""

    note = NoteField(label="Note to the purchasing agent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"] = self.fields.pop("note")  # after the questions
