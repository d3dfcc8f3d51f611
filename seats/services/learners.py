"""Finding or creating the learner an agent names by email."""

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import User, normalize_email
from core.errors import SeatActionError

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


def clean_email(email: str) -> str:
    email = normalize_email(email)
    if len(email) > EMAIL_MAX_LENGTH:
        raise SeatActionError(
            f"“{email[:40]}…” is {len(email)} characters long; an email address has at most "
            f"{EMAIL_MAX_LENGTH}."
        )
    try:
        validate_email(email)
    except ValidationError:
        raise SeatActionError(f"“{email}” is not a valid email address.") from None
    return email


def find_or_invite_learner(email: str, *, first_name: str = "", last_name: str = ""):
    """(user, created). A new learner gets an unusable password: they set one from the
    invitation email (hashing a password per imported row is a trap, DESIGN §7). Two actions
    naming the same new address at once share one account: ``get_or_create`` inserts in a
    savepoint, and the one whose insert loses to the unique email reads the winner's row."""
    return User.objects.get_or_create(
        email=clean_email(email),
        defaults={
            "first_name": first_name.strip()[:150],
            "last_name": last_name.strip()[:150],
            "password": make_password(None),
        },
    )
