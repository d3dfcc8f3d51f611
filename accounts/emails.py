"""The account emails, registered with the outbox from AccountsConfig.ready() (templates in
accounts/templates/emails/). django-allauth asks for them through ``accounts.adapter``; each row
keeps only ids, and the link it carries is made when it is sent: a reset link's token derives
from the password hash and dies once used, a confirmation link is a signature of the address's
id that expires ``ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS`` after it is sent."""

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import models
from django.urls import reverse

from notifications import registry
from notifications.emails import Content, absolute
from notifications.models import OutboundEmail

from .models import User


class AccountEmail(models.TextChoices):
    PASSWORD_RESET = "password_reset", "Password reset"
    ACCOUNT_SETUP = "account_setup", "Account set-up link"
    EMAIL_CONFIRMATION = "email_confirmation", "Email address confirmation"
    ACCOUNT_EXISTS = "account_exists", "Registration for an existing account"
    SECURITY_NOTICE = "security_notice", "Account security notice"


load_users = registry.by_context_id("user_id", User.objects.all())
"""The user each email of a batch names (``{"user_id": …}`` in its context)."""

_load_addresses = registry.by_context_id(
    "email_address_id", EmailAddress.objects.select_related("user")
)


def password_link_context(user: User) -> dict:
    """The user and a link to choose a password (allauth's reset link). The token is made now,
    when the email is rendered to be sent, so the outbox row stores only the user's id."""
    token = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return {
        "user": user,
        "set_password_url": absolute(path),
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


def email_confirmation(email: OutboundEmail, address: EmailAddress) -> Content:
    key = EmailConfirmationHMAC(address).key
    signup = email.context.get("signup", False)
    subject = "Confirm your email address" if signup else "Confirm your new email address"
    return Content(
        subject,
        "emails/email_confirmation",
        {
            "user": address.user,
            "address": address.email,
            "signup": signup,
            "confirm_url": absolute(reverse("account_confirm_email", args=[key])),
            "expire_days": account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
            "support_email": settings.SUPPORT_EMAIL,
        },
    )


def confirmed_already(address: EmailAddress) -> str:
    return "The address was confirmed already." if address.verified else ""


def _load_nothing(emails) -> dict:
    return {email.pk: None for email in emails}


def account_exists(email: OutboundEmail, _nothing: None) -> Content:
    """Someone registered with an address that has an account, or typed it as their account's
    new address (``{"change": True}``): tell its owner, not the visitor (who sees the same page
    as for a new address)."""
    change = email.context.get("change", False)
    subject = (
        "Someone tried to use your Seatstore address"
        if change
        else "You already have a Seatstore account"
    )
    return Content(
        subject,
        "emails/account_exists",
        {
            "change": change,
            "sign_in_url": absolute(reverse("account_login")),
            "reset_url": absolute(reverse("account_reset_password")),
            "support_email": settings.SUPPORT_EMAIL,
        },
    )


NOTICES = {
    "account/email/password_changed": "Your password was changed",
    "account/email/password_set": "A password was set on your account",
    "account/email/password_reset": "Your password was reset",
    "account/email/email_changed": "The email address of your account was changed",
    "account/email/email_confirmed": "Your email address was confirmed",
    "account/email/email_deleted": "An email address was removed from your account",
    "mfa/email/totp_activated": "Two-factor sign-in was turned on",
    "mfa/email/totp_deactivated": "Two-factor sign-in was turned off",
    "mfa/email/recovery_codes_generated": "New recovery codes were made",
    "mfa/email/webauthn_added": "A security key was added",
    "mfa/email/webauthn_removed": "A security key was removed",
    "socialaccount/email/account_connected": "Your organization's sign-in was linked",
    "socialaccount/email/account_disconnected": "Your organization's sign-in was unlinked",
}
"""What each security notice allauth sends says happened (its template prefix, the key)."""


def security_notice(email: OutboundEmail, user: User) -> Content:
    context = email.context
    what = NOTICES.get(context.get("notice", ""), "Your account's security settings changed")
    return Content(
        f"Seatstore: {what.lower()}",
        "emails/security_notice",
        {
            "user": user,
            "what": what,
            "at": context.get("at", ""),
            "ip": context.get("ip", ""),
            "reset_url": absolute(reverse("account_reset_password")),
            "support_email": settings.SUPPORT_EMAIL,
        },
    )


def register() -> None:
    registry.register(
        AccountEmail.PASSWORD_RESET,
        label=AccountEmail.PASSWORD_RESET.label,
        load=load_users,
        render=password_reset,
    )
    registry.register(
        AccountEmail.ACCOUNT_SETUP,
        label=AccountEmail.ACCOUNT_SETUP.label,
        load=load_users,
        render=account_setup,
    )
    registry.register(
        AccountEmail.EMAIL_CONFIRMATION,
        label=AccountEmail.EMAIL_CONFIRMATION.label,
        load=_load_addresses,
        render=email_confirmation,
        obsolete=confirmed_already,
    )
    registry.register(
        AccountEmail.ACCOUNT_EXISTS,
        label=AccountEmail.ACCOUNT_EXISTS.label,
        load=_load_nothing,
        render=account_exists,
    )
    registry.register(
        AccountEmail.SECURITY_NOTICE,
        label=AccountEmail.SECURITY_NOTICE.label,
        load=load_users,
        render=security_notice,
    )
