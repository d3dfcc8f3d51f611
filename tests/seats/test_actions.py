"""One catalog of seat actions: the portal and the admin offer the same actions for a seat, from
the same rules, and a refused one reads the same in both."""

import pytest
from django.urls import reverse

from seats.actions import ADMIN_ACTIONS, AGENT_ACTIONS
from seats.lms import campus
from seats.models import Seat
from tests import factories
from tests.support.admin import action_url, change_url


def _admin_offers(client, seat) -> set[str]:
    response = client.get(change_url(seat))
    return {entry["action"].name for entry in response.context["object_actions"]}


def _portal_offers(client, seat) -> set[str]:
    response = client.get(reverse("portal:order", args=[seat.order_id]))
    return {action.slug for action, _ in dict(response.context["rows"])[seat]}


@pytest.mark.parametrize("kind", ["available", "awaiting", "assigned", "started", "return_pending"])
def test_the_portal_and_the_admin_offer_the_same_agent_actions(
    client, agent, order, seats, store_admin, kind
):
    factories.PurchasingGroupFactory(store=order.store)  # somewhere for the admin to move it
    factories.GroupMembershipFactory(
        user=agent, group=factories.PurchasingGroupFactory(store=order.store)
    )
    seat = seats["assigned" if kind == "started" else kind]
    if kind == "started":
        campus().start(seat.enrollment)
    seat = Seat.objects.get(pk=seat.pk)

    client.force_login(agent)
    portal = _portal_offers(client, seat)
    client.force_login(store_admin)
    admin = _admin_offers(client, seat) & set(AGENT_ACTIONS)
    assert portal & set(ADMIN_ACTIONS) == admin


def test_a_refusal_reads_the_same_in_the_portal_and_the_admin(client, agent, seats, store_admin):
    seat = seats["assigned"]
    campus().start(seat.enrollment)
    client.force_login(agent)
    portal = client.post(
        reverse("portal:seat_action", args=[seat.pk, "unassign"]), {"version": seat.version}
    )
    client.force_login(store_admin)
    admin = client.post(
        action_url(seat, "unassign"), {"unassign-version": seat.version}, follow=True
    )
    refusal = portal.context["problem"]
    assert "has already started" in refusal
    assert refusal in [str(message) for message in admin.context["messages"]]
