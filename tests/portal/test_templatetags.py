"""The seats table and the orders list are paged with page numbers: the first and last pages,
two on each side of the current one, a gap (…) for the rest; the links keep the filter and the
search."""

import re

from django.urls import reverse

from imports.bulk import AssignRow, bulk_assign
from tests import factories


def pagination(response) -> str:
    return re.search(r'<nav class="pagination".*?</nav>', response.text, re.DOTALL).group()


def numbers(nav: str) -> list[str]:
    """What the page list shows, in order: numbers and gaps."""
    return re.findall(r"<li>(?:<a [^>]*>|<span [^>]*>)([^<]+)</", nav)


def current(nav: str) -> str:
    return re.search(r'<a [^>]*aria-current="page"[^>]*>(\d+)</a>', nav).group(1)


def order_page(client, order, **params):
    return client.get(reverse("portal:order", args=[order.pk]), params)


def test_seat_pages_are_numbered_around_the_current_one(agent_client, agent, group):
    order = factories.make_order(seats=500, buyer=agent, group=group)
    nav = pagination(order_page(agent_client, order, page=10))
    assert 'aria-label="Seat pages"' in nav
    assert numbers(nav) == ["1", "…", "8", "9", "10", "11", "12", "…", "20"]
    assert current(nav) == "10"
    assert 'aria-label="Page 10 of 20"' in nav
    assert '<a href="?page=20" aria-label="Page 20">20</a>' in nav


def test_page_links_keep_the_status_filter_and_the_search(agent_client, agent, group):
    order = factories.make_order(seats=200, buyer=agent, group=group)
    rows = [AssignRow(row=n + 2, email=f"learner{n}@example.com") for n in range(180)]
    bulk_assign(order=order, actor=agent, rows=rows)
    nav = pagination(order_page(agent_client, order, status="assigned", q="learner", page=2))
    assert numbers(nav) == ["1", "2", "3", "4", "…", "8"]
    assert current(nav) == "2"
    for page in (1, 3, 4, 8):
        assert f'href="?status=assigned&amp;q=learner&amp;page={page}"' in nav


def test_the_orders_list_is_numbered_too(agent_client, agent, group):
    for _ in range(21):
        factories.make_order(seats=1, buyer=agent, group=group)
    nav = pagination(agent_client.get(reverse("portal:orders"), {"page": 2}))
    assert 'aria-label="Order pages"' in nav
    assert numbers(nav) == ["1", "2"]
    assert current(nav) == "2"
