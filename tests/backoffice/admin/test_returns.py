"""The returns queue: pending requests oldest first; approve (refund or seat credit) and deny from a
request's page or the list; the agent is emailed the decision."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.models import OutboundEmail
from orders.models import Refund
from seats.emails import SeatEmail
from seats.models import Enrollment, ReturnRequest, Seat
from tests import factories
from tests.support.admin import action_url, change_url, changelist_url, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(order):
    """Three pending requests, the first made longest ago, and one already denied."""
    seats = [
        factories.make_seat(Seat.Status.RETURN_PENDING, order=order, learner_email=f"l{i}@x.io")
        for i in range(4)
    ]
    made = [seat.return_requests.get() for seat in seats]
    for age, request in zip((3, 1, 2, 5), made, strict=True):
        ReturnRequest.objects.filter(pk=request.pk).update(
            created_at=timezone.now() - timedelta(days=age)
        )
    decided = made[3]
    decided.state = ReturnRequest.State.DENIED
    decided.save()
    return made


def decision_emails(agent):
    return OutboundEmail.objects.filter(kind=SeatEmail.RETURN_DECIDED, to_email=agent.email)


def test_the_queue_lists_pending_requests_oldest_first(staff_client, requests):
    response = staff_client.get(changelist_url(ReturnRequest))
    listed = [r.pk for r in response.context["cl"].result_list]
    assert listed == [requests[0].pk, requests[2].pk, requests[1].pk]
    page = response.content.decode()
    assert "Left the company" in page
    assert "3\xa0days" in page


def test_the_state_filter_shows_decided_requests_too(staff_client, requests):
    everything = staff_client.get(changelist_url(ReturnRequest), {"state": "all"})
    assert everything.context["cl"].result_count == 4
    denied = staff_client.get(changelist_url(ReturnRequest), {"state": "denied"})
    assert [r.pk for r in denied.context["cl"].result_list] == [requests[3].pk]


def test_approve_with_the_default_refund(staff_client, requests, agent):
    request = requests[0]
    page = staff_client.get(change_url(request)).content.decode()
    assert 'value="120.00"' in page  # the refund amount defaults to what is left to refund

    response = staff_client.post(
        action_url(request, "approve"),
        {"approve-amount": "120.00", "approve-note": "Refunded in full"},
        follow=True,
    )

    request.refresh_from_db()
    seat = request.seat
    assert request.state == ReturnRequest.State.APPROVED
    assert request.note == "Refunded in full"
    assert request.refund.amount == Decimal("120.00")
    assert seat.status == Seat.Status.AVAILABLE
    assert Enrollment.objects.get(seat=seat).status == Enrollment.Status.WITHDRAWN
    assert decision_emails(agent).count() == 1
    assert (
        f"The return of seat {seat.pk} is approved with a refund of 120.00; "
        "the seat is available again." in (messages_of(response))
    )


def test_approve_with_zero_is_a_seat_credit(staff_client, requests, agent):
    request = requests[0]
    staff_client.post(action_url(request, "approve"), {"approve-amount": "0", "approve-note": ""})

    request.refresh_from_db()
    assert request.state == ReturnRequest.State.APPROVED
    assert request.refund is None
    assert not Refund.objects.exists()
    assert request.seat.status == Seat.Status.AVAILABLE
    assert decision_emails(agent).count() == 1


def test_deny_keeps_the_seat_and_enrollment(staff_client, requests, agent):
    request = requests[0]
    enrollment = request.seat.enrollment

    staff_client.post(action_url(request, "deny"), {"deny-note": "Training already underway"})

    request.refresh_from_db()
    enrollment.refresh_from_db()
    assert request.state == ReturnRequest.State.DENIED
    assert request.note == "Training already underway"
    assert request.seat.status == Seat.Status.ASSIGNED
    assert request.seat.enrollment == enrollment
    assert enrollment.status == Enrollment.Status.NOT_STARTED
    assert decision_emails(agent).count() == 1


def test_a_decided_request_offers_no_actions(staff_client, requests):
    decided = requests[3]
    page = staff_client.get(change_url(decided)).content.decode()
    assert "Approve the return" not in page
    assert staff_client.post(action_url(decided, "approve"), {}).status_code == 404


def test_bulk_approve_at_full_refund(staff_client, requests, agent):
    selected = [requests[0].pk, requests[1].pk, requests[3].pk]

    response = staff_client.post(
        changelist_url(ReturnRequest) + "?state=all",
        {"action": "approve_at_full_refund", "_selected_action": selected},
        follow=True,
    )

    messages = messages_of(response)
    assert "2 return requests approved." in messages
    assert any("1 refused" in m and "was already decided" in m for m in messages)
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [Decimal("120.00")] * 2
    assert decision_emails(agent).count() == 2


def test_bulk_deny_asks_for_a_note_first(staff_client, requests, agent):
    selected = [requests[0].pk, requests[1].pk]
    url = changelist_url(ReturnRequest)

    page = staff_client.post(url, {"action": "deny", "_selected_action": selected})
    assert page.status_code == 200
    assert "Deny the selected returns" in page.content.decode()
    assert ReturnRequest.objects.filter(state="pending").count() == 3

    staff_client.post(
        url,
        {"action": "deny", "_selected_action": selected, "apply": "Deny", "note": "Not eligible"},
    )

    denied = ReturnRequest.objects.filter(pk__in=selected)
    assert {(r.state, r.note) for r in denied} == {("denied", "Not eligible")}
    assert decision_emails(agent).count() == 2


def test_a_new_request_emails_the_store(order, store):
    factories.make_seat(Seat.Status.RETURN_PENDING, order=order)
    assert OutboundEmail.objects.filter(
        kind=SeatEmail.RETURN_REQUESTED, to_email=store.support_email
    ).exists()
