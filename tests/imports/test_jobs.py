"""Background imports (imports.jobs): checked before they are queued, applied all or
nothing by the task, at most once, with their progress and outcome on the order page."""

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from django.db import Error, connection
from django.urls import reverse

from accounts.models import User
from imports import bulk, jobs, tasks
from imports.bulk import AssignRow, BulkRefused, RecipientRow
from notifications.models import OutboundEmail
from seats import services
from seats.models import ImportJob, Seat, SeatEvent


def rows_of(count: int) -> list[AssignRow]:
    return [AssignRow(row=n + 2, email=f"learner{n}@example.com") for n in range(count)]


def start(order, agent, rows, kind="assign") -> ImportJob:
    return jobs.start_import(order=order, actor=agent, kind=kind, rows=rows, enqueue=False)


def order_page(client, order) -> str:
    return client.get(reverse("portal:order", args=[order.pk])).text


def nothing_changed(order) -> bool:
    """No seat of the order moved, and the first row's learner was neither created nor emailed."""
    return (
        not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()
        and not SeatEvent.objects.filter(seat__order=order).exists()
        and not User.objects.filter(email="learner0@example.com").exists()
        and not OutboundEmail.objects.filter(to_email="learner0@example.com").exists()
    )


def test_start_refuses_with_every_row_problem_and_queues_nothing(order, agent):
    rows = [AssignRow(row=2, email="broken"), AssignRow(row=3, email="BROKEN")]
    with pytest.raises(BulkRefused) as refused:
        start(order, agent, rows)
    assert [error.row for error in refused.value.errors] == [2, 3]
    assert not ImportJob.objects.exists()


def test_start_saves_the_rows_and_queues_the_task_once_committed(
    order, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        job = jobs.start_import(order=order, actor=agent, kind="assign", rows=rows_of(3))
    assert (job.status, job.total_rows, job.line) == ("queued", 3, order.lines.get())
    assert job.rows[0] == {
        "row": 2,
        "email": "learner0@example.com",
        "first_name": "",
        "last_name": "",
        "answers": {},
    }
    assert len(queued) == 1
    assert nothing_changed(order)

    queued[0]()  # the broker hands it to a worker (Celery runs eagerly in tests)
    job.refresh_from_db()
    assert job.status == "done"
    assert job.result == (
        "3 seats assigned and the learners emailed (3 new to Seatstore, invited to set a password)."
    )
    assert job.started_at <= job.finished_at
    assert order.seats.filter(status=Seat.Status.ASSIGNED).count() == 3


def test_a_broker_that_cannot_be_reached_fails_the_job_visibly(
    agent_client, order, agent, monkeypatch
):
    job = start(order, agent, rows_of(2))

    def unreachable(job_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.run_import, "delay", unreachable)
    jobs._queue(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "could not be started, so nothing was applied" in order_page(agent_client, order)
    assert nothing_changed(order)


def test_order_page_shows_the_progress_of_a_running_import(agent_client, order, agent):
    job = start(order, agent, rows_of(4))
    page = order_page(agent_client, order)
    assert "Importing 4 learners: waiting to start</strong>" in page
    assert '<meta http-equiv="refresh" content="3">' in page

    jobs.report(job.pk, 2)  # what the task reports after a batch
    page = order_page(agent_client, order)
    assert "Importing 4 learners: 2 done</strong>" in page
    assert '<progress max="4" value="2"' in page
    assert '<meta http-equiv="refresh" content="3">' in page


def test_email_imports_say_what_they_do(agent_client, order, agent):
    job = start(order, agent, [RecipientRow(2, "a@example.com")], kind="email")
    jobs.report(job.pk, 0)
    assert "Emailing links to 1 recipient: 0 done</strong>" in order_page(agent_client, order)
    tasks.run_import(job.pk)
    page = order_page(agent_client, order)
    assert "Redemption links for 1 seat are on their way" in page
    assert order.seats.filter(status=Seat.Status.AWAITING).count() == 1


def test_the_task_reports_progress_after_each_batch(order, agent, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    reported = []
    monkeypatch.setattr(jobs, "report", lambda job_id, done: reported.append((job_id, done)))
    job = start(order, agent, rows_of(5))
    assert tasks.run_import(job.pk) == "done"
    assert reported == [(job.pk, 0), (job.pk, 2), (job.pk, 4), (job.pk, 5)]


def test_order_page_shows_the_finished_import_and_stops_refreshing(agent_client, order, agent):
    job = start(order, agent, rows_of(2))
    jobs.report(job.pk, 1)
    tasks.run_import(job.pk)
    page = order_page(agent_client, order)
    assert "The import of 2 rows finished" in page
    assert "2 seats assigned and the learners emailed" in page
    assert "Importing" not in page
    assert "http-equiv" not in page
    assert jobs.progress_of([job]) == {}


def test_an_import_whose_rows_became_invalid_fails_and_changes_nothing(
    agent_client, order, agent, make_learner_with_enrollment
):
    job = start(order, agent, rows_of(3))
    make_learner_with_enrollment("learner1@example.com")  # enrolled while the job waited
    assert tasks.run_import(job.pk) == "failed"
    job.refresh_from_db()
    product = order.lines.get().product
    problem = (
        f"learner1@example.com already has an active enrollment in {product}; ask a store "
        "admin to resolve it before assigning this seat."
    )
    assert job.result == f"Nothing was applied: the import has 1 problem. Row 3: {problem}"
    assert job.errors == [{"row": 3, "message": problem}]
    assert nothing_changed(order)
    page = order_page(agent_client, order)
    assert "The import of 3 rows failed" in page
    assert "Row 3: learner1@example.com already has an active enrollment" in page


def test_an_import_fails_when_its_seats_were_taken_meanwhile(order, agent):
    job = start(order, agent, rows_of(5))
    seat = order.seats.first()
    services.email_redemption(seat=seat, actor=agent, email="someone@example.com")
    assert tasks.run_import(job.pk) == "failed"
    job.refresh_from_db()
    assert job.result.startswith("Nothing was applied: the import has 1 problem. The import has")
    assert "only 4 seats" in job.result
    assert order.seats.filter(status=Seat.Status.AVAILABLE).count() == 4


def test_a_failed_import_shows_its_first_problems_and_keeps_them_all(
    order, agent, make_learner_with_enrollment
):
    job = start(order, agent, rows_of(5))
    for n in range(5):
        make_learner_with_enrollment(f"learner{n}@example.com")
    tasks.run_import(job.pk)
    job.refresh_from_db()
    assert job.result.startswith("Nothing was applied: the import has 5 problems. Row 2: ")
    assert "Row 4: learner2@example.com" in job.result
    assert "Row 5:" not in job.result
    assert job.result.endswith("And 2 more.")
    assert [error["row"] for error in job.errors] == [2, 3, 4, 5, 6]


def test_an_unexpected_error_fails_the_job_and_applies_nothing(order, agent, monkeypatch):
    def broken(**kwargs):
        bulk.bulk_assign(**kwargs)
        raise RuntimeError("bug")

    kind = jobs.KINDS[ImportJob.Kind.ASSIGN]
    monkeypatch.setitem(jobs.KINDS, ImportJob.Kind.ASSIGN, replace(kind, apply=broken))
    job = start(order, agent, rows_of(2))
    assert tasks.run_import(job.pk) == "failed"
    job.refresh_from_db()
    assert job.result.startswith("Something went wrong while applying the file")
    assert nothing_changed(order)


def test_an_import_delivered_twice_applies_once(order, agent):
    assert tasks.run_import.acks_late  # a worker lost mid-import leaves it for redelivery
    job = start(order, agent, rows_of(3))
    assert tasks.run_import(job.pk) == "done"
    assert tasks.run_import(job.pk) is None
    assert order.seats.filter(status=Seat.Status.ASSIGNED).count() == 3
    assert SeatEvent.objects.filter(seat__order=order).count() == 3
    assert OutboundEmail.objects.count() == 3
    job.refresh_from_db()
    assert job.status == "done"


def test_an_import_whose_broker_message_was_lost_is_queued_by_the_next_sweep(
    agent_client, order, agent
):
    job = start(order, agent, rows_of(2))  # queued, but the broker never delivers it
    assert tasks.requeue_stalled_imports.apply().get() == 1  # at once, not twenty minutes on
    job.refresh_from_db()
    assert job.status == "done"
    assert "2 seats assigned" in order_page(agent_client, order)
    assert jobs.requeue_stalled() == 0


def test_a_sweep_that_cannot_reach_the_broker_leaves_the_job_waiting_for_the_next(
    agent_client, order, agent, monkeypatch
):
    job = start(order, agent, rows_of(2))
    with monkeypatch.context() as broker:

        def unreachable(job_id):
            raise ConnectionError("broker down")

        broker.setattr(tasks.run_import, "delay", unreachable)
        assert jobs.requeue_stalled() == 0
    job.refresh_from_db()
    assert job.status == "queued"  # its message may still be in the broker: not failed
    assert nothing_changed(order)

    assert jobs.requeue_stalled() == 1
    assert "2 seats assigned" in order_page(agent_client, order)


@contextlib.contextmanager
def a_worker_applying(job: ImportJob, monkeypatch) -> Iterator[dict]:
    """A worker (a thread with its own database session) applies the job and waits once every
    row is written, before it commits; yields its backend's pid. Leaving the block lets it go on,
    if its session is still alive."""
    kind = jobs.KINDS[ImportJob.Kind(job.kind)]
    written, go_on = threading.Event(), threading.Event()
    worker: dict = {}

    def apply_then_wait(**kwargs):
        result = kind.apply(**kwargs)
        if threading.current_thread() is thread:
            worker["pid"] = connection.connection.info.backend_pid
            written.set()
            go_on.wait(timeout=30)
        return result

    def work():
        with contextlib.suppress(Error):
            jobs.run_import(job.pk)
        connection.close()

    monkeypatch.setitem(jobs.KINDS, ImportJob.Kind(job.kind), replace(kind, apply=apply_then_wait))
    thread = threading.Thread(target=work)
    thread.start()
    try:
        assert written.wait(timeout=30)
        yield worker
    finally:
        go_on.set()
        thread.join(timeout=30)


def applied_once(order, job: ImportJob, count: int) -> bool:
    job.refresh_from_db()
    return (
        job.status == "done"
        and order.seats.filter(status=Seat.Status.ASSIGNED).count() == count
        and SeatEvent.objects.filter(seat__order=order).count() == count
        and OutboundEmail.objects.filter(to_email__startswith="learner").count() == count
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_a_live_worker_is_applying_is_left_to_it(order, agent, monkeypatch):
    job = start(order, agent, rows_of(3))
    with a_worker_applying(job, monkeypatch):
        assert jobs.requeue_stalled() == 0
    assert applied_once(order, job, 3)
    assert jobs.requeue_stalled() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_died_mid_apply_is_applied_once_by_the_next_sweep(
    agent_client, order, agent, monkeypatch
):
    job = start(order, agent, rows_of(3))
    with a_worker_applying(job, monkeypatch) as worker:
        assert jobs.requeue_stalled() == 0  # alive: its transaction holds the job
        with connection.cursor() as cursor:  # the worker dies; PostgreSQL ends its session
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [worker["pid"]])
    assert nothing_changed(order)  # every row it wrote was rolled back with it

    assert tasks.requeue_stalled_imports.apply().get() == 1  # the next sweep
    assert applied_once(order, job, 3)
    assert "3 seats assigned" in order_page(agent_client, order)


@pytest.mark.postgres
def test_an_import_worker_asks_postgresql_to_notice_its_machine_vanishing(order, agent):
    job = start(order, agent, rows_of(1))
    assert tasks.run_import(job.pk) == "done"
    with connection.cursor() as cursor:  # the worker's session, after its import
        cursor.execute(
            "SELECT current_setting('tcp_keepalives_idle')::int + "
            "current_setting('tcp_keepalives_interval')::int * "
            "current_setting('tcp_keepalives_count')::int, "
            "current_setting('tcp_user_timeout')::int, "
            "(SELECT setting::int FROM pg_settings "
            "WHERE name = 'client_connection_check_interval')"
        )
        silent_seconds, unanswered_ms, check_every_ms = cursor.fetchone()
    assert 0 < silent_seconds <= 30
    assert 0 < unanswered_ms <= 30_000
    assert 0 < check_every_ms <= 30_000  # even while a statement runs or waits for a lock


def test_order_page_lists_only_that_orders_imports(agent_client, order, agent, group):
    from tests import factories

    other = factories.make_order(seats=2, buyer=agent, group=group)
    start(other, agent, rows_of(1))
    assert 'id="imports-title"' not in order_page(agent_client, order)


def test_a_foreign_agent_cannot_see_the_order_or_its_imports(client, order, agent, other_agent):
    start(order, agent, rows_of(1))
    client.force_login(other_agent)
    response = client.get(reverse("portal:order", args=[order.pk]))
    assert response.status_code == 404
