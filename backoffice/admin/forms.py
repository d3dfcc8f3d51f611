"""The small forms behind the seat actions. They check the shape of the input only; the services
decide whether the action is allowed and say why not."""

from django import forms

from core.admin import ActionForm
from groups.models import PurchasingGroup
from seats.forms import SupplementalAnswersForm
from seats.services import refundable_amount
from seats.services._base import questions_for
from seats.services.redemption import MESSAGE_MAX_LENGTH


class SeatActionForm(ActionForm):
    """Carries the seat's version, so an action on a seat that changed since the page was opened
    is refused instead of applied to a state the admin did not see."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.obj.version


class AssignForm(SeatActionForm):
    """The learner and their answers to the product's supplemental questions (the recipient's
    form supplies those fields)."""

    email = forms.EmailField(label="Learner's email")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions_for(self.obj.order_line.product)
        self.fields.update(SupplementalAnswersForm(questions=self.questions).fields)

    def clean(self):
        data = super().clean()
        data["answers"] = {
            str(question.pk): data.get(SupplementalAnswersForm.field_name(question), "")
            for question in self.questions
        }
        return data


class EmailRedemptionForm(SeatActionForm):
    email = forms.EmailField(label="Recipient's email")
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        help_text="Included in the email, with the store's support contact.",
    )


class OwnerGroupForm(ActionForm):
    """Chooses a purchasing group of the object's store (a seat's or an order's)."""

    group = forms.ModelChoiceField(queryset=PurchasingGroup.objects.none(), label="Owner group")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        store_id = getattr(self.obj, "store_id", None) or self.obj.order.store_id
        self.fields["group"].queryset = PurchasingGroup.objects.filter(store_id=store_id)


class SeatOwnerGroupForm(SeatActionForm, OwnerGroupForm):
    pass


class NoteForm(ActionForm):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        help_text="Emailed to the agent with the decision.",
    )


class RefundAmountForm(ActionForm):
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
        self.fields["amount"].initial = refundable_amount(self.obj)


class RefundForm(RefundAmountForm):
    reason = forms.CharField(max_length=200, required=False)


class ApproveReturnForm(RefundAmountForm, NoteForm):
    field_order = ["amount", "note"]
