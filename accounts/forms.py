"""The forms we give allauth: registration (a recipient of a redemption link, or anyone, creates
an account by email), and the security-key forms, which say what went wrong with a key."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.webauthn.forms import (
    AddWebAuthnForm,
    AuthenticateWebAuthnForm,
    ReauthenticateWebAuthnForm,
)
from django import forms
from django.db import IntegrityError, transaction
from fido2.webauthn import AuthenticationResponse, RegistrationResponse

from .addresses import holder_of, release_unconfirmed_claims
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

    def validate_unique_email(self, value) -> str:
        """allauth counts every account that has the address in any state as its owner, even
        one where someone typed it as a new address and never confirmed it: only the account
        that holds it (``accounts.addresses``) makes it taken, answered as allauth answers
        (the same page as a new address; its owner gets an email)."""
        self.account_already_exists = holder_of(value) is not None
        return get_adapter().validate_unique_email(value)

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])

    def try_save(self, request):
        """Two people registering one new address at the same moment: the insert that loses to
        the unique email is rolled back to its savepoint and answered as allauth answers any
        taken address (the same page as a new one; its owner gets an email). An address proved
        here (a redemption link sent to it) is the registrant's alone: others' unconfirmed
        changes to it go first, or allauth would not count it as verified."""
        email = self.cleaned_data["email"]
        try:
            with transaction.atomic():
                if not self.account_already_exists and get_adapter().is_email_verified(
                    request, email
                ):
                    release_unconfirmed_claims(email=email, owner=None)
                return super().try_save(request)
        except IntegrityError:
            self.account_already_exists = True
            return super().try_save(request)


class ResetPasswordForm(AllauthResetPasswordForm):
    """A password link goes to the account that holds the address, never to one where someone
    typed it as their new address and did not confirm it."""

    def clean_email(self) -> str:
        email = super().clean_email()
        holder = holder_of(email, is_active=True)
        self.users = [holder] if holder else []
        return email


KEY_ANSWER_REFUSED = (
    "Your security key's answer could not be used. Press the button again and touch the key "
    "when your browser asks."
)


def _readable_answer(credential, shape: type[RegistrationResponse | AuthenticationResponse]):
    """fido2 reads an answer of the wrong shape with a KeyError, ValueError or TypeError, of
    which allauth catches only some: the rest would be a 500."""
    try:
        shape.from_dict(credential)
    except (TypeError, KeyError, ValueError):
        raise forms.ValidationError(KEY_ANSWER_REFUSED, code="incorrect_code") from None
    return credential


class SecurityKeyAnswerMixin:
    """allauth answers a missing, unreadable or refused key answer with "This field is
    required", "Enter a valid JSON" or "Incorrect code" (its words for a wrong app code)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].error_messages.update(
            required=KEY_ANSWER_REFUSED, invalid=KEY_ANSWER_REFUSED
        )

    def add_error(self, field, error):
        if getattr(error, "code", None) == "incorrect_code":
            error = forms.ValidationError(KEY_ANSWER_REFUSED, code="incorrect_code")
        super().add_error(field, error)


class AddSecurityKeyForm(SecurityKeyAnswerMixin, AddWebAuthnForm):
    def clean_credential(self):
        return _readable_answer(self.cleaned_data["credential"], RegistrationResponse)


class SecurityKeyAssertionMixin(SecurityKeyAnswerMixin):
    """Signing in or confirming access: the key's signed answer to the page's challenge."""

    def clean_credential(self):
        _readable_answer(self.cleaned_data["credential"], AuthenticationResponse)
        return super().clean_credential()


class SecurityKeyForm(SecurityKeyAssertionMixin, AuthenticateWebAuthnForm):
    pass


class ReauthenticateSecurityKeyForm(SecurityKeyAssertionMixin, ReauthenticateWebAuthnForm):
    pass
