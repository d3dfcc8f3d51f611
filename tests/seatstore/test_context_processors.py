"""The footer names the support address of the store a page is about (its order, seat, product
or redemption), and the site's own address elsewhere."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from seats import services
from tests.support.links import link_path


def footer(response) -> str:
    assert response.status_code in (200, 410), response.status_code
    return re.search(r'<footer class="site-footer">.*?</footer>', response.text, re.DOTALL).group()


def writes_to(response, address: str) -> bool:
    return f'<a href="mailto:{address}">{address}</a>' in footer(response)


@pytest.fixture
def store_address(store):
    assert store.support_email != settings.SUPPORT_EMAIL
    return store.support_email


@pytest.mark.parametrize(
    "url",
    [
        lambda order: reverse("portal:order", args=[order.pk]),
        lambda order: reverse("portal:bulk", args=[order.pk, "assign"]),
        lambda order: reverse("shop:order_placed", args=[order.pk]),
        lambda order: reverse("shop:product", args=[order.lines.get().product_id]),
    ],
    ids=["order", "bulk", "order placed", "product"],
)
def test_pages_about_an_order_or_product_name_its_store(agent_client, order, store_address, url):
    assert writes_to(agent_client.get(url(order)), store_address)


def test_a_page_about_no_store_names_the_site(agent_client, order):
    assert writes_to(agent_client.get(reverse("portal:orders")), settings.SUPPORT_EMAIL)


def test_a_dead_link_names_its_store(client, order, agent, store_address):
    seat = order.seats.first()
    redemption = services.email_redemption(seat=seat, actor=agent, email="r@example.com")
    services.cancel_redemption(seat=seat, actor=agent)
    assert writes_to(client.get(link_path(redemption)), store_address)


def test_the_redeemed_page_names_the_store(client, order, agent, store_address):
    seat = order.seats.first()
    services.assign_seat(seat=seat, actor=agent, email="ada@example.com")
    seat.refresh_from_db()
    client.force_login(seat.learner)
    assert writes_to(client.get(reverse("redeem_done", args=[seat.pk])), store_address)
