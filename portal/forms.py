"""Forms check the shape of what an agent typed; the services decide whether it may happen."""

from django import forms

from accounts.models import normalize_email
from imports.csv_files import (
    BACKGROUND_AFTER_ROWS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    CsvRefused,
    question_column,
)
from seats.models import Seat, SupplementalQuestion
from seats.services._base import questions_for
from seats.services.redemption import MESSAGE_MAX_LENGTH

from . import queries


class SeatForm(forms.Form):
    """Every seat action carries the version of the seat the agent saw, so a stale page is
    refused instead of acting on a seat that has changed meanwhile."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, seat: Seat, user, **kwargs):
        super().__init__(*args, initial={"version": seat.version}, **kwargs)
        self.seat, self.user = seat, user

    def service_kwargs(self) -> dict:
        """The keyword arguments of the action's service, besides the seat and the actor."""
        return {"expected_version": self.cleaned_data["version"]}


class EmailAddressField(forms.EmailField):
    """An email as the accounts store it, so messages name the address the learner will see."""

    def to_python(self, value):
        return normalize_email(super().to_python(value))


def question_field(question: SupplementalQuestion) -> forms.Field:
    options = {
        "label": question.prompt,
        "required": question.required,
        "help_text": question.help_text,
    }
    if question.choice_list:
        choices = [("", "Choose…"), *((choice, choice) for choice in question.choice_list)]
        return forms.ChoiceField(choices=choices, **options)
    return forms.CharField(max_length=1000, **options)


class LearnerForm(SeatForm):
    """A learner named by email, with the answers the product's questions require."""

    email = EmailAddressField(label="Learner's email")
    first_name = forms.CharField(
        max_length=150, required=False, help_text="Used if they don't have an account yet."
    )
    last_name = forms.CharField(max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions_for(self.seat.order_line.product)
        for question in self.questions:
            self.fields[question_column(question)] = question_field(question)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return super().service_kwargs() | {
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "answers": {str(q.pk): data[question_column(q)] for q in self.questions},
        }


def _other_groups(form: SeatForm):
    """The groups of the seat's store that the agent manages, other than the seat's own."""
    return queries.managed_groups(form.user, form.seat.order.store_id).exclude(
        pk=form.seat.owner_group_id
    )


class AssignForm(LearnerForm):
    owner_group = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Keep the current group",
        help_text="The purchasing group that owns the seat; only groups you manage are listed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = _other_groups(self)
        if groups.exists():
            self.fields["owner_group"].queryset = groups
        else:
            del self.fields["owner_group"]

    def service_kwargs(self) -> dict:
        return super().service_kwargs() | {"owner_group": self.cleaned_data.get("owner_group")}


class TransferForm(LearnerForm):
    email = EmailAddressField(label="New learner's email")


class EmailRedemptionForm(SeatForm):
    email = EmailAddressField(label="Recipient's email")
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        help_text=f"Shown in the email above the link; up to {MESSAGE_MAX_LENGTH} characters.",
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return super().service_kwargs() | {"email": data["email"], "message": data["message"]}


class ReturnForm(SeatForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="A store admin reads it before deciding; you are emailed the decision.",
    )

    def service_kwargs(self) -> dict:
        return super().service_kwargs() | {"reason": self.cleaned_data["reason"]}


class OwnerGroupForm(SeatForm):
    group = forms.ModelChoiceField(queryset=None, label="New owner group")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = _other_groups(self)

    def service_kwargs(self) -> dict:
        return super().service_kwargs() | {"group": self.cleaned_data["group"]}


class SeatFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All statuses"), *Seat.Status.choices], required=False)
    q = forms.CharField(
        label="Search",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or email"}),
    )

    def filters(self) -> dict:
        """{status, search}; an invalid filter shows every seat rather than an error."""
        if not self.is_valid():
            return {"status": "", "search": ""}
        return {"status": self.cleaned_data["status"], "search": self.cleaned_data["q"]}


class BulkUploadForm(forms.Form):
    """A CSV upload for one course of the order; ``parsed`` holds its rows once valid."""

    line = forms.ModelChoiceField(queryset=None, label="Course", empty_label=None)
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 CSV, at most {MAX_UPLOAD_BYTES // 1024 // 1024} MB and "
        f"{MAX_ROWS:,} rows; a file of more than {BACKGROUND_AFTER_ROWS:,} rows is applied in "
        "the background.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, order, parse, **kwargs):
        super().__init__(*args, **kwargs)
        lines = list(order.lines.select_related("product"))
        self.only_line = lines[0] if len(lines) == 1 else None
        if self.only_line:
            del self.fields["line"]
        else:
            self.fields["line"].queryset = order.lines.select_related("product")
            self.fields["line"].label_from_instance = lambda line: line.product.name
        self.parse = parse
        self.parsed = None

    def clean(self):
        data = super().clean()
        data["line"] = self.only_line or data.get("line")
        if data["line"] and data.get("file"):
            try:
                self.parsed = self.parse(data["file"], data["line"])
            except CsvRefused as refused:
                self.add_error("file", refused.message)
        return data
