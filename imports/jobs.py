"""Imports too big to apply within a request, applied by a background task; and, the same way,
actions on more seats selected on the order page than a request should take (``selection``).

``start_import`` checks the rows exactly as the synchronous import does and refuses with every
row problem; otherwise it saves the rows in an ``ImportJob`` and queues the task once the job is
committed. ``run_import`` applies them with the same ``bulk_assign`` / ``bulk_email_redemptions``,
all or nothing, in one transaction that also marks the job done or failed and holds the job's row
lock from start to end. That lock is how everyone else knows a live worker has the job: a worker
that dies half-way loses it with its connection (PostgreSQL ends the session at once, or within
half a minute for a machine that vanished), its transaction rolls back and the job is queued and
unlocked again, which the beat's sweep (``requeue_stalled``, every 30 seconds) hands to the
broker again. A second delivery of a job that was applied finds it done, and one of a job being
applied finds it locked: both do nothing. While it runs, the rows written so far are reported to
the cache after each batch, since nothing the transaction writes (the job's own status included)
is visible to the order page before it commits.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import SeatActionError
from core.sessions import end_with_its_process
from orders.models import Order, OrderLine
from seats.models import ImportJob

from . import bulk, selection

logger = logging.getLogger("seats")

PROGRESS_SECONDS = 24 * 3600
SHOWN_PROBLEMS = 3


def _seats(count: int) -> str:
    return f"{count:,} seat{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class ImportKind:
    """What an import of one kind checks, applies and says when it is done."""

    row_type: type
    validate: Callable[..., list[bulk.RowError]]
    apply: Callable[..., bulk.BulkResult]
    done: Callable[[bulk.BulkResult], str]
    noun: str  # "learners": what the rows are
    needs_line: bool = True  # its rows are of one course (a selection's may be of several)


def _selection_kind(kind: ImportJob.Kind) -> ImportKind:
    """A background job of an action on seats selected on the order page: the plan was checked
    on its confirmation page; each seat is checked again by its service."""
    action = selection.ACTIONS[kind]
    return ImportKind(
        row_type=selection.SelectedSeat,
        validate=lambda **kwargs: [],
        apply=partial(selection.apply_to_seats, action=action),
        done=partial(selection.done_message, action),
        noun="seats",
        needs_line=False,
    )


KINDS = {
    ImportJob.Kind.ASSIGN: ImportKind(
        row_type=bulk.AssignRow,
        validate=bulk.validate_bulk_assign,
        apply=bulk.bulk_assign,
        done=lambda result: (
            f"{_seats(result.seats)} assigned and the learners emailed "
            f"({result.invited:,} new to Seatstore, invited to set a password)."
        ),
        noun="learners",
    ),
    ImportJob.Kind.EMAIL: ImportKind(
        row_type=bulk.RecipientRow,
        validate=bulk.validate_bulk_email,
        apply=bulk.bulk_email_redemptions,
        done=lambda result: (
            f"Redemption links for {_seats(result.seats)} are on their way; "
            "each seat awaits its recipient."
        ),
        noun="recipients",
    ),
    **{kind: _selection_kind(kind) for kind in ImportJob.SELECTION},
}


def progress_key(job_id: int) -> str:
    return f"import:{job_id}:progress"


def progress_of(jobs: Iterable[ImportJob]) -> dict[int, int]:
    """{job id: rows written so far} for the jobs that have started writing."""
    keys = {progress_key(job.pk): job.pk for job in jobs}
    if not keys:
        return {}
    found = _quietly(cache.get_many, list(keys)) or {}
    return {keys[key]: done for key, done in found.items()}


def start_import(
    *,
    order: Order,
    actor: User,
    kind: str,
    rows: list,
    line: OrderLine | None = None,
    seat_ids: list[int] | None = None,
    enqueue: bool = True,
) -> ImportJob:
    """Check the rows, then save them as a queued job and queue its task once committed.
    Refuses with ``BulkRefused`` (every row problem) as the synchronous import does, and with
    ``SeatActionError`` when the course is not clear. ``seat_ids`` limits the seats the rows
    may take to those selected. ``enqueue=False`` leaves the job for the caller to run (the
    benchmark times ``run_import`` in-process)."""
    import_kind = KINDS[ImportJob.Kind(kind)]
    if import_kind.needs_line:
        line = bulk.order_line(order, line)
        errors = import_kind.validate(
            order=order, actor=actor, rows=rows, line=line, **_limited_to(seat_ids)
        )
        if errors:
            raise bulk.BulkRefused(errors)
    job = ImportJob.objects.create(
        order=order,
        line=line,
        actor=actor,
        kind=kind,
        total_rows=len(rows),
        rows=[asdict(row) for row in rows],
        seat_ids=seat_ids or [],
    )
    if enqueue:
        transaction.on_commit(lambda: _queue(job.pk))
    return job


def _limited_to(seat_ids: list[int] | None) -> dict:
    """The ``seat_ids`` argument of the apply, given only for selected seats: the CSV assign
    import has no selection."""
    return {"seat_ids": seat_ids} if seat_ids else {}


def _queue(job_id: int, *, fail_unqueued: bool = True) -> bool:
    """Hand the job to the broker; True if it took it. If it cannot be reached, the job fails at
    once with a message the agent sees on the order page, rather than waiting for ever; the
    sweep (``fail_unqueued=False``) leaves it waiting instead, for its next run."""
    from .tasks import run_import as task

    try:
        task.delay(job_id)
    except Exception:  # the broker's errors vary by transport; all mean "not queued"
        logger.warning("Broker unavailable; import %s not queued", job_id, exc_info=True)
        if fail_unqueued:
            ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
                status=ImportJob.Status.FAILED,
                result="The import could not be started, so nothing was applied. Upload the "
                "file again in a few minutes.",
                finished_at=timezone.now(),
            )
        return False
    return True


def requeue_stalled() -> int:
    """Queue again every queued job that no live worker holds: one whose worker died (its lock
    went with its connection), one whose message the broker lost (a Redis restarted without its
    data), and one merely waiting its turn, which gets a second message that finds it done or
    locked. A locked job is being applied and is left alone. A broker that cannot be reached
    fails none of them (one waiting its turn may still be in it): the next run tries again.
    Returns how many were queued."""
    with transaction.atomic():
        unheld = ImportJob.objects.select_for_update(skip_locked=True).filter(
            status=ImportJob.Status.QUEUED
        )
        job_ids = list(unheld.values_list("pk", flat=True))
    queued = 0
    for job_id in job_ids:
        if not _queue(job_id, fail_unqueued=False):
            break
        queued += 1
    return queued


def run_import(job_id: int) -> ImportJob | None:
    """Apply a queued job, all or nothing, and record how it ended. Returns the job, or None when
    there is nothing to do: it was applied already, or another worker is applying it. The job's
    row stays locked until the outcome is committed, so the sweep leaves it to this worker."""
    job = None
    end_with_its_process()
    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("order", "line", "actor")
                .filter(pk=job_id, status=ImportJob.Status.QUEUED)
                .first()
            )
            if job is None:
                return None
            job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
            job.save(update_fields=["status", "started_at"])
            report(job.pk, 0)
            _apply(job)
    finally:
        if job is not None:
            _forget(job.pk)
    return job


def report(job_id: int, done: int) -> None:
    """Tell the order page how many rows the running job has written."""
    _quietly(cache.set, progress_key(job_id), done, PROGRESS_SECONDS)


def _forget(job_id: int) -> None:
    _quietly(cache.delete, progress_key(job_id))


def _quietly(call: Callable, *args):
    """Progress is a courtesy: the cache being away must fail neither an import nor the page."""
    try:
        return call(*args)
    except Exception:  # the cache backends' errors vary
        logger.warning("Import progress unavailable", exc_info=True)
        return None


def _apply(job: ImportJob) -> None:
    """Inside the job's transaction: apply its rows in a savepoint of their own, so that whatever
    stops them rolls back every row and nothing else, then mark the job done or failed."""
    import_kind = KINDS[job.kind]
    errors = []
    try:
        with transaction.atomic():
            result = import_kind.apply(
                order=job.order,
                actor=job.actor,
                rows=[import_kind.row_type(**row) for row in job.rows],
                line=job.line,
                progress=lambda done: report(job.pk, done),
                **_limited_to(job.seat_ids),
            )
    except bulk.BulkRefused as refused:
        errors = refused.errors
        status, message = ImportJob.Status.FAILED, _problems(refused)
    except SeatActionError as error:
        status, message = ImportJob.Status.FAILED, error.message
    except Exception:  # a bug or a lost worker limit: the agent must still learn the outcome
        logger.exception("Import %s failed", job.pk)
        status = ImportJob.Status.FAILED
        message = (
            "Something went wrong while applying the file, so nothing was applied. Upload it "
            "again; if this happens again, contact support."
        )
    else:
        status, message = ImportJob.Status.DONE, import_kind.done(result)
        errors = result.skipped
    job.status, job.result, job.finished_at = status, message, timezone.now()
    job.errors = [asdict(error) for error in errors]
    job.save(update_fields=["status", "result", "errors", "finished_at"])


def _problems(refused: bulk.BulkRefused) -> str:
    """The refusal with its first problems, for the order page; the job keeps them all."""
    shown = [
        f"Row {error.row}: {error.message}" if error.row else error.message
        for error in refused.errors[:SHOWN_PROBLEMS]
    ]
    more = len(refused.errors) - SHOWN_PROBLEMS
    return " ".join([refused.message, *shown, *([f"And {more:,} more."] if more > 0 else [])])
