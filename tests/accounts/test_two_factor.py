"""Two-factor sign-in: an authenticator app (TOTP) and recovery codes; required of staff before
they use the admin, and of a store's agents where the store asks it; available to everyone."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user
from django.urls import reverse

from tests.factories import PASSWORD, PurchasingGroupFactory, UserFactory, make_agent
from tests.support.clock import Clock
from tests.support.two_factor import SECRET, code_at, code_now, recovery_codes

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
AUTHENTICATE = reverse("mfa_authenticate")
ACTIVATE = reverse("mfa_activate_totp")
REAUTHENTICATE = reverse("account_reauthenticate")


def _password(client, user):
    return client.post(LOGIN, {"login": user.email, "password": PASSWORD})


def _activate(client) -> str:
    """Set up an authenticator app from the page, as a person scanning its code would (giving
    their password again first: allauth asks for it before changing how one signs in)."""
    page = client.get(ACTIVATE)
    if page.status_code == 302 and page["Location"].startswith(REAUTHENTICATE):
        assert client.post(page["Location"], {"password": PASSWORD})["Location"] == ACTIVATE
        client.get(ACTIVATE)
    secret = client.session["mfa.totp.secret"]
    response = client.post(ACTIVATE, {"code": code_now(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


def test_signing_in_with_an_authenticator_asks_for_its_code(client):
    user = UserFactory(two_factor=True)

    assert _password(client, user)["Location"] == AUTHENTICATE
    assert not get_user(client).is_authenticated
    wrong = client.post(AUTHENTICATE, {"code": "000000"})
    assert "Incorrect code" in wrong.content.decode()
    assert client.post(AUTHENTICATE, {"code": code_now()})["Location"] == reverse("portal:home")
    assert get_user(client) == user


def test_a_code_works_once(client, monkeypatch):
    Clock(monkeypatch)
    user = UserFactory(two_factor=True)
    code = code_now()
    _password(client, user)
    client.post(AUTHENTICATE, {"code": code})
    client.post(reverse("account_logout"))

    _password(client, user)
    reused = client.post(AUTHENTICATE, {"code": code})

    assert reused.status_code == 200
    assert "Incorrect code" in reused.content.decode()
    assert not get_user(client).is_authenticated


def test_a_code_of_an_earlier_minute_is_refused(client, monkeypatch):
    clock = Clock(monkeypatch)
    user = UserFactory(two_factor=True)
    old = code_at(clock.now - 120, SECRET)
    _password(client, user)

    assert "Incorrect code" in client.post(AUTHENTICATE, {"code": old}).content.decode()


def test_a_recovery_code_signs_in_once(client):
    user = UserFactory(two_factor=True)
    code = recovery_codes(user)[0]

    _password(client, user)
    assert client.post(AUTHENTICATE, {"code": code})["Location"] == reverse("portal:home")
    client.post(reverse("account_logout"))
    _password(client, user)
    assert "Incorrect code" in client.post(AUTHENTICATE, {"code": code}).content.decode()
    assert code not in recovery_codes(user)


def test_a_learner_can_turn_on_an_authenticator_app(client):
    learner = UserFactory()
    _password(client, learner)

    secret = _activate(client)
    client.post(reverse("account_logout"))

    assert Authenticator.objects.filter(user=learner, type=Authenticator.Type.TOTP).exists()
    assert _password(client, learner)["Location"] == AUTHENTICATE
    client.post(AUTHENTICATE, {"code": code_now(secret)})
    assert get_user(client) == learner


def test_staff_without_a_second_factor_set_it_up_before_using_the_admin(
    client, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_staff=True, is_superuser=True, two_factor=False)
    _password(client, admin)

    sent = client.get(reverse("admin:index"))
    assert sent["Location"] == ACTIVATE
    assert client.get(reverse("portal:orders"))["Location"] == ACTIVATE
    page = client.get(ACTIVATE, follow=True)
    assert "must use two-factor sign-in" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        _activate(client)

    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_sign_in_is_the_one_with_the_second_factor(client):
    response = client.get(reverse("admin:login"))
    assert response["Location"].startswith(LOGIN)


def test_a_store_can_require_a_second_factor_of_its_agents(client):
    strict = PurchasingGroupFactory(store__require_agent_two_factor=True)
    relaxed = PurchasingGroupFactory()
    strict_agent = make_agent(strict, email="strict@example.com")
    relaxed_agent = make_agent(relaxed, email="relaxed@example.com")

    _password(client, strict_agent)
    assert client.get(reverse("portal:orders"))["Location"] == ACTIVATE
    client.post(reverse("account_logout"))

    _password(client, relaxed_agent)
    assert client.get(reverse("portal:orders")).status_code == 200


def test_staff_who_remove_their_authenticator_must_set_one_up_again(
    client, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_staff=True, is_superuser=True, two_factor=False)
    _password(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        _activate(client)
        Authenticator.objects.filter(user=admin, type=Authenticator.Type.RECOVERY_CODES).delete()
    assert client.get(reverse("admin:index")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_deactivate_totp"))
    client.post(reverse("account_logout"))
    _password(client, admin)

    assert client.get(reverse("admin:index"))["Location"] == ACTIVATE


def test_staff_who_just_signed_in_set_up_the_app_without_giving_the_password_again(client):
    admin = UserFactory(is_staff=True, is_superuser=True, two_factor=False)
    _password(client, admin)

    assert client.get(ACTIVATE).status_code == 200


def test_changing_two_factor_sign_in_later_asks_for_the_password_again(client, monkeypatch):
    clock = Clock(monkeypatch)
    learner = UserFactory()
    _password(client, learner)
    clock.advance(5 * 60 + 1)

    assert client.get(ACTIVATE)["Location"].startswith(REAUTHENTICATE)
