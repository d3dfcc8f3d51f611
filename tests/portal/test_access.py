"""Every portal URL carrying an order or seat id is scoped by the policy: a foreign id is a 404,
an anonymous visitor is sent to sign in, a learner manages nothing."""

import pytest
from django.urls import reverse

from portal.views.bulk import KINDS
from seats.actions import AGENT_ACTIONS as ACTIONS
from tests import factories


def urls_of(order, seat) -> list[tuple[str, str]]:
    urls = [
        ("get", reverse("portal:order", args=[order.pk])),
        ("get", reverse("portal:export", args=[order.pk])),
    ]
    for kind in KINDS:
        urls += [
            ("get", reverse("portal:bulk", args=[order.pk, kind])),
            ("post", reverse("portal:bulk", args=[order.pk, kind])),
            ("post", reverse("portal:bulk_apply", args=[order.pk, kind])),
        ]
    for action in ACTIONS:
        urls += [
            ("get", reverse("portal:seat_action", args=[seat.pk, action])),
            ("post", reverse("portal:seat_action", args=[seat.pk, action])),
        ]
    return urls


@pytest.fixture
def seat(order):
    return order.seats.first()


def test_agent_of_another_organization_gets_404_everywhere(client, other_agent, order, seat):
    client.force_login(other_agent)
    for method, url in urls_of(order, seat):
        response = getattr(client, method)(url, {"version": seat.version})
        assert response.status_code == 404, (method, url, response.status_code)
    seat.refresh_from_db()
    assert seat.status == "available"


def test_anonymous_visitor_is_sent_to_sign_in(client, order, seat):
    pages = [("get", reverse("portal:orders")), ("get", reverse("portal:groups"))]
    for method, url in pages + urls_of(order, seat):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("account_login")), url


def test_learner_sees_no_orders_and_gets_404_on_an_order(client, learner, order, seat):
    client.force_login(learner)
    response = client.get(reverse("portal:orders"))
    assert response.status_code == 200
    assert order.number not in response.text
    assert "No orders yet" in response.text
    assert client.get(reverse("portal:order", args=[order.pk])).status_code == 404
    assert client.get(reverse("portal:seat_action", args=[seat.pk, "assign"])).status_code == 404
    assert "You don't manage a purchasing group" in client.get(reverse("portal:groups")).text


def test_agent_reaches_every_page_of_their_order(agent_client, order, seat):
    for method, url in urls_of(order, seat):
        if method == "get":
            assert agent_client.get(url).status_code == 200, url


def test_another_agent_of_the_group_manages_the_order(client, order, group):
    colleague = factories.make_agent(group)
    client.force_login(colleague)
    assert order.number in client.get(reverse("portal:orders")).text
    assert client.get(reverse("portal:order", args=[order.pk])).status_code == 200


def test_unknown_action_and_bulk_kind_are_404(agent_client, order, seat):
    assert (
        agent_client.get(reverse("portal:seat_action", args=[seat.pk, "delete"])).status_code == 404
    )
    assert agent_client.get(reverse("portal:bulk", args=[order.pk, "delete"])).status_code == 404
