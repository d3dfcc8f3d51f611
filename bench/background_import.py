"""Figure 6: a 50,000-row bulk assign applied by the background job (``run_import``, called
in-process as a worker would), against a 5,000-row one applied in the request, in rows/s."""

from unittest import mock

from django.db import connection

from imports import jobs
from imports.bulk import bulk_assign
from seats.models import ImportJob, Seat

from .bulk_assign import rows_for
from .common import Figure, timed
from .data import bulk_seats, paid_order, store_with_agent

ROWS = 50_000
REFERENCE_ROWS = 5_000
RUNS = 2


def big_order(store, group, agent, product, seats: int):
    """A paid order of ``seats`` seats, grown with one INSERT … generate_series."""
    order = paid_order(store, group, agent, product, 1)
    bulk_seats(order, order.lines.get(), seats - 1, group.pk)
    return order


def apply_by_job(order, agent, rows) -> tuple[float, float, int]:
    """(seconds to start the job, seconds to run it, progress reports) for one import; starting
    is the agent's click (the checks), running is the worker's part."""
    start, job = timed(
        lambda: jobs.start_import(order=order, actor=agent, kind="assign", rows=rows, enqueue=False)
    )
    with mock.patch.object(jobs, "report", wraps=jobs.report) as reported:
        seconds, done = timed(lambda: jobs.run_import(job.pk))
    assert done.status == ImportJob.Status.DONE, done.result
    assert Seat.objects.filter(order=order, status="assigned").count() == len(rows)
    return start, seconds, reported.call_count


def measure() -> tuple[float, float, dict]:
    """(best job rate, best 5,000-row rate, notes) in rows per second."""
    store, group, agent, product = store_with_agent()
    job_times, reference_times = [], []
    for run in range(RUNS):
        order = big_order(store, group, agent, product, ROWS)
        start, seconds, reports = apply_by_job(order, agent, rows_for(run + 200, ROWS))
        job_times.append(seconds)
        order = paid_order(store, group, agent, product, REFERENCE_ROWS)
        rows = rows_for(run + 300, REFERENCE_ROWS)
        seconds, _ = timed(lambda o=order, r=rows: bulk_assign(order=o, actor=agent, rows=r))
        reference_times.append(seconds)
    connection.close()
    notes = {
        "job seconds (50,000 rows)": round(min(job_times), 3),
        "request seconds (5,000 rows)": round(min(reference_times), 3),
        "job start, the checks (not timed) seconds": round(start, 3),
        "progress reports per job": reports,
    }
    return ROWS / min(job_times), REFERENCE_ROWS / min(reference_times), notes


def run() -> list[Figure]:
    job, reference, notes = measure()
    return [
        Figure(
            number=6,
            name=f"bulk assign {ROWS:,} rows, background job",
            value=job,
            unit="rows/s",
            reference_name=f"bulk assign {REFERENCE_ROWS:,} rows in the request",
            reference=reference,
            target=">= 1.0x",
            ok=job >= reference,
            notes=notes,
        )
    ]
