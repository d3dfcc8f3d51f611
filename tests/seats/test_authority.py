"""The owner group decides who manages a seat: its group's agents; the buyer for seats without a
group; store admins always. The buyer still sees every seat of their order, read-only where it
is not theirs to manage."""

import pytest
from django.urls import reverse

from core.errors import SeatActionError
from imports.bulk import AssignRow, validate_bulk_assign
from orders.models import Order
from seats import services
from seats.access import SeatAuthority, orders_visible_to
from seats.models import Seat
from tests import factories


@pytest.fixture
def moved_seat(order, store_admin):
    """A seat of ``order`` that a store admin moved to another organization's group."""
    other_group = factories.PurchasingGroupFactory(store=order.store, name="Contoso")
    seat = order.seats.order_by("pk").first()
    services.change_seat_owner_group(seat=seat, actor=store_admin, group=other_group)
    return Seat.objects.get(pk=seat.pk)


def test_the_buyer_no_longer_manages_a_seat_moved_to_another_group(moved_seat, agent):
    assert moved_seat.order.buyer == agent
    with pytest.raises(SeatActionError, match="manage this seat"):
        services.assign_seat(seat=moved_seat, actor=agent, email="ann@example.com")
    assert Seat.objects.get(pk=moved_seat.pk).status == Seat.Status.AVAILABLE


def test_the_new_groups_agent_manages_it(moved_seat):
    contoso_agent = factories.make_agent(moved_seat.owner_group, email="boss@contoso.example")
    services.assign_seat(seat=moved_seat, actor=contoso_agent, email="ann@example.com")
    assert Seat.objects.get(pk=moved_seat.pk).learner.email == "ann@example.com"


def test_the_buyer_sees_it_read_only_on_the_order_page(client, moved_seat, agent):
    client.force_login(agent)
    order_page = reverse("portal:order", args=[moved_seat.order_id])
    response = client.get(order_page)
    rows = dict(response.context["rows"])
    assert rows[moved_seat] == [], "nothing is offered on a seat the buyer does not manage"
    assert any(actions for seat, actions in rows.items() if seat != moved_seat)
    assert "View only: managed by the agents of Contoso" in response.text
    action = client.get(reverse("portal:seat_action", args=[moved_seat.pk, "assign"]))
    assert "you can see it but not change it" in action.text
    assert "<form" not in action.text.split("<main", 1)[-1]


def test_the_new_groups_agent_sees_only_that_seat_of_the_order(client, moved_seat):
    client.force_login(factories.make_agent(moved_seat.owner_group, email="boss@contoso.example"))
    response = client.get(reverse("portal:order", args=[moved_seat.order_id]))
    assert [seat for seat, _ in response.context["rows"]] == [moved_seat]
    assert 'aria-label="Seats 1 to 1 of 1"' in response.text


def test_the_buyers_bulk_import_leaves_it_alone(moved_seat, agent):
    order = moved_seat.order
    free_for_buyer = order.seats.filter(status=Seat.Status.AVAILABLE).count() - 1
    rows = [AssignRow(n + 2, f"learner{n}@example.com") for n in range(free_for_buyer + 1)]
    errors = validate_bulk_assign(order=order, actor=agent, rows=rows)
    assert any("available" in error.message for error in errors), errors


def test_the_buyer_manages_seats_without_a_group(agent, group):
    order = factories.make_order(seats=1, buyer=agent, group=group)
    Seat.objects.filter(order=order).update(owner_group=None)
    order.refresh_from_db()
    services.assign_seat(seat=order.seats.get(), actor=agent, email="ann@example.com")
    colleague = factories.make_agent(group, email="colleague@example.com")
    with pytest.raises(SeatActionError, match="manage this seat"):
        services.unassign_seat(seat=order.seats.get(), actor=colleague)


def test_one_orders_check_agrees_with_the_orders_list(moved_seat, agent, store_admin, learner):
    """``access_order`` checks an order at hand in Python (``SeatAuthority.sees_order``), the
    orders list asks the database (``orders_visible_to``): for everyone, the same orders."""
    order = moved_seat.order
    contoso_agent = factories.make_agent(moved_seat.owner_group, email="boss@contoso.example")
    colleague = factories.make_agent(order.owner_group, email="colleague@example.com")
    stranger = factories.make_agent(email="stranger@example.com")
    groupless = factories.make_order(seats=1, buyer=agent, group=order.owner_group)
    Seat.objects.filter(order=groupless).update(owner_group=None)
    Order.objects.filter(pk=groupless.pk).update(owner_group=None)
    people = [agent, contoso_agent, colleague, stranger, store_admin, learner]
    orders = list(Order.objects.all())
    for person in people:
        authority = SeatAuthority.of(person)
        listed = set(orders_visible_to(person))
        assert {o for o in orders if authority.sees_order(o)} == listed, person.email
    assert order in set(orders_visible_to(contoso_agent)), "one seat of it is theirs"
    assert groupless not in set(orders_visible_to(colleague)), "no seat of it is their group's"
    assert orders_visible_to(stranger).count() == 0
