"""Registration: a recipient of a redemption link (or anyone) creates an account by email."""

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, PasswordResetForm
from django.db import IntegrityError, transaction

from .models import User, normalize_email
from .services import email_password_link


class RegistrationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")
        labels = {"email": "Email"}
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}
        error_messages = {
            "email": {
                "unique": "An account with this email address already exists. Sign in instead, "
                "or reset your password if you forgot it."
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        if self.initial.get("email"):  # filled in from the link: start with the name
            del self.fields["email"].widget.attrs["autofocus"]
            self.fields["first_name"].widget.attrs["autofocus"] = True

    def clean_email(self) -> str:
        """The spelling the unique check (``error_messages``) and the account will use."""
        return normalize_email(self.cleaned_data["email"])


def save_unless_taken(form: forms.ModelForm):
    """Save the form, or return None with the form's own error if another request took one of
    its unique values (an email) between the form's check and the insert: the insert runs in a
    savepoint, and validating the form again finds the row that won."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.full_clean()
        if form.is_valid():
            raise
        return None


class InvitedPasswordResetForm(PasswordResetForm):
    """Django's reset form skips accounts without a usable password; ours are exactly the
    learners who were invited by an agent and have not chosen one yet. They lose invitation
    emails too, and must be able to ask for a new link. Django sends the email from the request;
    here it goes through the outbox."""

    def get_users(self, email):
        return User.objects.filter(email=normalize_email(email), is_active=True)

    def save(self, **kwargs) -> None:
        """``kwargs`` are Django's options for sending the email itself (templates, sender)."""
        for user in self.get_users(self.cleaned_data["email"]):
            email_password_link(user=user)
