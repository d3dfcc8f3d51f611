"""Orders in the admin: seat counts, filters and search, mark paid, set the owner group."""

import pytest

from groups.models import PurchasingGroup
from orders.models import Order
from seats.models import Seat, SeatEvent
from tests import factories
from tests.support.admin import action_url, change_url, changelist_url, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpaid(agent, group):
    return factories.make_order(seats=2, buyer=agent, group=group, paid=False)


def test_the_list_shows_seat_counts_per_status(staff_client, order):
    factories.make_seat(Seat.Status.ASSIGNED, order=order)
    factories.make_seat(Seat.Status.AWAITING, order=order, learner_email="r@example.com")

    row = staff_client.get(changelist_url(Order)).context["cl"].result_list[0]

    assert (row.seat_count, row.available_count, row.awaiting_count, row.assigned_count) == (
        5,
        3,
        1,
        1,
    )


def test_filters_and_search(staff_client, order, unpaid, other_agent):
    foreign = factories.make_order(seats=1, buyer=other_agent)
    url = changelist_url(Order)

    def listed(**params):
        return {o.pk for o in staff_client.get(url, params).context["cl"].result_list}

    assert listed(status__exact="awaiting_payment") == {unpaid.pk}
    assert listed(store__id__exact=foreign.store_id) == {foreign.pk}
    assert listed(owner_group__id__exact=order.owner_group_id) == {order.pk, unpaid.pk}
    assert listed(q=order.number) == {order.pk}
    assert listed(q="stranger@") == {foreign.pk}
    assert listed(**{"placed_at__gte": "2000-01-01"}) == {order.pk, unpaid.pk, foreign.pk}


def test_mark_paid_from_the_list(staff_client, unpaid, order):
    response = staff_client.post(
        changelist_url(Order),
        {"action": "mark_paid", "_selected_action": [unpaid.pk, order.pk]},
        follow=True,
    )

    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.PAID
    assert unpaid.paid_at is not None
    assert "2 orders marked paid." in messages_of(response)


def test_mark_paid_from_the_order_page(staff_client, unpaid):
    assert "Mark paid" in staff_client.get(change_url(unpaid)).content.decode()

    response = staff_client.post(action_url(unpaid, "mark-paid"), follow=True)

    unpaid.refresh_from_db()
    assert unpaid.is_paid
    assert f"Order {unpaid.number} is paid; its seats can be assigned and emailed." in (
        messages_of(response)
    )
    assert "Mark paid" not in staff_client.get(change_url(unpaid)).content.decode()


def test_a_cancelled_order_cannot_be_marked_paid(staff_client, unpaid):
    Order.objects.filter(pk=unpaid.pk).update(status=Order.Status.CANCELLED)
    response = staff_client.post(
        changelist_url(Order), {"action": "mark_paid", "_selected_action": [unpaid.pk]}, follow=True
    )
    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.CANCELLED
    assert f"1 refused ({unpaid.number}): Order {unpaid.number} is cancelled." in messages_of(
        response
    )


def test_set_owner_group_moves_unassigned_seats_and_keeps_assigned_ones(staff_client, order):
    factories.make_seat(Seat.Status.ASSIGNED, order=order)
    factories.make_seat(Seat.Status.RETURN_PENDING, order=order, learner_email="b@example.com")
    target = PurchasingGroup.objects.create(store=order.store, name="Warehouse")
    url = changelist_url(Order)

    page = staff_client.post(url, {"action": "set_owner_group", "_selected_action": [order.pk]})
    assert page.status_code == 200
    assert "Warehouse" in page.content.decode()
    assert not Seat.objects.filter(owner_group=target).exists()

    response = staff_client.post(
        url,
        {
            "action": "set_owner_group",
            "_selected_action": [order.pk],
            "apply": "yes",
            "group": target.pk,
        },
        follow=True,
    )

    assert "3 seats moved to Warehouse, 2 assigned seats kept their group." in messages_of(response)
    assert Seat.objects.filter(order=order, owner_group=target).count() == 3
    assert SeatEvent.objects.filter(action=SeatEvent.Action.CHANGE_OWNER_GROUP).count() == 3
    order.refresh_from_db()
    assert order.owner_group == target


def test_set_owner_group_from_the_order_page(staff_client, order):
    target = PurchasingGroup.objects.create(store=order.store, name="Warehouse")
    response = staff_client.post(
        action_url(order, "owner-group"), {"owner-group-group": target.pk}, follow=True
    )
    assert "5 seats moved to Warehouse, 0 assigned seats kept their group." in messages_of(response)


def test_set_owner_group_refuses_orders_of_several_stores(staff_client, order, other_agent):
    foreign = factories.make_order(seats=1, buyer=other_agent)
    response = staff_client.post(
        changelist_url(Order),
        {"action": "set_owner_group", "_selected_action": [order.pk, foreign.pk]},
        follow=True,
    )
    assert "Choose orders of one store: groups belong to a store." in messages_of(response)


def test_a_group_of_another_store_is_not_offered(staff_client, order, other_agent):
    foreign_group = other_agent.purchasing_groups.get()
    response = staff_client.post(
        action_url(order, "owner-group"), {"owner-group-group": foreign_group.pk}, follow=True
    )
    assert any(m.startswith("Nothing was changed. Owner group:") for m in messages_of(response))
    assert not Seat.objects.filter(owner_group=foreign_group, order=order).exists()


def test_orders_are_read_only_and_never_added_here(staff_client, order):
    assert staff_client.get(changelist_url(Order) + "add/").status_code == 403
    response = staff_client.post(change_url(order), {"status": "cancelled"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_the_order_page_lists_its_lines_and_seats(staff_client, order):
    page = staff_client.get(change_url(order)).content.decode()
    line = order.lines.get()
    assert line.product.name in page
    assert "5 available, 0 awaiting, 0 assigned, 0 return pending, 0 returned" in page
    assert f"?order__id__exact={order.pk}" in page
