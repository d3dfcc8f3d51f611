"""The agent's Groups page: each group's seats per course, in columns that add up to the total."""

from django.urls import reverse

from tests import factories
from tests.portal.helpers import EVERY_COLUMN, EVERY_COLUMN_TOTAL, group_in_every_column


def groups_page(client):
    return client.get(reverse("portal:groups"))


def test_groups_page_columns_add_up_to_the_total(agent_client, agent, group):
    product = group_in_every_column(agent, group)
    response = groups_page(agent_client)
    ((shown, (row,)),) = response.context["groups"]
    assert shown == group
    assert row["order_line__product__name"] == product.name
    assert (row["figures"], row["total"]) == (EVERY_COLUMN, EVERY_COLUMN_TOTAL)
    assert sum(row["figures"]) == row["total"]


def test_groups_page_shows_returned_and_awaiting_payment_apart(agent_client, agent, group):
    group_in_every_column(agent, group)
    text = groups_page(agent_client).text
    headers = [
        "Course",
        "Available",
        "Awaiting",
        "Assigned",
        "Return pending",
        "Returned",
        "Awaiting payment",
        "Total",
    ]
    positions = [text.index(f">{header}</th>") for header in headers]
    assert positions == sorted(positions)
    cells = "".join(f'<td class="num">{n}</td>\n          ' for n in EVERY_COLUMN)
    assert f'{cells}<td class="num">{EVERY_COLUMN_TOTAL}</td>' in text


def test_unpaid_seats_are_not_available(agent_client, agent, group):
    factories.make_order(seats=4, buyer=agent, group=group, paid=False)
    ((_, (row,)),) = groups_page(agent_client).context["groups"]
    assert (row["available"], row["awaiting_payment"], row["total"]) == (0, 4, 4)
