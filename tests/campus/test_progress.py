"""record_progress: the one place an enrollment's progress changes. It moves only forward, keeps a
result for good, ignores what arrives late or twice, and leaves a line in the seat's history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campus.models import CampusEvent
from campus.progress import InvalidReport, record_progress
from core.errors import SeatActionError
from seats import services
from seats.models import Enrollment, Seat, SeatEvent
from tests.factories import make_seat

S = Enrollment.Status
R = Enrollment.Result
NOW = timezone.now()


def progress(enrollment) -> tuple:
    fresh = Enrollment.objects.get(pk=enrollment.pk)
    return fresh.status, fresh.result


def history(seat) -> list:
    return list(SeatEvent.objects.filter(seat=seat, action=SeatEvent.Action.PROGRESS))


def report(enrollment, status, result=R.NONE, **kwargs):
    return record_progress(enrollment=enrollment, status=status, result=result, **kwargs)


def test_progress_moves_forward_and_writes_the_seat_history(seat, enrollment):
    started = report(enrollment, S.IN_PROGRESS, occurred_at=NOW - timedelta(hours=2))
    finished = report(enrollment, S.COMPLETED, R.FAILED, occurred_at=NOW - timedelta(hours=1))

    assert started.outcome == finished.outcome == CampusEvent.Outcome.APPLIED
    fresh = Enrollment.objects.get(pk=enrollment.pk)
    assert (fresh.status, fresh.result) == (S.COMPLETED, R.FAILED)
    assert fresh.completed_at == fresh.progress_at == NOW - timedelta(hours=1)
    assert fresh.progress_label == "Completed — Failed"
    started_event, finished_event = history(seat)
    assert (finished_event.from_status, finished_event.to_status) == (
        Seat.Status.ASSIGNED,
        Seat.Status.ASSIGNED,
    )
    assert finished_event.actor is None
    assert finished_event.details["progress"] == "Completed — Failed"
    assert finished_event.details["from_progress"] == "In progress"
    assert finished_event.details["learner"] == "learner@example.com"
    assert finished_event.details["enrollment"] == str(enrollment.public_id)
    assert started_event.details["progress"] == "In progress"
    seat_after = Seat.objects.get(pk=seat.pk)
    assert (seat_after.status, seat_after.version) == (seat.status, seat.version)


def test_campus_may_report_only_the_completion(enrollment):
    report(enrollment, S.COMPLETED, R.PASSED)
    assert progress(enrollment) == (S.COMPLETED, R.PASSED)


def test_the_same_report_twice_changes_nothing_the_second_time(seat, enrollment):
    report(enrollment, S.COMPLETED, R.PASSED, occurred_at=NOW)
    again = report(enrollment, S.COMPLETED, R.PASSED, occurred_at=NOW + timedelta(minutes=1))

    assert again.outcome == CampusEvent.Outcome.UNCHANGED
    assert len(history(seat)) == 1
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at == NOW


def test_an_older_report_arriving_late_does_not_overwrite_a_newer_one(seat, enrollment):
    report(enrollment, S.COMPLETED, R.FAILED, occurred_at=NOW)

    late_start = report(enrollment, S.IN_PROGRESS, occurred_at=NOW - timedelta(minutes=5))
    late_pass = report(enrollment, S.COMPLETED, R.PASSED, occurred_at=NOW - timedelta(minutes=1))

    assert late_start.outcome == late_pass.outcome == CampusEvent.Outcome.STALE
    assert progress(enrollment) == (S.COMPLETED, R.FAILED)
    assert len(history(seat)) == 1


def test_a_repeated_in_progress_does_not_hide_a_completion_that_happened_before_it(enrollment):
    """Only changes date the progress: a later "still in progress" must not make the completion
    that happened in between look late."""
    report(enrollment, S.IN_PROGRESS, occurred_at=NOW - timedelta(hours=3))
    report(enrollment, S.IN_PROGRESS, occurred_at=NOW - timedelta(hours=1))
    report(enrollment, S.COMPLETED, R.PASSED, occurred_at=NOW - timedelta(hours=2))
    assert progress(enrollment) == (S.COMPLETED, R.PASSED)


@pytest.mark.parametrize(
    ("first", "then", "message"),
    [
        ((S.COMPLETED, R.PASSED), (S.COMPLETED, R.FAILED), "result is final"),
        ((S.COMPLETED, R.FAILED), (S.IN_PROGRESS, R.NONE), "result is final"),
        ((S.IN_PROGRESS, R.NONE), (S.NOT_STARTED, R.NONE), "does not go back to not started"),
    ],
)
def test_progress_never_goes_back(seat, enrollment, first, then, message):
    report(enrollment, *first, occurred_at=NOW - timedelta(hours=1))
    events = history(seat)

    with pytest.raises(SeatActionError, match=message):
        report(enrollment, *then, occurred_at=NOW)

    assert progress(enrollment) == first
    assert history(seat) == events


def test_a_withdrawn_enrollment_takes_no_progress(seat, enrollment):
    services.unassign_seat(seat=seat, actor=seat.order.buyer)

    with pytest.raises(SeatActionError, match=r"was withdrawn .* it takes no progress"):
        report(enrollment, S.COMPLETED, R.PASSED)

    assert progress(enrollment) == (S.WITHDRAWN, R.NONE)
    assert history(seat) == []


@pytest.mark.parametrize(
    ("status", "result", "message"),
    [
        (S.COMPLETED, R.NONE, "A completed course needs its result"),
        (S.IN_PROGRESS, R.PASSED, "Only a completed course has a result"),
        (S.WITHDRAWN, R.NONE, "is not a progress status"),
        ("graduated", R.NONE, "is not a progress status"),
        (S.COMPLETED, "excellent", "is not a result"),
    ],
)
def test_impossible_reports_are_refused(enrollment, status, result, message):
    with pytest.raises(InvalidReport, match=message):
        report(enrollment, status, result)
    assert progress(enrollment) == (S.NOT_STARTED, R.NONE)


def test_a_report_from_the_future_is_refused(enrollment):
    """It would make every true report after it look late."""
    with pytest.raises(InvalidReport, match="in the future"):
        report(enrollment, S.IN_PROGRESS, occurred_at=NOW + timedelta(hours=1))
    assert progress(enrollment) == (S.NOT_STARTED, R.NONE)


def test_a_store_admin_records_a_result_others_may_not(seat, enrollment, store_admin, agent):
    with pytest.raises(SeatActionError, match="Only a store admin"):
        report(enrollment, S.COMPLETED, R.PASSED, actor=agent)
    assert progress(enrollment) == (S.NOT_STARTED, R.NONE)

    report(enrollment, S.COMPLETED, R.PASSED, actor=store_admin)

    assert progress(enrollment) == (S.COMPLETED, R.PASSED)
    assert history(seat)[0].actor == store_admin


def test_an_event_id_is_kept_and_its_redelivery_changes_nothing(seat, enrollment):
    first = report(enrollment, S.IN_PROGRESS, occurred_at=NOW, event_id="evt-1")
    report(enrollment, S.COMPLETED, R.PASSED, occurred_at=NOW + timedelta(seconds=1))

    again = report(enrollment, S.IN_PROGRESS, occurred_at=NOW, event_id="evt-1")

    assert (first.outcome, first.duplicate) == (CampusEvent.Outcome.APPLIED, False)
    assert (again.outcome, again.duplicate) == (CampusEvent.Outcome.APPLIED, True)
    assert progress(enrollment) == (S.COMPLETED, R.PASSED)
    assert CampusEvent.objects.get(event_id="evt-1").enrollment == enrollment
    assert len(history(seat)) == 2


def test_an_event_id_used_for_another_enrollment_is_refused(order, enrollment):
    other = make_seat(Seat.Status.ASSIGNED, order=order, learner_email="other@example.com")
    report(enrollment, S.IN_PROGRESS, event_id="evt-1")

    with pytest.raises(InvalidReport, match="already used for another enrollment"):
        report(other.enrollment, S.IN_PROGRESS, event_id="evt-1")

    assert progress(other.enrollment) == (S.NOT_STARTED, R.NONE)


def test_an_enrollment_without_a_seat_records_progress_without_history(enrollment):
    """Campus may know enrollments from before this store (re-purchase rules read them)."""
    from tests.factories import UserFactory

    loose = Enrollment.objects.create(learner=UserFactory(), product=enrollment.product)
    report(loose, S.COMPLETED, R.PASSED)
    assert progress(loose) == (S.COMPLETED, R.PASSED)
