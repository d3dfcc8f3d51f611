"""Registration: a recipient of a redemption link (or anyone) creates an account by email."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.db import IntegrityError, transaction

from .models import normalize_email


class SignupForm(AllauthSignupForm):
    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, widget=forms.TextInput({"autocomplete": "family-name"})
    )

    field_order = ["email", "first_name", "last_name", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email"
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["password1"].widget.attrs.pop("placeholder", None)
        self.fields["password2"].widget.attrs.pop("placeholder", None)
        self.fields["password2"].label = "Password (again)"
        self.order_fields(self.field_order)
        if self.initial.get("email"):  # filled in from the link: start with the name
            self.fields["first_name"].widget.attrs["autofocus"] = True

    def clean_email(self) -> str:
        return normalize_email(super().clean_email())

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])

    def try_save(self, request):
        """Two people registering one new address at the same moment: the insert that loses to
        the unique email is rolled back to its savepoint and answered as allauth answers any
        taken address (the same page as a new one; its owner gets an email)."""
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            self.account_already_exists = True
            return super().try_save(request)
