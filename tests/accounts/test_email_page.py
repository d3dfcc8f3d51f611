"""The email address page in the site's words: the current address, a pending change and what
to do about it, and the form for a new one."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_pending_change_says_where_the_link_went_and_what_still_works(client):
    ada = UserFactory(email="ada@example.com")
    client.force_login(ada)
    client.post(reverse("account_email"), {"action_add": "", "email": "ada@new.example"})

    page = client.get(reverse("account_email")).text
    assert "Your address: <strong>ada@example.com</strong>" in page
    assert "Changing to <strong>ada@new.example</strong>" in page
    assert "you keep signing in with your current address" in page
    assert ">Send the link again</button>" in page and ">Cancel the change</button>" in page

    client.post(reverse("account_email"), {"action_remove": "", "email": "ada@new.example"})
    assert "Changing to" not in client.get(reverse("account_email")).text
