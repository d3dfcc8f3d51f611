"""The list endpoints run a fixed number of queries whatever the number of rows: the key (with its
user), the page, and one query per relation a page brings (an order's lines, a seat's live link,
the groups' capacity)."""

import pytest

from seats import services
from tests import factories

LISTS = {
    "/orders": 3,
    "/seats": 3,
    "/seats?search=example": 3,
    "/redemptions": 2,
    "/events": 2,
    "/groups": 3,
}


def _grow(agent, group, size: int) -> None:
    """``size`` more seats, orders and groups, half of the seats with a link or a learner."""
    for _ in range(2):
        other = factories.PurchasingGroupFactory(store=group.store)
        factories.GroupMembershipFactory(user=agent, group=other)
        order = factories.make_order(seats=size // 2, buyer=agent, group=other)
        seats = list(order.seats.order_by("pk")[: size // 4 * 2])
        for number, (emailed, assigned) in enumerate(zip(seats[::2], seats[1::2])):
            services.email_redemption(seat=emailed, actor=agent, email=f"r{number}@example.com")
            services.assign_seat(seat=assigned, actor=agent, email=f"l{number}@example.com")


@pytest.mark.parametrize("path", list(LISTS))
def test_a_list_costs_the_same_at_10_and_many_rows(
    api, agent, group, path, django_assert_num_queries
):
    _grow(agent, group, 10)
    api.get(path)  # the key's last use is noted once a minute; this was the minute's write
    separator = "&" if "?" in path else "?"
    with django_assert_num_queries(LISTS[path]):
        small = api.get(f"{path}{separator}limit=100").json()["items"]

    _grow(agent, group, 40)
    with django_assert_num_queries(LISTS[path]):
        large = api.get(f"{path}{separator}limit=100").json()["items"]
    assert len(large) > len(small) > 0
