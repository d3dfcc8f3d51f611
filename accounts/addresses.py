"""Whose an address is. An account holds the address it signs in with (``User.email``: an invited
learner's too, before they set a password) and any address it confirmed. An address someone
typed as their new one and never confirmed (an unverified, non-primary ``EmailAddress``) holds
nothing: anyone can type anyone's address there, so it blocks no registration, receives no
password link and links no single sign-on. Once the address's owner proves it, such claims on it
are removed."""

from allauth.account.models import EmailAddress

from .models import User, normalize_email


def holder_of(email: str, *, is_active: bool | None = None) -> User | None:
    """The account the address belongs to, if any: the one that confirmed it (there is one at
    most), else the one that signs in with it."""
    email = normalize_email(email)
    if not email:
        return None
    users = User.objects.all() if is_active is None else User.objects.filter(is_active=is_active)
    confirmed = users.filter(emailaddress__email__iexact=email, emailaddress__verified=True)
    return confirmed.first() or users.filter(email=email).first()


def is_held_by_another(email: str, user: User) -> bool:
    holder = holder_of(email)
    return holder is not None and holder.pk != user.pk


def release_unconfirmed_claims(*, email: str, owner: User | None) -> None:
    """The owner proved the address (``None``: an owner whose account is not made yet): other
    accounts' unconfirmed changes to it are void, and the confirmation links sent for them die
    with them."""
    EmailAddress.objects.filter(
        email__iexact=normalize_email(email), verified=False, primary=False
    ).exclude(user=owner).delete()
