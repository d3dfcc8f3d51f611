"""The checkout form: its shape only. Whether the purchase is allowed, and whether the answers
will do, is ``shop.checkout``'s answer, which the view adds to the form as an error."""

from django import forms

from accounts.models import User
from groups.models import PurchasingGroup
from orders.models import Product
from orders.selectors import purchasing_groups
from seats.forms import SupplementalAnswersForm
from seats.services._base import questions_for

from .checkout import MAX_QUANTITY


class CheckoutForm(SupplementalAnswersForm):
    """Bulk buyers choose how many seats and which of their groups owns them; a retail buyer
    buys one seat for themselves and answers the course's supplemental questions, as a learner
    given a seat would."""

    quantity = forms.IntegerField(
        label="Number of seats",
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    owner_group = forms.ModelChoiceField(
        label="Purchasing group",
        queryset=PurchasingGroup.objects.none(),
        required=False,
        help_text="The group that owns the seats; its agents hand them out.",
    )

    def __init__(self, *args, buyer: User, product: Product, bulk: bool, **kwargs):
        questions = [] if bulk else questions_for(product)
        super().__init__(*args, questions=questions, **kwargs)
        if not bulk:
            del self.fields["quantity"], self.fields["owner_group"]
            return
        store = product.store
        group = self.fields["owner_group"]
        group.queryset = purchasing_groups(buyer, store)
        group.error_messages["invalid_choice"] = (
            f"Choose one of the purchasing groups you are an agent of in {store}."
        )
        group.required = not store.purchase_without_group_allowed
        if group.required:
            group.empty_label = "Choose a group"
            if not group.queryset.exists():
                group.help_text = (
                    f"You are not a purchasing agent of any group in {store}; ask "
                    f"{store.support_email} to add you to one."
                )
        else:
            group.empty_label = "No group yet"
            group.help_text = (
                "Leave it empty if you don't know yet; a store admin sets the group before the "
                "seats are handed out."
            )

    def purchase(self) -> dict:
        """The cleaned choices as ``place_order`` arguments; a retail purchase is one seat."""
        return {
            "quantity": self.cleaned_data.get("quantity", 1),
            "owner_group": self.cleaned_data.get("owner_group"),
            "answers": self.answers(),
        }
