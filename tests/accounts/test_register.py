from django.contrib.auth import get_user
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

REGISTER = reverse("accounts:register")


def _form(**overrides):
    return {
        "email": "Fresh.Person@Example.com",
        "first_name": "Fresh",
        "last_name": "Person",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


def test_registering_creates_the_account_and_signs_in(client, db):
    response = client.post(REGISTER, _form())

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    user = User.objects.get(email="fresh.person@example.com")
    assert (user.first_name, user.last_name) == ("Fresh", "Person")
    assert user.check_password(PASSWORD)
    assert get_user(client) == user


def test_registering_goes_back_to_a_page_of_this_site(client, db):
    response = client.post(f"{REGISTER}?next=/redeem/abc/", _form())
    assert response["Location"] == "/redeem/abc/"


def test_next_pointing_elsewhere_is_ignored(client, db):
    for evil in ("https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"):
        client.logout()
        User.objects.all().delete()
        response = client.post(REGISTER, _form(next=evil))
        assert response["Location"] == reverse("portal:home"), evil


def test_existing_email_is_refused_with_a_way_out(client, db):
    UserFactory(email="fresh.person@example.com")
    response = client.post(REGISTER, _form())
    assert response.status_code == 200
    assert "An account with this email address already exists" in response.content.decode()
    assert User.objects.filter(email="fresh.person@example.com").count() == 1


def test_passwords_must_match_and_be_strong(client, db):
    mismatch = client.post(REGISTER, _form(password2="something-else-entirely"))
    assert "didn’t match" in mismatch.content.decode()
    weak = client.post(REGISTER, _form(password1="12345678", password2="12345678"))
    assert "too common" in weak.content.decode()
    assert not User.objects.exists()


def test_email_can_be_filled_in_and_sign_in_is_offered(client, db):
    page = client.get(f"{REGISTER}?email=someone@example.com&next=/redeem/abc/")
    body = page.content.decode()
    assert 'value="someone@example.com"' in body
    assert f"{reverse('login')}?next=/redeem/abc/" in body


def test_login_page_offers_registration_keeping_next(client, db):
    body = client.get(f"{reverse('login')}?next=/redeem/abc/").content.decode()
    assert f"{REGISTER}?next=/redeem/abc/" in body


def test_signed_in_visitor_is_sent_on(client, db):
    client.force_login(UserFactory())
    assert client.get(f"{REGISTER}?next=/redeem/abc/")["Location"] == "/redeem/abc/"


def test_registration_attempts_are_rate_limited(client, db, settings):
    settings.REGISTER_RATE_LIMIT = 2
    for n in range(2):
        client.post(REGISTER, _form(email=f"bad{n}", password2="x"))
    limited = client.post(REGISTER, _form())
    assert limited.status_code == 429
    assert not User.objects.exists()
    assert client.get(REGISTER).status_code == 200  # only attempts count
