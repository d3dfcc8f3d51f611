"""The list pages run a fixed number of queries whatever the size of the order: session, user,
the sections the navigation offers, then the page's own (order page: the groups the agent
manages, the order with its store and owner group, counts, seats, live links, history, lines,
whether it had imports and, if so, which; and a count of the seats a search finds)."""

import pytest
from django.urls import reverse

from imports import jobs
from imports.bulk import AssignRow
from seats import services
from seats.models import Seat
from tests import factories

ORDERS_LIST_QUERIES = 6
ORDER_PAGE_QUERIES = 11
# An order that had imports: which ones, after whether it had any.
ORDER_WITH_IMPORTS_QUERIES = ORDER_PAGE_QUERIES + 1
ORDER_SEARCH_QUERIES = ORDER_WITH_IMPORTS_QUERIES + 1
GROUPS_PAGE_QUERIES = 5


def order_of(size: int, agent, group):
    """An order with seats in every state an agent sees, and some history on each."""
    order = factories.make_order(seats=size, buyer=agent, group=group)
    seats = list(order.seats.order_by("pk")[:6])
    for number, seat in enumerate(seats[:3]):
        services.assign_seat(seat=seat, actor=agent, email=f"learner{number}@example.com")
    services.request_return(seat=seats[2], actor=agent, reason="Moved on")
    for number, seat in enumerate(seats[3:5]):
        services.email_redemption(seat=seat, actor=agent, email=f"recipient{number}@example.com")
    services.resend_redemption(seat=seats[4], actor=agent)
    return order


def importing(order, agent) -> None:
    """A finished import and a running one, with progress, as the page shows them."""
    finished, running = (
        jobs.start_import(
            order=order,
            actor=agent,
            kind="assign",
            rows=[AssignRow(row=2, email=f"imported{number}@example.com")],
            enqueue=False,
        )
        for number in range(2)
    )
    jobs.run_import(finished.pk)
    jobs.report(running.pk, 0)


@pytest.mark.parametrize("size", [10, 2000])
def test_order_page_queries_do_not_grow_with_seats(
    agent_client, agent, group, size, django_assert_num_queries
):
    order = order_of(size, agent, group)
    importing(order, agent)
    url = reverse("portal:order", args=[order.pk])
    with django_assert_num_queries(ORDER_WITH_IMPORTS_QUERIES):
        response = agent_client.get(url)
    assert len(response.context["rows"]) == min(size, 25)
    assert "badge--return_pending" in response.text
    assert "Importing 1 learner: 0 done" in response.text
    assert "The import of 1 row finished" in response.text
    with django_assert_num_queries(ORDER_WITH_IMPORTS_QUERIES):
        agent_client.get(url, {"status": Seat.Status.ASSIGNED, "page": 1})
    with django_assert_num_queries(ORDER_SEARCH_QUERIES):
        agent_client.get(url, {"q": "learner", "status": Seat.Status.ASSIGNED, "page": 1})


def test_an_order_that_never_had_an_import_spares_the_query_for_them(
    agent_client, agent, group, django_assert_num_queries
):
    order = order_of(10, agent, group)
    with django_assert_num_queries(ORDER_PAGE_QUERIES):
        response = agent_client.get(reverse("portal:order", args=[order.pk]))
    assert 'id="imports-title"' not in response.text


@pytest.mark.parametrize("size", [10, 2000])
def test_orders_list_queries_do_not_grow_with_seats_or_orders(
    agent_client, agent, group, size, django_assert_num_queries
):
    order_of(size, agent, group)
    for _ in range(3):
        factories.make_order(seats=3, buyer=agent, group=group)
    with django_assert_num_queries(ORDERS_LIST_QUERIES):
        response = agent_client.get(reverse("portal:orders"))
    assert len(response.context["page"]) == 4


@pytest.mark.parametrize("size", [10, 2000])
def test_groups_page_queries_do_not_grow_with_seats_or_groups(
    agent_client, agent, group, size, django_assert_num_queries
):
    order_of(size, agent, group)
    services.refund_seat(seat=group.seats.order_by("-pk")[0], actor=factories.make_store_admin())
    other = factories.PurchasingGroupFactory(store=group.store)
    factories.GroupMembershipFactory(group=other, user=agent)
    factories.make_order(seats=size, buyer=agent, group=other, paid=False)
    with django_assert_num_queries(GROUPS_PAGE_QUERIES):
        response = agent_client.get(reverse("portal:groups"))
    assert [len(rows) for _, rows in response.context["groups"]] == [1, 1]
