"""Registration on allauth: an address counts once its owner confirms it from the email we send
through the outbox; a taken address gets the same answer as a new one (its owner is told)."""

from django.contrib.auth import get_user
from django.urls import reverse

from accounts.emails import AccountEmail
from accounts.models import User
from notifications.models import OutboundEmail
from tests.factories import PASSWORD, UserFactory
from tests.support.mailbox import confirmation_path

SIGNUP = reverse("account_signup")
SENT = reverse("account_email_verification_sent")


def _form(**overrides):
    return {
        "email": "Fresh.Person@Example.com",
        "first_name": "Fresh",
        "last_name": "Person",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


def test_registering_creates_an_unverified_account_and_emails_a_confirmation(client, db):
    response = client.post(SIGNUP, _form())

    assert response["Location"] == SENT
    user = User.objects.get(email="fresh.person@example.com")
    assert (user.first_name, user.last_name) == ("Fresh", "Person")
    assert user.check_password(PASSWORD)
    assert not user.emailaddress_set.get().verified
    assert not get_user(client).is_authenticated
    email = OutboundEmail.objects.get(to_email=user.email)
    assert email.kind == AccountEmail.EMAIL_CONFIRMATION
    assert "Check your email" in client.get(SENT).content.decode()


def test_confirming_the_address_verifies_it_and_signs_in_where_the_visitor_was_going(client, db):
    client.post(f"{SIGNUP}?next=/account/training/", _form())
    path = confirmation_path("fresh.person@example.com")

    page = client.get(path)
    assert page.status_code == 200 and "Confirm" in page.content.decode()
    confirmed = client.post(path)

    assert confirmed["Location"] == "/account/training/"
    user = User.objects.get(email="fresh.person@example.com")
    assert user.emailaddress_set.get().verified
    assert get_user(client) == user


def test_an_unconfirmed_account_cannot_sign_in_and_is_sent_the_link_again(client, db):
    UserFactory(email="unsure@example.com", verified=False)

    response = client.post(
        reverse("account_login"), {"login": "unsure@example.com", "password": PASSWORD}
    )

    assert response["Location"] == SENT
    assert not get_user(client).is_authenticated
    assert OutboundEmail.objects.filter(
        to_email="unsure@example.com", kind=AccountEmail.EMAIL_CONFIRMATION
    ).exists()


def test_next_pointing_elsewhere_is_ignored(client, db):
    for n, evil in enumerate(("https://evil.example.com/", "//evil.example.com/")):
        client.logout()
        client.post(SIGNUP, _form(email=f"fresh{n}@example.com", next=evil))
        response = client.post(confirmation_path(f"fresh{n}@example.com"))
        assert response["Location"] == reverse("portal:home"), evil


def test_a_taken_address_gets_the_same_answer_and_its_owner_an_email(client, db):
    owner = UserFactory(email="fresh.person@example.com")

    response = client.post(SIGNUP, _form())

    assert response["Location"] == SENT
    assert User.objects.filter(email=owner.email).count() == 1
    email = OutboundEmail.objects.get(to_email=owner.email)
    assert email.kind == AccountEmail.ACCOUNT_EXISTS


def test_passwords_must_match_and_be_strong(client, db):
    mismatch = client.post(SIGNUP, _form(password2="something-else-entirely"))
    assert "You must type the same password each time" in mismatch.content.decode()
    weak = client.post(SIGNUP, _form(password1="12345678", password2="12345678"))
    assert "too common" in weak.content.decode()
    assert not User.objects.exists()


def test_email_can_be_filled_in_and_sign_in_is_offered(client, db):
    page = client.get(f"{SIGNUP}?email=someone@example.com&next=/redeem/abc/")
    body = page.content.decode()
    assert 'value="someone@example.com"' in body
    assert f"{reverse('account_login')}?next=/redeem/abc/" in body


def test_login_page_offers_registration_keeping_next(client, db):
    body = client.get(f"{reverse('account_login')}?next=/redeem/abc/").content.decode()
    assert f"{SIGNUP}?next=/redeem/abc/" in body


def test_signed_in_visitor_is_sent_on(client, db):
    client.force_login(UserFactory())
    assert client.get(f"{SIGNUP}?next=/redeem/abc/")["Location"] == "/redeem/abc/"


def test_registration_attempts_are_rate_limited(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    for n in range(2):
        client.post(SIGNUP, _form(email=f"bad{n}", password2="x"))
    limited = client.post(SIGNUP, _form())
    assert limited.status_code == 429
    assert not User.objects.exists()
    assert client.get(SIGNUP).status_code == 200  # only attempts count


def test_the_old_registration_address_still_leads_to_registration(client, db):
    response = client.get("/account/register/?email=a@example.com&next=/redeem/abc/")
    assert response.status_code == 301
    assert response["Location"] == f"{SIGNUP}?email=a%40example.com&next=%2Fredeem%2Fabc%2F"


def test_a_malformed_next_is_ignored_not_a_server_error(client, db):
    """(Found by fuzzing: allauth's check of ``next`` raised on an unclosed IPv6 host.)"""
    for page in (reverse("account_login"), SIGNUP):
        response = client.post(f"{page}?next=//[", {"login": "a@example.com", "password": "x"})
        assert response.status_code == 200
