"""The dashboards of a group and of an order: their numbers are the seats', their charts are
drawn for screen readers too, another organization's ids are a 404, and a page costs the same
queries with 10 seats as with 100,000."""

import pytest
from django.db import connection
from django.urls import reverse

from seats import services
from seats.models import Seat, SeatEvent
from tests import factories


def group_dashboard(client, group):
    return client.get(reverse("portal:group_dashboard", args=[group.pk]))


def order_dashboard(client, order):
    return client.get(reverse("portal:order_dashboard", args=[order.pk]))


def test_order_dashboard_shows_the_orders_figures(agent_client, agent, order):
    services.email_redemption(seat=order.seats.first(), actor=agent, email="r@example.com")
    services.assign_seat(seat=order.seats.last(), actor=agent, email="ada@example.com")
    response = order_dashboard(agent_client, order)
    assert response.status_code == 200
    assert dict(response.context["stats"].funnel)["Purchased"] == 5
    assert dict(response.context["stats"].funnel)["Emailed a link"] == 1
    week = response.context["stats"].weeks[-1].counts
    assert (week["available"], week["awaiting"], week["assigned"]) == (3, 1, 1)


def test_charts_are_images_with_a_title_and_their_numbers_in_a_table(agent_client, order):
    text = order_dashboard(agent_client, order).text
    for chart in ("funnel", "statuses", "redemptions"):
        assert 'role="img" viewBox' in text
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in text
        assert f'<title id="{chart}-title">' in text
    assert '<th scope="row">Purchased</th><td class="num">5</td>' in text
    assert "<script" not in text


def test_group_dashboard_counts_the_groups_seats_across_orders(agent_client, agent, group, order):
    factories.make_order(seats=2, buyer=agent, group=group)
    response = group_dashboard(agent_client, group)
    assert response.status_code == 200
    assert dict(response.context["stats"].funnel)["Purchased"] == 7


def test_dashboards_are_linked_from_the_groups_and_order_pages(agent_client, group, order):
    assert (
        reverse("portal:group_dashboard", args=[group.pk])
        in agent_client.get(reverse("portal:groups")).text
    )
    assert (
        reverse("portal:order_dashboard", args=[order.pk])
        in agent_client.get(reverse("portal:order", args=[order.pk])).text
    )


def test_another_organizations_dashboards_are_not_found(client, other_agent, group, order):
    client.force_login(other_agent)
    assert group_dashboard(client, group).status_code == 404
    assert order_dashboard(client, order).status_code == 404


def test_missing_ids_are_not_found(agent_client):
    assert agent_client.get("/account/groups/999999/dashboard/").status_code == 404
    assert agent_client.get("/account/orders/999999/dashboard/").status_code == 404


def test_dashboards_ask_a_visitor_to_sign_in(client, group, order):
    assert group_dashboard(client, group)["Location"].startswith("/account/login/")


# Session, user, the navigation, the door (group or order), then seat_stats's five aggregates.
DASHBOARD_QUERIES = 9
# The order's door is two: the groups the agent manages (``request_authority``), then the order.
ORDER_DASHBOARD_QUERIES = DASHBOARD_QUERIES + 1


def test_dashboards_with_ten_seats_run_a_fixed_number_of_queries(
    agent_client, agent, group, django_assert_num_queries
):
    order = factories.make_order(seats=10, buyer=agent, group=group)
    for seat in order.seats.all()[:4]:
        services.email_redemption(seat=seat, actor=agent, email=f"r{seat.pk}@example.com")
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert group_dashboard(agent_client, group).status_code == 200
    with django_assert_num_queries(ORDER_DASHBOARD_QUERIES):
        assert order_dashboard(agent_client, order).status_code == 200


def _add_seats(order, count: int) -> None:
    """``count`` more seats in the order's line, a tenth of them emailed (with their events),
    in three set-based statements."""
    line = order.lines.get()
    seats, events = Seat._meta.db_table, SeatEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {seats} (order_id, order_line_id, owner_group_id, status, version, "
            "updated_at) SELECT %s, %s, %s, CASE WHEN n %% 10 = 0 THEN 'awaiting' ELSE "
            "'available' END, 0, now() FROM generate_series(1, %s) AS n",
            [order.pk, line.pk, order.owner_group_id, count],
        )
        cursor.execute(
            f"INSERT INTO {events} (seat_id, action, from_status, to_status, created_at, details) "
            f"SELECT id, 'email_redemption', 'available', 'awaiting', now(), '{{}}' FROM {seats} "
            "WHERE order_id = %s AND status = 'awaiting'",
            [order.pk],
        )
        cursor.execute("ANALYZE")
    line.quantity += count
    line.save(update_fields=["quantity"])


@pytest.mark.postgres
def test_dashboards_with_100_000_seats_run_the_same_queries(
    agent_client, agent, group, django_assert_num_queries
):
    order = factories.make_order(seats=10, buyer=agent, group=group)
    _add_seats(order, 100_000)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = group_dashboard(agent_client, group)
    assert dict(response.context["stats"].funnel)["Purchased"] == 100_010
    assert response.context["stats"].weeks[-1].counts["awaiting"] == 10_000
    with django_assert_num_queries(ORDER_DASHBOARD_QUERIES):
        assert order_dashboard(agent_client, order).status_code == 200
