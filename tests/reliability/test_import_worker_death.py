"""A real Celery worker killed in the middle of a big import: nothing of it stays, nothing is
applied twice, and the next stalled-import sweep hands the job to another worker at once."""

import contextlib
import threading
from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from accounts.models import User
from imports import jobs
from imports.bulk import AssignRow
from notifications.models import OutboundEmail
from seats.models import ImportJob, Seat, SeatEvent
from tests import factories
from tests.notifications.conftest import celery_broker
from tests.support.redis_server import REDIS_URL
from tests.support.waiting import DEADLINE, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = 5
ROLLED_BACK = "rolled back"


@contextlib.contextmanager
def someone_creating(email: str) -> Iterator[None]:
    """Another session creates an account with ``email`` and neither commits nor gives up until
    the block ends (then it rolls back): an import adding that learner waits for it, mid-apply."""
    created, done = threading.Event(), threading.Event()

    def create():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            User.objects.create_user(email=email)
            created.set()
            done.wait(timeout=DEADLINE * 2)  # past any wait_for below
            raise RuntimeError(ROLLED_BACK)
        connection.close()

    thread = threading.Thread(target=create)
    thread.start()
    try:
        assert created.wait(timeout=30)
        yield
    finally:
        done.set()
        thread.join(timeout=30)


def a_session_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock')"
        )
        return cursor.fetchone()[0]


def held_by_a_worker(job: ImportJob) -> bool:
    with transaction.atomic():
        free = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk)
        return not free.exists()


def test_worker_killed_mid_import_the_next_sweep_has_it_applied_once(smtp_sink, start_worker):
    order = factories.make_order(seats=ROWS)
    rows = [AssignRow(row=n + 2, email=f"learner{n}@example.com") for n in range(ROWS)]
    with someone_creating(rows[-1].email):
        with celery_broker(REDIS_URL):
            job = jobs.start_import(order=order, actor=order.buyer, kind="assign", rows=rows)
        first = start_worker(sink=smtp_sink)
        wait_for(
            a_session_waits_for_a_lock,
            what="the import to reach the last learner",
            explain=first.log,
        )
        assert held_by_a_worker(job)
        assert jobs.requeue_stalled() == 0  # a live worker has it
        first.kill()
        # PostgreSQL notices the dead worker even while its statement waits, and rolls it back.
        wait_for(lambda: not held_by_a_worker(job), what="the dead worker's lock to go")

    assert not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()
    assert not User.objects.filter(email__startswith="learner").exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED

    with celery_broker(REDIS_URL):
        assert jobs.requeue_stalled() == 1  # the next sweep, not twenty minutes on
    second = start_worker(sink=smtp_sink)
    wait_for(
        lambda: ImportJob.objects.get(pk=job.pk).status != ImportJob.Status.QUEUED,
        what="the second worker to apply the import",
        explain=second.log,
    )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.result
    assert order.seats.filter(status=Seat.Status.ASSIGNED).count() == ROWS
    assert SeatEvent.objects.filter(seat__order=order).count() == ROWS
    assert User.objects.filter(email__startswith="learner").count() == ROWS
    assert OutboundEmail.objects.filter(to_email__startswith="learner").count() == ROWS
