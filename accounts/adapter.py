"""How django-allauth fits Seatstore: its emails go through the outbox, a redemption link proves
the address it was sent to, client addresses are read as the rate limits read them, and a locked
account is told how long to wait."""

import math
import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.core.internal import ratelimit
from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from core.ratelimit import client_ip
from notifications.services import queue_email

from .addresses import is_held_by_another
from .emails import AccountEmail
from .services import email_password_link
from .verification import is_proven

LOGIN_FAILED = "login_failed"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every email allauth sends has its own method below, which writes an outbox row. One
        that reached here would leave outside the outbox, perhaps with a token in it."""
        raise NotImplementedError(f"{template_prefix} has no outbox email; add one.")

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        """An address another account holds is not sent a confirmation addressed in the name of
        whoever typed it, in words they chose: its owner is told someone tried to use it, and
        the person who typed it sees the same page as for any address."""
        address = emailconfirmation.email_address
        if is_held_by_another(address.email, address.user):
            queue_email(
                kind=AccountEmail.ACCOUNT_EXISTS, to=address.email, context={"change": True}
            )
            return
        queue_email(
            kind=AccountEmail.EMAIL_CONFIRMATION,
            to=address.email,
            context={"email_address_id": address.pk, "signup": signup},
        )

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        """A confirmation link for a change of address sent before the address's owner
        registered it: the address is theirs now, and confirming would be a server error."""
        if is_held_by_another(email_address.email, email_address.user):
            self.add_message(
                request,
                messages.ERROR,
                "account/messages/email_confirmation_failed.txt",
                {"email": email_address.email},
            )
            return False
        return super().confirm_email(request, email_address)

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        email_password_link(user=user)

    def send_account_already_exists_mail(self, email: str) -> None:
        queue_email(kind=AccountEmail.ACCOUNT_EXISTS, to=email)

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        if not account_settings.EMAIL_NOTIFICATIONS:
            return
        email = email or EmailAddress.objects.get_primary_email(user) or user.email
        queue_email(
            kind=AccountEmail.SECURITY_NOTICE,
            to=email,
            context={
                "user_id": user.pk,
                "notice": template_prefix,
                "at": timezone.now().strftime("%Y-%m-%d %H:%M %Z"),
                "ip": client_ip(self.request),
            },
        )

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        return is_proven(request, email) or super().is_email_verified(request, email)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth counts only a confirmation of the password within its timeout; signing in
        (password, second factor, a password link) within it counts as well, so whoever just
        signed in is not asked for the password again straight away."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not signed_in_recently(context.request)

    def forget_failed_sign_ins(self, request: HttpRequest, user) -> None:
        """The failed sign-ins counted against any of the user's addresses no longer lock it.
        An invited learner's address has no allauth row until their password is set, so their
        sign-in address is cleared as well."""
        emails = {
            user.email,
            *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
        }
        for email in emails:
            self._delete_login_attempts_cached_email(request, email=email)

    def is_safe_url(self, url: str) -> bool:
        """allauth's check raises on a malformed host (``//[``): that is no safe URL either."""
        try:
            return super().is_safe_url(url)
        except ValueError:
            return False

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request) or super().get_client_ip(request)

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        """allauth refuses with "try again later"; say when."""
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            key = self._get_login_attempts_cache_key(request, **credentials)
            wait = seconds_until_allowed(request, key)
            raise forms.ValidationError(
                locked_message(wait), code="too_many_login_attempts"
            ) from None


def signed_in_recently(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return (
        bool(records)
        and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
    )


def seconds_until_allowed(request: HttpRequest, key: str) -> float:
    """How long until the oldest failed attempt that blocks this account or client drops out
    of its window (allauth counts them in a sliding window per rate)."""
    now = time.time()
    waits = [0.0]
    for rate in ratelimit.get_rates(app="allauth.account", action=LOGIN_FAILED):
        cache_key = ratelimit.get_cache_key(
            request, app="allauth.account", action=LOGIN_FAILED, rate=rate, key=key
        )
        history = cache.get(cache_key, [])
        if len(history) >= rate.amount:
            waits.append(history[rate.amount - 1] + rate.duration - now)
    return max(waits)


def locked_message(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many failed sign-ins. Try again in {minutes} {unit}, or reset your password to "
        "sign in now."
    )
