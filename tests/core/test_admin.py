"""A staff user sees and does only what their Django permissions allow; everyone else is sent to
the admin's login."""

import pytest
from django.contrib.auth.models import Permission

from orders.models import Order
from seats.models import ReturnRequest, Seat
from tests import factories
from tests.support.admin import action_url, change_url, changelist_url, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_return(order):
    return factories.make_seat(Seat.Status.RETURN_PENDING, order=order).return_requests.get()


def test_view_only_staff_see_seats_without_actions(viewer_client, order):
    seat = order.seats.first()
    page = viewer_client.get(change_url(seat)).content.decode()
    assert "Assign the seat" not in page
    assert 'id="object-actions"' not in page
    listing = viewer_client.get(changelist_url(Seat)).content.decode()
    assert "cancel_links" not in listing
    assert "refund_at_full_price" not in listing


def test_view_only_staff_cannot_post_a_transition(viewer_client, order):
    seat = order.seats.first()
    response = viewer_client.post(
        action_url(seat, "refund"), {"refund-amount": "120.00", "refund-reason": ""}
    )
    assert response.status_code == 403
    seat.refresh_from_db()
    assert seat.status == Seat.Status.AVAILABLE


def test_view_only_staff_cannot_run_bulk_actions(viewer_client, order):
    ids = list(order.seats.values_list("pk", flat=True))
    response = viewer_client.post(
        changelist_url(Seat),
        {"action": "refund_at_full_price", "_selected_action": ids},
        follow=True,
    )
    assert response.status_code == 200
    assert not Seat.objects.filter(status=Seat.Status.RETURNED).exists()


def test_view_only_staff_cannot_mark_paid_or_decide_returns(viewer_client, order, pending_return):
    unpaid = factories.make_order(seats=1, paid=False)
    assert viewer_client.post(action_url(unpaid, "mark-paid")).status_code == 403
    assert viewer_client.post(action_url(pending_return, "deny"), {}).status_code == 403
    response = viewer_client.post(
        changelist_url(Order), {"action": "mark_paid", "_selected_action": [unpaid.pk]}
    )
    assert response.status_code in (200, 302)
    unpaid.refresh_from_db()
    pending_return.refresh_from_db()
    assert unpaid.status == Order.Status.AWAITING_PAYMENT
    assert pending_return.state == ReturnRequest.State.PENDING


def test_the_services_refuse_staff_who_are_not_store_admins(client, pending_return):
    """May change return requests, but not seats: not a store admin, so the service refuses."""
    clerk = factories.UserFactory(is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(codename__in=["view_returnrequest", "change_returnrequest"])
    )
    client.force_login(clerk)

    response = client.post(action_url(pending_return, "deny"), {"deny-note": "no"}, follow=True)

    pending_return.refresh_from_db()
    assert pending_return.state == ReturnRequest.State.PENDING
    assert "Only a store admin can do this." in messages_of(response)


@pytest.mark.parametrize("who", ["anonymous", "agent"])
def test_non_staff_are_sent_to_the_admin_login(client, agent, order, who):
    if who == "agent":
        client.force_login(agent)
    seat = order.seats.first()
    for url in (changelist_url(Seat), change_url(seat), action_url(seat, "refund")):
        response = client.post(url) if url.endswith("/refund/") else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    seat.refresh_from_db()
    assert seat.status == Seat.Status.AVAILABLE
