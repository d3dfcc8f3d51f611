"""Single sign-on through a real OpenID Connect provider (``tests.sso.idp`` on the live server),
driven with the test client: an address only typed on another account, or registered and never
confirmed by a stranger, is no one's. The provider's person gets their own account, or the
unconfirmed one stripped of what its registrant chose."""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import Application

from accounts.models import User
from seats import services
from sso.services import configure_organization_login
from tests.factories import PASSWORD, PurchasingGroupFactory, UserFactory
from tests.sso import idp

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.sso.idp")]

SECRET = "fabrikam-client-secret"
BOB = "bob3@fabrikam.example"


@pytest.fixture
def fabrikam(live_server):
    login = configure_organization_login(
        group=PurchasingGroupFactory(name="Fabrikam"),
        domain="fabrikam.example",
        issuer=f"{live_server.url}/idp",
        client_id="seatstore",
        secret=SECRET,
    )
    Application.objects.create(
        name="Seatstore",
        client_id="seatstore",
        client_secret=SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"http://testserver/account/oidc/{login.provider_key}/login/callback/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    idp.DIRECTORY.clear()
    yield login
    idp.DIRECTORY.clear()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _sign_in_through_the_provider(client, login, *, claims):
    """Bob at the provider (its own session), vouched for with ``claims``; back at the site."""
    at_idp = UserFactory(email="bob@idp.test")
    idp.DIRECTORY[at_idp.email] = claims
    to_provider = client.post(f"/account/oidc/{login.provider_key}/login/?process=login")
    provider = Client()
    provider.force_login(at_idp)
    back = provider.get(_path(to_provider["Location"]))
    assert back.status_code == 302, back.content.decode()
    return client.get(_path(back["Location"]))


def _type_as_new_address(email: str) -> User:
    squatter = UserFactory(email="racer21@example.net", first_name="Mallory", last_name="M")
    browser = Client()
    browser.force_login(squatter)
    browser.post(reverse("account_email"), {"action_add": "", "email": email})
    assert EmailAddress.objects.filter(user=squatter, email=email, verified=False).exists()
    return squatter


def test_an_address_another_account_only_typed_does_not_stop_its_owners_first_sign_in(
    client, fabrikam
):
    squatter = _type_as_new_address(BOB)

    response = _sign_in_through_the_provider(
        client, fabrikam, claims={"email": BOB, "given_name": "Bob", "family_name": "Three"}
    )

    assert response.status_code == 302, response.content.decode()
    bob = User.objects.get(email=BOB)
    assert get_user(client) == bob
    assert (bob.first_name, bob.last_name) == ("Bob", "Three")
    assert EmailAddress.objects.get(user=bob).verified
    assert not EmailAddress.objects.filter(user=squatter, email=BOB).exists()


def test_a_strangers_unconfirmed_registration_is_no_trap_for_the_owners_first_sign_in(
    client, fabrikam
):
    Client().post(
        reverse("account_signup"),
        {
            "email": BOB,
            "first_name": "Stranger",
            "last_name": "Danger",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    response = _sign_in_through_the_provider(
        client, fabrikam, claims={"email": BOB, "given_name": "Bob", "family_name": "Three"}
    )

    assert response.status_code == 302, response.content.decode()
    assert response["Location"] != reverse("account_email_verification_sent")
    bob = User.objects.get(email=BOB)
    assert get_user(client) == bob
    assert (bob.first_name, bob.last_name) == ("Bob", "Three")
    assert not bob.has_usable_password()  # the stranger's password signs in no one
    assert EmailAddress.objects.get(user=bob).verified
    stranger = Client()
    stranger.post(reverse("account_login"), {"login": BOB, "password": PASSWORD})
    assert not get_user(stranger).is_authenticated


def test_a_stranger_who_gave_no_name_to_the_provider_leaves_no_name_behind(client, fabrikam):
    UserFactory(email=BOB, first_name="Stranger", last_name="Danger", verified=False)

    _sign_in_through_the_provider(client, fabrikam, claims={"email": BOB})

    bob = User.objects.get(email=BOB)
    assert get_user(client) == bob
    assert (bob.first_name, bob.last_name) == ("", "")


def test_an_invited_learner_signing_in_through_the_provider_keeps_the_account_and_its_seat(
    client, fabrikam, order, agent
):
    seat = services.assign_seat(seat=order.seats.first(), actor=agent, email=BOB)

    response = _sign_in_through_the_provider(client, fabrikam, claims={"email": BOB})

    assert response.status_code == 302, response.content.decode()
    assert get_user(client) == seat.learner
    assert EmailAddress.objects.get(user=seat.learner).verified
