"""A person sees where they are signed in and can sign out of the other places; changing the
password signs out everywhere else."""

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SESSIONS = reverse("usersessions_list")
NEW_PASSWORD = "a-brand-new-passphrase"


def _signed_in(user, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_sessions_page_lists_each_place_and_signs_out_the_others():
    user = UserFactory()
    laptop = _signed_in(user, "Laptop browser")
    phone = _signed_in(user, "Phone browser")

    page = laptop.get(SESSIONS).content.decode()
    assert "Laptop browser" in page and "Phone browser" in page

    laptop.post(SESSIONS)

    assert not get_user(phone).is_authenticated
    assert get_user(laptop) == user
    page = laptop.get(SESSIONS).content.decode()
    assert "Phone browser" not in page


def test_changing_the_password_signs_out_every_other_session():
    user = UserFactory()
    laptop = _signed_in(user, "Laptop browser")
    phone = _signed_in(user, "Phone browser")

    changed = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert changed.status_code == 302
    assert get_user(laptop) == user
    assert not get_user(phone).is_authenticated
    assert "Phone browser" not in laptop.get(SESSIONS).content.decode()


def test_someone_elses_sessions_are_not_listed():
    user = UserFactory()
    other = UserFactory()
    mine = _signed_in(user, "Mine")
    _signed_in(other, "Theirs")

    assert "Theirs" not in mine.get(SESSIONS).content.decode()


def test_every_column_of_the_sessions_table_has_a_heading():
    user = UserFactory()
    page = _signed_in(user, "Firefox on the laptop").get(SESSIONS).text
    header, first_row = page.split("<tr>")[1:3]
    assert header.count("<th") == first_row.count("<td") >= 4
    assert "This one" in first_row
