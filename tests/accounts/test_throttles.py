"""Sign-in, reset and verification emails are limited per account as well as per client: many
addresses cannot guess one account's password, and the account's owner is locked out for a few
stated minutes at most (or until they reset their password)."""

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from accounts.emails import AccountEmail
from notifications.models import OutboundEmail
from seats import services
from tests.factories import PASSWORD, UserFactory
from tests.support.mailbox import latest, link_in, text_of

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
RESET = reverse("account_reset_password")
LOCKED = "Too many failed sign-ins. Try again in"


def _sign_in(client, email, password, address):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address)


def test_sixty_wrong_passwords_from_sixty_addresses_are_stopped_after_five(client, clock):
    victim = UserFactory(email="victim@example.com")

    answers = [
        _sign_in(client, victim.email, f"guess-{n}", f"10.0.{n}.1").content.decode()
        for n in range(60)
    ]

    assert sum("password you specified are not correct" in a for a in answers) == 5
    assert all(LOCKED in a for a in answers[5:])
    refused = _sign_in(client, victim.email, PASSWORD, "192.0.2.7")
    assert refused.status_code == 200
    assert f"{LOCKED} 5 minutes, or reset your password" in refused.content.decode()
    assert not get_user(client).is_authenticated


def test_the_owner_signs_in_again_after_the_stated_wait(client, clock):
    victim = UserFactory(email="victim@example.com")
    for n in range(5):
        _sign_in(client, victim.email, "wrong", f"10.0.{n}.1")
    clock.advance(4 * 60)
    still = _sign_in(client, victim.email, PASSWORD, "192.0.2.7").content.decode()
    assert f"{LOCKED} 1 minute" in still

    clock.advance(60)
    response = _sign_in(client, victim.email, PASSWORD, "192.0.2.7")

    assert response.status_code == 302
    assert get_user(client) == victim


def test_a_password_reset_lets_the_owner_in_at_once(client, clock):
    victim = UserFactory(email="victim@example.com")
    for n in range(5):
        _sign_in(client, victim.email, "wrong", f"10.0.{n}.1")

    client.post(RESET, {"email": victim.email})
    form = client.get(link_in(text_of(latest(victim.email)), "/account/password/reset/key/"))
    new = "a-fresh-passphrase-42"
    client.post(form["Location"], {"password1": new, "password2": new})

    assert _sign_in(client, victim.email, new, "192.0.2.7").status_code == 302


def test_other_accounts_are_not_locked_by_one_under_attack(client, clock):
    UserFactory(email="victim@example.com")
    bystander = UserFactory(email="bystander@example.com")
    for n in range(30):
        _sign_in(client, "victim@example.com", "wrong", f"10.0.{n}.1")

    assert _sign_in(client, bystander.email, PASSWORD, "10.0.99.1").status_code == 302


def test_sign_in_posts_are_limited_per_client(client, settings, clock):
    learner = UserFactory()
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for _ in range(3):
        assert _sign_in(client, learner.email, "no", "10.1.1.1").status_code == 200
    assert _sign_in(client, learner.email, "no", "10.1.1.1").status_code == 429
    assert client.get(LOGIN).status_code == 200  # reading the page stays free


def test_reset_emails_are_limited_per_address_from_any_client(client, clock):
    UserFactory(email="victim@example.com")

    answers = [
        client.post(RESET, {"email": "victim@example.com"}, REMOTE_ADDR=f"10.0.{n}.1").status_code
        for n in range(5)
    ]

    assert answers == [302, 302, 302, 429, 429]
    assert OutboundEmail.objects.filter(kind=AccountEmail.PASSWORD_RESET).count() == 3
    clock.advance(5 * 60 + 1)
    assert client.post(RESET, {"email": "victim@example.com"}).status_code == 302


def test_reset_requests_are_limited_per_client(client, settings, clock):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/m/ip"}
    answers = [client.post(RESET, {"email": f"a{n}@example.com"}).status_code for n in range(3)]
    assert answers == [302, 302, 429]


def test_an_unconfirmed_account_is_sent_one_confirmation_per_three_minutes(client, clock):
    user = UserFactory(email="unsure@example.com", verified=False)
    confirmations = OutboundEmail.objects.filter(
        to_email=user.email, kind=AccountEmail.EMAIL_CONFIRMATION
    )
    for n in range(4):
        _sign_in(client, user.email, PASSWORD, f"10.0.{n}.1")
    assert confirmations.count() == 1

    clock.advance(3 * 60 + 1)
    _sign_in(client, user.email, PASSWORD, "10.0.9.1")
    assert confirmations.count() == 2


def test_setting_the_first_password_from_the_set_up_link_lets_the_learner_in_at_once(
    client, clock, order, agent
):
    services.assign_seat(seat=order.seats.first(), actor=agent, email="invited@example.com")
    for n in range(6):
        _sign_in(client, "invited@example.com", "wrong", f"10.0.{n}.1")

    client.post(RESET, {"email": "invited@example.com"})
    setup = latest("invited@example.com", AccountEmail.ACCOUNT_SETUP)
    form = client.get(link_in(text_of(setup), "/account/password/reset/key/"))
    new = "a-fresh-passphrase-42"
    client.post(form["Location"], {"password1": new, "password2": new})

    assert _sign_in(client, "invited@example.com", new, "192.0.2.7").status_code == 302
