"""An address someone typed as their account's new one and never confirmed belongs to no one:
its real owner registers, resets a password and redeems a link as if it were not there, and
proving the address removes the unconfirmed claim. An address another account holds is not sent
a confirmation in the name of whoever typed it."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from accounts.emails import AccountEmail
from accounts.models import User
from notifications import emails
from notifications.models import OutboundEmail
from tests.factories import PASSWORD, UserFactory
from tests.support.links import RECIPIENT, link_path, open_link
from tests.support.mailbox import confirmation_path, latest, link_in, text_of

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")
SENT = reverse("account_email_verification_sent")
RESET = reverse("account_reset_password")
VICTIM = "victim1@example.com"


def _claim(email: str) -> User:
    """Someone signed in types ``email`` as their new address and never confirms it."""
    squatter = UserFactory(email="racer22@example.net", first_name="Alice", last_name="A")
    client = Client()  # their own browser: the test's client stays the owner's
    client.force_login(squatter)
    client.post(reverse("account_email"), {"action_add": "", "email": email})
    assert EmailAddress.objects.filter(user=squatter, email=email, verified=False).exists()
    return squatter


def _register(client, email, **extra):
    fields = {
        "email": email,
        "first_name": "Vic",
        "last_name": "Tim",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post(SIGNUP, fields | extra)


def test_the_owner_registers_an_address_someone_else_typed_and_confirming_removes_their_claim(
    client, clock
):
    squatter = _claim(VICTIM)
    typed = confirmation_path(VICTIM)  # the link emailed for the change, to the owner
    clock.advance(3 * 60)  # confirmation emails to one address are one per three minutes

    assert _register(client, VICTIM)["Location"] == SENT

    victim = User.objects.get(email=VICTIM)
    assert latest(VICTIM).kind == AccountEmail.EMAIL_CONFIRMATION
    assert not OutboundEmail.objects.filter(kind=AccountEmail.ACCOUNT_EXISTS).exists()
    assert client.post(typed).status_code != 500  # the change's link confirms nothing
    assert not EmailAddress.objects.filter(user=squatter, email=VICTIM, verified=True).exists()
    client.post(confirmation_path(VICTIM))
    assert get_user(client) == victim
    assert not EmailAddress.objects.filter(user=squatter, email=VICTIM).exists()


def test_a_password_reset_never_goes_to_an_account_that_only_typed_the_address(client):
    squatter = _claim(VICTIM)

    client.post(RESET, {"email": VICTIM})

    assert not OutboundEmail.objects.filter(
        kind__in=[AccountEmail.PASSWORD_RESET, AccountEmail.ACCOUNT_SETUP]
    ).exists()
    assert not OutboundEmail.objects.filter(to_email=squatter.email).exists()


def test_a_password_reset_goes_to_the_owner_not_to_the_one_who_typed_it(client):
    owner = UserFactory(email=VICTIM, verified=False)
    squatter = _claim(VICTIM)

    client.post(RESET, {"email": VICTIM})

    assert latest(VICTIM).kind == AccountEmail.PASSWORD_RESET
    assert not OutboundEmail.objects.filter(to_email=squatter.email).exists()
    reset = client.get(link_in(text_of(latest(VICTIM)), "/account/password/reset/key/"))
    new = "a-fresh-passphrase-42"
    client.post(reset["Location"], {"password1": new, "password2": new})
    owner.refresh_from_db()
    assert owner.check_password(new)
    assert not EmailAddress.objects.filter(user=squatter, email=VICTIM).exists()


def test_the_recipient_of_a_redemption_link_registers_from_it_despite_an_unconfirmed_claim(
    client, redemption
):
    squatter = _claim(RECIPIENT)
    claim = open_link(client, link_path(redemption))
    client.get(claim)

    response = _register(client, RECIPIENT, next=claim)

    assert response["Location"] == claim
    recipient = User.objects.get(email=RECIPIENT)
    assert get_user(client) == recipient
    assert EmailAddress.objects.get(user=recipient).verified
    assert not EmailAddress.objects.filter(user=squatter, email=RECIPIENT).exists()


def test_a_confirmed_address_still_gets_the_same_answer_and_its_owner_an_email(client):
    owner = UserFactory(email=VICTIM)
    _claim(VICTIM)

    assert _register(client, VICTIM)["Location"] == SENT

    assert User.objects.filter(email=VICTIM).get() == owner
    assert latest(VICTIM).kind == AccountEmail.ACCOUNT_EXISTS


def test_typing_someone_elses_confirmed_address_tells_its_owner_not_in_the_typists_name(client):
    UserFactory(email="alice@example.com", first_name="Alice", last_name="Owner")
    squatter = UserFactory(email="racer22@example.net", first_name="Mallory", last_name="M")
    client.force_login(squatter)

    taken = client.post(reverse("account_email"), {"action_add": "", "email": "alice@example.com"})
    free = client.post(reverse("account_email"), {"action_add": "", "email": "free@example.com"})

    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    told = latest("alice@example.com")
    assert told.kind == AccountEmail.ACCOUNT_EXISTS
    subject, text, _ = emails.render(told)
    assert subject == "Someone tried to use your Seatstore address"
    assert "Mallory" not in text
    assert not OutboundEmail.objects.filter(
        to_email="alice@example.com", kind=AccountEmail.EMAIL_CONFIRMATION
    ).exists()
    assert latest("free@example.com").kind == AccountEmail.EMAIL_CONFIRMATION
