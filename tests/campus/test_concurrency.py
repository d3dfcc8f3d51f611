"""Real threads against PostgreSQL: the enrollment's row lock keeps reports and withdrawals in
order."""

import pytest

from campus.models import CampusEvent
from campus.progress import record_progress
from seats import services
from seats.models import Enrollment, Seat, SeatEvent
from tests.factories import make_seat
from tests.support.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_event_delivered_twice_at_once_is_applied_once():
    enrollment = make_seat(Seat.Status.ASSIGNED).enrollment
    results, refusals = race(
        [
            lambda: record_progress(
                enrollment=enrollment.pk, status="completed", result="failed", event_id="evt-1"
            )
            for _ in range(2)
        ]
    ).settled()
    assert refusals == []
    assert sorted(result.duplicate for result in results) == [False, True]
    assert CampusEvent.objects.count() == 1
    assert SeatEvent.objects.filter(action=SeatEvent.Action.PROGRESS).count() == 1


def test_a_start_racing_an_unassign_leaves_one_of_them():
    """Either the learner started and the seat stays theirs, or the seat went back and the
    withdrawn enrollment took no progress: never a started course on a withdrawn enrollment."""
    seat = make_seat(Seat.Status.ASSIGNED)
    results, refusals = race(
        [
            lambda: record_progress(enrollment=seat.enrollment_id, status="in_progress"),
            lambda: services.unassign_seat(seat=seat.pk, actor=seat.order.buyer),
        ]
    ).settled()
    assert len(results) == 1
    assert len(refusals) == 1
    enrollment = Enrollment.objects.get(pk=seat.enrollment_id)
    if Seat.objects.get(pk=seat.pk).status == Seat.Status.ASSIGNED:
        assert enrollment.status == Enrollment.Status.IN_PROGRESS
        assert "already started" in refusals[0]
    else:
        assert enrollment.status == Enrollment.Status.WITHDRAWN
        assert "it takes no progress" in refusals[0]
