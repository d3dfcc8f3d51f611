"""Single sign-on around the provider: who is sent to it, a provider that is down, the page that
posts to it, and how an admin configures it."""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.urls import reverse

from sso.models import OrganizationLogin
from sso.services import configure_organization_login
from tests.factories import PASSWORD, PurchasingGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
DOWN = "http://127.0.0.1:9/idp"  # nothing listens on the discard port


@pytest.fixture
def northwind(db):
    return configure_organization_login(
        group=PurchasingGroupFactory(name="Northwind buyers"),
        domain="Northwind.Example",
        issuer=f"{DOWN}/",
        client_id="seatstore",
        secret="s3cret",
    )


def test_people_of_the_domain_are_sent_to_their_provider_without_a_password(client, northwind):
    response = client.post(LOGIN, {"login": "Sam@Northwind.example", "next": "/account/orders/"})

    assert response.status_code == 302
    assert response["Location"] == (
        f"/account/oidc/{northwind.provider_key}/login/?process=login&next=%2Faccount%2Forders%2F"
    )


def test_everyone_else_signs_in_with_a_password(client, northwind):
    user = UserFactory(email="ann@contoso.example")
    missing = client.post(LOGIN, {"login": user.email})
    assert "Enter your password." in missing.content.decode()
    assert client.post(LOGIN, {"login": user.email, "password": PASSWORD}).status_code == 302


def test_a_provider_that_is_down_gets_a_clear_page(client, northwind):
    page = client.post(f"/account/oidc/{northwind.provider_key}/login/?process=login")

    assert page.status_code == 503
    body = page.content.decode()
    assert "sign-in is unavailable" in body
    assert "Northwind buyers" in body


def test_the_page_that_posts_to_the_provider_may_post_there(client, northwind):
    page = client.get(f"/account/oidc/{northwind.provider_key}/login/?process=login")

    assert page.status_code == 200
    assert "form-action 'self' http://127.0.0.1:9;" in page["Content-Security-Policy"]
    assert "form-action 'self';" in client.get(LOGIN)["Content-Security-Policy"]


def test_a_callback_without_a_sign_in_in_progress_is_refused_clearly(client, northwind):
    page = client.get(f"/account/oidc/{northwind.provider_key}/login/callback/?code=x&state=y")

    assert page.status_code == 401
    assert "did not go through" in page.content.decode()


def test_an_unknown_provider_is_not_found(client):
    assert client.post("/account/oidc/nobody/login/").status_code == 404


def test_the_domain_and_issuer_are_stored_as_allauth_reads_them(northwind):
    assert northwind.domain == "northwind.example"
    app = northwind.provider
    assert (app.provider, app.client_id, app.secret) == ("openid_connect", "seatstore", "s3cret")
    assert app.settings["server_url"] == DOWN


def test_an_admin_configures_a_domain_and_keeps_the_secret_when_left_empty(admin_client, northwind):
    group = PurchasingGroupFactory(name="Contoso")
    add = reverse("admin:sso_organizationlogin_add")
    fields = {
        "group": group.pk,
        "domain": "@contoso.example",
        "issuer": "https://login.contoso.example/realms/staff",
        "client_id": "seatstore",
        "secret": "contoso-secret",
        "agents_claim": "groups",
        "agents_claim_value": "buyers",
    }
    assert admin_client.post(add, fields).status_code == 302
    login = OrganizationLogin.objects.get(domain="contoso.example")
    assert login.provider.secret == "contoso-secret"

    change = reverse("admin:sso_organizationlogin_change", args=[login.pk])
    page = admin_client.get(change).content.decode()
    assert "contoso-secret" not in page
    assert admin_client.post(change, fields | {"secret": "", "client_id": "new"}).status_code == 302
    login.provider.refresh_from_db()
    assert (login.provider.client_id, login.provider.secret) == ("new", "contoso-secret")

    taken = admin_client.post(add, fields | {"group": group.pk, "domain": "northwind.example"})
    assert taken.status_code == 200
    assert SocialApp.objects.count() == 2


def test_the_connections_page_shows_the_organizations_sign_in_and_offers_no_other(
    client, northwind
):
    sam = UserFactory(email="sam@northwind.example")
    client.force_login(sam)
    page = client.get(reverse("socialaccount_connections")).text
    assert "not linked to an organization" in page
    assert "Third-Party" not in page

    SocialAccount.objects.create(user=sam, provider=northwind.provider_key, uid="sam-1")
    page = client.get(reverse("socialaccount_connections")).text
    assert "You can also sign in through your organization" in page
    assert ">Unlink<" in page
