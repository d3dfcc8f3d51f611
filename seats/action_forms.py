"""One form per seat action, for every page that offers it (the portal, the admin). A form checks
the shape of what was typed, and the data with the rules the services and the bulk imports
apply (``data_rules``), so a problem reads the same; the action's service decides whether it may
happen."""

from django import forms

from accounts.models import normalize_email
from groups.models import PurchasingGroup

from . import access, data_rules
from .data_rules import MESSAGE_MAX_LENGTH
from .forms import SupplementalAnswersForm
from .models import Seat
from .services import refundable_amount
from .services._base import questions_for


class SeatActionForm(forms.Form):
    """The form of a seat action: it knows the seat and who acts, for choices and defaults."""

    def __init__(self, *args, seat: Seat, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.seat, self.user = seat, user

    def service_kwargs(self) -> dict:
        """The keyword arguments of the action's service, besides the seat and the actor."""
        return {}


class VersionedForm(SeatActionForm):
    """Carries the version of the seat the person saw, so a stale page is refused instead of
    acting on a seat that has changed meanwhile."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, seat: Seat, **kwargs):
        super().__init__(*args, seat=seat, initial={"version": seat.version}, **kwargs)

    def service_kwargs(self) -> dict:
        return {"expected_version": self.cleaned_data["version"]}


class EmailAddressField(forms.CharField):
    """An email as the accounts store it, so messages name the address the learner will see."""

    widget = forms.EmailInput

    def to_python(self, value):
        return normalize_email(super().to_python(value))

    def validate(self, value):
        if problem := data_rules.email_problem(value):
            raise forms.ValidationError(problem)


def movable_groups(form: SeatActionForm):
    """The groups of the seat's store that this person may give it to, other than its own."""
    return access.groups_assignable_by(form.user, form.seat.order.store_id).exclude(
        pk=form.seat.owner_group_id
    )


class LearnerForm(VersionedForm):
    """A learner named by email, with the answers the product's questions require."""

    email = EmailAddressField(label="Learner's email")
    first_name = forms.CharField(
        max_length=150, required=False, help_text="Used if they don't have an account yet."
    )
    last_name = forms.CharField(max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions_for(self.seat.order_line.product)
        self.fields.update(SupplementalAnswersForm(questions=self.questions).fields)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        answers = {
            str(q.pk): data.get(SupplementalAnswersForm.field_name(q), "") for q in self.questions
        }
        return super().service_kwargs() | {
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "answers": answers,
        }


class AssignForm(LearnerForm):
    owner_group = forms.ModelChoiceField(
        queryset=PurchasingGroup.objects.none(),
        required=False,
        empty_label="Keep the current group",
        help_text="The purchasing group that owns the seat; only groups you manage are listed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = movable_groups(self)
        if groups.exists():
            self.fields["owner_group"].queryset = groups
        else:
            del self.fields["owner_group"]

    def service_kwargs(self) -> dict:
        return super().service_kwargs() | {"owner_group": self.cleaned_data.get("owner_group")}


class TransferForm(LearnerForm):
    email = EmailAddressField(label="New learner's email")


class EmailRedemptionForm(VersionedForm):
    email = EmailAddressField(label="Recipient's email")
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX_LENGTH}),
        required=False,
        help_text=f"Shown in the email above the link; up to {MESSAGE_MAX_LENGTH} characters.",
    )

    def clean_message(self) -> str:
        message = self.cleaned_data["message"]
        if problem := data_rules.message_problem(message):
            raise forms.ValidationError(problem)
        return message

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return super().service_kwargs() | {"email": data["email"], "message": data["message"]}


class CorrectRecipientForm(VersionedForm):
    email = EmailAddressField(label="Corrected email")

    def service_kwargs(self) -> dict:
        return super().service_kwargs() | {"email": self.cleaned_data["email"]}


class ReturnForm(VersionedForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="A store admin reads it before deciding; you are emailed the decision.",
    )

    def service_kwargs(self) -> dict:
        return super().service_kwargs() | {"reason": self.cleaned_data["reason"]}


class OwnerGroupForm(VersionedForm):
    group = forms.ModelChoiceField(queryset=PurchasingGroup.objects.none(), label="New owner group")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = movable_groups(self)

    def service_kwargs(self) -> dict:
        return super().service_kwargs() | {"group": self.cleaned_data["group"]}


class DecisionForm(SeatActionForm):
    """A store admin's decision on a return: a note the agent is emailed with it."""

    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        help_text="Emailed to the agent with the decision.",
    )

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class RefundAmountForm(SeatActionForm):
    """How much money goes back; by default what is left to refund on the seat."""

    amount = forms.DecimalField(
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="The seat's price less earlier refunds by default; 0 gives no money back "
        "(a seat credit).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].initial = refundable_amount(self.seat)


class ApproveReturnForm(RefundAmountForm, DecisionForm):
    field_order = ["amount", "note"]

    def service_kwargs(self) -> dict:
        return {"refund_amount": self.cleaned_data["amount"], "note": self.cleaned_data["note"]}


class RefundForm(RefundAmountForm):
    reason = forms.CharField(max_length=200, required=False)

    def service_kwargs(self) -> dict:
        return {"amount": self.cleaned_data["amount"], "reason": self.cleaned_data["reason"]}
