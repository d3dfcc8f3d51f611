"""The Campus stand-in: a learner starts a course (after which the seat can no longer be
unassigned), then finishes it with a pass or a fail, which reaches the store as progress."""

import pytest

from core.errors import SeatActionError
from seats import services
from seats.models import Enrollment, Seat, SeatEvent
from tests.factories import make_seat


@pytest.fixture
def assigned(db):
    return make_seat(Seat.Status.ASSIGNED)


def take(client, enrollment, step: str):
    return client.post(enrollment.training_url, {"step": step}, follow=True)


def test_learner_starts_the_course_and_unassign_is_refused(client, assigned):
    enrollment = assigned.enrollment
    client.force_login(assigned.learner)

    page = client.get(enrollment.training_url)
    assert page.status_code == 200
    assert "Start course" in page.text
    assert 'value="pass"' not in page.text

    started = take(client, enrollment, "start")
    assert f"You started {enrollment.product.name}." in started.text
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.IN_PROGRESS
    assert "Start course" not in started.text

    with pytest.raises(SeatActionError, match="already started"):
        services.unassign_seat(seat=assigned, actor=assigned.order.buyer)


@pytest.mark.parametrize(
    ("step", "result", "said"),
    [
        ("pass", Enrollment.Result.PASSED, "and passed"),
        ("fail", Enrollment.Result.FAILED, "without passing"),
    ],
)
def test_learner_finishes_with_a_pass_or_a_fail(client, assigned, step, result, said):
    enrollment = assigned.enrollment
    client.force_login(assigned.learner)
    take(client, enrollment, "start")

    finished = take(client, enrollment, step)

    assert f"You completed {enrollment.product.name} {said}." in finished.text
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.result) == (Enrollment.Status.COMPLETED, result)
    assert enrollment.completed_at is not None
    assert 'value="pass"' not in finished.text
    event = SeatEvent.objects.filter(seat=assigned).last()
    assert event.action == SeatEvent.Action.PROGRESS
    assert event.details["progress"] == f"Completed — {result.label}"
    assert Seat.objects.get(pk=assigned.pk).status == Seat.Status.ASSIGNED


def test_a_result_is_final(client, assigned):
    enrollment = assigned.enrollment
    client.force_login(assigned.learner)
    take(client, enrollment, "start")
    take(client, enrollment, "fail")

    again = take(client, enrollment, "pass")

    assert "a completed course&#x27;s result is final" in again.text
    enrollment.refresh_from_db()
    assert enrollment.result == Enrollment.Result.FAILED


def test_an_unknown_step_changes_nothing(client, assigned):
    client.force_login(assigned.learner)
    response = take(client, assigned.enrollment, "skip")
    assert "Choose Start course, Pass or Fail." in response.text
    assert Enrollment.objects.get(pk=assigned.enrollment_id).status == (
        Enrollment.Status.NOT_STARTED
    )


def test_a_withdrawn_enrollment_takes_no_progress(client, assigned):
    enrollment = assigned.enrollment
    services.unassign_seat(seat=assigned, actor=assigned.order.buyer)
    client.force_login(enrollment.learner)

    page = client.get(enrollment.training_url)
    assert "This enrollment was withdrawn" in page.text
    response = take(client, enrollment, "fail")

    assert "it takes no progress" in response.text
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.result) == (
        Enrollment.Status.WITHDRAWN,
        Enrollment.Result.NONE,
    )


@pytest.mark.parametrize("step", ["start", "pass", "fail"])
def test_someone_else_cannot_open_or_take_the_course(client, assigned, other_agent, step):
    client.force_login(other_agent)
    url = assigned.enrollment.training_url
    assert client.get(url).status_code == 404
    assert client.post(url, {"step": step}).status_code == 404
    assert Enrollment.objects.get(pk=assigned.enrollment_id).status == (
        Enrollment.Status.NOT_STARTED
    )


def test_the_course_page_needs_a_csrf_token(assigned):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(assigned.learner)
    assert client.post(assigned.enrollment.training_url, {"step": "start"}).status_code == 403
