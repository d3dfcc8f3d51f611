"""Single sign-on end to end against a real OpenID Connect provider (django-oauth-toolkit,
``tests.sso.idp``) on the live server. The site is browsed at ``localhost`` and the provider at
``127.0.0.1``, so each keeps its own session as two sites would."""

import re

import pytest
from allauth.account.models import EmailAddress
from oauth2_provider.models import Application
from playwright.sync_api import expect

from accounts.models import User
from groups.models import GroupMembership
from sso.services import configure_organization_login
from tests.factories import PASSWORD, PurchasingGroupFactory, UserFactory
from tests.sso import idp

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.sso.idp")]

SECRET = "northwind-client-secret"


@pytest.fixture
def provider(live_server, settings):
    """Northwind's provider, and the site configured to send northwind.example to it."""
    port = live_server.url.rsplit(":", 1)[1]
    site = f"http://localhost:{port}"
    issuer = f"http://127.0.0.1:{port}/idp"
    group = PurchasingGroupFactory(name="Northwind buyers")
    login = configure_organization_login(
        group=group,
        domain="northwind.example",
        issuer=issuer,
        client_id="seatstore",
        secret=SECRET,
        agents_claim="groups",
        agents_claim_value="seatstore-agents",
    )
    Application.objects.create(
        name="Seatstore",
        client_id="seatstore",
        client_secret=SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{site}/account/oidc/{login.provider_key}/login/callback/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    # The provider's pages are this server's too: let them send the browser back to the site,
    # as a real provider's own policy would.
    settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {site}"
    )
    idp.DIRECTORY.clear()
    yield {"site": site, "group": group, "login": login}
    idp.DIRECTORY.clear()


def _sign_in_through_the_provider(page, site, *, work_email, idp_account):
    page.goto(f"{site}/account/login/")
    page.get_by_label("Email").fill(work_email)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in with your organization")).to_be_visible()
    page.get_by_role("button", name="Continue to your organization's sign-in").click()
    # At the provider (its own host, its own session): its sign-in page.
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/account/login/"), timeout=30_000)
    page.get_by_label("Email").fill(idp_account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site}/**", timeout=30_000)


def test_a_new_person_of_the_domain_signs_in_through_the_provider_and_becomes_an_agent(
    page, provider, screenshot
):
    at_idp = UserFactory(email="sam@idp.test")
    idp.DIRECTORY[at_idp.email] = {
        "email": "sam.taylor@northwind.example",
        "given_name": "Sam",
        "family_name": "Taylor",
        "groups": ["everyone", "seatstore-agents"],
    }

    _sign_in_through_the_provider(
        page, provider["site"], work_email="sam.taylor@northwind.example", idp_account=at_idp
    )

    expect(page.locator(".account-menu__who")).to_have_text("sam.taylor@northwind.example")
    screenshot("sso-signed-in")
    sam = User.objects.get(email="sam.taylor@northwind.example")
    assert EmailAddress.objects.get(user=sam).verified
    assert GroupMembership.objects.filter(user=sam, group=provider["group"]).exists()
    assert not sam.has_usable_password()


def test_an_existing_account_is_linked_by_its_verified_address(page, provider):
    existing = UserFactory(email="ada@northwind.example")
    at_idp = UserFactory(email="ada@idp.test")
    idp.DIRECTORY[at_idp.email] = {"email": "ada@northwind.example", "groups": ["everyone"]}

    _sign_in_through_the_provider(
        page, provider["site"], work_email="ada@northwind.example", idp_account=at_idp
    )

    expect(page.locator(".account-menu__who")).to_have_text("ada@northwind.example")
    assert existing.socialaccount_set.get().provider == provider["login"].provider_key
    assert User.objects.filter(email="ada@northwind.example").count() == 1
    assert not GroupMembership.objects.filter(user=existing).exists()  # not in the claim


def test_a_provider_vouching_for_another_domain_is_refused(page, provider):
    at_idp = UserFactory(email="eve@idp.test")
    idp.DIRECTORY[at_idp.email] = {"email": "eve@contoso.example"}

    _sign_in_through_the_provider(
        page, provider["site"], work_email="anyone@northwind.example", idp_account=at_idp
    )

    expect(page.get_by_role("heading", name="We could not sign you in")).to_be_visible()
    expect(page.get_by_text("signs in people with an address at northwind.example")).to_be_visible()
    assert not User.objects.filter(email="eve@contoso.example").exists()


def test_a_provider_naming_another_issuer_is_refused(page, provider, live_server):
    """The issuer configured for the domain serves a discovery document that names another
    issuer (a copy of the real provider's): the ID token it leads to is not from the issuer the
    admin chose."""
    port = live_server.url.rsplit(":", 1)[1]
    login = provider["login"]
    configure_organization_login(
        group=login.group,
        domain=login.domain,
        issuer=f"http://127.0.0.1:{port}/impostor",
        client_id="seatstore",
        secret="",
        login=login,
    )
    at_idp = UserFactory(email="sam@idp.test")
    idp.DIRECTORY[at_idp.email] = {"email": "sam.taylor@northwind.example"}

    _sign_in_through_the_provider(
        page, provider["site"], work_email="sam.taylor@northwind.example", idp_account=at_idp
    )

    expect(page.get_by_role("heading", name="We could not sign you in")).to_be_visible()
    expect(page.get_by_text(f"identified itself as http://127.0.0.1:{port}/idp")).to_be_visible()
    assert not User.objects.filter(email="sam.taylor@northwind.example").exists()
