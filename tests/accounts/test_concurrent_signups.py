"""People creating the same account at the same moment, on PostgreSQL with real threads: one
account, and everyone else gets the answer any taken address gets (check your email), never a
server error."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from seats import services
from tests.factories import PASSWORD, make_order, make_store_admin
from tests.support.concurrency import race
from tests.support.links import link_path, open_link

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AT_ONCE = 6
EMAIL = "same.person@example.com"
SENT = reverse("account_email_verification_sent")


def _registration(**extra):
    return {
        "email": EMAIL.upper(),
        "first_name": "Same",
        "last_name": "Person",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | extra


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.REDEEM_RATE_LIMIT = 1000
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1000/m/ip"}


def test_one_email_registered_at_once_gives_one_account_and_the_same_answer_to_all():
    clients = [Client() for _ in range(AT_ONCE)]
    responses = race(
        [
            lambda client=client: client.post(reverse("account_signup"), _registration())
            for client in clients
        ]
    ).returned()

    assert [r["Location"] for r in responses] == [SENT] * AT_ONCE
    assert User.objects.filter(email=EMAIL).count() == 1


def test_one_recipient_registering_from_the_link_in_several_tabs_at_once_gets_one_account():
    order = make_order(seats=1)
    link = services.email_redemption(seat=order.seats.get(), actor=order.buyer, email=EMAIL)
    clients = [Client() for _ in range(AT_ONCE)]
    claims = {open_link(client, link_path(link)) for client in clients}
    assert len(claims) == 1
    claim = claims.pop()
    for client in clients:
        client.get(claim)  # the account step: the link proves the address
    register = f"{reverse('account_signup')}?next={claim}"

    responses = race(
        [lambda client=client: client.post(register, _registration()) for client in clients]
    ).returned()

    locations = sorted(r["Location"] for r in responses)
    assert locations == sorted([claim] + [SENT] * (AT_ONCE - 1))
    assert User.objects.filter(email=EMAIL).count() == 1


def test_admins_adding_one_email_at_once_give_one_user_and_the_form_again_to_the_others():
    clients = []
    for _ in range(AT_ONCE):
        client = Client()
        client.force_login(make_store_admin(is_superuser=True))
        clients.append(client)
    add = reverse("admin:accounts_user_add")

    responses = race(
        [
            lambda client=client: client.post(add, {"email": EMAIL, "usable_password": "false"})
            for client in clients
        ]
    ).returned()

    assert sum(r.status_code == 302 for r in responses) == 1
    refused = [r for r in responses if r.status_code == 200]
    assert len(refused) == AT_ONCE - 1
    assert all("User with this Email address already exists" in r.content.decode() for r in refused)
    assert User.objects.filter(email=EMAIL).count() == 1
