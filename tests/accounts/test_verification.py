"""An address counts once its owner proved it: by the confirmation link, by a redemption link
sent to it, or by setting a password from an invitation sent to it."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.urls import reverse

from accounts.emails import AccountEmail
from accounts.models import User
from notifications.models import OutboundEmail
from seats import services
from tests.factories import PASSWORD, UserFactory
from tests.support.clock import Clock
from tests.support.links import RECIPIENT, link_path, open_link
from tests.support.mailbox import confirmation_path, latest, link_in, text_of

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")
NEW_PASSWORD = "a-brand-new-passphrase"


def _signup(client, email, **extra):
    return client.post(
        SIGNUP,
        {
            "email": email,
            "first_name": "Rita",
            "last_name": "Recipient",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        | extra,
    )


def test_an_expired_confirmation_link_says_so_and_confirms_nothing(client, monkeypatch):
    clock = Clock(monkeypatch)
    _signup(client, "late@example.com")
    path = confirmation_path("late@example.com")
    clock.advance(3 * 24 * 3600 + 60)

    page = client.get(path)
    posted = client.post(path)

    assert page.status_code == 200
    assert "This confirmation link has expired or was used already." in page.content.decode()
    assert posted.status_code == 404
    assert not EmailAddress.objects.get(email="late@example.com").verified
    assert not get_user(client).is_authenticated


def test_a_tampered_confirmation_link_confirms_nothing(client):
    _signup(client, "late@example.com")
    path = confirmation_path("late@example.com")

    page = client.get(path[:-3] + "xx/")

    assert "expired or was used already" in page.content.decode()
    assert not EmailAddress.objects.get(email="late@example.com").verified


def test_the_confirmation_email_keeps_no_key_in_its_row(client):
    _signup(client, "late@example.com")
    email = latest("late@example.com", AccountEmail.EMAIL_CONFIRMATION)
    key = confirmation_path("late@example.com").split("/")[-2]

    assert set(email.context) == {"email_address_id", "signup"}
    assert key not in str(email.context)


def test_a_confirmation_that_waited_for_a_confirmed_address_is_not_sent(client):
    from notifications.emails import Renderer

    _signup(client, "quick@example.com")
    email = latest("quick@example.com", AccountEmail.EMAIL_CONFIRMATION)
    EmailAddress.objects.filter(email="quick@example.com").update(verified=True)

    assert Renderer([email]).obsolete_reason(email) == "The address was confirmed already."


def test_registering_from_a_redemption_link_needs_no_confirmation_email(client, redemption):
    claim = open_link(client, link_path(redemption))
    client.get(claim)

    response = _signup(client, RECIPIENT, next=claim)

    assert response["Location"] == claim
    user = User.objects.get(email=RECIPIENT)
    assert get_user(client) == user
    assert EmailAddress.objects.get(user=user).verified
    assert not OutboundEmail.objects.filter(
        to_email=RECIPIENT, kind=AccountEmail.EMAIL_CONFIRMATION
    ).exists()


def test_the_link_proves_only_its_own_address(client, redemption):
    claim = open_link(client, link_path(redemption))
    client.get(claim)

    response = _signup(client, "someone.else@example.com", next=claim)

    assert response["Location"] == reverse("account_email_verification_sent")
    assert not get_user(client).is_authenticated
    assert not EmailAddress.objects.get(email="someone.else@example.com").verified
    assert not EmailAddress.objects.filter(email=RECIPIENT).exists()


def test_an_invited_learner_verifies_by_setting_a_password_from_the_invitation(
    client, order, agent
):
    services.assign_seat(seat=order.seats.first(), actor=agent, email="invited@example.com")
    invitation = latest("invited@example.com", "invitation")
    form = client.get(link_in(text_of(invitation), "/account/password/reset/key/"))

    done = client.post(form["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    signed_in = client.post(
        reverse("account_login"), {"login": "invited@example.com", "password": NEW_PASSWORD}
    )

    assert done["Location"] == reverse("account_reset_password_from_key_done")
    assert EmailAddress.objects.get(email="invited@example.com").verified
    assert signed_in["Location"] == reverse("portal:home")
    assert get_user(client).email == "invited@example.com"


def test_a_seat_can_be_assigned_to_an_unconfirmed_account(order, agent):
    unconfirmed = UserFactory(email="unsure@example.com", verified=False)

    seat = services.assign_seat(seat=order.seats.first(), actor=agent, email=unconfirmed.email)

    assert seat.learner == unconfirmed


def test_a_password_link_emailed_before_the_move_still_works(client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = UserFactory(email="old.link@example.com")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    old = f"/account/password/reset/{uid}/{default_token_generator.make_token(user)}/"

    page = client.get(old, follow=True)

    assert "Set password" in page.content.decode()
    dead = client.get(f"/account/password/reset/{uid}/1-nonsense/", follow=True)
    assert "not valid any more" in dead.content.decode()


def test_changing_the_address_counts_only_once_the_new_one_is_confirmed(client):
    user = UserFactory(email="before@example.com")
    client.force_login(user)

    client.post(reverse("account_email"), {"action_add": "", "email": "after@example.com"})

    user.refresh_from_db()
    assert user.email == "before@example.com"
    client.post(confirmation_path("after@example.com"))
    user.refresh_from_db()
    assert user.email == "after@example.com"
    assert EmailAddress.objects.get(user=user).email == "after@example.com"
