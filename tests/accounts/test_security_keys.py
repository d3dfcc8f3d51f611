"""Security keys (WebAuthn) as a second factor: adding one, signing in with it, removing it, each
change told by email; a key's answer that is missing, unreadable or refused gets a message on
the page, never a 500, and changes nothing. A software key answers here; the browser test
(``tests/browser/test_security_keys.py``) uses Chromium's virtual one."""

import html
import json

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user
from django.urls import reverse

from accounts.forms import KEY_ANSWER_REFUSED
from notifications.models import OutboundEmail
from tests.factories import PASSWORD, UserFactory
from tests.support.mailbox import latest, text_of
from tests.support.security_key import HOST, SoftwareKey

pytestmark = pytest.mark.django_db

ADD = reverse("mfa_add_webauthn")
AUTHENTICATE = reverse("mfa_authenticate")
HOME = reverse("portal:home")

GARBAGE = [
    "",
    "not json",
    "{}",
    "[1, 2]",
    '"a string"',
    "42",
    '{"id": "x", "type": "public-key", "response": {}}',
    '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": "e30",'
    ' "attestationObject": "oA", "authenticatorData": "AA", "signature": "AA"}}',
]


@pytest.fixture
def client(client):
    """Keys answer for the host the page was on; plain http is allowed on localhost alone."""
    client.defaults["HTTP_HOST"] = HOST
    return client


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def _add(client, key: SoftwareKey, name: str = "Blue key"):
    client.get(ADD)  # the page begins the ceremony: its challenge waits in the session
    return client.post(ADD, {"name": name, "credential": json.dumps(key.register(client))})


@pytest.fixture
def learner(client):
    """A learner signed in, who just gave the password again (as adding a key asks)."""
    person = UserFactory()
    _password(client, person)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return person


@pytest.fixture
def key_holder(client, learner, django_capture_on_commit_callbacks):
    """The learner, signed out, with a security key added from the page."""
    key = SoftwareKey()
    with django_capture_on_commit_callbacks(execute=True):
        assert _add(client, key).status_code == 302
    client.post(reverse("account_logout"))
    return learner, key


def test_adding_a_key_turns_on_two_factor_sign_in_and_tells_the_owner(
    client, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        added = _add(client, SoftwareKey())

    assert added["Location"] == reverse("mfa_view_recovery_codes")  # the first factor gets them
    keys = Authenticator.objects.filter(user=learner, type=Authenticator.Type.WEBAUTHN)
    assert [str(key) for key in keys] == ["Blue key"]
    assert "A security key was added" in text_of(latest(learner.email, "security_notice"))
    assert "Blue key" in _text(client.get(reverse("mfa_list_webauthn")))


def test_signing_in_asks_for_the_key_and_takes_its_answer(client, key_holder):
    learner, key = key_holder

    assert _password(client, learner)["Location"] == AUTHENTICATE
    page = client.get(AUTHENTICATE)
    assert "Use a security key" in _text(page)

    signed = client.post(AUTHENTICATE, {"credential": json.dumps(key.sign(client))})
    assert signed["Location"] == HOME
    assert get_user(client) == learner


def test_another_key_is_refused(client, key_holder):
    learner, _key = key_holder
    _password(client, learner)
    client.get(AUTHENTICATE)

    stranger = client.post(AUTHENTICATE, {"credential": json.dumps(SoftwareKey().sign(client))})

    assert KEY_ANSWER_REFUSED in _text(stranger)
    assert not get_user(client).is_authenticated


@pytest.mark.parametrize("credential", GARBAGE)
def test_signing_in_with_a_garbled_answer_says_so(client, key_holder, credential):
    learner, _key = key_holder
    _password(client, learner)
    client.get(AUTHENTICATE)

    response = client.post(AUTHENTICATE, {"credential": credential})

    assert response.status_code == 200
    assert KEY_ANSWER_REFUSED in _text(response)
    assert not get_user(client).is_authenticated


@pytest.mark.parametrize("credential", GARBAGE)
def test_adding_a_key_with_a_garbled_answer_says_so_and_adds_nothing(client, learner, credential):
    client.get(ADD)

    response = client.post(ADD, {"name": "Blue key", "credential": credential})

    assert response.status_code == 200
    assert KEY_ANSWER_REFUSED in _text(response)
    assert not Authenticator.objects.filter(user=learner).exists()
    assert not OutboundEmail.objects.exists()


def test_an_answer_to_an_earlier_challenge_is_refused(client, learner):
    client.get(ADD)
    stale = json.dumps(SoftwareKey().register(client))
    client.get(ADD)

    response = client.post(ADD, {"name": "Blue key", "credential": stale})

    assert KEY_ANSWER_REFUSED in _text(response)
    assert not Authenticator.objects.filter(user=learner).exists()


def _sign_in_to_manage_keys(client, learner, key: SoftwareKey) -> Authenticator:
    """Sign in with password and key, and give the password again (as changing keys asks)."""
    _password(client, learner)
    client.get(AUTHENTICATE)
    client.post(AUTHENTICATE, {"credential": json.dumps(key.sign(client))})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return Authenticator.objects.get(user=learner, type=Authenticator.Type.WEBAUTHN)


def test_renaming_a_key(client, key_holder):
    blue = _sign_in_to_manage_keys(client, *key_holder)

    renamed = client.post(reverse("mfa_edit_webauthn", args=[blue.pk]), {"name": "Desk key"})

    assert renamed["Location"] == reverse("mfa_list_webauthn")
    assert "Desk key" in _text(client.get(renamed["Location"]))


def test_removing_a_key_tells_the_owner(client, key_holder, django_capture_on_commit_callbacks):
    learner, _key = key_holder
    blue = _sign_in_to_manage_keys(client, *key_holder)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_remove_webauthn", args=[blue.pk]))

    assert not Authenticator.objects.filter(user=learner).exists()  # codes go with the last key
    assert "A security key was removed" in text_of(latest(learner.email, "security_notice"))


def test_staff_sent_to_set_up_an_app_may_add_a_key_instead(client):
    admin = UserFactory(is_staff=True, is_superuser=True, two_factor=False)
    _password(client, admin)
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    _add(client, SoftwareKey())

    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("page", ["mfa_edit_webauthn", "mfa_remove_webauthn"])
def test_another_persons_key_is_not_found(client, key_holder, page):
    owner, _key = key_holder
    blue = Authenticator.objects.get(user=owner, type=Authenticator.Type.WEBAUTHN)
    _password(client, UserFactory())
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    assert client.get(reverse(page, args=[blue.pk])).status_code == 404
    assert client.post(reverse(page, args=[blue.pk]), {"name": "Mine"}).status_code == 404
    assert Authenticator.objects.get(pk=blue.pk).wrap().name == "Blue key"


def test_an_account_without_keys_is_not_offered_one_at_sign_in(client):
    user = UserFactory(two_factor=True)
    _password(client, user)

    page = _text(client.get(AUTHENTICATE))

    assert "Enter the six-digit code" in page
    assert "Use a security key" not in page


def test_a_key_confirms_it_is_you_when_the_sign_in_is_old(client, key_holder, clock):
    """Past the few minutes a sign-in counts as recent, removing a key asks again; the key itself
    answers instead of the password."""
    learner, key = key_holder
    _password(client, learner)
    client.get(AUTHENTICATE)
    client.post(AUTHENTICATE, {"credential": json.dumps(key.sign(client))})
    blue = Authenticator.objects.get(user=learner, type=Authenticator.Type.WEBAUTHN)
    clock.advance(3600)

    remove = reverse("mfa_remove_webauthn", args=[blue.pk])
    asked = client.get(remove)
    assert asked.status_code == 302 and "reauthenticate" in asked["Location"]
    confirm = reverse("mfa_reauthenticate_webauthn")
    client.get(confirm)
    confirmed = client.post(confirm, {"credential": json.dumps(key.sign(client)), "next": remove})
    assert confirmed.status_code == 302
    assert client.get(remove).status_code == 200
