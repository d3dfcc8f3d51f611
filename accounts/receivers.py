"""What allauth announces that changes an account here."""

from allauth.account.adapter import get_adapter
from allauth.account.signals import password_reset

from .services import mark_address_verified


def verify_address_on_password_link(sender, request, user, **kwargs) -> None:
    """A password link (a reset, or an invited learner's set-up link) went to the account's
    address: using it proves the address, so no second email asks to confirm it, and lifts the
    lock of failed sign-ins, as the owner is the one who set the password."""
    mark_address_verified(user=user)
    get_adapter(request).forget_failed_sign_ins(request, user)


def connect() -> None:
    password_reset.connect(verify_address_on_password_link, dispatch_uid="accounts.verify")
