from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from seats import services
from seats.lms import campus
from seats.models import Redemption
from shop import services as order_services
from tests import factories


def order_page(client, order, **params):
    return client.get(reverse("portal:order", args=[order.pk]), params)


def test_orders_list_shows_number_courses_group_and_counts(agent_client, order, seats):
    response = agent_client.get(reverse("portal:orders"))
    text = response.text
    assert response.context["nav"] == "orders"
    assert order.number in text
    assert order.lines.get().product.name in text
    assert order.owner_group.name in text
    assert "2 available" in text
    assert "1 awaiting" in text
    assert "1 assigned" in text
    assert "1 return pending" in text


def test_orders_list_is_newest_first_and_paginated(agent_client, agent, group):
    orders = [factories.make_order(seats=1, buyer=agent, group=group) for _ in range(21)]
    first_page = agent_client.get(reverse("portal:orders"))
    numbers = [order.number for order in first_page.context["page"]]
    assert numbers[0] == orders[-1].number
    assert len(numbers) == 20
    second_page = agent_client.get(reverse("portal:orders"), {"page": 2})
    assert [order.number for order in second_page.context["page"]] == [orders[0].number]


def test_orders_list_empty_state_points_to_the_shop(client, other_agent):
    client.force_login(other_agent)
    text = client.get(reverse("portal:orders")).text
    assert "No orders yet" in text
    assert reverse("shop:catalog") in text


def test_order_page_shows_lines_badges_links_and_history_length(agent_client, order, seats):
    response = order_page(agent_client, order)
    text = response.text
    line = order.lines.get()
    assert line.product.name in text
    assert f"{line.unit_price} {order.store.currency}" in text
    for status, label in [
        ("available", "Available"),
        ("awaiting", "Awaiting"),
        ("assigned", "Assigned"),
        ("return_pending", "Return pending"),
    ]:
        assert f'<span class="badge badge--{status}">{label}</span>' in text
    assigned = seats["assigned"]
    assert assigned.enrollment.training_url in text
    assert seats["return_pending"].enrollment.training_url not in text  # only assigned seats
    assert "ada@example.com" in text
    assert "grace@example.com" in text
    assert "reason: Left the company" in text
    awaiting = seats["awaiting"]
    history = reverse("portal:seat_history", args=[awaiting.pk])
    assert f'<details class="disclosure" data-history="{history}">' in text
    assert f'aria-label="History of seat {awaiting.pk} (1)">History (1)</summary>' in text
    assert f'<a href="{history}">See every event of seat {awaiting.pk}</a>' in text


def test_order_page_offers_the_actions_of_each_state(agent_client, order, seats):
    rows = dict(
        (seat.pk, [action.slug for action, _ in actions])
        for seat, actions in order_page(agent_client, order).context["rows"]
    )
    assert rows[seats["available"].pk] == ["assign", "email"]
    assert rows[seats["awaiting"].pk] == ["resend", "correct", "cancel-link"]
    assert rows[seats["assigned"].pk] == ["unassign", "transfer", "return"]
    assert rows[seats["return_pending"].pk] == []


def test_order_page_actions_link_to_their_seat_action(agent_client, order, seats):
    response = order_page(agent_client, order, status="awaiting")
    for seat, actions in response.context["rows"]:
        for action, url in actions:
            assert url == reverse("portal:seat_action", args=[seat.pk, action.slug])
    awaiting = seats["awaiting"]
    back = quote(f"{reverse('portal:order', args=[order.pk])}?status=awaiting", safe="/")
    cancel = reverse("portal:seat_action", args=[awaiting.pk, "cancel-link"])
    resend = reverse("portal:seat_action", args=[awaiting.pk, "resend"])
    text = response.text
    assert f'href="{cancel}?next={back}"' in text
    assert f'href="{resend}?next={back}"' in text, "resending asks for a confirmation first"


def test_order_page_counts_the_seats_it_pages(agent_client, order, seats):
    assert 'aria-label="Seats 1 to 5 of 5"' in order_page(agent_client, order).text
    available = order_page(agent_client, order, status="available").text
    assert 'aria-label="Seats 1 to 2 of 2"' in available
    assert 'aria-label="Seats 1 to 1 of 1"' in order_page(agent_client, order, q="grace").text


def test_order_page_names_the_course_of_each_seat_in_an_order_of_several(
    agent_client, agent, group
):
    products = [factories.ProductFactory(store=group.store) for _ in range(2)]
    order = order_services.create_order(
        store=group.store, buyer=agent, items=[(p, 1) for p in products], owner_group=group
    )
    text = order_page(agent_client, order).text
    for seat in order.seats.select_related("order_line__product"):
        row = text[text.index(f'<tr id="seat-{seat.pk}">') :]
        assert seat.order_line.product.name in row[: row.index("</tr>")]


def test_return_is_not_offered_where_the_store_refuses_returns(agent_client, order, seats):
    order.store.returns_allowed = False
    order.store.save()
    rows = dict(order_page(agent_client, order).context["rows"])
    assert "return" not in [action.slug for action, _ in rows[seats["assigned"]]]


def test_group_change_is_offered_to_an_agent_of_two_groups(agent_client, agent, order, seats):
    factories.GroupMembershipFactory(
        user=agent, group=factories.PurchasingGroupFactory(store=order.store)
    )
    rows = dict(order_page(agent_client, order).context["rows"])
    assert "group" in [action.slug for action, _ in rows[seats["available"]]]
    assert "group" not in [action.slug for action, _ in rows[seats["assigned"]]]


def test_bounced_link_is_shown_prominently(agent_client, order, seats):
    Redemption.objects.filter(seat=seats["awaiting"]).update(
        delivery_status=Redemption.Delivery.BOUNCED
    )
    text = order_page(agent_client, order).text
    assert '<span class="badge badge--bounced">Bounced</span>' in text
    assert "The email bounced: correct the address" in text


def test_unpaid_order_says_seats_wait_for_payment(agent_client, agent, group):
    order = factories.make_order(seats=2, buyer=agent, group=group, paid=False)
    response = order_page(agent_client, order)
    assert "can be assigned or emailed once it is paid" in response.text
    assert all(actions == [] for _, actions in response.context["rows"])


def test_order_page_filters_by_status(agent_client, order, seats):
    page = order_page(agent_client, order, status="available").context["page"]
    assert {seat.pk for seat in page} == {seats["available"].pk, seats["spare"].pk}


@pytest.mark.parametrize(
    ("search", "expected"),
    [("ADA@example", "assigned"), ("grace", "awaiting"), ("Ada", "assigned")],
)
def test_order_page_searches_learners_and_recipients(agent_client, order, seats, search, expected):
    page = order_page(agent_client, order, q=search).context["page"]
    assert [seat.pk for seat in page] == [seats[expected].pk]


def test_order_page_says_when_no_seat_matches(agent_client, order, seats):
    assert "No seats match these filters" in order_page(agent_client, order, q="nobody").text


def test_order_page_paginates_25_seats(agent_client, agent, group):
    order = factories.make_order(seats=30, buyer=agent, group=group)
    first = order_page(agent_client, order).context["page"]
    assert len(first) == 25
    assert len(order_page(agent_client, order, page=2).context["page"]) == 5


def test_order_page_pages_a_status_filter_by_its_own_count(agent_client, agent, group):
    order = factories.make_order(seats=30, buyer=agent, group=group)
    for seat in order.seats.order_by("pk")[:27]:
        services.email_redemption(seat=seat, actor=agent, email=f"r{seat.pk}@example.com")
    awaiting = order_page(agent_client, order, status="awaiting", page=2)
    assert (awaiting.context["page"].paginator.count, len(awaiting.context["page"])) == (27, 2)
    assert "Page 2 of 2" in awaiting.text
    available = order_page(agent_client, order, status="available")
    assert available.context["page"].paginator.count == 3
    assert "Page 1 of" not in available.text


@pytest.mark.parametrize(
    "params", [{"status": "bogus"}, {"page": "abc"}, {"page": "999"}, {"status": "x", "page": "-1"}]
)
def test_order_page_answers_a_hostile_query_string_with_a_page_of_seats(
    agent_client, agent, group, params
):
    order = factories.make_order(seats=30, buyer=agent, group=group)
    response = order_page(agent_client, order, **params)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 30 and len(page) in (25, 5)


def test_order_page_shows_started_enrollment(agent_client, order, seats):
    campus().start(seats["assigned"].enrollment)
    assert "In progress" in order_page(agent_client, order).text


def test_groups_page_shows_capacity_per_course(agent_client, order, seats, group):
    factories.make_order(seats=2, buyer=order.buyer, group=group)
    response = agent_client.get(reverse("portal:groups"))
    assert response.context["nav"] == "groups"
    ((shown, rows),) = response.context["groups"]
    assert shown == group
    assert sorted(
        (row["available"], row["awaiting"], row["assigned"], row["return_pending"]) for row in rows
    ) == [(2, 0, 0, 0), (2, 1, 1, 1)]


def test_groups_page_lists_a_group_without_seats(agent_client, agent):
    empty = factories.PurchasingGroupFactory()
    factories.GroupMembershipFactory(user=agent, group=empty)
    text = agent_client.get(reverse("portal:groups")).text
    assert empty.name in text
    assert "No seats yet" in text


def test_line_total_is_shown(agent_client, order):
    line = order.lines.get()
    assert (
        f"{line.unit_price * line.quantity} {order.store.currency}"
        in order_page(agent_client, order).text
    )
    assert line.total == Decimal("600.00")


def test_a_returns_decision_shows_on_the_seats_row(agent_client, order, seats, store_admin):
    seat = seats["return_pending"]
    services.deny_return(seat=seat, actor=store_admin, note="Course already started")
    row = order_page(agent_client, order).text.split(f'id="seat-{seat.pk}"')[1].split("</tr>")[0]
    assert "Return denied" in row
    assert "note: Course already started" in row


def test_order_page_shows_what_learners_typed_as_text(agent_client, order, seats):
    seat = seats["assigned"]
    seat.learner.first_name = "<b>Ada</b>"
    seat.learner.save()
    row = order_page(agent_client, order).text.split(f'id="seat-{seat.pk}"')[1].split("</tr>")[0]
    assert "<div>&lt;b&gt;Ada&lt;/b&gt;</div>" in row


def test_a_seats_row_shows_its_latest_event_by_time_and_counts_them_all(
    agent_client, order, seats, store_admin
):
    seat = seats["return_pending"]
    requested = seat.events.get(action="request_return")
    services.deny_return(seat=seat, actor=store_admin, note="Course already started")
    denied = seat.events.get(action="deny_return")
    seat.events.filter(pk=denied.pk).update(created_at=requested.created_at - timedelta(days=1))
    row = order_page(agent_client, order).text.split(f'id="seat-{seat.pk}"')[1].split("</tr>")[0]
    assert "Return requested" in row
    assert "Return denied" not in row
    assert f"History ({seat.events.count()})" in row
