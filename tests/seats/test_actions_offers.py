"""The order page offers exactly what would succeed: for a seat in each state, an action is
offered if and only if doing it works. And a refusal reads the same from the order page, the
admin, the bulk import and the service."""

import pytest
from django.urls import reverse

from core.errors import SeatActionError
from imports.bulk import AssignRow, validate_bulk_assign
from seats import services
from seats.actions import AGENT_ACTIONS as ACTIONS
from seats.lms import campus
from seats.models import Seat
from tests import factories
from tests.support.admin import action_url

VALID_INPUT = {
    "assign": {"email": "new@example.com"},
    "email": {"email": "new@example.com"},
    "transfer": {"email": "new@example.com"},
    "correct": {"email": "new@example.com"},
    "return": {"reason": "Left the company"},
}


def _seat_in(kind: str, seats: dict, order, agent) -> Seat:
    if kind == "started":
        seat = seats["assigned"]
        campus().start(seat.enrollment)
    elif kind == "returned":
        seat = seats["spare"]
        services.refund_seat(seat=seat, actor=factories.make_store_admin())
    else:
        seat = seats[kind]
    return Seat.objects.get(pk=seat.pk)


@pytest.mark.parametrize("validity", ["valid", "expired"])
@pytest.mark.parametrize("slug", list(ACTIONS))
@pytest.mark.parametrize(
    "kind", ["available", "awaiting", "assigned", "started", "return_pending", "returned"]
)
def test_an_action_is_offered_exactly_where_it_succeeds(
    agent_client, agent, order, seats, kind, slug, validity
):
    other_group = factories.PurchasingGroupFactory(store=order.store)
    factories.GroupMembershipFactory(user=agent, group=other_group)
    seat = _seat_in(kind, seats, order, agent)
    if validity == "expired":
        factories.set_validity(order, days=-1)
    page = agent_client.get(reverse("portal:order", args=[order.pk]))
    offered = {action.slug for action, _ in dict(page.context["rows"])[seat]}

    data = {"version": seat.version, "group": other_group.pk, **VALID_INPUT.get(slug, {})}
    response = agent_client.post(reverse("portal:seat_action", args=[seat.pk, slug]), data)
    succeeded = response.status_code == 302
    fresh = Seat.objects.get(pk=seat.pk)
    assert (slug in offered) == succeeded, (
        kind,
        slug,
        response.context and (response.context.get("problem") or response.context["form"].errors),
    )
    assert succeeded or fresh.version == seat.version, "a refusal changes nothing"


def test_a_refusal_reads_the_same_everywhere(client, store_admin, group, agent):
    """An unpaid order: the service, the action page, the admin and the bulk import all give the
    one rule's words."""
    order = factories.make_order(seats=2, buyer=agent, group=group, paid=False)
    seat = order.seats.order_by("pk").first()
    with pytest.raises(SeatActionError) as refused:
        services.assign_seat(seat=seat, actor=agent, email="ann@example.com")
    words = refused.value.message
    assert "awaiting payment" in words

    client.force_login(agent)
    page = client.get(reverse("portal:seat_action", args=[seat.pk, "assign"]))
    assert page.context["problem"] == words

    rows = [AssignRow(2, "ann@example.com")]
    assert words in [
        error.message for error in validate_bulk_assign(order=order, actor=agent, rows=rows)
    ]

    client.force_login(store_admin)
    admin = client.post(
        action_url(seat, "assign"),
        {"assign-email": "ann@example.com", "assign-version": seat.version},
        follow=True,
    )
    assert words in [str(message) for message in admin.context["messages"]]
    assert Seat.objects.get(pk=seat.pk).status == Seat.Status.AVAILABLE
