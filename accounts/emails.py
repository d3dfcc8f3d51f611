"""The account emails: a link to choose a password, as a reset or as the set-up link an invited
learner asks for again. Registered with the outbox from AccountsConfig.ready(); templates in
accounts/templates/emails/."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import models
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications import registry
from notifications.emails import Content, absolute
from notifications.models import OutboundEmail

from .models import User


class AccountEmail(models.TextChoices):
    PASSWORD_RESET = "password_reset", "Password reset"
    ACCOUNT_SETUP = "account_setup", "Account set-up link"


load_users = registry.by_context_id("user_id", User.objects.all())
"""The user each email of a batch names (``{"user_id": …}`` in its context)."""


def password_link_context(user: User) -> dict:
    """The user and a link to choose a password. The link's token is made now, when the email
    is rendered to be sent, so the outbox row stores only the user's id: the token is derived
    from the password hash and last sign-in, and dies once used."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return {
        "user": user,
        "set_password_url": absolute(reverse("password_reset_confirm", args=[uid, token])),
        "support_email": settings.SUPPORT_EMAIL,
    }


def password_reset(email: OutboundEmail, user: User) -> Content:
    return Content(
        "Reset your Seatstore password", "emails/password_reset", password_link_context(user)
    )


def account_setup(email: OutboundEmail, user: User) -> Content:
    """An invited learner who never chose a password asked for a link again."""
    return Content(
        "Set up your Seatstore account", "emails/account_setup", password_link_context(user)
    )


def register() -> None:
    for kind, render in (
        (AccountEmail.PASSWORD_RESET, password_reset),
        (AccountEmail.ACCOUNT_SETUP, account_setup),
    ):
        registry.register(kind, label=kind.label, load=load_users, render=render)
