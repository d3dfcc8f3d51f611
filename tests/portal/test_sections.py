"""The navigation offers each person the sections they have something in: Orders and Webhooks to
buyers and agents, Groups, Join links and Seat requests to agents, My training and Shop to
everyone signed in."""

import re

import pytest
from django.urls import reverse

from tests import factories


def tabs(client) -> list[str]:
    """The names of the links in the page's main navigation."""
    html = client.get(reverse("portal:training")).text
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.DOTALL).group()
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


@pytest.mark.django_db
def test_a_learner_sees_no_orders_nor_groups(client, learner):
    client.force_login(learner)
    assert tabs(client) == ["My training", "Shop"]


def test_a_buyer_who_is_no_agent_sees_orders_and_webhooks(client, group):
    buyer = factories.UserFactory()
    factories.make_order(seats=1, buyer=buyer, group=group)
    client.force_login(buyer)
    assert tabs(client) == ["Orders", "Webhooks", "API access", "My training", "Shop"]


def test_an_agent_sees_orders_groups_join_links_seat_requests_and_webhooks(client, agent):
    client.force_login(agent)
    assert tabs(client) == [
        "Orders",
        "Groups",
        "Join links",
        "Seat requests",
        "Webhooks",
        "API access",
        "My training",
        "Email alerts",
        "Shop",
    ]


@pytest.mark.django_db
def test_a_visitor_is_offered_to_sign_in(client):
    nav = client.get(reverse("account_login")).text
    assert ">Sign in</a>" in nav
    assert ">Orders</a>" not in nav
