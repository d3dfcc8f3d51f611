"""A seat's history reads as text in the admin ("learner: ann@example.com · reason: …"), never as
raw JSON, and what a person typed is escaped."""

import pytest

from imports.bulk import AssignRow, bulk_assign
from seats import services
from seats.models import SeatEvent
from tests.support.admin import change_url, changelist_url

pytestmark = pytest.mark.django_db

REASON = '<script>alert("x")</script> & "left"'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;left&quot;"


@pytest.fixture
def returning(order):
    """A seat assigned to ann@example.com, whose return was asked for with a hostile reason."""
    seat = order.seats.first()
    services.assign_seat(seat=seat, actor=order.buyer, email="ann@example.com")
    services.request_return(seat=seat, actor=order.buyer, reason=REASON)
    return seat


def test_the_seat_history_reads_as_text(staff_client, returning):
    page = staff_client.get(change_url(returning)).content.decode()
    assert "learner: ann@example.com" in page
    request = returning.return_requests.get()
    assert f"reason: {ESCAPED} · return request id: {request.pk}" in page
    assert '{"learner"' not in page and "&quot;learner&quot;" not in page
    assert "<script>alert" not in page


def test_the_event_list_and_page_read_as_text(staff_client, returning):
    event = returning.events.get(action=SeatEvent.Action.REQUEST_RETURN)
    listed = staff_client.get(changelist_url(SeatEvent)).content.decode()
    assert f"reason: {ESCAPED}" in listed
    page = staff_client.get(change_url(event)).content.decode()
    assert f"reason: {ESCAPED}" in page
    assert "&quot;reason&quot;" not in page
    assert "<script>alert" not in listed + page


def test_a_flag_reads_as_yes(staff_client, order):
    bulk_assign(order=order, actor=order.buyer, rows=[AssignRow(row=2, email="bo@example.com")])
    seat = order.seats.get(learner__email="bo@example.com")
    page = staff_client.get(change_url(seat)).content.decode()
    assert "bulk: yes · learner: bo@example.com" in page
