"""Course progress coming back from Campus: not started, in progress, completed with a result.
``record_progress`` is the one place an enrollment's progress changes, whoever reports it: the
Campus callback, the stand-in Campus, a store admin. The re-purchase rules read what it records."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.errors import SeatActionError
from seats.models import Enrollment, Seat, SeatEvent
from seats.services._base import record_event, require_store_admin

from .models import CampusEvent

Status = Enrollment.Status
Result = Enrollment.Result
Outcome = CampusEvent.Outcome

# What Campus reports, in the order a course goes through them. Withdrawn is the store's doing
# (unassign, transfer, return), never a report.
PROGRESS_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETED)
# A report dated later than this ahead of our clock would make every true report after it look
# late; the callback's signed timestamps allow the same leeway.
CLOCK_SKEW = timedelta(minutes=5)


class InvalidReport(SeatActionError):
    """The report cannot be true whatever the enrollment's state: a completion without a result,
    a result without a completion, a time in the future."""


@dataclass(frozen=True)
class Recorded:
    """What a report did: ``outcome`` is applied, unchanged (already so) or stale (older than the
    progress recorded); ``duplicate`` when its event id was seen before and it did nothing now."""

    enrollment: Enrollment
    outcome: Outcome
    duplicate: bool = False


def record_progress(
    *,
    enrollment: Enrollment | int,
    status: str,
    result: str = Result.NONE,
    occurred_at: datetime | None = None,
    actor: User | None = None,
    event_id: str = "",
) -> Recorded:
    """Record what Campus (``actor=None``) or a store admin says of an enrollment's progress.

    Progress only moves forward, and a result is final. A report of something that happened
    before the progress already recorded arrived late and changes nothing; the same report twice
    changes nothing the second time. With an ``event_id`` (the callback's) the event is kept, so a
    redelivery of it is recognised before anything else. Refusals raise ``SeatActionError``
    (``InvalidReport`` for a report that is wrong in itself) and change nothing."""
    occurred_at = occurred_at or timezone.now()
    check_report(status=status, result=result, occurred_at=occurred_at)
    if actor is not None:
        require_store_admin(actor)
    try:
        with transaction.atomic():
            locked = _lock(enrollment)
            if event_id:
                seen = CampusEvent.objects.filter(event_id=event_id).first()
                if seen is not None:
                    return _repeat(seen, locked)
            outcome = _apply(locked, status, result, occurred_at, actor=actor, event_id=event_id)
            if event_id:
                CampusEvent.objects.create(
                    event_id=event_id,
                    enrollment=locked,
                    status=status,
                    result=result,
                    occurred_at=occurred_at,
                    outcome=outcome,
                )
    except IntegrityError as error:
        # Only a concurrent event with the same id for another enrollment gets here: events of
        # one enrollment wait for each other on its lock.
        raise InvalidReport(_reused_id(event_id)) from error
    return Recorded(locked, outcome)


def check_report(*, status: str, result: str, occurred_at: datetime) -> None:
    """Refuse a report that cannot be true whatever the enrollment's state."""
    if status not in PROGRESS_STATUSES:
        raise InvalidReport(
            f"“{status}” is not a progress status; Campus reports {', '.join(PROGRESS_STATUSES)}."
        )
    if result not in Result.values:
        raise InvalidReport(f"“{result}” is not a result; it is one of {', '.join(Result.values)}.")
    if status == Status.COMPLETED and result == Result.NONE:
        raise InvalidReport("A completed course needs its result: passed or failed.")
    if status != Status.COMPLETED and result != Result.NONE:
        raise InvalidReport("Only a completed course has a result; report it with the completion.")
    if timezone.is_naive(occurred_at):
        raise InvalidReport("The time of the progress needs its time zone (an offset, or Z).")
    if occurred_at > timezone.now() + CLOCK_SKEW:
        raise InvalidReport(
            f"The progress is dated {occurred_at.isoformat()}, in the future; check the clock "
            "of the system that reports it."
        )


def _lock(enrollment: Enrollment | int) -> Enrollment:
    """The enrollment, locked after its seat, then read afresh with its learner, course and seat.
    Seat before enrollment, as unassign, transfer and returns take them before withdrawing it:
    the other order deadlocks against them (the seat's history references the seat). A report
    therefore never lands on an enrollment that is being withdrawn."""
    pk = enrollment if isinstance(enrollment, int) else enrollment.pk
    seat_id = Enrollment.objects.filter(pk=pk).values_list("seat_id", flat=True).get()
    if seat_id is not None:
        Seat.objects.select_for_update().filter(pk=seat_id).values_list("pk", flat=True).get()
    Enrollment.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).get()
    return Enrollment.objects.select_related("learner", "product", "seat").get(pk=pk)


def _repeat(seen: CampusEvent, enrollment: Enrollment) -> Recorded:
    if seen.enrollment_id != enrollment.pk:
        raise InvalidReport(_reused_id(seen.event_id))
    return Recorded(enrollment, Outcome(seen.outcome), duplicate=True)


def _reused_id(event_id: str) -> str:
    return (
        f"The event id “{event_id}” was already used for another enrollment; give every event "
        "an id of its own."
    )


def _apply(
    enrollment: Enrollment,
    status: str,
    result: str,
    occurred_at: datetime,
    *,
    actor: User | None,
    event_id: str,
) -> Outcome:
    """Move a locked enrollment forward and write the event on its seat, or say why not."""
    learner, course = enrollment.learner.email, enrollment.product
    if enrollment.status == Status.WITHDRAWN:
        raise SeatActionError(
            f"{learner}'s enrollment in {course} was withdrawn (the seat was unassigned, "
            "transferred or returned); it takes no progress."
        )
    if enrollment.progress_at is not None and occurred_at < enrollment.progress_at:
        return Outcome.STALE
    if (status, result) == (enrollment.status, enrollment.result):
        return Outcome.UNCHANGED
    if enrollment.status == Status.COMPLETED:
        raise SeatActionError(
            f"{learner} has completed {course} ({enrollment.get_result_display()}); a completed "
            "course's result is final."
        )
    if PROGRESS_STATUSES.index(status) < PROGRESS_STATUSES.index(enrollment.status):
        raise SeatActionError(
            f"{learner} is already {enrollment.get_status_display().lower()} in {course}; "
            f"progress does not go back to {Status(status).label.lower()}."
        )
    before = enrollment.progress_label
    enrollment.status, enrollment.result, enrollment.progress_at = status, result, occurred_at
    fields = ["status", "result", "progress_at"]
    if status == Status.COMPLETED:
        enrollment.completed_at = occurred_at
        fields.append("completed_at")
    enrollment.save(update_fields=fields)
    if enrollment.seat is not None:
        _record(enrollment, before=before, actor=actor, event_id=event_id)
    return Outcome.APPLIED


def _record(enrollment: Enrollment, *, before: str, actor: User | None, event_id: str) -> None:
    """The seat's history shows the progress; the seat itself does not change."""
    seat = enrollment.seat
    details = {
        "learner": enrollment.learner.email,
        "progress": enrollment.progress_label,
        "from_progress": before,
        "status": enrollment.status,
        "result": enrollment.result,
        "occurred_at": enrollment.progress_at.isoformat(),
        "enrollment": str(enrollment.public_id),
    }
    if event_id:
        details["event_id"] = event_id
    record_event(
        seat, SeatEvent.Action.PROGRESS, from_status=seat.status, actor=actor, details=details
    )
