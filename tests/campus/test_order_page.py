"""The agent sees each held seat's progress on the order page, in the seat's history and in the
CSV export, and the page still runs the same queries."""

import csv
import io

import pytest
from django.urls import reverse

from campus.progress import record_progress
from seats.models import Enrollment, Seat
from tests.factories import make_seat
from tests.portal.test_queries import ORDER_PAGE_QUERIES, order_of

S = Enrollment.Status
R = Enrollment.Result


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def progressed(order):
    """Held seats of ``order`` at each step: not started, in progress, passed, failed."""
    seats = [
        make_seat(Seat.Status.ASSIGNED, order=order, learner_email=f"{name}@example.com")
        for name in ("idle", "busy", "ace", "flunk")
    ]
    _, busy, ace, flunk = (seat.enrollment for seat in seats)
    record_progress(enrollment=busy, status=S.IN_PROGRESS)
    record_progress(enrollment=ace, status=S.COMPLETED, result=R.PASSED)
    record_progress(enrollment=flunk, status=S.COMPLETED, result=R.FAILED)
    return {seat.learner.email.split("@")[0]: seat for seat in seats}


def row_of(text: str, seat) -> str:
    start = text.index(f'id="seat-{seat.pk}"')
    return text[start : text.index("</tr>", start)]


def test_the_order_page_shows_each_seats_progress(agent_client, order, progressed):
    text = agent_client.get(reverse("portal:order", args=[order.pk])).text
    assert "Not started" in row_of(text, progressed["idle"])
    assert "In progress" in row_of(text, progressed["busy"])
    assert "Completed — Passed" in row_of(text, progressed["ace"])
    flunk = row_of(text, progressed["flunk"])
    assert "Completed — Failed" in flunk
    history = reverse("portal:seat_history", args=[progressed["flunk"].pk])
    assert f'data-history="{history}"' in flunk
    assert "<strong>Course progress</strong>" in agent_client.get(history).text


def test_the_export_has_each_seats_result_and_completion(agent_client, order, progressed):
    response = agent_client.get(reverse("portal:export", args=[order.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    assert header[-2:] == ["course_result", "course_completed"]
    by_learner = {row[4]: row for row in rows}
    flunk = Enrollment.objects.get(pk=progressed["flunk"].enrollment_id)
    assert by_learner["flunk@example.com"][6] == "Completed"
    assert by_learner["flunk@example.com"][-2:] == ["Failed", flunk.completed_at.isoformat()]
    assert by_learner["ace@example.com"][-2] == "Passed"
    assert by_learner["busy@example.com"][6] == "In progress"
    assert by_learner["busy@example.com"][-2:] == ["", ""]
    assert by_learner[""][-2:] == ["", ""]  # a seat nobody holds


def test_progress_costs_the_order_page_no_query(
    agent_client, agent, group, django_assert_num_queries
):
    order = order_of(10, agent, group)
    for seat in order.seats.filter(status=Seat.Status.ASSIGNED):
        record_progress(enrollment=seat.enrollment, status=S.COMPLETED, result=R.FAILED)
    with django_assert_num_queries(ORDER_PAGE_QUERIES):
        text = agent_client.get(reverse("portal:order", args=[order.pk])).text
    assert text.count('<div class="small muted">Completed — Failed</div>') == 2
