"""Imports run by Celery: big files, and the beat's recovery of jobs no live worker holds (their
worker died, or their message was lost)."""

from celery import shared_task

from . import jobs


@shared_task
def requeue_stalled_imports() -> int:
    """Every 30 seconds (the beat): how soon a dead worker's or a lost message's job runs again."""
    return jobs.requeue_stalled()


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def run_import(job_id: int) -> str | None:
    """Apply a queued import. Safe to deliver twice (acks_late, and the sweep's extra messages): a
    job applied already, or being applied by another worker, is left alone. 50,000 rows take
    well under the time limits."""
    job = jobs.run_import(job_id)
    return job.status if job else None
