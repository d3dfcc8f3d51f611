"""Finding or creating the learner an agent names by email."""

from django.contrib.auth.hashers import make_password

from accounts.models import User, normalize_email

from ..data_rules import email_problem
from ._base import refuse_first


def clean_email(email: str) -> str:
    """The address as the accounts store it; refused if it will not do."""
    email = normalize_email(email)
    refuse_first([email_problem(email)])
    return email


def find_or_invite_learner(email: str, *, first_name: str = "", last_name: str = ""):
    """(user, created). A new learner gets an unusable password: they set one from the
    invitation email (hashing a password per imported row is slow: docs/decisions/0004). Two
    actions naming the same new address at once share one account: ``get_or_create`` inserts in
    a savepoint, and the one whose insert loses to the unique email reads the winner's row."""
    return User.objects.get_or_create(
        email=clean_email(email),
        defaults={
            "first_name": first_name.strip()[:150],
            "last_name": last_name.strip()[:150],
            "password": make_password(None),
        },
    )
