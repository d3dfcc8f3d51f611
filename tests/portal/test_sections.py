"""The navigation offers each person the sections they have something in: Orders to buyers and
agents, Groups, Join links and Seat requests to agents, My training and Shop to everyone signed
in. What a person sets up once (email alerts, webhooks, API keys) sits beside their account
settings, not in the header."""

import re

import pytest
from django.urls import reverse

from tests import factories


def tabs(client) -> list[str]:
    """The names of the links in the page's main navigation."""
    html = client.get(reverse("portal:training")).text
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.DOTALL).group()
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


ACCOUNT = ["Email address", "Password", "Two-factor sign-in", "Sessions"]


def sidebar(html: str) -> str:
    return re.search(r'<nav class="account-settings__nav".*?</nav>', html, re.DOTALL).group()


def settings_links(client) -> list[str]:
    """The names of the links beside the account settings."""
    return re.findall(r"<a [^>]*>([^<]+)</a>", sidebar(client.get(reverse("account_email")).text))


@pytest.mark.django_db
def test_a_learner_sees_no_orders_nor_groups(client, learner):
    client.force_login(learner)
    assert tabs(client) == ["My training", "Shop"]


def test_a_buyer_who_is_no_agent_sees_orders(client, group):
    buyer = factories.UserFactory()
    factories.make_order(seats=1, buyer=buyer, group=group)
    client.force_login(buyer)
    assert tabs(client) == ["Orders", "My training", "Shop"]
    assert settings_links(client) == [*ACCOUNT, "Webhooks", "API access"]


def test_an_agent_sees_orders_groups_join_links_and_seat_requests(client, agent):
    client.force_login(agent)
    work = ["Orders", "Groups", "Join links", "Seat requests"]
    assert tabs(client) == [*work, "My training", "Shop"]
    assert settings_links(client) == [*ACCOUNT, "Email alerts", "Webhooks", "API access"]


@pytest.mark.django_db
def test_a_learner_has_only_their_account_in_the_settings(client, learner):
    client.force_login(learner)
    assert settings_links(client) == ACCOUNT


@pytest.mark.parametrize(
    ("page", "current"),
    [
        ("portal:alerts", "Email alerts"),
        ("portal:webhooks", "Webhooks"),
        ("api:keys", "API access"),
    ],
)
def test_the_settings_pages_of_agents_mark_themselves_in_the_sidebar(client, agent, page, current):
    client.force_login(agent)
    html = client.get(reverse(page)).text
    assert re.search(rf'aria-current="page">{current}</a>', sidebar(html))


@pytest.mark.django_db
def test_a_visitor_is_offered_to_sign_in(client):
    nav = client.get(reverse("account_login")).text
    assert ">Sign in</a>" in nav
    assert ">Orders</a>" not in nav
