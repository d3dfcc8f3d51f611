"""Changelists cost the same number of queries whatever the number of rows: no per-row queries.
Each list is measured with a small and a large data set and pinned to the same count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import PurchasingGroup
from orders.models import Order, Refund
from seats.models import ReturnRequest, Seat, SeatEvent
from tests import factories
from tests.support.admin import changelist_url

pytestmark = pytest.mark.django_db


def populate(group, *, seats: int, held: int):
    """An order of ``seats`` seats of which ``held`` are assigned, with a pending return, an
    emailed link and a refund among them, plus one more order per held seat."""
    order = factories.make_order(seats=seats, group=group)
    for i in range(held):
        factories.make_seat(Seat.Status.RETURN_PENDING, order=order, learner_email=f"l{i}@x.io")
        factories.make_seat(Seat.Status.AWAITING, order=order, learner_email=f"r{i}@x.io")
        factories.make_seat(Seat.Status.RETURNED, order=order)
        factories.PurchasingGroupFactory(store=group.store)
        factories.make_order(seats=2, group=group, buyer=order.buyer)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


LISTS = {
    Seat: 9,  # session, user, 2 permissions, 3 filter choices, count, rows
    Order: 8,  # session, user, 2 permissions, 2 filter choices, count, rows
    ReturnRequest: 8,  # session, user, 2 permissions, store filter, pending and all counts, rows
    PurchasingGroup: 7,  # session, user, 2 permissions, store filter, count, rows
    Refund: 7,
    SeatEvent: 6,
}


@pytest.mark.parametrize("model", list(LISTS), ids=lambda m: m.__name__)
def test_changelist_query_count_does_not_grow_with_rows(staff_client, group, model):
    url = changelist_url(model)
    populate(group, seats=10, held=1)
    small = queries_for(staff_client, url)

    populate(group, seats=300, held=8)
    large = queries_for(staff_client, url)

    assert model.objects.count() > 1
    assert (small, large) == (LISTS[model], LISTS[model])


def test_the_seat_list_shows_many_rows_in_one_query(staff_client, group, django_assert_num_queries):
    populate(group, seats=300, held=8)
    with django_assert_num_queries(LISTS[Seat]):
        response = staff_client.get(changelist_url(Seat))
    assert len(response.context["cl"].result_list) == 50
