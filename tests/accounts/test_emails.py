"""Every email allauth sends goes through the outbox, rendered in our words when it is sent."""

import pytest
from django.urls import reverse

from accounts.emails import AccountEmail
from notifications import emails
from notifications.models import OutboundEmail
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


def test_a_password_change_sends_a_security_notice_through_the_outbox(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="careful@example.com", first_name="<b>Kim</b>")
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

    notice = OutboundEmail.objects.get(kind=AccountEmail.SECURITY_NOTICE)
    assert notice.to_email == user.email
    assert notice.context["notice"] == "account/email/password_changed"
    subject, text, html = emails.render(notice)
    assert subject == "Seatstore: your password was changed"
    assert "127.0.0.1" in text and "/account/password/reset/" in text
    assert "&lt;b&gt;Kim&lt;/b&gt;" in html


def test_an_allauth_email_without_an_outbox_kind_is_refused():
    from allauth.account.adapter import get_adapter

    with pytest.raises(NotImplementedError):
        get_adapter().send_mail("account/email/login_code", "a@example.com", {"code": "123"})
