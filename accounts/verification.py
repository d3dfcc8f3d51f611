"""Addresses a visitor proved in this session without a confirmation email: the recipient of a
live redemption link holds the link we emailed to that address, which proves it as well as a
confirmation link would. Registering with that same address makes it verified at once."""

from django.http import HttpRequest

from .models import normalize_email

SESSION_KEY = "accounts.proven_emails"
REMEMBERED = 10


def remember_proven(request: HttpRequest, email: str) -> None:
    proven = [e for e in request.session.get(SESSION_KEY, []) if e != normalize_email(email)]
    request.session[SESSION_KEY] = [*proven, normalize_email(email)][-REMEMBERED:]


def is_proven(request: HttpRequest, email: str) -> bool:
    return normalize_email(email) in request.session.get(SESSION_KEY, [])
