"""Password links (a reset, or the set-up link an invited learner asks for again) go through the
outbox like every email: a mail-server fault delays them, never loses them, and the row keeps no
token."""

import re

import pytest
from django.contrib.auth import authenticate
from django.forms.models import model_to_dict
from django.urls import reverse

from accounts.emails import AccountEmail
from notifications import emails
from notifications.models import OutboundEmail
from notifications.tasks import sweep_outbox
from seats import services
from tests.factories import UserFactory

RESET = reverse("account_reset_password")
LINK = re.compile(r"http://testserver(/account/password/reset/key/[^/\s]+/)")
NEW_PASSWORD = "a-brand-new-passphrase"


def _request_link(client, address, capture):
    with capture(execute=True):
        response = client.post(RESET, {"email": address})
    assert response.status_code == 302
    return OutboundEmail.objects.filter(to_email=address.lower()).latest("pk")


def _choose_password(client, body) -> None:
    """Follow the emailed link as a browser would and set a new password."""
    path = LINK.search(body).group(1)
    form_page = client.get(path)
    assert form_page.status_code == 302  # allauth swaps the token for a session key
    done = client.post(
        form_page["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("account_reset_password_from_key_done")


def test_reset_asked_during_a_mail_outage_is_sent_once_the_server_is_back(
    client, db, flaky, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="forgetful@example.com")

    email = _request_link(client, "Forgetful@Example.com", django_capture_on_commit_callbacks)

    assert mailoutbox == []
    assert (email.kind, email.status, email.attempts) == (
        AccountEmail.PASSWORD_RESET,
        OutboundEmail.Status.PENDING,
        1,
    )
    assert email.last_error == "provider unreachable"

    assert sweep_outbox.apply().get() == 1

    assert [message.to for message in mailoutbox] == [[user.email]]
    assert mailoutbox[0].subject == "Reset your Seatstore password"
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    _choose_password(client, mailoutbox[0].body)
    assert authenticate(email=user.email, password=NEW_PASSWORD) == user


def test_invitation_link_asked_again_during_a_mail_outage_is_sent_once_the_server_is_back(
    client, order, agent, flaky, mailoutbox, django_capture_on_commit_callbacks
):
    flaky.failures = 2  # the invitation's first attempt, then the new link's
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_seat(seat=order.seats.first(), actor=agent, email="invited@example.com")

    email = _request_link(client, "invited@example.com", django_capture_on_commit_callbacks)

    assert mailoutbox == []
    assert email.kind == AccountEmail.ACCOUNT_SETUP
    assert email.status == OutboundEmail.Status.PENDING

    assert sweep_outbox.apply().get() == 2

    assert sorted(message.subject for message in mailoutbox) == [
        "Set up your Seatstore account",
        f"You have been enrolled in {order.lines.get().product}: set up your account",
    ]
    setup = next(m for m in mailoutbox if m.subject == "Set up your Seatstore account")
    _choose_password(client, setup.body)
    assert authenticate(email="invited@example.com", password=NEW_PASSWORD) is not None


def test_the_outbox_row_keeps_the_user_and_no_token(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="forgetful@example.com")

    email = _request_link(client, user.email, django_capture_on_commit_callbacks)

    assert email.context == {"user_id": user.pk}
    token = LINK.search(mailoutbox[0].body).group(1).split("/")[-2].partition("-")[2]
    assert token not in str(model_to_dict(email))


def test_the_admin_shows_a_password_email_without_its_link(
    client, db, django_capture_on_commit_callbacks
):
    user = UserFactory(email="forgetful@example.com")
    email = _request_link(client, user.email, django_capture_on_commit_callbacks)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:notifications_outboundemail_change", args=[email.pk]))

    assert page.status_code == 200
    assert "Password reset" in page.content.decode()
    assert "/account/password/reset/" not in page.content.decode()


def test_the_dev_outbox_lists_a_reset_whose_link_works_like_the_email(
    client, db, django_capture_on_commit_callbacks
):
    user = UserFactory(email="forgetful@example.com")
    email = _request_link(client, user.email, django_capture_on_commit_callbacks)

    listed = client.get(reverse("dev:outbox")).content.decode()
    shown = client.get(reverse("dev:outbox_email", args=[email.pk])).content.decode()

    assert "Reset your Seatstore password" in listed and user.email in listed
    _choose_password(client, shown)
    assert authenticate(email=user.email, password=NEW_PASSWORD) == user


def test_unknown_and_inactive_addresses_get_the_same_answer_and_no_email(
    client, db, django_capture_on_commit_callbacks
):
    UserFactory(email="gone@example.com", is_active=False)
    for address in ("nobody@example.com", "gone@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(RESET, {"email": address})["Location"] == reverse(
                "account_reset_password_done"
            )
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("usable_password", "subject", "button"),
    [
        (True, "Reset your Seatstore password", "Choose a new password"),
        (False, "Set up your Seatstore account", "Set your password"),
    ],
)
def test_password_emails_escape_the_name_and_name_whom_to_ask(
    client, db, settings, django_capture_on_commit_callbacks, usable_password, subject, button
):
    user = UserFactory(email="sam@example.com", first_name="<b>Sam</b>", last_name="&co")
    if not usable_password:
        user.set_unusable_password()
        user.save()
    email = _request_link(client, user.email, django_capture_on_commit_callbacks)

    rendered_subject, text, html = emails.render(email)

    assert rendered_subject == subject
    assert "<b>Sam</b> &co" in text
    assert "&lt;b&gt;Sam&lt;/b&gt; &amp;co" in html and "<b>Sam</b>" not in html
    assert button in html
    for body in (text, html):
        assert settings.SUPPORT_EMAIL in body
        assert LINK.search(body)
