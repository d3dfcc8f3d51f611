"""A retail order is one seat for its buyer: it goes to them when paid, and nobody hands it out,
whatever page or URL they use."""

import pytest
from django.urls import reverse

from core.errors import SeatActionError
from imports.bulk import AssignRow, validate_bulk_assign
from orders.models import Order
from seats import services
from seats.models import Seat
from shop import services as order_services
from tests import factories

RETAIL_REFUSAL = "is a retail purchase: its one seat is for its buyer and cannot be handed out"


@pytest.fixture
def buyer(db):
    return factories.UserFactory(email="buyer@example.com")


@pytest.fixture
def retail_order(buyer):
    product = factories.ProductFactory()
    order = order_services.create_order(
        store=product.store, buyer=buyer, items=[(product, 1)], kind=Order.Kind.RETAIL
    )
    order_services.mark_order_paid(order=order, actor=factories.make_store_admin())
    return order


def test_paying_gives_the_buyer_their_seat(retail_order, buyer):
    seat = retail_order.seats.get()
    assert (seat.status, seat.learner) == (Seat.Status.ASSIGNED, buyer)
    assert seat.events.get().details == {"learner": buyer.email, "retail": True}


@pytest.fixture
def unused_retail_seat(buyer):
    """A paid retail order whose seat stayed free: its buyer was enrolled elsewhere meanwhile."""
    product = factories.ProductFactory()
    other = factories.make_order(seats=1, product=product)
    services.assign_seat(seat=other.seats.get(), actor=other.buyer, email=buyer.email)
    order = order_services.create_order(
        store=product.store, buyer=buyer, items=[(product, 1)], kind=Order.Kind.RETAIL
    )
    order_services.mark_order_paid(order=order, actor=factories.make_store_admin())
    seat = order.seats.get()
    assert seat.status == Seat.Status.AVAILABLE
    return seat


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (services.assign_seat, {"email": "stranger@example.com"}),
        (services.email_redemption, {"email": "stranger@example.com"}),
        (services.change_seat_owner_group, {}),
    ],
    ids=["assign", "email", "change group"],
)
def test_a_free_retail_seat_is_handed_out_by_nobody(unused_retail_seat, buyer, service, kwargs):
    seat = unused_retail_seat
    if service is services.change_seat_owner_group:
        kwargs = {"group": factories.PurchasingGroupFactory(store=seat.order.store)}
    for actor in (buyer, factories.make_store_admin()):
        with pytest.raises(SeatActionError, match=RETAIL_REFUSAL):
            service(seat=seat, actor=actor, **kwargs)
    fresh = Seat.objects.get(pk=seat.pk)
    assert (fresh.status, fresh.owner_group_id, fresh.version) == (
        Seat.Status.AVAILABLE,
        None,
        seat.version,
    )


def test_a_free_retail_seat_is_not_handed_out_in_bulk(unused_retail_seat, buyer):
    order = unused_retail_seat.order
    errors = validate_bulk_assign(order=order, actor=buyer, rows=[AssignRow(2, "x@example.com")])
    assert [error.message for error in errors if error.row is None] == [
        f"Order {order.number} {RETAIL_REFUSAL} to someone else."
    ]


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (services.unassign_seat, {}),
        (services.transfer_seat, {"email": "stranger@example.com"}),
        (services.request_return, {"reason": "Changed my mind"}),
    ],
    ids=["unassign", "transfer", "request return"],
)
def test_the_buyers_seat_stays_theirs(retail_order, buyer, service, kwargs):
    seat = retail_order.seats.get()
    with pytest.raises(SeatActionError, match=RETAIL_REFUSAL):
        service(seat=seat, actor=buyer, **kwargs)
    fresh = Seat.objects.get(pk=seat.pk)
    assert (fresh.learner, fresh.status) == (buyer, Seat.Status.ASSIGNED)


def test_the_buyers_order_page_shows_their_seat_and_no_agent_tools(client, retail_order, buyer):
    seat = retail_order.seats.get()
    client.force_login(buyer)
    page = client.get(reverse("portal:order", args=[retail_order.pk])).text
    assert f'id="seat-{seat.pk}"' in page
    assert f'aria-label="Training link for seat {seat.pk}"' in page
    for tool in ("Hand out many seats", "Assign seat", "Email link seat", "Unassign seat"):
        assert tool not in page
    for action in ("assign", "email", "unassign", "transfer", "group"):
        url = reverse("portal:seat_action", args=[seat.pk, action])
        response = client.post(url, {"version": seat.version, "email": "x@example.com"})
        assert response.status_code == 200
        assert Seat.objects.get(pk=seat.pk).learner == buyer
