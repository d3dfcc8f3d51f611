"""What allauth announces that changes an account here."""

from allauth.account.adapter import get_adapter
from allauth.account.signals import email_confirmed, password_reset

from .addresses import release_unconfirmed_claims
from .services import mark_address_verified


def verify_address_on_password_link(sender, request, user, **kwargs) -> None:
    """A password link (a reset, or an invited learner's set-up link) went to the account's
    address: using it proves the address, so no second email asks to confirm it, and lifts the
    lock of failed sign-ins, as the owner is the one who set the password."""
    mark_address_verified(user=user)
    get_adapter(request).forget_failed_sign_ins(request, user)


def release_confirmed_address(sender, request, email_address, **kwargs) -> None:
    release_unconfirmed_claims(email=email_address.email, owner=email_address.user)


def connect() -> None:
    password_reset.connect(verify_address_on_password_link, dispatch_uid="accounts.verify")
    email_confirmed.connect(release_confirmed_address, dispatch_uid="accounts.confirmed")
