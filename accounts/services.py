"""What happens to an account by email."""

from allauth.account.models import EmailAddress
from django.db import transaction

from notifications.services import queue_email

from .addresses import release_unconfirmed_claims
from .emails import AccountEmail
from .models import User


def email_password_link(*, user: User) -> int:
    """Queue a link to choose a password: a reset for an account that has one, the set-up link
    an invited learner never used otherwise. It goes through the outbox like every email, so a
    mail-server outage delays it instead of losing it; the link itself is made when it is sent."""
    kind = AccountEmail.PASSWORD_RESET if user.has_usable_password() else AccountEmail.ACCOUNT_SETUP
    return queue_email(kind=kind, to=user.email, context={"user_id": user.pk})


@transaction.atomic
def mark_address_verified(*, user: User) -> None:
    """The user proved their address by using a link we emailed to it (a password link, an
    invitation): it counts from now on, as its primary address, and no one else's unconfirmed
    change to it stands."""
    updated = EmailAddress.objects.filter(user=user, email__iexact=user.email).update(
        verified=True, primary=True
    )
    if not updated:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    release_unconfirmed_claims(email=user.email, owner=user)
