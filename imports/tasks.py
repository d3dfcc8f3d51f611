"""Imports run by Celery: big files, and the beat's recovery of jobs whose message was lost."""

from celery import shared_task

from . import jobs


@shared_task
def requeue_stalled_imports() -> int:
    return jobs.requeue_stalled()


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def run_import(job_id: int) -> str | None:
    """Apply a queued import. Safe to deliver twice (acks_late): a job applied already, or being
    applied by another worker, is left alone. 50,000 rows take well under the time limits."""
    job = jobs.run_import(job_id)
    return job.status if job else None
