"""Purchasing groups in the admin: their agents and their capacity."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from groups.models import GroupMembership, PurchasingGroup
from seats.models import Seat
from tests import factories
from tests.portal.helpers import EVERY_COLUMN, EVERY_COLUMN_TOTAL, group_in_every_column
from tests.support.admin import change_url, changelist_url

pytestmark = pytest.mark.django_db


def test_the_group_page_shows_capacity_per_product_and_invoice_items(staff_client, order, group):
    factories.make_seat(Seat.Status.ASSIGNED, order=order)
    factories.make_seat(Seat.Status.AWAITING, order=order, learner_email="r@example.com")
    second = factories.make_order(seats=2, group=group)

    response = staff_client.get(change_url(group))

    page = response.content.decode()
    capacity = response.context["adminform"].form.instance
    assert capacity == group
    product = order.lines.get().product
    assert (
        f'<th scope="row">{product.name}</th>\n      <td class="num">3</td><td class="num">1</td>'
        '<td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num">0</td>'
        '<td class="num"><strong>5</strong></td>'
    ) in page
    assert order.number in page
    assert second.number in page
    assert f"?order__id__exact={order.pk}&amp;owner_group__id__exact={group.pk}" in page


def test_the_group_page_shows_the_figures_of_the_groups_page(staff_client, agent, group):
    """Returned seats and the seats of unpaid orders have their own columns, as the agent sees
    them on the Groups page, and the columns add up to the total."""
    product = group_in_every_column(agent, group)
    page = staff_client.get(change_url(group)).content.decode()
    header = "".join(
        f'<th scope="col" class="num">{label}</th>'
        for label in [
            "Available",
            "Awaiting",
            "Assigned",
            "Return pending",
            "Returned",
            "Awaiting payment",
        ]
    )
    assert f'<th scope="col">Product</th>{header}<th scope="col" class="num">Total</th>' in page
    cells = "".join(f'<td class="num">{n}</td>' for n in EVERY_COLUMN)
    assert (
        f'<th scope="row">{product.name}</th>\n      {cells}'
        f'<td class="num"><strong>{EVERY_COLUMN_TOTAL}</strong></td>'
    ) in page
    agent_client = Client()
    agent_client.force_login(agent)
    ((_, (row,)),) = agent_client.get(reverse("portal:groups")).context["groups"]
    assert (row["figures"], row["total"]) == (EVERY_COLUMN, EVERY_COLUMN_TOTAL)


def test_a_group_without_seats_says_so(staff_client, store):
    empty = PurchasingGroup.objects.create(store=store, name="New team")
    page = staff_client.get(change_url(empty)).content.decode()
    assert "This group owns no seats yet." in page


def test_the_group_list_counts_seats(staff_client, order, group):
    factories.make_seat(Seat.Status.ASSIGNED, order=order)
    row = next(
        g
        for g in staff_client.get(changelist_url(PurchasingGroup)).context["cl"].result_list
        if g.pk == group.pk
    )
    assert (row.seat_count, row.available_count, row.assigned_count) == (5, 4, 1)


def test_add_an_agent_to_a_group(staff_client, store_admin, group, learner):
    store_admin.user_permissions.add(Permission.objects.get(codename="view_user"))
    prefix = "memberships"
    existing = GroupMembership.objects.filter(group=group).count()
    staff_client.post(
        change_url(group),
        {
            "name": group.name,
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-user": learner.pk,
            f"{prefix}-0-role": "agent",
        },
    )
    assert GroupMembership.objects.filter(group=group).count() == existing + 1
    assert learner.purchasing_groups.get() == group
